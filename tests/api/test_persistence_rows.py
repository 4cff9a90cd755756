"""--data-dir keeps records, creation order and result files row by row: a save writes what changed."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.test_bulk_upload import post_bulk
from tests.conftest import fetch_token
from zuora_mock import create_app
from zuora_mock.app import emulator_of
from zuora_mock.backend import persistence_rows
from zuora_mock.backend.persistence import DATABASE_NAME
from zuora_mock.backend.state.dump import export_state

DELETE_RS = b"Revenue Schedule Number\nRS-00000001\nRS-00000099\n"
TAG = {
    "object": "Tag",
    "label": "Tag",
    "properties": {
        "Name__c": {"type": "string", "label": "Name"},
        "Size__c": {"type": "integer", "label": "Size"},
    },
    "required": ["Name__c"],
}
TAGS = "/objects/records/default/Tag"


@pytest.fixture
def apps() -> Iterator[list[Flask]]:
    made: list[Flask] = []
    yield made
    for app in made:
        emulator_of(app).close()


def open_app(apps: list[Flask], data_dir: Path) -> Flask:
    app = create_app({"data_dir": str(data_dir), "bulk_progression": "manual"}, environ={})
    apps.append(app)
    return app


def _auth(client: FlaskClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {fetch_token(client)}"}


def _rows(data_dir: Path, sql: str, *args: Any) -> list[Any]:
    with sqlite3.connect(data_dir / DATABASE_NAME) as connection:
        rows = connection.execute(sql, args).fetchall()
    connection.close()
    return rows


def _kept(data_dir: Path, object_name: str) -> dict[str, Any]:
    """An object's records as the database holds them: its base, then its delta rows (None: removed)."""
    records: dict[str, Any] = {}
    for (base,) in _rows(data_dir, "SELECT body FROM bases WHERE object = ?", object_name):
        records.update(orjson.loads(base))
    for record_id, body in _rows(data_dir, "SELECT id, body FROM records WHERE object = ?", object_name):
        if body is None:
            records.pop(record_id, None)
        else:
            records[record_id] = orjson.loads(body)
    return records


def _tags(client: FlaskClient, auth: dict[str, str], count: int) -> list[str]:
    records = [{"Name__c": f"tag-{i}", "Size__c": i} for i in range(count)]
    created = client.post(TAGS, json={"records": records}, headers=auth)
    assert created.status_code == 200, created.data
    return [record["Id"] for record in created.get_json()["records"]]


def test_records_order_and_files_are_rows_and_the_skeleton_holds_none(
    apps: list[Flask], tmp_path: Path
) -> None:
    client = open_app(apps, tmp_path).test_client()
    auth = _auth(client)
    assert (
        client.post(
            "/objects/definitions/default", json={"definitions": {"Tag": TAG}}, headers=auth
        ).status_code
        == 200
    )
    ids = _tags(client, auth, 5)
    client.delete(f"{TAGS}/{ids[1]}", headers=auth)
    client.patch(f"{TAGS}/{ids[2]}", json={"Name__c": "renamed"}, headers=auth)
    key = post_bulk(client, auth, file=DELETE_RS, params={"actionType": "DeleteRevenueSchedule"}).get_json()[
        "bulkKey"
    ]
    assert client.post(f"/_mock/bulk/{key}/advance").status_code == 200

    kept = _kept(tmp_path, "Tag")
    assert set(kept) == {ids[0], *ids[2:]}
    assert kept[ids[2]]["Name__c"] == "renamed"
    assert [
        i for (i,) in _rows(tmp_path, "SELECT id FROM orders WHERE object = 'Tag' ORDER BY position")
    ] == ids
    assert len(_rows(tmp_path, "SELECT id FROM files")) == 1
    for (body,) in _rows(tmp_path, "SELECT body FROM tenants"):
        for entity in orjson.loads(body)["entities"].values():
            assert all(obj["records"] == [] and obj["order"] == [] for obj in entity["objects"])
            assert all(job["file"] is None or job["file"]["data"] == "" for job in entity["jobs"])

    before = client.get("/_mock/state").data
    reopened = open_app(apps, tmp_path).test_client()
    assert reopened.get("/_mock/state").data == before
    assert reopened.get(f"/v1/bulk/{key}", headers=_auth(reopened)).get_json()["status"] == "Completed"


