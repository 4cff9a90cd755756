"""GET /v1/bulk/{key}, PUT /v1/bulk/{key}/stop and GET /v1/files/{id}: statuses, counts, result files,
progression."""

from __future__ import annotations

import csv
import io
import re
import threading
import time
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.api.test_bulk_upload import assert_v1_error, post_bulk
from tests.conftest import MULTI_CLIENT_ID, MULTI_CLIENT_SECRET, MULTI_ENTITIES, fetch_token
from zuora_mock.backend.massactions import messages as m

TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
OUTPUT_URL_RE = re.compile(r"^http://localhost/v1/files/[0-9a-f]{32}$")
STATUS_KEYS = [
    "actionType",
    "inputSize",
    "uploadedBy",
    "uploadedOn",
    "status",
    "startedOn",
    "endedOn",
    "outputSize",
    "outputURL",
    "outputType",
    "totalCount",
    "processedCount",
    "errorCount",
    "successCount",
    "success",
]
COUNTS = ("totalCount", "processedCount", "errorCount", "successCount")
DEMO_EMAIL = "avery.quinn@northwind-demo.example"
DELETE_3 = b"Revenue Schedule Number\nRS-00000001\nRS-00000099\nRS-00000005\n"


class Bulk:
    """A client for one app with the demo tenant's token."""

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()
        self.auth = {"Authorization": f"Bearer {fetch_token(self.client)}"}

    def upload(self, action: str, file: bytes, filename: str = "upload.csv") -> str:
        body = post_bulk(
            self.client, self.auth, file=file, filename=filename, params={"actionType": action}
        ).get_json()
        assert body["success"] is True, body
        return body["bulkKey"]

    def get(self, key: str) -> dict[str, Any]:
        return self.client.get(f"/v1/bulk/{key}", headers=self.auth).get_json()

    def stop(self, key: str) -> Any:
        return self.client.put(f"/v1/bulk/{key}/stop", headers=self.auth)

    def advance(self, key: str, rows: int | None = None) -> dict[str, Any]:
        response = self.client.post(f"/_mock/bulk/{key}/advance", json={} if rows is None else {"rows": rows})
        assert response.status_code == 200, response.data
        return response.get_json()

    def result_rows(self, status: dict[str, Any]) -> list[list[str]]:
        response = self.client.get(status["outputURL"].removeprefix("http://localhost"), headers=self.auth)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/zip;charset=UTF-8"
        assert len(response.data) == status["outputSize"]
        archive = zipfile.ZipFile(io.BytesIO(response.data))
        assert len(archive.namelist()) == 1
        return list(csv.reader(io.StringIO(archive.read(archive.namelist()[0]).decode("utf-8-sig"))))


@pytest.fixture
def manual(make_app: Callable[..., Flask]) -> Bulk:
    return Bulk(make_app(bulk_progression="manual"))


@pytest.fixture
def immediate(make_app: Callable[..., Flask]) -> Bulk:
    return Bulk(make_app(bulk_progression="immediate"))


def counts(status: dict[str, Any]) -> list[Any]:
    return [status[name] for name in COUNTS]


def test_pending_status_body(manual: Bulk) -> None:
    key = manual.upload("DeleteRevenueSchedule", DELETE_3)
    response = manual.client.get(f"/v1/bulk/{key}", headers=manual.auth)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    body = response.get_json()
    assert list(body) == STATUS_KEYS
    assert TIMESTAMP_RE.match(body["uploadedOn"])
    assert body == {
        "actionType": "DeleteRevenueSchedule",
        "inputSize": None,
        "uploadedBy": DEMO_EMAIL,
        "uploadedOn": body["uploadedOn"],
        "status": "Pending",
        "startedOn": None,
        "endedOn": None,
        "outputSize": None,
        "outputURL": None,
        "outputType": None,
        "totalCount": None,
        "processedCount": None,
        "errorCount": None,
        "successCount": None,
        "success": True,
    }


