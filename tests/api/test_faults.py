"""/_mock/faults: rules added, listed and removed; each fault's answer; a faulted request has no effect."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, fetch_token
from zuora_mock.core.settings import ConfigError

pytestmark = pytest.mark.emulator_only

TOKEN_FORM = {
    "client_id": DEMO_CLIENT_ID,
    "client_secret": DEMO_CLIENT_SECRET,
    "grant_type": "client_credentials",
}
EDGE_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
    b"</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


def add(client: FlaskClient, **rule: Any) -> dict[str, Any]:
    response = client.post("/_mock/faults", json=rule)
    assert response.status_code == 201, response.data
    body: dict[str, Any] = response.get_json()
    return body


def auth(client: FlaskClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {fetch_token(client)}"}


def vehicle_ids(client: FlaskClient, headers: dict[str, str], count: int = 2) -> list[str]:
    page = client.get(f"/objects/records/default/Vehicle?pageSize={count}", headers=headers).get_json()
    return [record["Id"] for record in page["records"]]


def test_a_rule_is_answered_with_its_id_and_defaults(client: FlaskClient) -> None:
    rule = add(client, fault="rate-limit", path="/v1/*")
    assert rule == {
        "id": "fault-1",
        "fault": "rate-limit",
        "method": "*",
        "path": "/v1/*",
        "tenant": None,
        "times": 1,
        "after": 0,
        "probability": 1.0,
        "delayMs": None,
        "status": None,
        "body": None,
        "failAfterRows": None,
        "retryAfter": None,
        "matched": 0,
        "fired": 0,
    }


def test_list_counts_firing_and_delete_removes(client: FlaskClient) -> None:
    headers = auth(client)
    first = add(client, fault="server-error", method="GET", path="/v1/bulk/*", times=None, after=1)
    second = add(client, fault="unavailable", method="PUT", path="/v1/bulk/*")
    statuses = [client.get("/v1/bulk/nope", headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 500, 500]  # the first match goes through (after=1), then every one fails
    listed = client.get("/_mock/faults").get_json()["faults"]
    assert [(r["id"], r["matched"], r["fired"]) for r in listed] == [
        (first["id"], 3, 2),
        (second["id"], 0, 0),
    ]
    assert client.delete(f"/_mock/faults/{first['id']}").get_json() == {"success": True, "deleted": 1}
    assert client.delete(f"/_mock/faults/{first['id']}").status_code == 404
    assert client.delete("/_mock/faults").get_json() == {"success": True, "deleted": 1}
    assert client.get("/_mock/faults").get_json() == {"faults": []}


@pytest.mark.parametrize(
    "rule",
    [
        {"fault": "nope"},
        {},
        {"fault": "status"},
        {"fault": "status", "status": 99},
        {"fault": "delay", "delayMs": -1},
        {"fault": "rate-limit", "times": 0},
        {"fault": "rate-limit", "probability": 1.5},
        {"fault": "rate-limit", "after": True},
        {"fault": "rate-limit", "path": ""},
        {"fault": "rate-limit", "surprise": 1},
        [],
    ],
)
def test_bad_rules_are_400(client: FlaskClient, rule: Any) -> None:
    response = client.post("/_mock/faults", json=rule)
    assert response.status_code == 400
    assert response.get_json()["reasons"][0]["code"] % 100 in (20, 90)


def test_probability_with_a_seed_replays_the_same_run(make_app: Any) -> None:
    runs = []
    for _ in range(2):
        client = make_app(fault_seed=7).test_client()
        add(client, fault="status", status=503, path="/v1/bulk/*", times=None, probability=0.5)
        headers = auth(client)
        runs.append([client.get("/v1/bulk/x", headers=headers).status_code for _ in range(20)])
    assert runs[0] == runs[1]
    assert set(runs[0]) == {200, 503}


def test_throttled_records_lists_the_batch_and_changes_nothing(client: FlaskClient) -> None:
    headers = auth(client)
    ids = vehicle_ids(client, headers)
    add(client, fault="throttled-records", method="POST", path="/objects/batch/default/*")
    batch = {"action": {"type": "update", "records": {ids[0]: {"Notes__c": "a"}, ids[1]: {"Notes__c": "b"}}}}
    keyed = {**headers, "Idempotency-Key": "retry-me"}
    refused = client.post("/objects/batch/default/Vehicle", json=batch, headers=keyed)
    assert refused.status_code == 500
    message = "The record was not processed because the request was throttled. Retry the record."
    assert refused.get_json() == {
        "code": 71012561,
        "message": "Internal error. Retry the returned records.",
        "details": [
            {"code": 71012561, "message": message, "record": {"Id": ids[0], "Notes__c": "a"}},
            {"code": 71012561, "message": message, "record": {"Id": ids[1], "Notes__c": "b"}},
        ],
    }
    unchanged = client.get(f"/objects/records/default/Vehicle/{ids[0]}", headers=headers).get_json()
    assert unchanged.get("Notes__c") != "a"
    # The idempotency key was not consumed: the retry with the same key is applied, once.
    assert client.post("/objects/batch/default/Vehicle", json=batch, headers=keyed).get_json() == {}
    applied = client.get(f"/objects/records/default/Vehicle/{ids[0]}", headers=headers).get_json()
    assert applied["Notes__c"] == "a"


def test_throttled_records_on_create_and_delete_and_elsewhere(client: FlaskClient) -> None:
    headers = auth(client)
    add(client, fault="throttled-records", times=3)
    created = client.post(
        "/objects/records/default/Vehicle", json={"records": [{"VIN__c": "X"}]}, headers=headers
    )
    assert [d["record"] for d in created.get_json()["details"]] == [{"VIN__c": "X"}]
    deleted = client.post(
        "/objects/batch/default/Vehicle", json={"action": {"type": "delete", "ids": ["a"]}}, headers=headers
    )
    assert [d["record"] for d in deleted.get_json()["details"]] == [{"Id": "a"}]
    other = client.get("/v1/bulk/x", headers=headers)
    assert (other.status_code, other.get_json()["details"]) == (500, [])


def test_rate_limit_is_the_documented_429(client: FlaskClient) -> None:
    headers = auth(client)
    add(client, fault="rate-limit", path="/objects/*")
    response = client.get("/objects/definitions/default", headers=headers)
    seconds = int(response.headers["Retry-After"])
    assert response.status_code == 429
    assert response.get_json() == {
        "reasons": [
            {"code": 70, "message": f"API Rate limit exceeded for the minute, retry after {seconds} seconds"}
        ]
    }
    assert response.headers["RateLimit-Remaining"] == "0"
    assert response.headers["RateLimit-Reset"] == str(seconds)


def test_rate_limit_on_the_token_endpoint(client: FlaskClient) -> None:
    add(client, fault="rate-limit", path="/oauth/token", tenant="demo")
    response = client.post("/oauth/token", data=TOKEN_FORM)
    assert response.status_code == 429
    assert response.headers["X-RateLimit-Remaining-minute"] == "0"
    assert client.post("/oauth/token", data=TOKEN_FORM).status_code == 200


def test_concurrency_limit_is_the_v1_envelope_with_retry_after_120(client: FlaskClient) -> None:
    headers = auth(client)
    add(client, fault="concurrency-limit")
    response = client.get("/v1/bulk/x", headers=headers)
    body = response.get_json()
    assert (response.status_code, response.headers["Retry-After"]) == (429, "120")
    assert body["success"] is False
    assert body["reasons"][0]["code"] == 50000070
    assert body["requestId"] == response.headers["Zuora-Request-Id"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/v1/bulk/x", {"success": False}),
        ("/objects/definitions/default", {"code": 71012560}),
    ],
)
def test_server_error_uses_the_family_envelope(
    client: FlaskClient, path: str, expected: dict[str, Any]
) -> None:
    headers = auth(client)
    add(client, fault="server-error")
    response = client.get(path, headers=headers)
    assert response.status_code == 500
    assert expected.items() <= response.get_json().items()


@pytest.mark.parametrize(
    ("fault", "status"), [("bad-gateway", 502), ("unavailable", 503), ("gateway-timeout", 504)]
)
def test_edge_faults_are_html_without_zuora_headers(client: FlaskClient, fault: str, status: int) -> None:
    headers = auth(client)
    add(client, fault=fault)
    response = client.get("/v1/bulk/x", headers=headers)
    assert (response.status_code, response.mimetype) == (status, "text/html")
    assert response.data.startswith(b"<html>") and str(status).encode() in response.data
    assert "Zuora-Request-Id" not in response.headers
    assert "RateLimit-Limit" not in response.headers
    if fault == "bad-gateway":
        assert response.data == EDGE_502


def test_status_fault_answers_any_status_and_body(client: FlaskClient) -> None:
    headers = auth(client)
    add(client, fault="status", status=418, body={"teapot": True})
    response = client.get("/v1/bulk/x", headers=headers)
    assert (response.status_code, response.get_json()) == (418, {"teapot": True})


def test_delay_answers_normally_and_is_journaled(client: FlaskClient) -> None:
    headers = auth(client)
    rule = add(client, fault="delay", delayMs=20)
    assert client.get("/objects/definitions/default", headers=headers).status_code == 200
    entry = client.get("/_mock/requests?limit=1").get_json()["requests"][0]
    assert entry["fault"] == rule["id"]
    assert entry["durationMs"] >= 20


def test_a_tenant_scoped_rule_leaves_other_tenants_alone(client: FlaskClient) -> None:
    demo = auth(client)
    other = {"Authorization": f"Bearer {fetch_token(client, '0f0f0f0f-0000-4000-8000-0000000000c1', 's')}"}
    add(client, fault="server-error", tenant="demo", times=None)
    assert client.get("/v1/bulk/x", headers=other).status_code == 200
    assert client.get("/v1/bulk/x", headers=demo).status_code == 500


def test_a_faulted_upload_creates_no_job(make_app: Any) -> None:
    client = make_app(bulk_progression="manual").test_client()
    headers = auth(client)
    add(client, fault="unavailable", path="/v1/bulk")
    assert upload(client, headers, 4).status_code == 503
    assert upload(client, headers, 4).get_json()["success"] is True
    assert [e["status"] for e in client.get("/_mock/requests?path=/v1/bulk").get_json()["requests"]] == [
        503,
        200,
    ]


def upload(client: FlaskClient, headers: dict[str, str], rows: int) -> Any:
    csv = ("Revenue Schedule Number\n" + "".join(f"RS-{i}\n" for i in range(rows))).encode()
    return client.post(
        "/v1/bulk",
        data={
            "file": (io.BytesIO(csv), "s.csv"),
            "params": json.dumps({"actionType": "DeleteRevenueSchedule"}),
        },
        headers=headers,
        content_type="multipart/form-data",
    )


def test_job_failed_ends_failed_part_way_without_a_file(make_app: Any) -> None:
    client = make_app(bulk_progression="manual").test_client()
    headers = auth(client)
    rule = add(client, fault="job-failed", method="POST", path="/v1/bulk")
    key = upload(client, headers, 10).get_json()["bulkKey"]
    assert client.get(f"/v1/bulk/{key}", headers=headers).get_json()["status"] == "Pending"
    client.post(f"/_mock/bulk/{key}/advance", json={"rows": 3})
    processing = client.get(f"/v1/bulk/{key}", headers=headers).get_json()
    assert (processing["status"], processing["processedCount"]) == ("Processing", 3)
    client.post(f"/_mock/bulk/{key}/advance")
    failed = client.get(f"/v1/bulk/{key}", headers=headers).get_json()
    assert failed["processId"] and len(failed["processId"]) == 16
    del failed["processId"], failed["uploadedOn"], failed["startedOn"], failed["endedOn"]
    assert failed == {
        "actionType": "DeleteRevenueSchedule",
        "inputSize": None,
        "uploadedBy": failed["uploadedBy"],
        "status": "Failed",
        "outputSize": None,
        "outputURL": None,
        "outputType": None,
        "totalCount": 10,
        "processedCount": 5,
        "errorCount": 5,
        "successCount": 0,
        "reasons": [
            {
                "code": 50000060,
                "message": "The mass action failed while processing row 6. No response file was created.",
            }
        ],
        "success": True,
    }
    entry = client.get("/_mock/requests?method=POST&path=/v1/bulk").get_json()["requests"][0]
    assert entry["fault"] == rule["id"]
    # The next upload is not affected.
    second = upload(client, headers, 2).get_json()["bulkKey"]
    assert client.post(f"/_mock/bulk/{second}/advance").get_json()["status"] == "Completed"


def test_job_failed_after_a_given_row_count_with_immediate_progression(make_app: Any) -> None:
    client = make_app(bulk_progression="immediate").test_client()
    headers = auth(client)
    add(client, fault="job-failed", path="/v1/bulk", failAfterRows=1)
    key = upload(client, headers, 4).get_json()["bulkKey"]
    status = client.get(f"/v1/bulk/{key}", headers=headers).get_json()
    assert (status["status"], status["processedCount"], status["outputURL"]) == ("Failed", 1, None)


def test_faults_load_from_a_file_at_start_up(make_app: Any, tmp_path: Path) -> None:
    path = tmp_path / "faults.json"
    path.write_text(json.dumps([{"fault": "unavailable", "path": "/v1/*", "times": None}]))
    client = make_app(faults=str(path)).test_client()
    assert client.get("/_mock/faults").get_json()["faults"][0]["fault"] == "unavailable"
    assert client.get("/v1/bulk/x", headers=auth(client)).status_code == 503


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "fault file"),
        ('{"fault": "x"}', "expected a JSON list"),
        ('[{"fault": "x"}]', "'fault' must be"),
    ],
)
def test_a_bad_fault_file_is_a_config_error(
    make_app: Any, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "faults.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        make_app(faults=str(path))


def test_latency_delays_zuora_responses_only(make_app: Any) -> None:
    client = make_app(latency="30-40").test_client()
    headers = auth(client)
    client.get("/v1/bulk/x", headers=headers)
    entry = client.get("/_mock/requests?method=GET").get_json()["requests"][0]
    assert entry["durationMs"] >= 30
