"""Mass actions: POST /v1/bulk, GET /v1/bulk/{key}, PUT /v1/bulk/{key}/stop (zuora-api.md sections 3-5).

The uploads name revenue schedules that do not exist: against a real tenant every row fails, nothing changes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from zuora_mock.client import ZuoraAPIError, ZuoraClient

BULK_KEY_RE = re.compile(r"^[0-9a-f]{32}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
OUTPUT_URL_RE = re.compile(r"^https?://[^/]+/v1/files/[0-9a-f]{32}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ACTION = "DeleteRevenueSchedule"
HEADER = "Revenue Schedule Number"
COUNTS = ("totalCount", "processedCount", "errorCount", "successCount")


@pytest.fixture(autouse=True)
def settle_jobs(api: ZuoraClient, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Leave no mass action running behind a test: each one is waited for until it ends."""
    keys: list[str] = []
    upload = api.create_mass_action

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        body = upload(*args, **kwargs)
        keys.append(body["bulkKey"])
        return body

    monkeypatch.setattr(api, "create_mass_action", recording)
    yield
    for key in dict.fromkeys(keys):
        api.wait_for_mass_action(key)


def schedules_csv(rows: int) -> bytes:
    """A DeleteRevenueSchedule upload naming schedules nobody has."""
    lines = [HEADER] + [f"RS-NOPE-{uuid.uuid4().hex[:10]}" for _ in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def count(value: object) -> int:
    """Counts are integers in Zuora's example and strings in its schema; accept both."""
    return int(value)  # type: ignore[call-overload]


@pytest.mark.unverified
def test_upload_returns_a_bulk_key(api: ZuoraClient) -> None:
    body = api.create_mass_action(ACTION, schedules_csv(1))
    assert body["success"] is True
    assert BULK_KEY_RE.match(body["bulkKey"])
    assert set(body) <= {"success", "bulkKey", "processId", "requestId"}


@pytest.mark.unverified
def test_each_upload_gets_a_new_key(api: ZuoraClient) -> None:
    keys = {api.create_mass_action(ACTION, schedules_csv(1))["bulkKey"] for _ in range(3)}
    assert len(keys) == 3


@pytest.mark.unverified
def test_status_right_after_upload(api: ZuoraClient) -> None:
    key = api.create_mass_action(ACTION, schedules_csv(2))["bulkKey"]
    job = api.get_mass_action(key)
    assert job["success"] is True
    assert job["actionType"] == ACTION
    assert TIMESTAMP_RE.match(job["uploadedOn"])
    assert job["status"] in ("Pending", "Processing", "Completed")
    if job["status"] == "Pending":
        assert [job.get(name) for name in COUNTS] == [None] * 4
        assert job.get("outputURL") is None


@pytest.mark.unverified
def test_completed_job_and_its_response_file(api: ZuoraClient) -> None:
    upload = schedules_csv(3)
    key = api.create_mass_action(ACTION, upload, checksum=hashlib.md5(upload).hexdigest())["bulkKey"]
    job = api.wait_for_mass_action(key)
    assert job["status"] == "Completed"
    assert [count(job[name]) for name in COUNTS] == [3, 3, 3, 0]
    assert job["outputType"] == "(url:.csv.zip)"
    assert OUTPUT_URL_RE.match(job["outputURL"])
    assert count(job["inputSize"]) == len(upload)
    assert TIMESTAMP_RE.match(job["startedOn"]) and TIMESTAMP_RE.match(job["endedOn"])
    assert job["startedOn"] <= job["endedOn"]
    archive = api.download(job["outputURL"])
    assert count(job["outputSize"]) == len(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        (name,) = zipped.namelist()
        assert name.endswith(".csv")
        rows = list(csv.DictReader(io.StringIO(zipped.read(name).decode("utf-8-sig"))))
    uploaded = upload.decode().split("\n")[1:4]
    assert [row[HEADER] for row in rows] == uploaded
    assert [row["Success"] for row in rows] == ["N", "N", "N"]
    assert all(row["Error Message"] for row in rows)


@pytest.mark.unverified
def test_processed_count_is_the_sum_while_processing(api: ZuoraClient) -> None:
    key = api.create_mass_action(ACTION, schedules_csv(30))["bulkKey"]
    previous = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = api.get_mass_action(key)
        if job["status"] in ("Processing", "Completed"):
            processed = count(job["processedCount"])
            assert processed == count(job["errorCount"]) + count(job["successCount"])
            assert processed >= previous
            previous = processed
        if job["status"] == "Completed":
            break
        assert job["status"] in ("Pending", "Processing")
        time.sleep(0.02)
    assert previous == 30


@pytest.mark.unverified
def test_stop_a_running_job(api: ZuoraClient) -> None:
    key = api.create_mass_action(ACTION, schedules_csv(500))["bulkKey"]
    assert api.stop_mass_action(key)["success"] is True
    job = api.wait_for_mass_action(key)
    assert job["status"] == "Stopped"
    if job.get("outputURL") is None:
        assert job.get("processedCount") in (None, 0, "0")


@pytest.mark.unverified
def test_stop_a_completed_job_is_a_rule_restriction(api: ZuoraClient) -> None:
    key = api.create_mass_action(ACTION, schedules_csv(1))["bulkKey"]
    api.wait_for_mass_action(key)
    with pytest.raises(ZuoraAPIError) as info:
        api.stop_mass_action(key)
    assert info.value.body["success"] is False
    assert info.value.category == 30


@pytest.mark.unverified
def test_unknown_bulk_key_is_not_found(api: ZuoraClient) -> None:
    with pytest.raises(ZuoraAPIError) as info:
        api.get_mass_action("f" * 32)
    assert info.value.body["success"] is False
    assert info.value.code == 50000040
    assert re.match(r"^[0-9A-F]{16}$", info.value.body["processId"])


@pytest.mark.unverified
@pytest.mark.parametrize(
    ("params", "file", "filename", "category"),
    [
        ({"actionType": "deleteRevenueSchedule"}, schedules_csv(1), "rs.csv", 20),
        ({"actionType": "NoSuchAction"}, schedules_csv(1), "rs.csv", 20),
        ({}, schedules_csv(1), "rs.csv", 22),
        ({"actionType": ACTION, "checksum": "0" * 32}, schedules_csv(1), "rs.csv", 20),
        ({"actionType": ACTION, "checksum": "abc"}, schedules_csv(1), "rs.csv", 20),
        ({"actionType": ACTION}, b"not a csv", "rs.txt", 20),
    ],
)
def test_invalid_uploads_are_v1_errors(
    api: ZuoraClient, params: dict, file: bytes, filename: str, category: int
) -> None:
    with pytest.raises(ZuoraAPIError) as info:
        api.create_mass_action(ACTION, file, filename=filename, params=params)
    body = info.value.body
    assert list(body)[:3] == ["success", "processId", "reasons"]
    assert body["success"] is False
    assert info.value.category == category


@pytest.mark.unverified
def test_missing_file_part_is_a_missing_field(api: ZuoraClient) -> None:
    with pytest.raises(ZuoraAPIError) as info:
        api.call(
            "POST",
            "/v1/bulk",
            data={"params": '{"actionType": "DeleteRevenueSchedule"}'},
            files={"other": ("x.txt", b"x", "text/plain")},
        )
    assert info.value.category == 22


@pytest.mark.unverified
def test_params_that_are_not_json_are_refused(api: ZuoraClient) -> None:
    with pytest.raises(ZuoraAPIError) as info:
        api.call(
            "POST", "/v1/bulk", data={"params": "not-json"}, files={"file": ("rs.csv", schedules_csv(1))}
        )
    assert info.value.category in (20, 90)


@pytest.mark.unverified
def test_zip_with_one_csv_is_accepted(api: ZuoraClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("rs.csv", schedules_csv(2))
    key = api.create_mass_action(ACTION, buffer.getvalue(), filename="rs.zip")["bulkKey"]
    assert count(api.wait_for_mass_action(key)["totalCount"]) == 2


@pytest.mark.unverified
def test_same_idempotency_key_replays_the_upload(api: ZuoraClient) -> None:
    key = f"contract-{uuid.uuid4().hex}"
    first = api.create_mass_action(ACTION, schedules_csv(1), idempotency_key=key)
    first_id = api.last_response.headers["Zuora-Request-Id"] if api.last_response else None
    second = api.create_mass_action(ACTION, schedules_csv(2), idempotency_key=key)
    assert second == first
    assert api.last_response is not None and api.last_response.headers["Zuora-Request-Id"] == first_id


@pytest.mark.unverified
def test_v1_responses_carry_rate_and_concurrency_headers(raw: httpx.Client, bearer: dict[str, str]) -> None:
    response = raw.get(f"/v1/bulk/{'f' * 32}", headers={**bearer, "Zuora-Track-Id": "contract-1"})
    assert UUID_RE.match(response.headers["Zuora-Request-Id"])
    assert response.headers["Zuora-Track-Id"] == "contract-1"
    for header in (
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "Concurrency-Limit-Type",
        "Concurrency-Limit-Limit",
        "Concurrency-Limit-Remaining",
    ):
        assert header in response.headers


@pytest.mark.unverified
@pytest.mark.parametrize("track_id", ["x" * 65, "has:colon", "has;semicolon", 'has"quote', "has'apostrophe"])
def test_invalid_track_id_is_refused(raw: httpx.Client, bearer: dict[str, str], track_id: str) -> None:
    response = raw.get(f"/v1/bulk/{'f' * 32}", headers={**bearer, "Zuora-Track-Id": track_id})
    body = response.json()
    assert response.status_code == 400
    assert body["success"] is False
    assert "Zuora-Track-Id" not in response.headers


def response_rows(api: ZuoraClient, job: dict) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(api.download(job["outputURL"]))) as zipped:
        (name,) = zipped.namelist()
        return list(csv.DictReader(io.StringIO(zipped.read(name).decode("utf-8-sig"))))


@pytest.mark.unverified
def test_comment_columns_are_carried_into_the_response_file(api: ZuoraClient) -> None:
    upload = f"#Note,{HEADER}\nfirst,RS-NOPE-{uuid.uuid4().hex[:10]}\n".encode()
    job = api.wait_for_mass_action(api.create_mass_action(ACTION, upload)["bulkKey"])
    assert job["status"] == "Completed"
    (row,) = response_rows(api, job)
    assert row["#Note"] == "first"
    assert row["Success"] == "N"


@pytest.mark.unverified
def test_a_failed_row_skips_the_rest_of_its_group(api: ZuoraClient) -> None:
    numbers = [f"RS-NOPE-{uuid.uuid4().hex[:10]}" for _ in range(4)]
    lines = [f"Group ID,{HEADER}", f"G,{numbers[0]}", f"G,{numbers[1]}", f"G,{numbers[2]}", f"H,{numbers[3]}"]
    job = api.wait_for_mass_action(
        api.create_mass_action(ACTION, ("\n".join(lines) + "\n").encode())["bulkKey"]
    )
    rows = response_rows(api, job)
    assert [row[HEADER] for row in rows] == numbers
    assert [row["Success"] for row in rows] == ["N", "", "", "N"]


@pytest.mark.unverified
def test_idempotency_key_reused_on_another_url_is_422(
    api: ZuoraClient, make_definition: Callable[..., str]
) -> None:
    vehicle = make_definition()
    key = f"contract-{uuid.uuid4().hex}"
    api.create_mass_action(ACTION, schedules_csv(1), idempotency_key=key)
    with pytest.raises(ZuoraAPIError) as info:
        api.create_records(vehicle, [{"DeviceId__c": "A"}], idempotency_key=key)
    assert info.value.status == 422
    assert api.list_records(vehicle)["records"] == []


@pytest.mark.emulator_only
def test_idempotency_key_expires_after_24_hours(api: ZuoraClient, raw: httpx.Client) -> None:
    key = f"contract-{uuid.uuid4().hex}"
    first = api.create_mass_action(ACTION, schedules_csv(1), idempotency_key=key)
    assert raw.post("/_mock/clock", json={"advance": 86401}).status_code == 200
    second = api.create_mass_action(ACTION, schedules_csv(1), idempotency_key=key)
    assert second["bulkKey"] != first["bulkKey"]
