"""Custom Object Jobs (/objects/jobs): submit, upload, get, list, errors, cancel, limits and progression."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.api.test_bulk_upload import assert_v1_error
from tests.api.test_permissions import RESTRICTED_CLIENT, RESTRICTED_SECRET, fixtures_with
from tests.conftest import MULTI_CLIENT_ID, MULTI_CLIENT_SECRET, MULTI_ENTITIES, fetch_token
from zuora_mock.core.fixtures import default_fixtures_dir

FLEET = "f189dba4-de79-4620-89dd-c2f808683ba1"
JOB_KEYS = [
    "CreatedById",
    "CreatedDate",
    "Id",
    "UpdatedById",
    "UpdatedDate",
    "namespace",
    "object",
    "operation",
    "recordsProcessed",
    "status",
]
ENDED_KEYS = [*JOB_KEYS[:8], "processingTime", *JOB_KEYS[8:]]
SEEDED_VEHICLES = 30
BIG_BODY = 16 * 1024 * 1024  # a 100,000-row file is 8.2 MB, over the default request body limit
HEADER = "VIN__c,FleetId__c,Make__c,ModelYear__c,OdometerKm__c,Status__c,Electric__c"


def vehicle_rows(count: int, bad: dict[int, str] | None = None) -> bytes:
    """`count` valid Vehicle rows (unique VINs), with some rows replaced by the given bad lines."""
    lines = [HEADER]
    for i in range(count):
        lines.append((bad or {}).get(i) or f"JOB{i:014d},{FLEET},Ford,2020,{i}.5,Active,true")
    return ("\n".join(lines) + "\n").encode()


class Jobs:
    """One emulator and a token of the demo tenant (or of another client)."""

    def __init__(self, app: Flask, client_id: str | None = None, secret: str | None = None) -> None:
        self.client = app.test_client()
        token = (
            fetch_token(self.client)
            if client_id is None
            else fetch_token(self.client, client_id, secret or "")
        )
        self.auth = {"Authorization": f"Bearer {token}"}

    def submit(self, operation: str = "create", obj: str = "Vehicle", **headers: str) -> Any:
        body = {"namespace": "default", "object": obj, "operation": operation}
        return self.client.post("/objects/jobs", headers={**self.auth, **headers}, json=body)

    def new(self, operation: str = "create", **headers: str) -> str:
        response = self.submit(operation, **headers)
        assert response.status_code == 200, response.data
        return str(response.get_json()["Id"])

    def upload(self, job_id: str, data: bytes, content_type: str = "text/csv", **headers: str) -> Any:
        return self.client.post(
            f"/objects/jobs/{job_id}/files",
            headers={**self.auth, "Content-Type": content_type, **headers},
            data=data,
        )

    def get(self, path: str, **headers: str) -> Any:
        return self.client.get(path, headers={**self.auth, **headers})

    def job(self, job_id: str) -> dict[str, Any]:
        response = self.get(f"/objects/jobs/{job_id}")
        assert response.status_code == 200, response.data
        body: dict[str, Any] = response.get_json()
        return body

    def errors(self, job_id: str) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = self.get(f"/objects/jobs/{job_id}/errors").get_json()["errors"]
        return errors

    def advance(self, job_id: str, rows: int | None = None) -> Any:
        return self.client.post(
            f"/_mock/objects/jobs/{job_id}/advance", json={} if rows is None else {"rows": rows}
        )

    def cancel(self, job_id: str) -> Any:
        return self.client.patch(f"/objects/jobs/{job_id}/cancel", headers=self.auth)

    def record_count(self) -> int:
        count: int = self.get("/objects/records/default/Vehicle?pageSize=1").get_json()["count"]
        return count

    def vins(self) -> set[str]:
        found: set[str] = set()
        cursor = None
        while True:
            query = "pageSize=1000" + (f"&cursor={cursor}" if cursor else "")
            page = self.get(f"/objects/records/default/Vehicle?{query}").get_json()["records"]
            found.update(r["VIN__c"] for r in page)
            if len(page) < 1000:
                return found
            cursor = page[-1]["Id"]


@pytest.fixture
def manual(make_app: Callable[..., Flask]) -> Jobs:
    return Jobs(make_app(bulk_progression="manual"))


@pytest.fixture
def immediate(make_app: Callable[..., Flask]) -> Jobs:
    return Jobs(make_app(bulk_progression="immediate"))


def assert_objects_error(response: Any, status: int, code: int, message: str) -> None:
    assert response.status_code == status, response.data
    body = response.get_json()
    assert (body["code"], body["message"]) == (code, message)


def test_submit_answers_a_pending_job_in_the_sdk_key_order(manual: Jobs) -> None:
    response = manual.submit()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    body = response.get_json()
    assert list(body) == JOB_KEYS
    assert (body["namespace"], body["object"], body["operation"], body["status"]) == (
        "default",
        "Vehicle",
        "create",
        "pending",
    )
    assert body["recordsProcessed"] == 0 and len(body["Id"]) == 36
    assert body["CreatedDate"].endswith("Z") and body["CreatedById"] == body["UpdatedById"]
    assert manual.job(body["Id"]) == body


def test_manual_lifecycle_pending_accepted_in_progress_completed(manual: Jobs) -> None:
    job_id = manual.new()
    uploaded = manual.upload(job_id, vehicle_rows(5))
    assert uploaded.status_code == 200
    assert uploaded.get_json()["status"] == "accepted"
    started = manual.advance(job_id, rows=2).get_json()
    assert (started["status"], started["recordsProcessed"]) == ("in_progress", 2)
    assert manual.vins() >= {"JOB00000000000000", "JOB00000000000001"}
    assert "JOB00000000000002" not in manual.vins()
    assert_objects_error(
        manual.cancel(job_id),
        400,
        71012530,
        f"The bulk job [{job_id}] is in_progress: only an accepted or pending job can be cancelled.",
    )
    done = manual.advance(job_id).get_json()
    assert list(done) == ENDED_KEYS
    assert (done["status"], done["recordsProcessed"]) == ("completed", 5)
    assert manual.job(job_id) == done
    assert manual.errors(job_id) == []
    assert_v1_error(
        manual.advance(job_id),
        50000030,
        f"The bulk job [{job_id}] has ended (completed); there is nothing to advance.",
        status=400,
    )


def test_cancelled_job_stores_none_of_its_rows(manual: Jobs) -> None:
    before = manual.vins()
    pending = manual.new()
    assert manual.cancel(pending).get_json()["status"] == "cancelled"
    accepted = manual.new()
    manual.upload(accepted, vehicle_rows(50))
    cancelled = manual.cancel(accepted).get_json()
    assert list(cancelled) == ENDED_KEYS
    assert (cancelled["status"], cancelled["recordsProcessed"]) == ("cancelled", 0)
    assert manual.vins() == before
    assert_objects_error(
        manual.upload(pending, vehicle_rows(1)),
        400,
        71012530,
        f"The bulk job [{pending}] is cancelled: a file can only be uploaded to a pending job.",
    )
    assert_objects_error(
        manual.cancel(accepted),
        400,
        71012530,
        f"The bulk job [{accepted}] is cancelled: only an accepted or pending job can be cancelled.",
    )
    assert manual.advance(accepted).status_code == 400


def test_rows_are_checked_with_the_batch_field_rules(immediate: Jobs) -> None:
    data = (
        "VIN__c,FleetId__c,Status__c,ModelYear__c,Electric__c,Colour__c\n"
        f"GOOD0000000000001,{FLEET},Active,2020,false,\n"
        f"GOOD0000000000002,{FLEET},Parked,2020,false,\n"
        f"GOOD0000000000003,{FLEET},Active,1900,false,\n"
        f"GOOD0000000000004,{FLEET},Active,twenty,false,\n"
        f"GOOD0000000000005,{FLEET},Active,2020,maybe,\n"
        f"GOOD0000000000006,{FLEET},Active,2020,false,red\n"
        ",,Active,,,\n"
        f"GOOD0000000000001,{FLEET},Active,2020,false,\n"
        "GOOD0000000000009,00000000-0000-4000-8000-000000000000,Active,2020,true,\n"
    ).encode()
    job_id = immediate.new()
    done = immediate.upload(job_id, data).get_json()
    assert (done["status"], done["recordsProcessed"]) == ("completed", 9)
    errors = immediate.errors(job_id)
    assert [e["row"] for e in errors] == [3, 4, 5, 6, 7, 8, 9, 10]
    assert all(list(e) == ["code", "message", "record", "row"] for e in errors)
    assert errors[0]["record"] == {
        "VIN__c": "GOOD0000000000002",
        "FleetId__c": FLEET,
        "Status__c": "Parked",
        "ModelYear__c": "2020",
        "Electric__c": "false",
        "Colour__c": "",
    }
    codes = [e["code"] for e in errors]
    assert codes == [71012520, 71012520, 71012524, 71012524, 71012521, 71012522, 71012530, 71012520]
    assert "Field [ModelYear__c] should be integer type but received string" in errors[2]["message"]
    assert "GOOD0000000000001" in errors[6]["message"]
    assert immediate.vins() >= {"GOOD0000000000001"}
    assert not immediate.vins() & {f"GOOD000000000000{i}" for i in range(2, 10)}


def test_update_and_delete_jobs_need_an_id_column(immediate: Jobs) -> None:
    created = immediate.new()
    immediate.upload(created, vehicle_rows(3))
    listed = immediate.get("/objects/records/default/Vehicle?pageSize=1000").get_json()
    ids = {r["VIN__c"]: r["Id"] for r in listed["records"]}
    first, second = ids["JOB00000000000000"], ids["JOB00000000000001"]
    update = immediate.new("update")
    assert_objects_error(
        immediate.upload(update, b"Make__c\nVolvo\n"),
        400,
        71012522,
        "The CSV file of an update job must have an id column.",
    )
    unknown = "0" * 36
    data = f"Id,Make__c,ModelYear__c\n{first},Volvo,2021\n{unknown},Saab,2021\n"
    data += f"short,Saab,2021\n{second},Volvo,3000\n"
    done = immediate.upload(update, data.encode()).get_json()
    assert (done["operation"], done["status"], done["recordsProcessed"]) == ("update", "completed", 4)
    assert [(e["row"], e["code"]) for e in immediate.errors(update)] == [
        (3, 71012520),
        (4, 71012520),
        (5, 71012520),
    ]
    record = immediate.get(f"/objects/records/default/Vehicle/{first}").get_json()
    assert (record["Make__c"], record["ModelYear__c"], record["VIN__c"]) == (
        "Volvo",
        2021,
        "JOB00000000000000",
    )
    delete = immediate.new("delete")
    done = immediate.upload(delete, f"id\n{first}\n{second}\nnot-an-id\n".encode()).get_json()
    assert (done["status"], done["recordsProcessed"]) == ("completed", 3)
    assert [e["row"] for e in immediate.errors(delete)] == [4]
    assert immediate.get(f"/objects/records/default/Vehicle/{first}").status_code == 404


def test_hundred_thousand_rows_in_manual_progression(make_app: Callable[..., Flask]) -> None:
    manual = Jobs(make_app(bulk_progression="manual", max_body_bytes=BIG_BODY))
    bad = {10: "JOB00000000000001,,Ford,2020,1,Active,true", 50_000: "X,,Ford,2020,1,Scrapped,true"}
    bad[99_999] = f"TOOLONGVIN00000000000,{FLEET},Ford,2020,1,Active,true"
    job_id = manual.new()
    assert manual.upload(job_id, vehicle_rows(100_000, bad)).get_json()["status"] == "accepted"
    partway = manual.advance(job_id, rows=40_000).get_json()
    assert (partway["status"], partway["recordsProcessed"]) == ("in_progress", 40_000)
    done = manual.advance(job_id).get_json()
    assert (done["status"], done["recordsProcessed"]) == ("completed", 100_000)
    assert [(e["row"], e["code"]) for e in manual.errors(job_id)] == [
        (12, 71012530),
        (50_002, 71012520),
        (100_001, 71012520),
    ]
    assert manual.record_count() == SEEDED_VEHICLES + 99_997


def test_hundred_thousand_rows_in_time_progression(make_app: Callable[..., Flask]) -> None:
    settings = {"bulk_start_delay": 0, "bulk_rows_per_second": 0, "max_body_bytes": BIG_BODY}
    jobs = Jobs(make_app(bulk_progression="time", **settings))
    job_id = jobs.new()
    uploaded = jobs.upload(job_id, vehicle_rows(100_000, {7: "JOB00000000000007,,Ford,2020,1,Unknown,true"}))
    assert uploaded.status_code == 200, uploaded.data
    deadline = time.monotonic() + 120
    while jobs.job(job_id)["status"] not in ("completed", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
    done = jobs.job(job_id)
    assert (done["status"], done["recordsProcessed"]) == ("completed", 100_000)
    assert [e["row"] for e in jobs.errors(job_id)] == [9]
    assert jobs.record_count() == SEEDED_VEHICLES + 99_999


def test_time_progression_waits_for_the_start_delay(make_app: Callable[..., Flask]) -> None:
    jobs = Jobs(make_app(bulk_progression="time", bulk_start_delay=3600))
    job_id = jobs.new()
    assert jobs.upload(job_id, vehicle_rows(2)).get_json()["status"] == "accepted"
    assert jobs.job(job_id)["status"] == "accepted"
    assert jobs.cancel(job_id).get_json()["status"] == "cancelled"


def test_malformed_csv_fails_the_job(immediate: Jobs) -> None:
    job_id = immediate.new()
    done = immediate.upload(job_id, b'VIN__c,Status__c\n"unterminated,Active\n').get_json()
    assert list(done) == [*JOB_KEYS[:5], "error", *JOB_KEYS[5:8], "processingTime", *JOB_KEYS[8:]]
    assert done["status"] == "failed"
    assert done["error"]["code"] == 71012590
    assert done["error"]["message"].startswith("The CSV file is malformed: ")


def test_upload_checks(manual: Jobs) -> None:
    job_id = manual.new()
    assert_objects_error(manual.upload(job_id, b""), 400, 71012520, "The uploaded file is empty.")
    assert_objects_error(
        manual.upload(job_id, b"\xff\xfe"),
        400,
        71012520,
        "The uploaded file is not a CSV file: it must be UTF-8 text without NUL characters.",
    )
    assert_objects_error(
        manual.upload(job_id, b"VIN__c,VIN__c\nA,B\n"),
        400,
        71012520,
        "The column [VIN__c] appears more than once in the header row.",
    )
    assert_objects_error(
        manual.upload(job_id, b"a", content_type="application/json"),
        415,
        71012520,
        "The Content-Type of the request must be text/csv (or multipart/form-data with a file part).",
    )
    assert manual.job(job_id)["status"] == "pending"
    form = manual.client.post(
        f"/objects/jobs/{job_id}/files",
        headers=manual.auth,
        data={"file": (io.BytesIO(vehicle_rows(2)), "vehicles.csv", "text/csv")},
    )
    assert form.get_json()["status"] == "accepted"
    assert_objects_error(
        manual.upload(job_id, vehicle_rows(1)),
        400,
        71012530,
        f"The bulk job [{job_id}] is accepted: a file can only be uploaded to a pending job.",
    )


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        ({"object": "Vehicle"}, 400, 71012522, "'operation' is required."),
        ({"operation": "create"}, 400, 71012522, "'object' is required."),
        (
            {"object": "Vehicle", "operation": "upsert"},
            400,
            71012520,
            "'operation' must be one of create, update, delete; got upsert.",
        ),
        (
            {"object": "Vehicle", "operation": "create", "namespace": "com_zuora"},
            400,
            71012520,
            "'namespace' must be default; got com_zuora.",
        ),
        ({"object": "Vehicle", "operation": "create", "extra": 1}, 400, 71012521, "Unknown field 'extra'."),
        (
            {"object": "Vehicle", "operation": "delete", "filter": "Make__c = 'Ford'"},
            400,
            71012520,
            "'filter' is not supported by zuora-mock: upload a CSV file of the record ids to delete.",
        ),
        ({"object": "Boat", "operation": "create"}, 404, 71012540, "Custom object [Boat] does not exist."),
    ],
)
def test_submit_errors(manual: Jobs, body: dict[str, Any], status: int, code: int, message: str) -> None:
    response = manual.client.post("/objects/jobs", headers=manual.auth, json=body)
    assert_objects_error(response, status, code, message)


def test_unknown_job_is_not_found(manual: Jobs) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    message = f"Custom object bulk job [{unknown}] does not exist."
    for response in (
        manual.get(f"/objects/jobs/{unknown}"),
        manual.get(f"/objects/jobs/{unknown}/errors"),
        manual.cancel(unknown),
        manual.upload(unknown, vehicle_rows(1)),
    ):
        assert_objects_error(response, 404, 71012540, message)


def test_list_pages_newest_first_and_filters_by_status(manual: Jobs) -> None:
    ids = [manual.new() for _ in range(4)]
    manual.cancel(ids[0])
    manual.cancel(ids[1])
    first = manual.get("/objects/jobs?pageSize=2").get_json()
    assert list(first) == ["count", "cursor", "jobs"]
    assert [j["Id"] for j in first["jobs"]] == [ids[3], ids[2]]
    assert first["cursor"] == ids[2]
    second = manual.get(f"/objects/jobs?pageSize=2&cursor={first['cursor']}").get_json()
    assert list(second) == ["count", "jobs"]
    assert [j["Id"] for j in second["jobs"]] == [ids[1], ids[0]]
    cancelled = manual.get("/objects/jobs?status=cancelled").get_json()
    assert cancelled["count"] == 2 and {j["status"] for j in cancelled["jobs"]} == {"cancelled"}
    assert_objects_error(
        manual.get("/objects/jobs?pageSize=41"),
        400,
        71012520,
        "'pageSize' must be an integer from 1 to 40; got 41.",
    )
    assert_objects_error(
        manual.get("/objects/jobs?status=done"),
        400,
        71012520,
        "'status' must be one of accepted, pending, in_progress, completed, failed, cancelled; got done.",
    )


def test_at_most_five_active_jobs_per_tenant(make_app: Callable[..., Flask]) -> None:
    app = make_app(bulk_progression="manual")
    jobs = Jobs(app, MULTI_CLIENT_ID, MULTI_CLIENT_SECRET)
    first, second = ({"Zuora-Entity-Ids": entity} for entity in MULTI_ENTITIES)
    made = [jobs.new(**first) for _ in range(3)] + [jobs.new(**second) for _ in range(2)]
    assert_objects_error(jobs.submit(**first), 400, 71012560, "Service limit reached, please retry later.")
    assert_objects_error(jobs.submit(**second), 400, 71012560, "Service limit reached, please retry later.")
    jobs.client.patch(f"/objects/jobs/{made[0]}/cancel", headers={**jobs.auth, **first})
    assert jobs.submit(**second).status_code == 200


def test_jobs_belong_to_their_entity(make_app: Callable[..., Flask]) -> None:
    jobs = Jobs(make_app(bulk_progression="manual"), MULTI_CLIENT_ID, MULTI_CLIENT_SECRET)
    first, second = ({"Zuora-Entity-Ids": entity} for entity in MULTI_ENTITIES)
    job_id = jobs.new(**first)
    assert jobs.get(f"/objects/jobs/{job_id}", **first).status_code == 200
    assert jobs.get(f"/objects/jobs/{job_id}", **second).status_code == 404
    assert jobs.get("/objects/jobs", **second).get_json() == {"count": 0, "jobs": []}


def test_jobs_need_a_token(manual: Jobs) -> None:
    response = manual.client.get("/objects/jobs")
    assert response.status_code == 401


def test_idempotency_key_replays_the_submission(manual: Jobs) -> None:
    first = manual.submit(**{"Idempotency-Key": "job-1"}).get_json()
    again = manual.submit(**{"Idempotency-Key": "job-1"}).get_json()
    assert first == again
    assert manual.get("/objects/jobs").get_json()["count"] == 1


def test_the_demo_sample_import_file(immediate: Jobs) -> None:
    sample = default_fixtures_dir() / "seed" / "custom_objects" / "Vehicle-import.csv"
    job_id = immediate.new()
    done = immediate.upload(job_id, sample.read_bytes()).get_json()
    assert (done["status"], done["recordsProcessed"]) == ("completed", 22)
    errors = immediate.errors(job_id)
    assert [(e["row"], e["code"]) for e in errors] == [(22, 71012520), (23, 71012530)]
    assert immediate.record_count() == SEEDED_VEHICLES + 20
    listed = immediate.get("/objects/records/default/Vehicle?pageSize=1000").get_json()["records"]
    record = next(r for r in listed if r["VIN__c"] == "IMPORT00000000001")
    assert (record["Features__c"], record["Electric__c"], record["ModelYear__c"]) == (
        "GPS;Telematics;EVCharging",
        True,
        2019,
    )


@pytest.mark.parametrize(
    ("permissions", "operation", "code", "message"),
    [
        (["view", "delete"], "create", 71012515, "Unauthorized to create object record."),
        (["view", "delete"], "update", 71012513, "Unauthorized to update object record."),
        (["view", "edit"], "delete", 71012514, "Unauthorized to delete object record."),
    ],
)
def test_jobs_need_the_custom_objects_permission_of_their_operation(
    make_app: Callable[..., Flask],
    tmp_path: Any,
    permissions: list[str],
    operation: str,
    code: int,
    message: str,
) -> None:
    fixtures = fixtures_with(tmp_path, client={"customObjects": permissions})
    app = make_app(fixtures=fixtures, bulk_progression="manual")
    restricted = Jobs(app, RESTRICTED_CLIENT, RESTRICTED_SECRET)
    assert_objects_error(restricted.submit(operation), 403, code, message)
    allowed = Jobs(app)
    job_id = allowed.new(operation)
    assert_objects_error(restricted.upload(job_id, b"id\nx\n"), 403, code, message)
    assert_objects_error(restricted.cancel(job_id), 403, code, message)
    assert restricted.get(f"/objects/jobs/{job_id}").status_code == 200


def test_reading_jobs_needs_view(make_app: Callable[..., Flask], tmp_path: Any) -> None:
    fixtures = fixtures_with(tmp_path, client={"customObjects": ["edit", "delete"]})
    restricted = Jobs(make_app(fixtures=fixtures), RESTRICTED_CLIENT, RESTRICTED_SECRET)
    response = restricted.get("/objects/jobs")
    assert_objects_error(response, 403, 71012512, "Unauthorized to view object record.")


def test_the_dashboard_lists_bulk_jobs_with_an_advance_button(manual: Jobs) -> None:
    job_id = manual.new()
    manual.upload(job_id, vehicle_rows(3))
    page = manual.client.get("/_mock/ui/jobs").get_data(as_text=True)
    assert f'data-object-job="{job_id}" data-status="accepted"' in page
    assert f"/_mock/objects/jobs/{job_id}/advance" in page
    manual.advance(job_id)
    page = manual.client.get("/_mock/ui/jobs").get_data(as_text=True)
    assert f'data-object-job="{job_id}" data-status="completed"' in page
    assert f"/_mock/objects/jobs/{job_id}/advance" not in page


def test_reset_stops_the_progression_and_forgets_the_jobs(make_app: Callable[..., Flask]) -> None:
    jobs = Jobs(make_app(bulk_progression="time", bulk_start_delay=3600))
    job_id = jobs.new()
    jobs.upload(job_id, vehicle_rows(2))
    assert jobs.client.post("/_mock/reset").status_code == 200
    jobs = Jobs(jobs.client.application)
    assert jobs.get(f"/objects/jobs/{job_id}").status_code == 404
    assert jobs.get("/objects/jobs").get_json() == {"count": 0, "jobs": []}
