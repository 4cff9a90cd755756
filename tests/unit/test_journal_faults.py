"""The journal's bounds and filters, and how fault rules match, count and run out."""

from __future__ import annotations

import pytest

from zuora_mock.backend.faults import Faults, FaultSpec
from zuora_mock.backend.journal import Exchange, Journal, JournalFilter, path_matches

pytestmark = pytest.mark.emulator_only


def exchange(
    path: str = "/v1/bulk",
    *,
    method: str = "POST",
    tenant: str | None = "demo",
    status: int = 200,
    body: bytes = b"{}",
) -> Exchange:
    return Exchange(0.0, tenant, method, path, "", (), body, status, "application/json", b"{}", 1.0)


def test_journal_keeps_at_most_its_size_oldest_dropped_first() -> None:
    journal = Journal(size=3, max_bytes=1 << 20)
    for index in range(5):
        journal.record(exchange(f"/v1/files/{index}"))
    entries, total = journal.entries(JournalFilter())
    assert [entry.exchange.path for entry in entries] == ["/v1/files/2", "/v1/files/3", "/v1/files/4"]
    assert total == 3
    assert [entry.id for entry in entries] == [3, 4, 5]


def test_journal_byte_budget_drops_old_entries_but_keeps_the_newest() -> None:
    journal = Journal(size=100, max_bytes=3000)
    for _ in range(10):
        journal.record(exchange(body=b"x" * 1000))
    assert 1 <= len(journal) <= 2
    journal.record(exchange(body=b"y" * 10_000))
    assert len(journal) == 1


def test_size_zero_records_nothing() -> None:
    journal = Journal(size=0, max_bytes=1 << 20)
    journal.record(exchange())
    assert len(journal) == 0
    assert not journal.enabled


@pytest.mark.parametrize(
    ("wanted", "paths"),
    [
        (JournalFilter(method="get"), ["/v1/bulk/k"]),
        (
            JournalFilter(path="/objects/*"),
            ["/objects/batch/default/Vehicle", "/objects/records/default/Fleet"],
        ),
        (JournalFilter(path="/v1/bulk"), ["/v1/bulk"]),
        (JournalFilter(tenant="other"), ["/objects/records/default/Fleet"]),
        (JournalFilter(status=400), ["/objects/batch/default/Vehicle"]),
        (JournalFilter(limit=2), ["/objects/batch/default/Vehicle", "/objects/records/default/Fleet"]),
        (JournalFilter(limit=0), []),
    ],
)
def test_journal_filters(wanted: JournalFilter, paths: list[str]) -> None:
    journal = Journal(size=10, max_bytes=1 << 20)
    journal.record(exchange("/v1/bulk"))
    journal.record(exchange("/v1/bulk/k", method="GET"))
    journal.record(exchange("/objects/batch/default/Vehicle", status=400))
    journal.record(exchange("/objects/records/default/Fleet", tenant="other"))
    entries, _ = journal.entries(wanted)
    assert [entry.exchange.path for entry in entries] == paths


def test_clearing_one_tenant_keeps_the_others() -> None:
    journal = Journal(size=10, max_bytes=1 << 20)
    journal.record(exchange(tenant="demo"))
    journal.record(exchange(tenant="other"))
    assert journal.clear(["demo"]) == 1
    assert [entry.exchange.tenant for entry in journal.entries(JournalFilter())[0]] == ["other"]


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/v1/bulk", "/v1/bulk", True),
        ("/v1/bulk", "/v1/bulk/abc", False),
        ("/v1/bulk/*", "/v1/bulk/abc", True),
        ("/objects/*/default/Vehicle", "/objects/batch/default/Vehicle", True),
        ("*", "/anything/at/all", True),
    ],
)
def test_path_globs(pattern: str, path: str, expected: bool) -> None:
    assert path_matches(pattern, path) is expected


def test_a_rule_fires_times_then_lets_requests_through() -> None:
    faults = Faults()
    rule = faults.add(FaultSpec("server-error", method="POST", path="/v1/bulk", times=2))
    fired = [faults.match("POST", "/v1/bulk", "demo") is not None for _ in range(4)]
    assert fired == [True, True, False, False]
    kept = faults.get(rule.id)
    assert kept is not None
    assert (kept.fired, kept.exhausted) == (2, True)


def test_after_lets_the_first_matches_through() -> None:
    faults = Faults()
    faults.add(FaultSpec("server-error", after=2, times=None))
    assert [faults.match("GET", "/v1/bulk/k", None) is not None for _ in range(4)] == [
        False,
        False,
        True,
        True,
    ]


def test_method_path_and_tenant_must_all_match() -> None:
    faults = Faults()
    faults.add(FaultSpec("rate-limit", method="POST", path="/objects/*", tenant="demo", times=None))
    assert faults.match("GET", "/objects/batch/default/Vehicle", "demo") is None
    assert faults.match("POST", "/v1/bulk", "demo") is None
    assert faults.match("POST", "/objects/batch/default/Vehicle", "other") is None
    assert faults.match("POST", "/objects/batch/default/Vehicle", "demo") is not None


def test_probability_is_replayable_with_a_seed() -> None:
    def run() -> list[bool]:
        faults = Faults(seed=7)
        faults.add(FaultSpec("server-error", probability=0.5, times=None))
        return [faults.match("GET", "/v1/x", None) is not None for _ in range(40)]

    first = run()
    assert first == run()
    assert 5 < sum(first) < 35


def test_a_rule_that_does_not_fire_leaves_the_next_rule_its_chance() -> None:
    faults = Faults()
    faults.add(FaultSpec("server-error", after=1))
    second = faults.add(FaultSpec("rate-limit"))
    found = faults.match("GET", "/v1/x", None)
    assert found is not None
    assert found.id == second.id


def test_remove_and_clear() -> None:
    faults = Faults()
    one = faults.add(FaultSpec("delay", tenant="demo"))
    faults.add(FaultSpec("delay", tenant="other"))
    assert faults.remove(one.id)
    assert not faults.remove(one.id)
    assert faults.clear(["other"]) == 1
    assert faults.rules() == []
