"""Replay of hand-written cassettes: what is not emulated or not replayable, bad files, ids given in advance,
and how mass actions are driven to the recorded state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zuora_mock.recorder import ReplayOptions, replay
from zuora_mock.recorder.cassette import CASSETTE_VERSION, CassetteError, load_directory, write
from zuora_mock.recorder.replay import ReplayError
from zuora_mock.recorder.report import AcceptedError
from zuora_mock.recorder.sync import BulkSync

BEARER = [["authorization", "Bearer <access-token:1>"]]
JSON = [["content-type", "application/json;charset=utf-8"]]


def exchange(method: str, path: str, status: int, answer: Any, request: dict | None = None) -> dict[str, Any]:
    return {
        "request": {
            "method": method,
            "path": path,
            "query": [],
            "headers": BEARER,
            "body": request or {"kind": "empty"},
        },
        "response": {"status": status, "headers": JSON, "body": {"kind": "json", "json": answer}},
    }


def cassette(directory: Path, name: str, *exchanges: dict[str, Any], case: dict | None = None) -> Path:
    path = directory / f"0001-{name}.cassette.json"
    write(
        path,
        {
            "version": CASSETTE_VERSION,
            "name": name,
            "recorded": {"at": "2026-12-01T10:00:00Z", "tenantKind": "SBX"},
            "case": case,
            "exchanges": list(exchanges),
        },
    )
    return path


def test_endpoints_the_emulator_lacks_are_reported_not_sent(tmp_path: Path) -> None:
    cassette(
        tmp_path,
        "accounts",
        exchange("POST", "/v1/subscriptions", 200, {"success": True}),
        exchange("GET", "/static/app.js", 404, {"message": "x"}),
        exchange("GET", "/objects/definitions/default/Vehicle", 200, {"type": "Vehicle"}),
        case={
            "test": "tests/contract/test_x.py::test_y[tenant]",
            "marker": "unverified",
            "outcome": "passed",
        },
    )
    report = replay(tmp_path)
    lacking, static, vehicle = report.results
    assert (lacking.outcome, lacking.replayed_status, lacking.endpoint) == (
        "not emulated",
        None,
        "POST /v1/subscriptions",
    )
    assert static.outcome == "not emulated"
    assert (
        vehicle.outcome == "differs" and vehicle.endpoint == "GET /objects/definitions/default/{object_name}"
    )
    assert report.reauthentications == 1
    (case,) = report.cases
    assert (case.verified, case.replay) == (False, "differs, not emulated")


def test_a_body_kept_as_a_digest_is_not_replayable(tmp_path: Path) -> None:
    omitted = {"kind": "omitted", "size": 9000000, "sha256": "0" * 64}
    cassette(tmp_path, "big", exchange("POST", "/v1/bulk", 200, {"success": True}, request=omitted))
    (result,) = replay(tmp_path).results
    assert (result.outcome, result.note) == ("not replayable", "the recorded omitted body was not kept whole")


def test_ids_given_in_advance_are_used_in_requests(tmp_path: Path) -> None:
    upstream_entity = "0a0b0c0d-0000-4000-8000-000000000001"
    demo_entity = "1a2b7a37-3e7d-4cb3-b0e2-883de9e766cc"
    call = exchange("GET", "/objects/definitions/default", 200, {"definitions": {}, "count": 0})
    call["request"]["headers"] = [*BEARER, ["zuora-entity-ids", upstream_entity]]
    cassette(tmp_path, "entity", call)
    with pytest.raises(ReplayError, match=f"no token .*Invalid entity id: {upstream_entity}"):
        replay(tmp_path)
    mapped = replay(tmp_path, ReplayOptions(id_map={upstream_entity: demo_entity})).results[0]
    assert mapped.replayed_status == 200


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a readable JSON file"),
        (json.dumps({"version": 2, "exchanges": []}), "cassette version 2 is not supported"),
        (json.dumps({"version": 1, "exchanges": [{"request": {}}]}), "exchange 0: 'request' lacks method"),
    ],
)
def test_bad_cassettes_are_named(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "0001-x.cassette.json").write_text(content)
    with pytest.raises(CassetteError, match=message):
        load_directory(tmp_path)
    with pytest.raises(CassetteError, match="no such directory"):
        load_directory(tmp_path / "missing")


def test_a_bad_accepted_file_is_named(tmp_path: Path) -> None:
    cassette(tmp_path, "x", exchange("POST", "/v1/subscriptions", 200, {}))
    (tmp_path / "accepted.json").write_text('{"accepted": [{"where": "status"}]}')
    with pytest.raises(AcceptedError, match=r"accepted\.json"):
        replay(tmp_path)
    with pytest.raises(AcceptedError, match=r"elsewhere\.json"):
        replay(tmp_path, ReplayOptions(accepted=tmp_path / "elsewhere.json"))


def job(status: str, processed: int | None, output: str | None = None) -> dict[str, Any]:
    return {"status": status, "processedCount": processed, "outputURL": output, "success": True}


def test_mass_actions_are_driven_to_each_recorded_poll() -> None:
    calls: list[tuple[str, dict]] = []

    def admin(path: str, body: dict) -> dict:
        calls.append((path, body))
        return {"processedCount": body.get("rows", 30)}

    key = "a" * 32
    recorded = [
        exchange("GET", f"/v1/bulk/{key}", 200, job("Pending", None)),
        exchange("GET", f"/v1/bulk/{key}", 200, job("Processing", 12)),
        exchange("GET", f"/v1/bulk/{key}", 200, job("Completed", 30, "https://x/v1/files/" + "b" * 32)),
    ]
    sync = BulkSync(admin)
    for index in range(len(recorded)):
        sync.before(recorded, index, str.upper)
    advance = f"/_mock/bulk/{key.upper()}/advance"
    assert calls == [(advance, {"rows": 12}), (advance, {})]


def test_a_stop_is_preceded_by_the_rows_done_upstream_or_by_the_end() -> None:
    calls: list[dict] = []
    key = "c" * 32
    stopped = [
        exchange("PUT", f"/v1/bulk/{key}/stop", 200, {"success": True}),
        exchange("GET", f"/v1/bulk/{key}", 200, job("Stopped", 7, "https://x/v1/files/" + "d" * 32)),
    ]
    sync = BulkSync(lambda path, body: calls.append(body))
    sync.before(stopped, 0, str)
    assert calls == [{"rows": 7}]
    calls.clear()
    refused = [exchange("PUT", f"/v1/bulk/{key}/stop", 200, {"success": False, "reasons": []})]
    sync.before(refused, 0, str)
    assert calls == [{}]
