"""The `data_dir` setting: what a second emulator opening the same database (as after a crash) finds."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.test_bulk_upload import post_bulk
from tests.conftest import DEMO_ENTITY, fetch_token
from zuora_mock import create_app
from zuora_mock.app import emulator_of
from zuora_mock.backend.persistence import DATABASE_NAME
from zuora_mock.core.settings import ConfigError

DELETE_RS = b"Revenue Schedule Number\nRS-00000001\nRS-00000099\n"
NEW_CLIENT = "0f0e0d0c-0b0a-4909-8807-060504030299"
TAG = {"object": "Tag", "label": "Tag", "properties": {"Name__c": {"type": "string", "label": "Name"}}}
WAIT = 30.0


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[list[Flask]]:
    """Apps made by `open_app`, closed after the test."""
    made: list[Flask] = []
    yield made
    for app in made:
        emulator_of(app).close()


def open_app(apps: list[Flask], data_dir: Path, **config: Any) -> Flask:
    app = create_app({"data_dir": str(data_dir), **config}, environ={})
    apps.append(app)
    return app


def _auth(client: FlaskClient, client_id: str | None = None) -> dict[str, str]:
    token = fetch_token(client) if client_id is None else fetch_token(client, client_id, "secret")
    return {"Authorization": f"Bearer {token}"}


def test_without_data_dir_nothing_is_kept() -> None:
    emulator = emulator_of(create_app({}, environ={}))
    assert emulator.persistence is None
    emulator.close()


def test_a_write_is_committed_before_it_is_answered(apps: list[Flask], tmp_path: Path) -> None:
    client = open_app(apps, tmp_path).test_client()
    auth = _auth(client)
    created = client.post("/objects/definitions/default", json={"definitions": {"Tag": TAG}}, headers=auth)
    assert created.status_code == 200
    records = client.post(
        "/objects/records/default/Tag", json={"records": [{"Name__c": "kept"}]}, headers=auth
    )
    record_id = records.get_json()["records"][0]["Id"]
    # A second emulator on the same database, the first one never closed: what a crash leaves.
    again = open_app(apps, tmp_path).test_client()
    found = again.get(f"/objects/records/default/Tag/{record_id}", headers=_auth(again))
    assert found.status_code == 200
    assert found.get_json()["Name__c"] == "kept"
    assert (tmp_path / DATABASE_NAME).exists()


def test_a_refused_write_changes_nothing_kept(apps: list[Flask], tmp_path: Path) -> None:
    app = open_app(apps, tmp_path)
    client = app.test_client()
    before = client.get("/_mock/state").get_json()
    refused = client.post("/objects/records/default/Nope", json={"records": [{}]}, headers=_auth(client))
    assert refused.status_code == 404
    assert open_app(apps, tmp_path).test_client().get("/_mock/state").get_json() == before


def test_a_tenant_made_on_the_fly_is_kept(apps: list[Flask], tmp_path: Path) -> None:
    client = open_app(apps, tmp_path).test_client()
    _auth(client, NEW_CLIENT)
    again = open_app(apps, tmp_path).test_client()
    names = [tenant["name"] for tenant in again.get("/_mock/tenants").get_json()["tenants"]]
    assert f"client-{NEW_CLIENT}" in names
    # Its client id and secret were kept with it: a token is issued without making another tenant.
    _auth(again, NEW_CLIENT)


def _status(client: FlaskClient, auth: dict[str, str], key: str) -> str:
    return str(client.get(f"/v1/bulk/{key}", headers=auth).get_json()["status"])


def test_a_mass_action_that_ends_in_the_background_is_kept(apps: list[Flask], tmp_path: Path) -> None:
    config = {"bulk_progression": "time", "bulk_start_delay": 0.0, "bulk_rows_per_second": 0.0}
    client = open_app(apps, tmp_path, **config).test_client()
    auth = _auth(client)
    body = post_bulk(client, auth, file=DELETE_RS, params={"actionType": "DeleteRevenueSchedule"}).get_json()
    key = body["bulkKey"]
    deadline = time.monotonic() + WAIT
    while _status(client, auth, key) != "Completed":
        assert time.monotonic() < deadline, "the mass action did not end"
        time.sleep(0.01)
    # No request wrote since: the watcher commits the job's end on its own.
    while True:
        again = open_app(apps, tmp_path, **config).test_client()
        if _status(again, _auth(again), key) == "Completed":
            break
        assert time.monotonic() < deadline, "the job's end was not committed"
        time.sleep(0.05)


def test_reset_resets_what_is_kept(apps: list[Flask], tmp_path: Path) -> None:
    client = open_app(apps, tmp_path).test_client()
    auth = _auth(client)
    client.post("/objects/definitions/default", json={"definitions": {"Tag": TAG}}, headers=auth)
    assert client.post("/_mock/reset").status_code == 200
    again = open_app(apps, tmp_path).test_client()
    assert (
        "Tag" not in again.get("/objects/definitions/default", headers=_auth(again)).get_json()["definitions"]
    )


def test_a_snapshot_seeds_an_empty_database_only(apps: list[Flask], tmp_path: Path) -> None:
    first = open_app(apps, tmp_path / "data").test_client()
    first.post("/objects/definitions/default", json={"definitions": {"Tag": TAG}}, headers=_auth(first))
    snapshot = tmp_path / "state.json"
    snapshot.write_bytes(first.get("/_mock/state").data)
    seeded = open_app(apps, tmp_path / "other", state=str(snapshot)).test_client()
    assert (
        "Tag" in seeded.get("/objects/definitions/default", headers=_auth(seeded)).get_json()["definitions"]
    )
    # A database that holds a state wins over the snapshot file.
    client = open_app(apps, tmp_path / "other").test_client()
    client.delete("/objects/definitions/default/Tag", headers=_auth(client))
    reopened = open_app(apps, tmp_path / "other", state=str(snapshot)).test_client()
    definitions = reopened.get("/objects/definitions/default", headers=_auth(reopened)).get_json()[
        "definitions"
    ]
    assert "Tag" not in definitions
    assert DEMO_ENTITY in str(reopened.get("/_mock/state").get_json()["tenants"]["demo"]["entities"])


def test_a_file_that_is_no_database_stops_the_start(tmp_path: Path) -> None:
    (tmp_path / DATABASE_NAME).write_bytes(b"not a database, " * 8)
    with pytest.raises(ConfigError, match="file is not a database"):
        create_app({"data_dir": str(tmp_path)}, environ={})


def test_a_kept_state_the_fixtures_cannot_take_stops_the_start(apps: list[Flask], tmp_path: Path) -> None:
    emulator_of(open_app(apps, tmp_path)).close()
    with sqlite3.connect(tmp_path / DATABASE_NAME) as connection:
        connection.execute("INSERT INTO tenants (name, body) VALUES ('ghost', '{\"entities\": {}}')")
    connection.close()
    with pytest.raises(ConfigError, match=r"the kept state cannot be loaded: .*ghost.*unknown tenant"):
        create_app({"data_dir": str(tmp_path)}, environ={})


def test_a_mass_action_caught_processing_comes_back_failed(apps: list[Flask], tmp_path: Path) -> None:
    config = {"bulk_progression": "time", "bulk_start_delay": 0.0, "bulk_rows_per_second": 0.001}
    client = open_app(apps, tmp_path, **config).test_client()
    auth = _auth(client)
    body = post_bulk(client, auth, file=DELETE_RS, params={"actionType": "DeleteRevenueSchedule"}).get_json()
    key = body["bulkKey"]
    deadline = time.monotonic() + WAIT
    while _status(client, auth, key) != "Processing":
        assert time.monotonic() < deadline, "the mass action did not start"
        time.sleep(0.01)
    while True:
        again = open_app(apps, tmp_path, **config).test_client()
        status = _status(again, _auth(again), key)
        if status == "Failed":
            break
        assert status in ("Pending", "Processing"), status
        assert time.monotonic() < deadline, "the job's start was not committed"
        time.sleep(0.05)


def test_a_pending_mass_action_runs_after_the_restart(apps: list[Flask], tmp_path: Path) -> None:
    client = open_app(apps, tmp_path, bulk_progression="manual").test_client()
    auth = _auth(client)
    body = post_bulk(client, auth, file=DELETE_RS, params={"actionType": "DeleteRevenueSchedule"}).get_json()
    key = body["bulkKey"]
    time_config = {"bulk_progression": "time", "bulk_start_delay": 0.0, "bulk_rows_per_second": 0.0}
    again = open_app(apps, tmp_path, **time_config).test_client()
    auth = _auth(again)
    deadline = time.monotonic() + WAIT
    while _status(again, auth, key) != "Completed":
        assert time.monotonic() < deadline, "the kept Pending job did not run"
        time.sleep(0.01)


def test_a_custom_object_job_is_kept_and_goes_on_after_a_restart(apps: list[Flask], tmp_path: Path) -> None:
    from tests.api.test_object_jobs import Jobs, vehicle_rows

    first = Jobs(open_app(apps, tmp_path, bulk_progression="manual"))
    job_id = first.new()
    assert first.upload(job_id, vehicle_rows(4)).status_code == 200
    assert first.advance(job_id, rows=1).get_json()["recordsProcessed"] == 1
    count = first.record_count()
    emulator_of(apps.pop()).close()

    second = Jobs(open_app(apps, tmp_path, bulk_progression="manual"))
    assert (second.job(job_id)["status"], second.record_count()) == ("in_progress", count)
    done = second.advance(job_id).get_json()
    assert (done["status"], done["recordsProcessed"]) == ("completed", 4)
    assert second.record_count() == count + 3
