"""The comparison rules: what is contract (exact), what is incidental (compared by format), and ids that must
keep standing for the same thing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zuora_mock.recorder.compare import Comparison, Difference
from zuora_mock.recorder.idmap import IdMap
from zuora_mock.recorder.rules import (
    EXACT,
    HEADER_RULES,
    ISO_MILLIS,
    JSON_RULES,
    RECORD_ID,
    header_rule,
    json_rule,
)

X = "11111111-1111-4111-8111-111111111111"
Y = "22222222-2222-4222-8222-222222222222"
Z = "33333333-3333-4333-8333-333333333333"


def answer(body: Any, status: int = 200, headers: list[list[str]] | None = None) -> dict[str, Any]:
    return {"status": status, "headers": headers or [], "body": {"kind": "json", "json": body}}


def diff(recorded: Any, replayed: Any, ids: IdMap | None = None, **kwargs: Any) -> list[tuple[str, str]]:
    found = Comparison(ids or IdMap()).answer(answer(recorded, **kwargs), answer(replayed, **kwargs))
    return [(d.where, d.rule) for d in found]


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("$.records[3].Id", RECORD_ID),
        ("$.Id", RECORD_ID),
        ('$.definitions["odd key"].Id', RECORD_ID),
        ("$.records[0].CreatedDate", ISO_MILLIS),
        ("$.records[0].DeviceId__c", EXACT),
        ("$.error.details[0].message", EXACT),
        ("$.nested.bulkKey", EXACT),
    ],
)
def test_json_rules_by_path(path: str, rule: object) -> None:
    assert json_rule(path) is rule


def test_only_documented_headers_are_compared() -> None:
    assert header_rule("Zuora-Request-Id") is not None and header_rule("ETag") is not None
    assert header_rule("Date") is None and header_rule("Content-Length") is None


def test_ids_timestamps_and_counters_by_format_the_rest_exactly() -> None:
    recorded = {"Id": X, "CreatedDate": "2026-01-01T00:00:00.000Z", "count": 2, "Name__c": "a"}
    replayed = {"Id": Y, "CreatedDate": "2026-12-02T17:00:00.123Z", "count": 2, "Name__c": "a"}
    assert diff(recorded, replayed) == []
    assert diff(recorded, {**replayed, "Name__c": "b"}) == [("body $.Name__c", "exact")]
    assert diff(recorded, {**replayed, "CreatedDate": "2026-12-02"}) == [
        ("body $.CreatedDate", ISO_MILLIS.label)
    ]
    assert diff(recorded, {**replayed, "Id": "not-an-id"}) == [("body $.Id", RECORD_ID.label)]


def test_keys_their_order_and_types_are_contract() -> None:
    assert diff({"a": 1, "b": 2}, {"b": 2, "a": 1}) == [("body $", "keys")]
    assert diff({"a": 1}, {"a": 1, "c": 3}) == [("body $", "keys")]
    assert diff({"a": 3}, {"a": 3.0}) == [("body $.a", "type")]
    assert diff({"a": None}, {"a": "x"}) == [("body $.a", "type")]
    assert diff([1, 2], [1]) == [("body $", "length")]


def test_an_id_keeps_standing_for_the_same_record() -> None:
    ids = IdMap()
    assert diff({"Id": X}, {"Id": Y}, ids) == []
    assert ids.forward[X] == Y
    assert diff({"records": [{"Id": X}]}, {"records": [{"Id": Y}]}, ids) == []
    (difference,) = Comparison(ids).answer(answer({"Id": X}), answer({"Id": Z}))
    assert difference.note == f"another id than before: {X} stood for {Y} until now"
    assert diff({"Id": Z}, {"Id": Y}, ids) == [("body $.Id", RECORD_ID.label)], "Y is X's already"


def test_exact_values_see_ids_through_the_map() -> None:
    ids = IdMap({X: Y})
    assert diff(f"/objects/records/default/V/{X}", f"/objects/records/default/V/{Y}", ids) == []
    assert diff({X: {"a": 1}}, {Y: {"a": 1}}, ids) == [], "object keys too"
    assert diff(f"/objects/records/default/V/{Z}", f"/objects/records/default/V/{Y}", ids) == [
        ("body $", "exact")
    ]


def test_links_compare_their_path_and_learn_the_ids_in_it() -> None:
    ids = IdMap()
    recorded = {"outputURL": "https://rest.apisandbox.zuora.com/v1/files/" + "a" * 32}
    replayed = {"outputURL": "http://zuora-mock.local/v1/files/" + "b" * 32}
    assert diff(recorded, replayed, ids) == []
    assert ids.translate("/v1/files/" + "a" * 32) == "/v1/files/" + "b" * 32
    assert diff(recorded, {"outputURL": "http://x/v1/other/" + "b" * 32}, ids) == [
        ("body $.outputURL", "link")
    ]


def test_headers_presence_and_rules() -> None:
    def headers(track: str | None, request_id: str) -> list[list[str]]:
        found = [["zuora-request-id", request_id], ["date", request_id]]
        return found + ([["zuora-track-id", track]] if track else [])

    ids = IdMap()
    same = Comparison(ids).answer(answer({}, headers=headers("t", X)), answer({}, headers=headers("t", Y)))
    assert same == []
    missing = Comparison(ids).answer(
        answer({}, headers=headers("t", Z)), answer({}, headers=headers(None, Z + "0"))
    )
    assert [(d.where, d.rule) for d in missing] == [
        ("header zuora-request-id", "request id (uuid)"),
        ("header zuora-track-id", "presence"),
    ]


def test_status_and_body_kind() -> None:
    recorded = {"status": 400, "headers": [], "body": {"kind": "text", "text": "a"}}
    replayed = {"status": 200, "headers": [], "body": {"kind": "empty"}}
    assert Comparison(IdMap()).answer(recorded, replayed) == [
        Difference("status", "exact", 400, 200),
        Difference("body", "kind", "text", "empty", "another kind of body"),
    ]


def test_docs_recording_lists_every_rule() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "recording.md").read_text()
    assert [pattern for pattern, _ in JSON_RULES if f"`{pattern}`" not in text] == []
    assert [name for name in HEADER_RULES if f"`{name}`" not in text.lower()] == []
