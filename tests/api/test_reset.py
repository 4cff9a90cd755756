"""POST /_mock/reset brings back the fixture state."""

from __future__ import annotations

from tests.conftest import fetch_token

RECORDS = "/objects/records/default/Vehicle"


def test_reset_restores_custom_object_records(client, auth):
    seeded = client.get(f"{RECORDS}?pageSize=1000", headers=auth).get_json()["records"]
    created = client.post(
        RECORDS, json={"records": [{"VIN__c": "RESET0000000TEST1", "Status__c": "Active"}]}, headers=auth
    ).get_json()["records"][0]
    client.delete(f"{RECORDS}/{seeded[0]['Id']}", headers=auth)
    client.patch(f"{RECORDS}/{seeded[1]['Id']}", json={"Notes__c": "changed"}, headers=auth)

    assert client.post("/_mock/reset").status_code == 200

    assert client.get(f"{RECORDS}/{created['Id']}", headers=auth).status_code == 404
    assert client.get(f"{RECORDS}?pageSize=1000", headers=auth).get_json()["records"] == seeded


def test_reset_keeps_the_clock_unless_asked(client, auth):
    """?clock=true puts the clock back to real time; a plain reset leaves it where tests moved it."""
    client.post("/_mock/clock", json={"advance": 3600})
    assert client.post("/_mock/reset").get_json() == {"success": True, "reset": ["demo", "multi-entity"]}
    assert client.get("/_mock/clock").get_json()["offset"] == 3600

    answer = client.post("/_mock/reset?clock=true")
    assert (answer.status_code, answer.get_json()) == (
        200,
        {"success": True, "reset": ["demo", "multi-entity"]},
    )
    assert client.get("/_mock/clock").get_json()["offset"] == 0
    # Tokens stay valid across the reset, with the clock rewound too.
    assert client.get(f"{RECORDS}?pageSize=1", headers=auth).status_code == 200


def test_reset_clock_false_is_a_plain_reset(client):
    client.post("/_mock/clock", json={"advance": 60})
    assert client.post("/_mock/reset?tenant=demo&clock=false").get_json() == {
        "success": True,
        "reset": ["demo"],
    }
    assert client.get("/_mock/clock").get_json()["offset"] == 60


def test_reset_refuses_a_clock_that_is_not_true_or_false(client):
    client.post("/_mock/clock", json={"advance": 60})
    answer = client.post("/_mock/reset?clock=yes")
    assert answer.status_code == 400
    assert answer.get_json()["reasons"][0]["message"] == "'clock' must be true or false."
    assert client.get("/_mock/clock").get_json()["offset"] == 60


def test_reset_removes_tenants_made_on_the_fly(client):
    fetch_token(client, "0f0f0f0f-0000-4000-8000-0000000000e1", "secret")
    names = [t["name"] for t in client.get("/_mock/tenants").get_json()["tenants"]]
    assert len(names) == 3
    assert client.post("/_mock/reset").get_json()["reset"] == names
    assert [t["name"] for t in client.get("/_mock/tenants").get_json()["tenants"]] == ["demo", "multi-entity"]
