"""/objects/records/default/{object} over HTTP: create, list/query/paginate, get, PUT with If-Match, PATCH,
DELETE."""

from __future__ import annotations

import re

import pytest

from zuora_mock.backend.customobjects import messages as m

BASE = "/objects/records/default/Vehicle"
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
UNKNOWN = "00000000-0000-4000-8000-000000000000"
HEX32 = re.compile(r"^[0-9a-f]{32}$")


def vehicle(vin: str, **fields):
    return {"VIN__c": vin, "Status__c": "Active", **fields}


@pytest.fixture
def seeded(client, auth):
    """The Ids of the demo Vehicle records, in list order."""
    body = client.get(f"{BASE}?pageSize=1000", headers=auth).get_json()
    return [r["Id"] for r in body["records"]]


def test_create_answers_the_stored_records(client, auth):
    response = client.post(
        BASE, json={"records": [vehicle("1HGCM82633A004352", ModelYear__c=2024)]}, headers=auth
    )
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["records"]
    (record,) = body["records"]
    assert list(record) == [
        "Id",
        "type",
        "CreatedById",
        "UpdatedById",
        "CreatedDate",
        "UpdatedDate",
        "VIN__c",
        "Status__c",
        "ModelYear__c",
    ]
    assert len(record["Id"]) == 36 and record["type"] == "Vehicle"
    assert HEX32.match(record["CreatedById"]) and ISO.match(record["CreatedDate"])
    assert client.get(f"{BASE}/{record['Id']}", headers=auth).get_json() == record


def test_empty_string_refuses_the_whole_create(client, auth):
    before = client.get(BASE, headers=auth).get_json()["count"]
    records = [vehicle("1HGCM82633A004352"), vehicle("1HGCM82633A004353", Notes__c="")]
    response = client.post(BASE, json={"records": records}, headers=auth)
    assert response.status_code == 400
    assert response.get_json() == {
        "code": m.CODE_INVALID,
        "message": m.MSG_CREATE_INVALID,
        "details": [
            {
                "code": m.CODE_INVALID,
                "message": "Field [Notes__c] cannot accept empty string.",
                "record": records[1],
            }
        ],
    }
    assert client.get(BASE, headers=auth).get_json()["count"] == before


