"""The whole contract suite recorded through `--target tenant --record DIR` against a second zuora-mock, then
replayed: an identical upstream gives zero differences, and every case that passed there is verified."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.recorder.upstream import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Upstream
from zuora_mock.recorder import Report, replay

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 300
# Mass actions start and run faster than by default: the recording takes less time, and the replay, which
# drives every job to the state each recorded poll shows, must not care about the pace.
PACE = {"bulk_start_delay": "0.02", "bulk_rows_per_second": "500"}


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Cassettes of the contract suite (test_marking has no exchange and runs pytest itself: left out)."""
    cassettes = tmp_path_factory.mktemp("contract") / "cassettes"
    with Upstream(PACE) as upstream:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("ZUORA_", "PYTEST_"))}
        env.update(
            ZUORA_BASE_URL=upstream.url,
            ZUORA_CLIENT_ID=DEMO_CLIENT_ID,
            ZUORA_CLIENT_SECRET=DEMO_CLIENT_SECRET,
            ZUORA_TENANT_KIND="local-emulator",
        )
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "tests/contract",
                "--ignore=tests/contract/test_marking.py",
                "--target",
                "tenant",
                "--record",
                str(cassettes),
                "-q",
                "-p",
                "no:cacheprovider",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
        )
        tokens = upstream.issued_tokens
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return cassettes, tokens


@pytest.fixture(scope="module")
def replayed(recording: tuple[Path, list[str]]) -> Report:
    return replay(recording[0])


def test_an_identical_upstream_replays_with_zero_differences(replayed: Report) -> None:
    report = replayed
    assert [(r.cassette, r.index, r.differences) for r in report.differing] == []
    assert {result.outcome for result in report.results} == {"match"}
    assert len(report.results) > 300
    assert report.reauthentications == 0


def test_every_case_that_passed_upstream_is_verified_with_date_and_tenant_kind(
    recording: tuple[Path, list[str]], replayed: Report, tmp_path: Path
) -> None:
    cassettes, report = recording[0], replayed
    passed = [case for case in report.cases if case.upstream_outcome == "passed"]
    assert len(passed) == len(list(cassettes.glob("*.cassette.json"))) > 80
    assert all(case.verified and case.tenant_kind == "local-emulator" for case in passed)
    assert {case.marker for case in passed} == {"unverified"}
    markdown, data = report.write(tmp_path / "fidelity-report")
    first = json.loads(data.read_text())["cases"][0]
    assert first["verified"] is True and first["test"].startswith("tests/contract/")
    assert f"verified against local-emulator on {first['date']}" in markdown.read_text()


def test_a_single_cassette_replays_alone_with_a_token_of_its_own(
    recording: tuple[Path, list[str]], tmp_path: Path
) -> None:
    cassettes, _ = recording
    (source,) = cassettes.glob("*test_list_by_ids_returns_exactly_those*.cassette.json")
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / source.name).write_text(source.read_text())
    report = replay(alone)
    assert report.ok and report.reauthentications == 1
    assert {result.outcome for result in report.results} == {"match"}


def test_no_secret_or_token_is_in_any_file(recording: tuple[Path, list[str]]) -> None:
    cassettes, tokens = recording
    assert tokens, "the upstream issued no token"
    for path in cassettes.iterdir():
        text = path.read_text()
        assert DEMO_CLIENT_SECRET not in text, path.name
        assert DEMO_CLIENT_ID not in text, path.name
        assert [token for token in tokens if token in text] == [], path.name
