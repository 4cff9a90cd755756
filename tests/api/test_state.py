"""GET/PUT /_mock/state: a snapshot loaded back gives the same answers; a bad one changes nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.test_bulk_upload import post_bulk
from tests.conftest import fetch_token

VEHICLES = "/objects/records/default/Vehicle"
DELETE_RS = b"Revenue Schedule Number\nRS-00000001\nRS-00000099\n"
PAYMENTS_CSV = (
    b"Account Key,Payment Method ID,Payment Amount,Payment Date,Payment Currency,Invoice Number,Group ID\n"
)
DEFINITION = {
    "definitions": {
        "Tag": {
            "object": "Tag",
            "label": "Tag",
            "properties": {"Name__c": {"type": "string", "label": "Name", "maxLength": 40}},
            "required": ["Name__c"],
            "unique": ["Name__c"],
            "filterable": ["Name__c"],
        }
    }
}


@pytest.fixture
def manual_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(bulk_progression="manual")


def _auth(client: FlaskClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {fetch_token(client)}"}


def _build_state(client: FlaskClient, auth: dict[str, str]) -> dict[str, str]:
    """Definitions, records (one deleted, one patched), a finished and a Pending job, a moved clock."""
    assert client.post("/objects/definitions/default", json=DEFINITION, headers=auth).status_code == 200
    tags = client.post(
        "/objects/records/default/Tag",
        json={"records": [{"Name__c": f"tag-{i}"} for i in range(5)]},
        headers=auth,
    ).get_json()["records"]
    client.delete(f"/objects/records/default/Tag/{tags[1]['Id']}", headers=auth)
    client.patch(f"/objects/records/default/Tag/{tags[2]['Id']}", json={"Name__c": "renamed"}, headers=auth)
    seeded = client.get(f"{VEHICLES}?pageSize=3", headers=auth).get_json()["records"]
    client.patch(f"{VEHICLES}/{seeded[0]['Id']}", json={"Notes__c": "kept"}, headers=auth)
    done = post_bulk(client, auth, file=DELETE_RS, params={"actionType": "DeleteRevenueSchedule"}).get_json()
    assert client.post(f"/_mock/bulk/{done['bulkKey']}/advance").status_code == 200
    pending = post_bulk(
        client, auth, file=DELETE_RS, params={"actionType": "DeleteRevenueSchedule"}
    ).get_json()
    client.post("/_mock/clock", json={"advance": 120})
    return {"done": done["bulkKey"], "pending": pending["bulkKey"], "cursor": tags[1]["Id"]}


def _reads(client: FlaskClient, auth: dict[str, str], keys: dict[str, str]) -> list[Any]:
    """Every read endpoint's answer that depends on the state, result file bytes included."""
    answers: list[Any] = []
    for path in (
        "/objects/definitions/default",
        "/objects/definitions/default/Tag",
        "/objects/records/default/Tag?pageSize=100",
        f"/objects/records/default/Tag?cursor={keys['cursor']}",
        "/objects/records/default/Tag?q=Name__c.EQ('renamed')",
        f"{VEHICLES}?pageSize=1000",
        "/objects/records/default/Fleet",
        f"/v1/bulk/{keys['done']}",
        f"/v1/bulk/{keys['pending']}",
    ):
        response = client.get(path, headers=auth)
        answers.append((path, response.status_code, response.data))
    status = client.get(f"/v1/bulk/{keys['done']}", headers=auth).get_json()
    download = client.get(status["outputURL"].removeprefix("http://localhost"), headers=auth)
    answers.append((download.status_code, download.headers["Content-Type"], download.data))
    answers.append(client.get("/_mock/clock").get_json()["offset"])
    return answers


def test_export_reset_import_gives_identical_answers(manual_app: Flask) -> None:
    client = manual_app.test_client()
    auth = _auth(client)
    keys = _build_state(client, auth)
    before = _reads(client, auth, keys)
    snapshot = client.get("/_mock/state")
    assert snapshot.status_code == 200
    assert snapshot.headers["Content-Type"] == "application/json;charset=utf-8"

    assert client.post("/_mock/reset").status_code == 200
    assert client.get(f"/v1/bulk/{keys['done']}", headers=auth).get_json()["success"] is False
    loaded = client.put("/_mock/state", data=snapshot.data, content_type="application/json")
    assert loaded.status_code == 200, loaded.data
    assert loaded.get_json() == {"success": True, "loaded": ["demo", "multi-entity"]}

    assert _reads(client, auth, keys) == before
    assert client.get("/_mock/state").data == snapshot.data


