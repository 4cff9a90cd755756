"""Snapshots from the command line and the plugin: --state, zuora-mock export / import, the marker."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.markdown import ROOT, blocks
from tests.e2e.cli_server import CliServer
from zuora_mock import create_app
from zuora_mock.app import emulator_of
from zuora_mock.cli import main
from zuora_mock.core.settings import ConfigError
from zuora_mock.server import BackgroundServer

pytest_plugins = ["pytester"]
TAG = {"object": "Tag", "label": "Tag", "properties": {"Name__c": {"type": "string", "label": "Name"}}}


@pytest.fixture
def server() -> Iterator[BackgroundServer]:
    with BackgroundServer(create_app({}, environ={})) as running:
        yield running


def _snapshot_with_tag(tmp_path: Path) -> Path:
    """A snapshot of the demo fixtures plus one custom object definition, Tag."""
    app = create_app({}, environ={})
    client = app.test_client()
    form = {
        "client_id": "5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b",
        "client_secret": "demo-secret-2fQ9xLk7TzR4vW1p",
    }
    token = client.post("/oauth/token", data={**form, "grant_type": "client_credentials"}).get_json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    client.post("/objects/definitions/default", json={"definitions": {"Tag": TAG}}, headers=auth)
    path = tmp_path / "state.json"
    path.write_bytes(client.get("/_mock/state").data)
    emulator_of(app).close()
    return path


def test_state_setting_loads_the_snapshot_at_start(tmp_path: Path) -> None:
    path = _snapshot_with_tag(tmp_path)
    app = create_app({"state": str(path)}, environ={})
    assert app.test_client().get("/_mock/state").data == path.read_bytes()
    emulator_of(app).close()


def test_a_bad_state_file_stops_the_start_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 7, "tenants": {}}))
    with pytest.raises(
        ConfigError, match=r"state file .*bad\.json: Invalid state document: version: must be 1"
    ):
        create_app({"state": str(bad)}, environ={})


def test_export_then_import_over_http(
    server: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = _snapshot_with_tag(tmp_path)
    assert main(["import", "--url", server.url, str(seeded)]) == 0
    assert json.loads(capsys.readouterr().out) == {"success": True, "loaded": ["demo", "multi-entity"]}
    out = tmp_path / "out.json"
    assert main(["export", "--url", server.url, str(out)]) == 0
    assert out.read_bytes() == seeded.read_bytes()
    one = tmp_path / "one.json"
    assert main(["export", "--url", server.url, "--tenant", "demo", str(one)]) == 0
    assert list(json.loads(one.read_bytes())["tenants"]) == ["demo"]


def test_import_of_a_bad_file_reports_the_refusal(
    server: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert main(["import", "--url", server.url, str(bad)]) == 1
    assert "answered 400" in capsys.readouterr().err


def test_the_command_line_flag_and_variable(tmp_path: Path) -> None:
    path = _snapshot_with_tag(tmp_path)
    for running in (CliServer("--state", str(path)), CliServer(env={"ZUORA_MOCK_STATE": str(path)})):
        running.start()
        try:
            out = tmp_path / "out.json"
            assert main(["export", "--url", running.url, str(out)]) == 0
            assert "Tag" in [
                o["definition"]["type"]
                for o in next(iter(json.loads(out.read_bytes())["tenants"]["demo"]["entities"].values()))[
                    "objects"
                ]
            ]
        finally:
            running.stop()


def test_the_plugin_marker_loads_a_snapshot(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """The marked test of docs/state.md (found by its marker naming test_state_cli.py), run as a user's."""
    path = _snapshot_with_tag(tmp_path)
    documented = next(
        block.text
        for block in blocks(ROOT / "docs" / "state.md")
        if block.marker == "skip" and "test_state_cli.py" in block.argument
    )
    unmarked = """

def test_unmarked(zuora_mock_reset, zuora_mock_client):
    assert "Tag" not in zuora_mock_client.list_definitions()["definitions"]
"""
    pytester.makepyfile(documented.replace("snapshots/demo.json", str(path)) + unmarked)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)
