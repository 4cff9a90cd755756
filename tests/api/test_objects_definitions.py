"""/objects/definitions/default over HTTP: create, list (select=type), get (case-sensitive), delete."""

from __future__ import annotations

import pytest

from tests.conftest import MULTI_CLIENT_ID, MULTI_CLIENT_SECRET, MULTI_ENTITIES, fetch_token
from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.definitions import MSG_DEF_EXISTS, SYSTEM_FIELDS

BASE = "/objects/definitions/default"
VEHICLE = {
    "object": "Vehicle2",
    "label": "Vehicle",
    "properties": {"DeviceId__c": {"type": "string", "label": "Device ID", "maxLength": 20}},
}


def _create(client, auth, *definitions):
    return client.post(BASE, json={"definitions": {d["object"]: d for d in definitions}}, headers=auth)


def test_create_answers_the_definitions_and_their_count(client, auth):
    response = _create(client, auth, VEHICLE)
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["definitions", "count"] and body["count"] == 1
    created = body["definitions"]["Vehicle2"]
    assert created["type"] == "Vehicle2" and len(created["Id"]) == 36
    props = created["schema"]["properties"]
    assert props["DeviceId__c"]["origin"] == "custom"
    assert all(props[f]["origin"] == "system" for f in SYSTEM_FIELDS)
    assert set(SYSTEM_FIELDS) <= set(created["schema"]["required"])
    assert client.get(f"{BASE}/Vehicle2", headers=auth).get_json() == created


@pytest.mark.parametrize(
    ("prop", "status", "code"),
    [
        ({"type": "string"}, 400, m.CODE_MISSING),
        ({"label": "L"}, 400, m.CODE_MISSING),
        ({"type": "string", "label": "L", "maxLength": "20"}, 400, m.CODE_INVALID),
    ],
)
def test_bad_property_is_refused(client, auth, prop, status, code):
    response = _create(client, auth, {**VEHICLE, "properties": {"A__c": prop}})
    assert response.status_code == status
    body = response.get_json()
    assert list(body) == ["code", "message"] and body["code"] == code


def test_existing_name_is_refused(client, auth):
    response = _create(client, auth, {**VEHICLE, "object": "Fleet"})
    assert response.status_code == 400
    assert response.get_json() == {"code": m.CODE_LIMIT, "message": MSG_DEF_EXISTS.format(object="Fleet")}


def test_list_and_select_type(client, auth):
    body = client.get(BASE, headers=auth).get_json()
    assert list(body) == ["definitions", "count"] and body["count"] == len(body["definitions"]) == 2
    assert body["definitions"]["Vehicle"]["schema"]["object"] == "Vehicle"
    typed = client.get(f"{BASE}?select=type", headers=auth).get_json()
    assert typed == {"definitions": {"Fleet": {"type": "Fleet"}, "Vehicle": {"type": "Vehicle"}}, "count": 2}
    bad = client.get(f"{BASE}?select=label", headers=auth)
    assert bad.status_code == 400 and bad.get_json()["message"] == m.MSG_SELECT.format(value="label")


def test_names_are_case_sensitive(client, auth):
    response = client.get(f"{BASE}/vehicle", headers=auth)
    assert response.status_code == 404
    assert response.get_json() == {"code": m.CODE_NOT_FOUND, "message": m.MSG_DEFINITION_NOT_FOUND}


def test_delete_without_records_answers_the_uri_and_with_records_is_refused(client, auth):
    _create(client, auth, VEHICLE)
    response = client.delete(f"{BASE}/Vehicle2", headers=auth)
    assert response.status_code == 200 and response.get_json() == "/objects/definitions/default/Vehicle2"
    assert client.get(f"{BASE}/Vehicle2", headers=auth).status_code == 404
    refused = client.delete(f"{BASE}/Vehicle", headers=auth)
    assert refused.status_code == 400 and refused.get_json()["code"] == m.CODE_LIMIT


def test_empty_tenant_lists_nothing(client, auth):
    for name in ("Vehicle", "Fleet"):
        listed = client.get(f"/objects/records/default/{name}?pageSize=1000", headers=auth).get_json()
        ids = [r["Id"] for r in listed["records"]]
        client.post(
            f"/objects/batch/default/{name}", json={"action": {"type": "delete", "ids": ids}}, headers=auth
        )
        assert client.delete(f"{BASE}/{name}", headers=auth).status_code == 200
    response = client.get(BASE, headers=auth)
    assert response.data == b'{"definitions":{},"count":0}'


def test_definitions_live_in_the_selected_entity(client):
    token = fetch_token(client, MULTI_CLIENT_ID, MULTI_CLIENT_SECRET)
    us = {"Authorization": f"Bearer {token}", "Zuora-Entity-Ids": MULTI_ENTITIES[0]}
    eu = {"Authorization": f"Bearer {token}", "Zuora-Entity-Ids": MULTI_ENTITIES[1]}
    assert _create(client, us, VEHICLE).status_code == 200
    assert client.get(f"{BASE}/Vehicle2", headers=us).status_code == 200
    assert client.get(f"{BASE}/Vehicle2", headers=eu).status_code == 404
