"""The conformance check itself: the golden corpus passes it, every served operation is in the spec (or
listed), and a difference nobody listed fails. The session-wide check runs when every test session ends."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conformance import divergences
from tests.conformance.check import Exchange, problems, spec, undocumented
from tests.conformance.divergences import Divergence
from tests.conformance.routes import ZUORA_PREFIXES, normalise, served_routes

pytestmark = pytest.mark.emulator_only
CORPUS = Path(__file__).parents[1] / "api" / "wire_corpus.json"
_PLACEHOLDER_UUID = re.compile(r"<uuid-\d+>")


def _operation_of(method: str, path: str) -> str:
    """The served operation whose template matches the path, else the path as sent (a routing miss)."""
    for operation in sorted(served_routes()):
        verb, template = operation.split(" ", 1)
        pattern = "^" + re.escape(template).replace(r"\{\}", "[^/]+") + "$"
        if verb == method and re.match(pattern, path):
            return operation
    return normalise(method, path)


def corpus_exchanges() -> list[Exchange]:
    """The golden corpus's Zuora exchanges; placeholders stand for real values of the same shape."""
    found = []
    for raw in json.loads(CORPUS.read_text(encoding="utf-8"))["exchanges"]:
        path = raw["path"].split("?", 1)[0]
        if not path.startswith(ZUORA_PREFIXES):
            continue
        headers = {name.lower(): value for name, value in raw["headers"]}
        if not isinstance(raw["body"], str):
            body = b"PK\x03\x04"  # the corpus keeps a zip's files, not its bytes
        else:
            body = _PLACEHOLDER_UUID.sub("00000000-0000-4000-8000-000000000000", raw["body"]).encode()
        found.append(Exchange(_operation_of(raw["method"], path), raw["status"], headers, body, path))
    return found


def test_the_golden_corpus_conforms() -> None:
    exchanges = corpus_exchanges()
    assert len(exchanges) > 80
    found = [problem for exchange in exchanges for problem in problems(exchange)]
    assert [str(p) for p in undocumented(found, divergences.load())] == []


def test_every_served_operation_is_in_the_spec_or_listed() -> None:
    listed = divergences.load()
    missing = [
        operation
        for operation in sorted(served_routes())
        if operation not in spec()["operations"]
        and not any(d.covers(operation, 200, "route") for d in listed)
    ]
    assert missing == []


def test_an_undocumented_divergence_fails() -> None:
    wrong = Exchange(
        "GET /v1/bulk/{}",
        200,
        {"content-type": "application/json", "zuora-request-id": "x"},
        b'{"success": "yes", "bulkKey": 1}',
    )
    found = problems(wrong)
    wheres = {p.where for p in found}
    assert {
        "body:/success",
        "body:/bulkKey",
        "header:RateLimit-Limit",
        "header:Concurrency-Limit-Type",
    } <= wheres
    assert undocumented(found, divergences.load()) != []
    excuse = Divergence("GET /v1/bulk/*", "2*", "*", "everything", "a test")
    assert undocumented(found, [excuse]) == []


def test_an_undeclared_status_fails() -> None:
    exchange = Exchange("GET /v1/bulk/{}", 418, {"content-type": "application/json"}, b"{}")
    assert any(p.where == "status" for p in undocumented(problems(exchange), divergences.load()))


def test_the_divergence_table_is_read(tmp_path: Path) -> None:
    rows = divergences.load()
    assert len(rows) >= 10 and all(row.what and row.evidence for row in rows)
    broken = tmp_path / "fidelity.md"
    broken.write_text(f"{divergences.START}\n| `GET /x` | `200` | `route` | what | |\n{divergences.END}\n")
    with pytest.raises(ValueError, match="evidence"):
        divergences.load(broken)