def test_processing_then_completed_with_counts_at_every_poll(manual: Bulk) -> None:
    key = manual.upload("DeleteRevenueSchedule", DELETE_3)
    started = manual.advance(key, rows=0)
    assert started["status"] == "Processing"
    assert counts(started) == [3, 0, 0, 0]
    assert TIMESTAMP_RE.match(started["startedOn"]) and started["endedOn"] is None
    assert [started[k] for k in ("inputSize", "outputSize", "outputURL", "outputType")] == [None] * 4
    seen = [counts(manual.get(key))]
    for _ in range(3):
        manual.advance(key, rows=1)
        seen.append(counts(manual.get(key)))
    assert seen == [[3, 0, 0, 0], [3, 1, 0, 1], [3, 2, 1, 1], [3, 3, 1, 2]]
    done = manual.get(key)
    assert done["status"] == "Completed"
    assert done["inputSize"] == len(DELETE_3)
    assert done["outputType"] == "(url:.csv.zip)"
    assert OUTPUT_URL_RE.match(done["outputURL"])
    assert done["startedOn"] <= done["endedOn"]
    assert manual.result_rows(done) == [
        ["Revenue Schedule Number", "Success", "Error Message"],
        ["RS-00000001", "Y", ""],
        ["RS-00000099", "N", m.RS_NOT_FOUND.format(key="RS-00000099")],
        ["RS-00000005", "Y", ""],
    ]


def test_immediate_mode_is_done_before_the_first_poll(immediate: Bulk) -> None:
    key = immediate.upload("DeleteRevenueSchedule", DELETE_3)
    status = immediate.get(key)
    assert status["status"] == "Completed"
    assert counts(status) == [3, 3, 1, 2]


def test_time_mode_completes_a_small_file_within_a_second(make_app: Callable[..., Flask]) -> None:
    bulk = Bulk(make_app())
    key = bulk.upload("DeleteRevenueSchedule", DELETE_3)
    deadline = time.monotonic() + 1.0
    statuses, previous = [], [0, 0, 0]
    while time.monotonic() < deadline:
        status = bulk.get(key)
        statuses.append(status["status"])
        if status["status"] != "Pending":
            assert status["processedCount"] == status["errorCount"] + status["successCount"]
            current = [status["processedCount"], status["errorCount"], status["successCount"]]
            assert all(a <= b for a, b in zip(previous, current, strict=True))
            previous = current
        if status["status"] == "Completed":
            break
        time.sleep(0.02)
    assert statuses[-1] == "Completed" and set(statuses) <= {"Pending", "Processing", "Completed"}
    assert counts(status) == [3, 3, 1, 2]


def test_time_mode_shows_processing_rows_at_the_configured_rate(make_app: Callable[..., Flask]) -> None:
    bulk = Bulk(make_app(bulk_start_delay=0, bulk_rows_per_second=40))
    rows = b"Revenue Schedule Number\n" + b"RS-00000099\n" * 20
    key = bulk.upload("DeleteRevenueSchedule", rows)
    processed, status = [], {}
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        status = bulk.get(key)
        if status["status"] == "Processing":
            processed.append(status["processedCount"])
            assert status["processedCount"] == status["errorCount"] + status["successCount"]
        if status["status"] == "Completed":
            break
        time.sleep(0.03)
    assert status["status"] == "Completed" and counts(status) == [20, 20, 20, 0]
    assert processed and processed == sorted(processed) and processed[0] < 20