def test_a_random_run_of_writes_reads_back_the_same_after_each_reopen(
    apps: list[Flask], tmp_path: Path
) -> None:
    rng = random.Random(7)
    client = open_app(apps, tmp_path).test_client()
    auth = _auth(client)
    client.post("/objects/definitions/default", json={"definitions": {"Tag": TAG}}, headers=auth)
    ids = _tags(client, auth, 20)
    for step in range(40):
        choice = rng.randrange(6)
        if choice == 0:
            ids += _tags(client, auth, rng.randint(1, 5))
        elif choice == 1 and ids:
            client.delete(f"{TAGS}/{ids.pop(rng.randrange(len(ids)))}", headers=auth)
        elif choice == 2 and ids:
            client.patch(f"{TAGS}/{rng.choice(ids)}", json={"Size__c": step}, headers=auth)
        elif choice == 3 and ids:
            chosen = rng.sample(ids, min(len(ids), 5))
            body = {"action": {"type": "update", "records": {i: {"Size__c": step} for i in chosen}}}
            client.post("/objects/batch/default/Tag", json=body, headers=auth)
        elif choice == 4:
            client.post("/_mock/reset")
            client.post("/objects/definitions/default", json={"definitions": {"Tag": TAG}}, headers=auth)
            ids = _tags(client, auth, 3)
        else:
            before = client.get("/_mock/state").data
            emulator_of(apps.pop()).close()
            client = open_app(apps, tmp_path).test_client()
            auth = _auth(client)
            assert client.get("/_mock/state").data == before, f"step {step}"
    before = client.get("/_mock/state").data
    assert open_app(apps, tmp_path).test_client().get("/_mock/state").data == before


def test_a_database_kept_whole_by_an_earlier_version_still_loads(apps: list[Flask], tmp_path: Path) -> None:
    source = create_app({"bulk_progression": "manual"}, environ={})
    client = source.test_client()
    auth = _auth(client)
    client.post("/objects/definitions/default", json={"definitions": {"Tag": TAG}}, headers=auth)
    _tags(client, auth, 3)
    emulator = emulator_of(source)
    document = export_state(emulator.registry, emulator.clock)
    emulator.close()
    with sqlite3.connect(tmp_path / DATABASE_NAME) as connection:
        connection.execute("CREATE TABLE tenants (name TEXT PRIMARY KEY, body BLOB NOT NULL)")
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for name, body in document["tenants"].items():
            connection.execute("INSERT INTO tenants VALUES (?, ?)", (name, orjson.dumps(body)))
    connection.close()
    reopened = open_app(apps, tmp_path).test_client()
    assert reopened.get("/_mock/state").get_json()["tenants"] == orjson.loads(
        orjson.dumps(document["tenants"])
    )
    assert len(_kept(tmp_path, "Tag")) == 3


def test_after_a_failed_commit_the_next_save_writes_in_full(
    apps: list[Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(apps, tmp_path)
    client = app.test_client()
    auth = _auth(client)
    client.post("/objects/definitions/default", json={"definitions": {"Tag": TAG}}, headers=auth)
    ids = _tags(client, auth, 3)
    emulator = emulator_of(app)
    tenant = emulator.registry.tenants["demo"]
    original = persistence_rows.SavedRows.write

    def broken(self: Any, cursor: Any, write: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(persistence_rows.SavedRows, "write", broken)
    data = tenant.data(tenant.entities[0].id)
    with data.objects.lock:
        data.objects.objects["Tag"].remove(ids[0])
    with pytest.raises(sqlite3.OperationalError):
        emulator.persist("demo")
    monkeypatch.setattr(persistence_rows.SavedRows, "write", original)
    emulator.persist("demo")
    assert set(_kept(tmp_path, "Tag")) == set(ids[1:])


def test_a_few_changes_are_delta_rows_and_most_of_an_object_rewrites_its_base(
    apps: list[Flask], tmp_path: Path
) -> None:
    client = open_app(apps, tmp_path).test_client()
    auth = _auth(client)
    client.post("/objects/definitions/default", json={"definitions": {"Tag": TAG}}, headers=auth)
    ids = _tags(client, auth, 40)
    bases = "SELECT body FROM bases WHERE object = 'Tag'"
    deltas = "SELECT id, body FROM records WHERE object = 'Tag'"
    [(first_base,)] = _rows(tmp_path, bases)
    assert set(orjson.loads(first_base)) == set(ids) and _rows(tmp_path, deltas) == []

    client.patch(f"{TAGS}/{ids[0]}", json={"Size__c": 99}, headers=auth)
    client.delete(f"{TAGS}/{ids[1]}", headers=auth)
    assert _rows(tmp_path, bases) == [(first_base,)]  # one record each: rows, not a new base
    assert dict(_rows(tmp_path, deltas)).keys() == {ids[0], ids[1]}
    assert dict(_rows(tmp_path, deltas))[ids[1]] is None

    body = {"action": {"type": "update", "records": {i: {"Size__c": 7} for i in ids[2:30]}}}
    assert client.post("/objects/batch/default/Tag", json=body, headers=auth).status_code == 200
    [(second_base,)] = _rows(tmp_path, bases)  # 28 of 39 records: a new base, no delta rows
    assert second_base != first_base and _rows(tmp_path, deltas) == []
    kept = _kept(tmp_path, "Tag")
    assert set(kept) == set(ids) - {ids[1]}
    assert kept[ids[0]]["Size__c"] == 99 and kept[ids[2]]["Size__c"] == 7

    before = client.get("/_mock/state").data
    assert open_app(apps, tmp_path).test_client().get("/_mock/state").data == before
