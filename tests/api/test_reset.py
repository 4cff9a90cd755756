"""POST /_mock/reset brings back the fixture state."""

from __future__ import annotations

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