def test_result_file_keeps_hash_columns_and_adds_the_schedule_number(immediate: Bulk) -> None:
    upload = (
        b"#Source,Subscription Charge Key,Revenue Schedule Date,Revenue Schedule Amount,#Owner\n"
        b'crm,C-00000001,2025-12-01,100.50,"Quinn, Avery"\n'
        b"crm,C-00000002,2025-12-01,10,ops\n"
        b'"multi\nline",C-00000003,2025-13-01,10,ops\n'
        b"erp,C-00000003,2026-01-15,75,#not-a-comment\n"
    )
    status = immediate.get(immediate.upload("CreateRevenueSchedule", upload, "schedules.csv"))
    assert counts(status) == [4, 4, 2, 2]
    assert immediate.result_rows(status) == [
        [
            "#Source",
            "Subscription Charge Key",
            "Revenue Schedule Date",
            "Revenue Schedule Amount",
            "#Owner",
            "Success",
            "Revenue Schedule Number",
            "Error Message",
        ],
        ["crm", "C-00000001", "2025-12-01", "100.50", "Quinn, Avery", "Y", "RS-00000006", ""],
        ["crm", "C-00000002", "2025-12-01", "10", "ops", "N", "", m.RS_CHARGE_RULE.format(key="C-00000002")],
        [
            "multi\nline",
            "C-00000003",
            "2025-13-01",
            "10",
            "ops",
            "N",
            "",
            m.ROW_DATE.format(column="Revenue Schedule Date", value="2025-13-01"),
        ],
        ["erp", "C-00000003", "2026-01-15", "75", "#not-a-comment", "Y", "RS-00000007", ""],
    ]


def test_a_later_job_sees_the_effects_of_an_earlier_one(immediate: Bulk) -> None:
    created = immediate.get(
        immediate.upload(
            "CreateRevenueSchedule",
            b"Subscription Charge Key,Revenue Schedule Date,Revenue Schedule Amount\n"
            b"C-00000001,2025-12-01,10\n",
        )
    )
    number = immediate.result_rows(created)[1][-2]
    deleted = immediate.get(
        immediate.upload("DeleteRevenueSchedule", f"Revenue Schedule Number\n{number}\n{number}\n".encode())
    )
    assert immediate.result_rows(deleted)[1:] == [
        [number, "Y", ""],
        [number, "N", m.RS_NOT_FOUND.format(key=number)],
    ]


@pytest.mark.parametrize(
    ("action", "upload", "expected", "job_counts"),
    [
        # Revenue schedule actions: rows after a failure in their group are not processed (blank), not errors.
        (
            "DeleteRevenueSchedule",
            (
                "Group ID,Revenue Schedule Number\n"
                "G1,RS-00000099\nG1,RS-00000001\nG2,RS-00000005\n,RS-00000098\nG1,RS-00000005\n"
            ),
            [
                ["G1", "RS-00000099", "N", m.RS_NOT_FOUND.format(key="RS-00000099")],
                ["G1", "RS-00000001", "", ""],
                ["G2", "RS-00000005", "Y", ""],
                ["", "RS-00000098", "N", m.RS_NOT_FOUND.format(key="RS-00000098")],
                ["G1", "RS-00000005", "", ""],
            ],
            [5, 3, 2, 1],
        ),
        # ImportFXRate: skipped rows are marked N with the documented message.
        (
            "ImportFXRate",
            (
                "Group ID,Provider Exchange Rate Date,Currency (From),Currency (To),Exchange Rate\n"
                "A,2025-12-01,EUR,XXX,1.1\nA,2025-12-01,EUR,USD,1.1\nB,2025-12-01,GBP,USD,1.3\n"
            ),
            [
                [
                    "A",
                    "2025-12-01",
                    "EUR",
                    "XXX",
                    "1.1",
                    "N",
                    m.FX_CURRENCY.format(column="Currency (To)", value="XXX"),
                ],
                ["A", "2025-12-01", "EUR", "USD", "1.1", "N", m.ROW_GROUP_SKIPPED],
                ["B", "2025-12-01", "GBP", "USD", "1.3", "Y", ""],
            ],
            [3, 3, 2, 1],
        ),
    ],
)
def test_group_id(
    immediate: Bulk, action: str, upload: str, expected: list[list[str]], job_counts: list[int]
) -> None:
    status = immediate.get(immediate.upload(action, upload.encode()))
    assert counts(status) == job_counts
    assert immediate.result_rows(status)[1:] == expected