def test_partial_create_answers_the_good_records_and_the_error(client, auth):
    records = [vehicle("1HGCM82633A004352"), vehicle(123)]
    response = client.post(BASE, json={"allowPartialSuccess": True, "records": records}, headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["error", "records"]
    assert [r["VIN__c"] for r in body["records"]] == ["1HGCM82633A004352"]
    assert body["error"]["code"] == m.CODE_INVALID and len(body["error"]["details"]) == 1
    assert body["error"]["details"][0]["code"] == m.CODE_TYPE


def test_unique_fields_are_unique(client, auth, seeded):
    vin = client.get(f"{BASE}/{seeded[0]}", headers=auth).get_json()["VIN__c"]
    response = client.post(BASE, json={"records": [vehicle(vin)]}, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["details"][0]["message"] == m.MSG_NOT_UNIQUE.format(field="VIN__c", value=vin)


@pytest.mark.parametrize(("count", "status"), [(1000, 200), (1001, 400)])
def test_create_limit(client, auth, count, status):
    records = [vehicle(f"V{i:016d}") for i in range(count)]
    response = client.post(BASE, json={"records": records}, headers=auth)
    assert response.status_code == status
    if status == 400:
        assert response.get_json() == {
            "code": m.CODE_LIMIT,
            "message": m.MSG_TOO_MANY_RECORDS.format(count=1001),
            "details": [],
        }


def test_pages_follow_the_cursor(client, auth, seeded):
    first = client.get(f"{BASE}?pageSize=2", headers=auth).get_json()
    assert first["count"] == len(seeded) and [r["Id"] for r in first["records"]] == seeded[:2]
    cursor = first["records"][-1]["Id"]
    second = client.get(f"{BASE}?pageSize=2&cursor={cursor}", headers=auth).get_json()
    assert [r["Id"] for r in second["records"]] == seeded[2:4]
    client.delete(f"{BASE}/{cursor}", headers=auth)
    again = client.get(f"{BASE}?pageSize=2&cursor={cursor}", headers=auth).get_json()
    assert [r["Id"] for r in again["records"]] == seeded[2:4]
    paged = client.get(f"{BASE}?pageSize=3&page=2", headers=auth).get_json()
    assert [r["Id"] for r in paged["records"]] == [i for i in seeded if i != cursor][3:6]


def test_default_page_size_is_20(client, auth, seeded):
    assert len(client.get(BASE, headers=auth).get_json()["records"]) == 20


def test_ids_filter(client, auth, seeded):
    response = client.get(f"{BASE}?ids={seeded[3]}&ids={seeded[1]}", headers=auth)
    body = response.get_json()
    assert body["count"] == 2 and {r["Id"] for r in body["records"]} == {seeded[1], seeded[3]}


def test_q_filter(client, auth):
    body = client.get(f"{BASE}?q=Status__c:Retired&pageSize=100", headers=auth).get_json()
    assert body["count"] == len(body["records"]) >= 1
    assert all(r["Status__c"] == "Retired" for r in body["records"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("pageSize=0", m.MSG_PAGE_SIZE.format(value="0")),
        ("pageSize=1001", m.MSG_PAGE_SIZE.format(value="1001")),
        ("pageSize=ten", m.MSG_PAGE_SIZE.format(value="ten")),
        ("pageSize=1_0", m.MSG_PAGE_SIZE.format(value="1_0")),
        ("pageSize=--5", m.MSG_PAGE_SIZE.format(value="--5")),
        ("page=" + "9" * 5000, m.MSG_PAGE.format(value="9" * 50)),
        ("pageSize=%205", m.MSG_PAGE_SIZE.format(value=" 5")),
        ("page=%D9%A2", m.MSG_PAGE.format(value="٢")),
        ("page=0", m.MSG_PAGE.format(value="0")),
        (f"cursor={UNKNOWN}", m.MSG_CURSOR.format(value=UNKNOWN)),
        ("ids=short", m.MSG_PATH_ID.format(id="short")),
        ("q=Make__c:Ford", "Field [Make__c] is not filterable; only filterable fields can be used in 'q'."),
    ],
)
def test_bad_list_parameters(client, auth, query, message):
    response = client.get(f"{BASE}?{query}", headers=auth)
    assert response.status_code == 400
    assert response.get_json() == {"code": m.CODE_INVALID, "message": message}


@pytest.mark.parametrize(
    ("method", "path", "status", "code", "message"),
    [
        ("get", f"{BASE}/{UNKNOWN}", 404, m.CODE_NOT_FOUND, m.MSG_RECORD_NOT_FOUND),
        ("put", f"{BASE}/{UNKNOWN}", 404, m.CODE_NOT_FOUND, m.MSG_RECORD_NOT_FOUND),
        ("patch", f"{BASE}/{UNKNOWN}", 404, m.CODE_NOT_FOUND, m.MSG_RECORD_NOT_FOUND),
        ("get", f"{BASE}/short", 400, m.CODE_INVALID, m.MSG_PATH_ID.format(id="short")),
        (
            "get",
            "/objects/records/default/Boat",
            404,
            m.CODE_NOT_FOUND,
            m.MSG_OBJECT_NOT_FOUND.format(object="Boat"),
        ),
        (
            "post",
            "/objects/records/default/Boat",
            404,
            m.CODE_NOT_FOUND,
            m.MSG_OBJECT_NOT_FOUND.format(object="Boat"),
        ),
    ],
)
def test_not_found_and_bad_ids(client, auth, method, path, status, code, message):
    kwargs = {"json": {"records": []}} if method == "post" else {}
    if method in ("put", "patch"):
        kwargs = {"json": {"VIN__c": "X"}}
    response = getattr(client, method)(path, headers=auth, **kwargs)
    assert response.status_code == status
    assert response.get_json() == {"code": code, "message": message}


def test_patch_merges_and_null_clears(client, auth, seeded):
    record_id = seeded[0]
    before = client.get(f"{BASE}/{record_id}", headers=auth).get_json()
    response = client.patch(
        f"{BASE}/{record_id}", json={"Notes__c": None, "ModelYear__c": 2025}, headers=auth
    )
    assert response.status_code == 200
    after = response.get_json()
    assert "Notes__c" not in after and after["ModelYear__c"] == 2025 and after["VIN__c"] == before["VIN__c"]
    assert response.headers["ETag"] == client.get(f"{BASE}/{record_id}", headers=auth).headers["ETag"]


def test_put_replaces_custom_fields_and_honours_if_match(client, auth, seeded):
    record_id = seeded[0]
    current = client.get(f"{BASE}/{record_id}", headers=auth)
    tag = current.headers["ETag"]
    stale = client.put(f"{BASE}/{record_id}", json=vehicle("NEWVIN"), headers={**auth, "If-Match": '"stale"'})
    assert stale.status_code == 412
    assert stale.get_json() == {"code": m.CODE_INVALID, "message": m.MSG_PRECONDITION}
    replaced = client.put(f"{BASE}/{record_id}", json=vehicle("NEWVIN"), headers={**auth, "If-Match": tag})
    assert replaced.status_code == 200
    body = replaced.get_json()
    assert [k for k in body if k.endswith("__c")] == ["VIN__c", "Status__c"]
    assert body["CreatedDate"] == current.get_json()["CreatedDate"] and replaced.headers["ETag"] != tag
    missing = client.put(f"{BASE}/{record_id}", json={"VIN__c": "X"}, headers=auth)
    assert missing.status_code == 400 and missing.get_json()["code"] == m.CODE_MISSING


def test_write_is_validated(client, auth, seeded):
    response = client.patch(f"{BASE}/{seeded[0]}", json={"Status__c": "Lost"}, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["message"].startswith(
        'Json input does not match schema. Error(s): instance value ("Lost")'
    )
    broken = client.patch(f"{BASE}/{seeded[0]}", json={"FleetId__c": UNKNOWN}, headers=auth)
    assert broken.get_json() == {
        "code": m.CODE_INVALID,
        "message": m.MSG_BROKEN_RELATIONSHIP.format(
            field="FleetId__c", namespace="default", object="Fleet", value=UNKNOWN
        ),
    }


@pytest.mark.parametrize("record_id", ["known", UNKNOWN])
def test_delete_answers_the_uri_even_when_missing(client, auth, seeded, record_id):
    record_id = seeded[0] if record_id == "known" else record_id
    response = client.delete(f"{BASE}/{record_id}", headers=auth)
    assert response.status_code == 200 and response.get_json() == f"{BASE}/{record_id}"
    assert client.get(f"{BASE}/{record_id}", headers=auth).status_code == 404


def test_malformed_json_gets_the_custom_objects_envelope(client, auth):
    response = client.post(BASE, data=b"{nope", headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 400
    body = response.get_json()
    assert list(body) == ["code", "message"] and body["code"] == m.CODE_MALFORMED