def test_loaded_pending_job_still_runs(manual_app: Flask) -> None:
    client = manual_app.test_client()
    auth = _auth(client)
    keys = _build_state(client, auth)
    snapshot = client.get("/_mock/state").data
    client.put("/_mock/state", data=snapshot, content_type="application/json")
    advanced = client.post(f"/_mock/bulk/{keys['pending']}/advance").get_json()
    assert (advanced["status"], advanced["successCount"], advanced["errorCount"]) == ("Completed", 0, 2)


def test_one_tenant_export_and_import(manual_app: Flask) -> None:
    client = manual_app.test_client()
    auth = _auth(client)
    keys = _build_state(client, auth)
    one = client.get("/_mock/state?tenant=demo").get_json()
    assert list(one["tenants"]) == ["demo"]
    client.post("/_mock/reset")
    response = client.put("/_mock/state?tenant=demo", json=one)
    assert response.get_json() == {"success": True, "loaded": ["demo"]}
    assert client.get(f"/v1/bulk/{keys['done']}", headers=auth).get_json()["status"] == "Completed"
    assert client.get("/_mock/state?tenant=nobody").status_code == 404


def test_tenant_made_on_the_fly_round_trips(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    client_id = "0f0e0d0c-0b0a-4909-8807-060504030201"
    auth = {"Authorization": f"Bearer {fetch_token(client, client_id, 'fresh-secret')}"}
    client.post("/objects/definitions/default", json=DEFINITION, headers=auth)
    snapshot = client.get("/_mock/state").get_json()
    fresh = snapshot["tenants"][f"client-{client_id}"]
    assert fresh["onTheFly"]["client"] == {"clientId": client_id, "clientSecret": "fresh-secret"}

    other = make_app().test_client()
    assert other.put("/_mock/state", json=snapshot).status_code == 200
    token = fetch_token(other, client_id, "fresh-secret")
    answer = other.get("/objects/definitions/default/Tag", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert other.get("/_mock/state").get_json() == snapshot | {"clockOffset": 0.0}


# ---- bad documents --------------------------------------------------------------------------------------


def _entity(doc: dict[str, Any]) -> dict[str, Any]:
    tenant = doc["tenants"]["demo"]
    return next(iter(tenant["entities"].values()))


def _objects(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(o for o in _entity(doc)["objects"] if o["definition"]["type"] == name)


def _bad_vehicle_field(doc: dict[str, Any]) -> None:
    _objects(doc, "Vehicle")["records"][0]["VIN__c"] = 12


def _dangling_link(doc: dict[str, Any]) -> None:
    _objects(doc, "Vehicle")["records"][0]["FleetId__c"] = "00000000-0000-4000-8000-000000000000"


def _duplicate_record(doc: dict[str, Any]) -> None:
    records = _objects(doc, "Vehicle")["records"]
    records.append(dict(records[0]))


def _unknown_field(doc: dict[str, Any]) -> None:
    _objects(doc, "Fleet")["records"][0]["Colour__c"] = "red"


def _wrong_type(doc: dict[str, Any]) -> None:
    _objects(doc, "Fleet")["records"][0]["type"] = "Vehicle"


def _bad_schema(doc: dict[str, Any]) -> None:
    _objects(doc, "Fleet")["definition"]["schema"]["properties"]["Name__c"]["type"] = "blob"


def _bad_ledger(doc: dict[str, Any]) -> None:
    _entity(doc)["ledger"]["invoices"][0]["accountId"] = "nobody"


def _bad_rate_set(doc: dict[str, Any]) -> None:
    _entity(doc)["ledger"]["fx_rates"].append(
        {"rateSetName": ["x"], "date": "2024-01-01", "from": "EUR", "to": "USD", "rate": "1.1"}
    )


def _bad_job(doc: dict[str, Any]) -> None:
    _entity(doc)["jobs"][0]["status"] = "Processing"


def _bad_file(doc: dict[str, Any]) -> None:
    _entity(doc)["jobs"][0]["file"]["data"] = "not base64!"


def _unknown_action(doc: dict[str, Any]) -> None:
    _entity(doc)["jobs"][0]["actionType"] = "DeleteEverything"


def _missing_entity(doc: dict[str, Any]) -> None:
    doc["tenants"]["demo"]["entities"] = {}


def _unknown_tenant(doc: dict[str, Any]) -> None:
    doc["tenants"]["Nobody"] = {"tenantId": "99", "entities": {}}


BAD_DOCUMENTS: list[tuple[str, Any, str]] = [
    ("not json", b"{not json", "body: not JSON"),
    ("not an object", [1, 2], "document: must be an object"),
    ("wrong version", lambda d: d.update(version=99), "version: must be 1"),
    ("no version", lambda d: d.pop("version"), "version: must be 1"),
    ("unknown member", lambda d: d.update(extra=1), "unknown member 'extra'"),
    ("negative clock", lambda d: d.update(clockOffset=-5), "document.clockOffset: must be a number >= 0"),
    ("clock past any date", lambda d: d.update(clockOffset=1e300), "document.clockOffset: must be a number"),
    ("fx rate set not text", _bad_rate_set, "malformed billing objects"),
    ("tenants not object", lambda d: d.update(tenants=[]), "document.tenants: must be an object"),
    ("unknown tenant", _unknown_tenant, "tenants.Nobody: unknown tenant"),
    ("missing entity", _missing_entity, "entities: must hold exactly the tenant's entities"),
    ("record breaks definition", _bad_vehicle_field, "records[0]"),
    ("dangling relationship", _dangling_link, "FleetId__c"),
    ("record listed twice", _duplicate_record, "is not listed once in 'order'"),
    ("unknown field", _unknown_field, "Colour__c"),
    ("record of another type", _wrong_type, "type: must be 'Fleet'"),
    ("bad definition schema", _bad_schema, "objects:"),
    ("ledger inconsistent", _bad_ledger, "ledger.invoices"),
    ("job mid-way", _bad_job, "jobs[0].status: must be one of"),
    ("file not base64", _bad_file, "file.data: is not base64"),
    ("unknown action", _unknown_action, "unknown action type 'DeleteEverything'"),
]


@pytest.mark.parametrize(
    ("change", "problem"), [(c, p) for _n, c, p in BAD_DOCUMENTS], ids=[n for n, *_ in BAD_DOCUMENTS]
)
def test_bad_document_is_refused_and_changes_nothing(manual_app: Flask, change: Any, problem: str) -> None:
    client = manual_app.test_client()
    _build_state(client, _auth(client))
    before = client.get("/_mock/state").data
    if isinstance(change, bytes):
        body = change
    elif callable(change):
        doc = json.loads(before)
        change(doc)
        body = json.dumps(doc).encode()
    else:
        body = json.dumps(copy.deepcopy(change)).encode()
    response = client.put("/_mock/state", data=body, content_type="application/json")
    assert response.status_code == 400, response.data
    message = response.get_json()["reasons"][0]["message"]
    assert message.startswith("Invalid state document: ")
    assert problem in message
    assert client.get("/_mock/state").data == before


def test_a_failed_job_keeps_its_reason(make_app: Callable[..., Flask]) -> None:
    client = make_app(bulk_progression="immediate").test_client()
    auth = _auth(client)
    client.post("/_mock/faults", json={"fault": "job-failed", "path": "/v1/bulk", "failAfterRows": 1})
    key = post_bulk(client, auth, file=DELETE_RS, params={"actionType": "DeleteRevenueSchedule"}).get_json()
    before = client.get(f"/v1/bulk/{key['bulkKey']}", headers=auth).get_json()
    snapshot = client.get("/_mock/state").data
    client.post("/_mock/reset")
    assert client.put("/_mock/state", data=snapshot, content_type="application/json").status_code == 200
    after = client.get(f"/v1/bulk/{key['bulkKey']}", headers=auth).get_json()
    # processId is new in every answer (as in Zuora); everything else is the same.
    assert {**after, "processId": None} == {**before, "processId": None}
    assert before["status"] == "Failed" and before["reasons"][0]["message"].startswith(
        "The mass action failed"
    )