def test_stop_while_pending(manual: Bulk) -> None:
    key = manual.upload("DeleteRevenueSchedule", DELETE_3)
    response = manual.stop(key)
    assert response.status_code == 200 and response.get_json() == {"success": True}
    assert manual.get(key)["status"] == "Stopping"
    assert manual.stop(key).get_json() == {"success": True}  # stopping again is harmless
    stopped = manual.advance(key)
    assert stopped["status"] == "Stopped"
    assert stopped == manual.get(key)
    assert stopped["startedOn"] is None and TIMESTAMP_RE.match(stopped["endedOn"])
    assert [stopped[k] for k in ("outputSize", "outputURL", "outputType")] == [None, None, None]
    assert counts(stopped) == [0, 0, 0, 0]
    assert_v1_error(manual.stop(key), 50000030, m.MSG_STOP_ENDED.format(status="Stopped"))


def test_stop_while_processing_keeps_processed_rows(manual: Bulk) -> None:
    key = manual.upload("DeleteRevenueSchedule", DELETE_3)
    manual.advance(key, rows=2)
    assert manual.stop(key).get_json() == {"success": True}
    stopping = manual.get(key)
    assert stopping["status"] == "Stopping" and stopping["outputURL"] is None
    stopped = manual.advance(key)
    assert stopped["status"] == "Stopped"
    assert counts(stopped) == [3, 2, 1, 1]
    assert OUTPUT_URL_RE.match(stopped["outputURL"]) and stopped["inputSize"] == len(DELETE_3)
    assert manual.result_rows(stopped)[1:] == [
        ["RS-00000001", "Y", ""],
        ["RS-00000099", "N", m.RS_NOT_FOUND.format(key="RS-00000099")],
        ["RS-00000005", "", ""],
    ]
    # Not rolled back: RS-00000001 stays deleted.
    again = manual.upload("DeleteRevenueSchedule", b"Revenue Schedule Number\nRS-00000001\n")
    assert manual.result_rows(manual.advance(again))[1] == [
        "RS-00000001",
        "N",
        m.RS_NOT_FOUND.format(key="RS-00000001"),
    ]


def test_stop_in_time_mode_goes_to_stopped(make_app: Callable[..., Flask]) -> None:
    bulk = Bulk(make_app(bulk_start_delay=0, bulk_rows_per_second=20))
    key = bulk.upload("DeleteRevenueSchedule", b"Revenue Schedule Number\n" + b"RS-00000099\n" * 50)
    deadline = time.monotonic() + 2
    while bulk.get(key)["processedCount"] in (None, 0) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert bulk.stop(key).get_json() == {"success": True}
    while bulk.get(key)["status"] == "Stopping" and time.monotonic() < deadline:
        time.sleep(0.01)
    status = bulk.get(key)
    assert status["status"] == "Stopped" and 0 < status["processedCount"] < 50
    rows = bulk.result_rows(status)[1:]
    assert [r[1] for r in rows].count("N") == status["processedCount"]
    assert [r[1] for r in rows].count("") == 50 - status["processedCount"]


@pytest.mark.parametrize("action", ["stop", "advance"])
def test_ended_jobs_refuse_stop_and_advance(immediate: Bulk, action: str) -> None:
    key = immediate.upload("DeleteRevenueSchedule", DELETE_3)
    if action == "stop":
        assert_v1_error(immediate.stop(key), 50000030, m.MSG_STOP_ENDED.format(status="Completed"))
    else:
        response = immediate.client.post(f"/_mock/bulk/{key}/advance", json={})
        assert response.get_json()["reasons"][0]["message"] == m.MSG_ADMIN_ENDED.format(status="Completed")


