"""Fidelity as evidence: record a session against a second zuora-mock over real sockets, configured to differ
in known ways, replay it against a default emulator, and find exactly those differences and nothing else."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.recorder import exercise
from tests.recorder.upstream import DEMO_CLIENT_SECRET, Upstream
from zuora_mock.core.fixtures import default_fixtures_dir
from zuora_mock.recorder import RecordingProxy, Report, replay

# (step, where, recorded, replayed): the differences a scenario must produce, all of them and only them.
Expected = set[tuple[str, str, Any, Any]]


def _changed_fixtures(root: Path) -> Path:
    """The bundled fixtures with one definition field's label and one seed record's value changed."""
    fixtures = shutil.copytree(default_fixtures_dir(), root / "fixtures")
    definitions = fixtures / "seed" / "custom_objects" / "definitions.json"
    data = json.loads(definitions.read_text())
    data["definitions"]["Vehicle"]["properties"]["Make__c"]["label"] = "Manufacturer"
    definitions.write_text(json.dumps(data))
    records = fixtures / "seed" / "custom_objects" / "records" / "Vehicle.json"
    data = json.loads(records.read_text())
    data["records"][0]["Make__c"] = "Volvo"
    records.write_text(json.dumps(data))
    return fixtures


@dataclass(frozen=True)
class Scenario:
    """How the upstream differs from the emulator the replay runs, and what the report must say.

    `config` are the upstream's settings (`fixtures` built by `fixtures` under the test's directory);
    `prepare` runs against the upstream's URL before the recording, for differences that are set up through
    its admin API rather than its settings: a fault rule (`POST /_mock/faults`) becomes one more scenario
    whose `prepare` posts the rule and whose `expected` names the faulted step's status and body.
    """

    config: dict[str, Any] = field(default_factory=dict)
    fixtures: Callable[[Path], Path] | None = None
    prepare: Callable[[str], None] | None = None
    expected: Expected = field(default_factory=set)


SCENARIOS = {
    "identical": Scenario(),
    "v1-error-status-4xx": Scenario(
        config={"v1_error_status": "4xx"},
        expected={
            ("unknown-bulk-key", "status", 404, 200),
            ("unknown-action", "status", 400, 200),
            ("stop-completed", "status", 400, 200),
        },
    ),
    "changed-fixture": Scenario(
        fixtures=_changed_fixtures,
        expected={
            (
                "seed-definitions",
                "body $.definitions.Vehicle.schema.properties.Make__c.label",
                "Manufacturer",
                "Make",
            ),
            ("seed-definition", "body $.schema.properties.Make__c.label", "Manufacturer", "Make"),
            ("seed-records", "body $.records[0].Make__c", "Volvo", "Ford"),
        },
    ),
    "strict-clients": Scenario(
        config={"strict_clients": "true"},
        expected={
            ("stranger-token", "status", 400, 200),
            (
                "stranger-token",
                "body $",
                ("timestamp", "status", "error", "message", "path"),
                ("access_token", "expires_in", "jti", "scope", "token_type"),
            ),
        },
    ),
}


def step_of(cassette: str) -> str:
    return re.sub(r"^\d+-|\.cassette\.json$", "", cassette)


def found(report: Report) -> Expected:
    """Every difference of a report, in the shape of Scenario.expected."""
    return {
        (
            step_of(result.cassette),
            difference.where,
            tuple(difference.recorded) if isinstance(difference.recorded, list) else difference.recorded,
            tuple(difference.replayed) if isinstance(difference.replayed, list) else difference.replayed,
        )
        for result in report.results
        for difference in result.differences
    }


def record(tmp_path: Path, scenario: Scenario) -> tuple[Path, list[str]]:
    """Run the exercise through a recording proxy in front of the scenario's upstream."""
    config = dict(scenario.config)
    if scenario.fixtures is not None:
        config["fixtures"] = str(scenario.fixtures(tmp_path))
    cassettes = tmp_path / "cassettes"
    with Upstream(config) as upstream:
        if scenario.prepare is not None:
            scenario.prepare(upstream.url)
        with RecordingProxy(upstream.url, cassettes) as proxy:
            exercise.run(proxy)
        return cassettes, upstream.issued_tokens


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_replay_finds_exactly_the_known_differences(tmp_path: Path, name: str) -> None:
    scenario = SCENARIOS[name]
    cassettes, _ = record(tmp_path, scenario)
    assert sorted(step_of(path.name) for path in cassettes.glob("*.cassette.json")) == sorted(exercise.STEPS)
    report = replay(cassettes)
    assert found(report) == scenario.expected
    assert report.ok is not scenario.expected
    assert {result.outcome for result in report.results} <= {"match", "differs"}
    differing = {step_of(result.cassette) for result in report.differing}
    assert differing == {step for step, *_ in scenario.expected}


def test_an_accepted_difference_is_reported_with_its_reason_and_passes(tmp_path: Path) -> None:
    cassettes, _ = record(tmp_path, SCENARIOS["changed-fixture"])
    (cassettes / "accepted.json").write_text(
        json.dumps(
            {
                "version": 1,
                "accepted": [
                    {
                        "endpoint": "GET /objects/*",
                        "where": "body *Make__c*",
                        "reason": "our sandbox's own seed",
                    }
                ],
            }
        )
    )
    report = replay(cassettes)
    assert report.ok
    accepted = [(step_of(r.cassette), d.where, reason) for r in report.results for d, reason in r.accepted]
    assert sorted(accepted) == [
        ("seed-definition", "body $.schema.properties.Make__c.label", "our sandbox's own seed"),
        (
            "seed-definitions",
            "body $.definitions.Vehicle.schema.properties.Make__c.label",
            "our sandbox's own seed",
        ),
        ("seed-records", "body $.records[0].Make__c", "our sandbox's own seed"),
    ]
    markdown, data = report.write(tmp_path / "report")
    assert "## Accepted differences" in markdown.read_text()
    assert json.loads(data.read_text())["summary"]["accepted"] == 3


def test_no_secret_reaches_a_cassette(tmp_path: Path) -> None:
    cassettes, tokens = record(tmp_path, SCENARIOS["identical"])
    secrets = [DEMO_CLIENT_SECRET, exercise.STRANGER_SECRET, *tokens]
    assert len(tokens) == 4  # the demo client's and the stranger's access tokens and jtis
    for path in cassettes.iterdir():
        text = path.read_text()
        assert [secret for secret in secrets if secret in text] == [], path.name
    token_step = json.loads(next(cassettes.glob("*-token.cassette.json")).read_text())
    (exchange,) = token_step["exchanges"]
    assert exchange["request"]["body"]["form"] == [
        ["client_id", "<client-id>"],
        ["client_secret", "<client-secret>"],
        ["grant_type", "client_credentials"],
    ]
    assert exchange["response"]["body"]["json"]["access_token"] == "<access-token:1>"
