"""GET/DELETE /_mock/requests: exact entries for token requests, writes, batches and uploads; bounds."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, fetch_token
from zuora_mock.app import emulator_of

pytestmark = pytest.mark.emulator_only

TOKEN_FORM = {
    "client_id": DEMO_CLIENT_ID,
    "client_secret": DEMO_CLIENT_SECRET,
    "grant_type": "client_credentials",
}
OTHER_CLIENT = "0f0f0f0f-0000-4000-8000-0000000000b1"


def entries(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    body = client.get(f"/_mock/requests{query}").get_json()
    assert set(body) == {"requests", "total"}
    return list(body["requests"])


def checked(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry without its volatile fields, after checking their form."""
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry.pop("time"))
    assert isinstance(entry.pop("durationMs"), float)
    assert isinstance(entry.pop("id"), int)
    headers = entry.pop("headers")
    assert "Host" in headers
    return entry


def test_token_request_is_recorded_with_the_secret_redacted(client: FlaskClient) -> None:
    client.post("/oauth/token", data=TOKEN_FORM)
    (entry,) = entries(client)
    assert list(entry) == [
        "id", "time", "tenant", "method", "path", "query", "headers", "body", "status", "responseBody",
        "durationMs", "fault",
    ]  # fmt: skip
    assert entry["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    response = entry["responseBody"]
    assert checked(entry) == {
        "tenant": "demo",
        "method": "POST",
        "path": "/oauth/token",
        "query": {},
        "body": {
            "client_id": DEMO_CLIENT_ID,
            "client_secret": "[redacted]",
            "grant_type": "client_credentials",
        },
        "status": 200,
        "responseBody": response,
        "fault": None,
    }
    assert response["token_type"] == "bearer"


def test_record_writes_and_batches_are_recorded_exactly(client: FlaskClient) -> None:
    token = fetch_token(client)
    auth = {"Authorization": f"Bearer {token}"}
    records = [{"VIN__c": "JOURNAL0000000001", "Make__c": "Ford", "Model__c": "T", "Status__c": "Active"}]
    created = client.post(
        "/objects/records/default/Vehicle", json={"records": records}, headers=auth
    ).get_json()
    record_id = created["records"][0]["Id"]
    batch = {"action": {"type": "update", "records": {record_id: {"Notes__c": "checked"}}}}
    client.post("/objects/batch/default/Vehicle?x=1&x=2", json=batch, headers=auth)
    found = entries(client, "?path=/objects/*")
    assert [(e["method"], e["path"], e["status"]) for e in found] == [
        ("POST", "/objects/records/default/Vehicle", 200),
        ("POST", "/objects/batch/default/Vehicle", 200),
    ]
    create, update = found
    assert create["body"] == {"records": records}
    assert create["responseBody"] == created
    assert create["headers"]["Authorization"] == "Bearer [redacted]"
    assert token not in json.dumps(found)
    assert update["body"] == batch
    assert update["query"] == {"x": ["1", "2"]}
    assert update["responseBody"] == {}
    assert update["tenant"] == "demo"


def test_mass_action_upload_shows_parts_file_size_and_first_rows(client: FlaskClient) -> None:
    token = fetch_token(client)
    rows = "".join(f"RS-{index}\n" for index in range(20))
    csv = ("Revenue Schedule Number\n" + rows).encode()
    params = json.dumps({"actionType": "DeleteRevenueSchedule"})
    client.post(
        "/v1/bulk",
        data={"file": (io.BytesIO(csv), "schedules.csv", "text/csv"), "params": params},
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )
    (entry,) = entries(client, "?method=POST&path=/v1/bulk")
    assert entry["body"] == {
        "parts": [
            {"name": "params", "value": params},
            {
                "name": "file",
                "fileName": "schedules.csv",
                "size": len(csv),
                "contentType": "text/csv",
                "firstRows": ["Revenue Schedule Number", "RS-0", "RS-1", "RS-2", "RS-3"],
            },
        ]
    }
    assert entry["responseBody"]["success"] is True


def test_bodies_are_cut_at_journal_body_bytes(make_app: Any) -> None:
    client = make_app(journal_body_bytes=64).test_client()
    token = fetch_token(client)
    client.get("/objects/records/default/Vehicle", headers={"Authorization": f"Bearer {token}"})
    entry = entries(client, "?method=GET")[0]
    assert isinstance(entry["responseBody"], str)
    assert len(entry["responseBody"]) == 64


def test_filters_and_total(client: FlaskClient) -> None:
    token = fetch_token(client)
    fetch_token(client, OTHER_CLIENT, "other-secret")
    for _ in range(3):
        client.get("/v1/bulk/nope", headers={"Authorization": f"Bearer {token}"})
    client.get("/v1/bulk/nope")  # 401, no tenant
    body = client.get("/_mock/requests?path=/v1/bulk/*&limit=2").get_json()
    assert body["total"] == 4
    assert len(body["requests"]) == 2
    assert [e["status"] for e in entries(client, "?status=401")] == [401]
    assert [e["tenant"] for e in entries(client, "?path=/oauth/token")] == ["demo", f"client-{OTHER_CLIENT}"]
    assert len(entries(client, "?tenant=demo&method=get")) == 3


@pytest.mark.parametrize("query", ["?status=abc", "?limit=-1", "?limit=1e3"])
def test_bad_filters_are_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/_mock/requests{query}")
    assert response.status_code == 400
    assert response.get_json()["success"] is False


def test_admin_calls_are_not_recorded_and_delete_clears(client: FlaskClient) -> None:
    fetch_token(client)
    fetch_token(client, OTHER_CLIENT, "other-secret")
    client.get("/_mock/health")
    assert len(entries(client)) == 2
    assert client.delete(f"/_mock/requests?tenant=client-{OTHER_CLIENT}").get_json() == {
        "success": True,
        "deleted": 1,
    }
    assert [e["tenant"] for e in entries(client)] == ["demo"]
    assert client.delete("/_mock/requests").get_json()["deleted"] == 1
    assert entries(client) == []


def test_journal_keeps_at_most_journal_size_entries(make_app: Any) -> None:
    app: Flask = make_app(journal_size=5)
    client = app.test_client()
    for _ in range(40):
        client.get("/v1/bulk/nope")
    body = client.get("/_mock/requests").get_json()
    assert body["total"] == 5
    ids = [entry["id"] for entry in body["requests"]]
    assert ids == list(range(36, 41))


def test_journal_size_zero_records_nothing(make_app: Any) -> None:
    client = make_app(journal_size=0).test_client()
    fetch_token(client)
    assert client.get("/_mock/requests").get_json() == {"requests": [], "total": 0}


def test_recording_changes_no_response(make_app: Any) -> None:
    """The same requests with and without the journal get the same statuses, headers and bodies."""
    answers = []
    for size in (0, 1000):
        client = make_app(journal_size=size).test_client()
        token = fetch_token(client)
        auth = {"Authorization": f"Bearer {token}"}
        response = client.get("/objects/records/default/Vehicle?pageSize=3", headers=auth)
        headers = {k: v for k, v in response.headers if k not in ("Zuora-Request-Id", "RateLimit-Reset")}
        answers.append((response.status_code, headers, response.get_json()))
    assert answers[0] == answers[1]


def test_memory_stays_within_the_byte_budget(make_app: Any) -> None:
    """A long run of large bodies: the ring drops old entries to stay under journal_max_bytes."""
    app: Flask = make_app(journal_size=1000, journal_max_bytes=64 * 1024, journal_body_bytes=4096)
    client = app.test_client()
    token = fetch_token(client)
    big = {"records": [{"VIN__c": "X" * 17, "Notes__c": "n" * 5000}]}
    for _ in range(200):
        client.post(
            "/objects/records/default/Vehicle", json=big, headers={"Authorization": f"Bearer {token}"}
        )
    journal = emulator_of(app).journal
    assert 0 < len(journal) < 200
    assert journal._bytes <= 64 * 1024