def test_job_with_broken_csv_rows_ends_failed(manual: Bulk) -> None:
    key = manual.upload("DeleteRevenueSchedule", b'Revenue Schedule Number\nRS-00000001\n"RS-2"x\n')
    failed = manual.advance(key)
    assert failed["status"] == "Failed"
    assert [failed[k] for k in ("inputSize", "outputSize", "outputURL", "outputType")] == [None] * 4
    assert counts(failed) == [0, 0, 0, 0]
    assert TIMESTAMP_RE.match(failed["startedOn"]) and TIMESTAMP_RE.match(failed["endedOn"])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/v1/bulk/ffffffffffffffffffffffffffffffff"),
        ("put", "/v1/bulk/ffffffffffffffffffffffffffffffff/stop"),
    ],
)
def test_unknown_keys(manual: Bulk, method: str, path: str) -> None:
    response = getattr(manual.client, method)(path, headers=manual.auth)
    assert_v1_error(response, 50000040, m.MSG_NOT_FOUND.format(key="ffffffffffffffffffffffffffffffff"))


@pytest.mark.parametrize("v1_error_status", ["200", "4xx"])
def test_unknown_file_is_a_404_in_either_mode(make_app: Callable[..., Flask], v1_error_status: str) -> None:
    """A client saves a 200 as the result zip, so a missing or expired file is never a 200."""
    bulk = Bulk(make_app(v1_error_status=v1_error_status))
    response = bulk.client.get("/v1/files/ffffffffffffffffffffffffffffffff", headers=bulk.auth)
    assert_v1_error(
        response, 50000040, m.MSG_NOT_FOUND.format(key="ffffffffffffffffffffffffffffffff"), status=404
    )


def test_not_found_is_404_when_configured(make_app: Callable[..., Flask]) -> None:
    bulk = Bulk(make_app(v1_error_status="4xx"))
    response = bulk.client.get("/v1/bulk/ffffffffffffffffffffffffffffffff", headers=bulk.auth)
    assert_v1_error(
        response, 50000040, m.MSG_NOT_FOUND.format(key="ffffffffffffffffffffffffffffffff"), status=404
    )


def test_files_need_a_token(immediate: Bulk) -> None:
    status = immediate.get(immediate.upload("DeleteRevenueSchedule", DELETE_3))
    response = immediate.client.get(status["outputURL"].removeprefix("http://localhost"))
    assert response.status_code == 401


def test_output_url_uses_the_base_url_setting(make_app: Callable[..., Flask]) -> None:
    bulk = Bulk(make_app(bulk_progression="immediate", base_url="https://rest.apisandbox.zuora.com/"))
    status = bulk.get(bulk.upload("DeleteRevenueSchedule", DELETE_3))
    assert re.match(r"^https://rest\.apisandbox\.zuora\.com/v1/files/[0-9a-f]{32}$", status["outputURL"])


def test_response_file_keeps_bom_and_crlf(immediate: Bulk) -> None:
    upload = b"\xef\xbb\xbfRevenue Schedule Number\r\nRS-00000099\r\n"
    status = immediate.get(immediate.upload("DeleteRevenueSchedule", upload, "excel.csv"))
    response = immediate.client.get(
        status["outputURL"].removeprefix("http://localhost"), headers=immediate.auth
    )
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.namelist() == ["excel.csv"]
    assert archive.read("excel.csv") == (
        b"\xef\xbb\xbfRevenue Schedule Number,Success,Error Message\r\nRS-00000099,N,"
        + m.RS_NOT_FOUND.format(key="RS-00000099").encode()
        + b"\r\n"
    )


def test_zipped_input_is_processed(immediate: Bulk) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("rs.csv", DELETE_3)
    status = immediate.get(immediate.upload("DeleteRevenueSchedule", buffer.getvalue(), "rs.zip"))
    assert counts(status) == [3, 3, 1, 2]
    assert status["inputSize"] == len(buffer.getvalue())


def test_small_status_is_not_gzipped(manual: Bulk) -> None:
    key = manual.upload("DeleteRevenueSchedule", DELETE_3)
    response = manual.client.get(f"/v1/bulk/{key}", headers={**manual.auth, "Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers


def test_jobs_belong_to_their_entity(make_app: Callable[..., Flask]) -> None:
    client = make_app(bulk_progression="manual").test_client()
    token = fetch_token(client, MULTI_CLIENT_ID, MULTI_CLIENT_SECRET)
    first = {"Authorization": f"Bearer {token}", "Zuora-Entity-Ids": MULTI_ENTITIES[0]}
    second = {"Authorization": f"Bearer {token}", "Zuora-Entity-Ids": MULTI_ENTITIES[1]}
    key = post_bulk(client, first, params={"actionType": "DeleteRevenueSchedule"}).get_json()["bulkKey"]
    assert client.get(f"/v1/bulk/{key}", headers=first).get_json()["status"] == "Pending"
    assert_v1_error(client.get(f"/v1/bulk/{key}", headers=second), 50000040, m.MSG_NOT_FOUND.format(key=key))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"rows": -1}, m.MSG_ADMIN_ROWS),
        ({"rows": "2"}, m.MSG_ADMIN_ROWS),
        ({"rows": True}, m.MSG_ADMIN_ROWS),
    ],
)
def test_admin_advance_validates_rows(manual: Bulk, body: dict[str, Any], message: str) -> None:
    key = manual.upload("DeleteRevenueSchedule", DELETE_3)
    response = manual.client.post(f"/_mock/bulk/{key}/advance", json=body)
    assert response.status_code == 400
    assert response.get_json()["reasons"][0]["message"] == message


def test_admin_advance_unknown_key(manual: Bulk) -> None:
    response = manual.client.post("/_mock/bulk/nope/advance", json={})
    assert response.status_code == 404
    assert response.get_json()["reasons"][0] == {
        "code": 50000040,
        "message": m.MSG_NOT_FOUND.format(key="nope"),
    }


def test_parallel_uploads_and_polls_keep_counts_consistent(make_app: Callable[..., Flask]) -> None:
    app = make_app(bulk_start_delay=0, bulk_rows_per_second=0)
    token = fetch_token(app.test_client())
    rows = b"Revenue Schedule Number\n" + b"RS-00000099\n" * 3000
    failures: list[str] = []

    def worker() -> None:
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        key = post_bulk(
            client, headers, file=rows, params={"actionType": "DeleteRevenueSchedule"}
        ).get_json()["bulkKey"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            status = client.get(f"/v1/bulk/{key}", headers=headers).get_json()
            if (
                status["status"] != "Pending"
                and status["processedCount"] != status["errorCount"] + status["successCount"]
            ):
                failures.append(f"inconsistent counts {status}")
            if status["status"] == "Completed":
                if counts(status) != [3000, 3000, 3000, 0]:
                    failures.append(f"wrong final counts {status}")
                return
        failures.append(f"{key} not completed")

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []


@pytest.mark.parametrize(
    ("member", "disposition"),
    [
        ("rs.csv", 'attachment; filename="rs.zip"'),
        (
            "a\r\nX-Injected: 1.csv",
            "attachment; filename=\"a__X-Injected: 1.zip\"; filename*=UTF-8''a%0D%0AX-Injected%3A%201.zip",
        ),
        ('say "hi".csv', "attachment; filename=\"say _hi_.zip\"; filename*=UTF-8''say%20%22hi%22.zip"),
        ("é😀.csv", "attachment; filename=\"__.zip\"; filename*=UTF-8''%C3%A9%F0%9F%98%80.zip"),
    ],
)
def test_download_name_is_a_safe_header(immediate: Bulk, member: str, disposition: str) -> None:
    """The response file is named after the zipped CSV, whose name may hold anything a header cannot."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, DELETE_3)
    status = immediate.get(immediate.upload("DeleteRevenueSchedule", buffer.getvalue(), "rs.zip"))
    response = immediate.client.get(
        status["outputURL"].removeprefix("http://localhost"), headers=immediate.auth
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == disposition
    assert zipfile.ZipFile(io.BytesIO(response.data)).namelist() == [member]
