"""Custom object bulk jobs in a snapshot: saved as they stand, alike after a load, resumed mid-way."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.api.test_object_jobs import Jobs, vehicle_rows

ROWS = 6
BAD_ROWS = {1: "JOB-BAD,not-a-uuid,Ford,2020,1.5,Active,true"}


@pytest.fixture
def manual(make_app: Callable[..., Flask]) -> Jobs:
    return Jobs(make_app(bulk_progression="manual"))


def _snapshot(jobs: Jobs) -> bytes:
    response = jobs.client.get("/_mock/state")
    assert response.status_code == 200
    return response.data


def _load(jobs: Jobs, snapshot: bytes) -> None:
    response = jobs.client.put("/_mock/state", data=snapshot, content_type="application/json")
    assert response.status_code == 200, response.data


def _entity(snapshot: bytes | dict[str, Any]) -> dict[str, Any]:
    doc = json.loads(snapshot) if isinstance(snapshot, bytes) else snapshot
    entity: dict[str, Any] = next(iter(doc["tenants"]["demo"]["entities"].values()))
    return entity


def _accepted(jobs: Jobs) -> str:
    job_id = jobs.new()
    assert jobs.upload(job_id, vehicle_rows(ROWS, BAD_ROWS)).status_code == 200
    return job_id


def test_a_snapshot_without_object_jobs_has_no_such_member(manual: Jobs) -> None:
    assert all(
        "objectJobs" not in entity
        for entity in json.loads(_snapshot(manual))["tenants"]["demo"]["entities"].values()
    )


def test_a_finished_job_answers_the_same_after_a_load(manual: Jobs) -> None:
    job_id = _accepted(manual)
    assert manual.advance(job_id).get_json()["status"] == "completed"
    before = (manual.job(job_id), manual.errors(job_id), manual.get("/objects/jobs").get_json())
    snapshot = _snapshot(manual)
    saved = _entity(snapshot)["objectJobs"]
    assert [list(job) for job in saved] == [
        [
            "id", "object", "operation", "status", "createdBy", "createdAt", "updatedAt", "startedAt",
            "endedAt", "processed", "error", "errors", "file",
        ]
    ]  # fmt: skip
    assert (saved[0]["status"], saved[0]["processed"], saved[0]["file"]) == ("completed", ROWS, None)
    assert [error["row"] for error in saved[0]["errors"]] == [3]
    assert manual.client.post("/_mock/reset").status_code == 200
    assert manual.get(f"/objects/jobs/{job_id}").status_code == 404
    _load(manual, snapshot)
    assert (manual.job(job_id), manual.errors(job_id), manual.get("/objects/jobs").get_json()) == before
    assert _snapshot(manual) == snapshot


def test_an_accepted_job_runs_after_a_load(manual: Jobs) -> None:
    job_id = _accepted(manual)
    count = manual.record_count()
    snapshot = _snapshot(manual)
    assert _entity(snapshot)["objectJobs"][0]["file"]["header"][0] == "VIN__c"
    manual.client.post("/_mock/reset")
    _load(manual, snapshot)
    assert manual.job(job_id)["status"] == "accepted"
    done = manual.advance(job_id).get_json()
    assert (done["status"], done["recordsProcessed"]) == ("completed", ROWS)
    assert manual.record_count() == count + ROWS - 1
    assert [error["row"] for error in manual.errors(job_id)] == [3]


def test_a_job_saved_mid_way_goes_on_from_its_next_row(manual: Jobs) -> None:
    job_id = _accepted(manual)
    assert manual.advance(job_id, rows=3).get_json()["recordsProcessed"] == 3
    count = manual.record_count()
    snapshot = _snapshot(manual)
    saved = _entity(snapshot)["objectJobs"][0]
    assert (saved["status"], saved["processed"], len(saved["file"]["rows"])) == ("in_progress", 3, ROWS)
    manual.client.post("/_mock/reset")
    _load(manual, snapshot)
    assert manual.record_count() == count
    done = manual.advance(job_id).get_json()
    assert (done["status"], done["recordsProcessed"]) == ("completed", ROWS)
    # Each row applied once: the three saved rows are not applied again.
    assert manual.record_count() == count + ROWS - 3
    assert {f"JOB{i:014d}" for i in range(ROWS) if i not in BAD_ROWS} <= manual.vins()
    assert [error["row"] for error in manual.errors(job_id)] == [3]


def test_a_loaded_job_runs_on_the_clock_with_time_progression(make_app: Callable[..., Flask]) -> None:
    manual = Jobs(make_app(bulk_progression="manual"))
    job_id = _accepted(manual)
    snapshot = _snapshot(manual)
    timed = Jobs(make_app(bulk_progression="time", bulk_start_delay=0.0, bulk_rows_per_second=0.0))
    _load(timed, snapshot)
    status = timed.job(job_id)["status"]
    for _ in range(200):
        if status == "completed":
            break
        time.sleep(0.01)
        status = timed.job(job_id)["status"]
    assert status == "completed"


def _mid_way(doc: dict[str, Any]) -> dict[str, Any]:
    job: dict[str, Any] = _entity(doc)["objectJobs"][0]
    return job


BAD = [
    ("unknown status", lambda j: j.update(status="paused"), "objectJobs[0].status: must be one of"),
    (
        "no file for a running job",
        lambda j: j.update(file=None),
        "objectJobs[0].file: a job in_progress needs",
    ),
    ("id not a UUID", lambda j: j.update(id="job-1"), "objectJobs[0].id: must be a UUID"),
    ("processed past the rows", lambda j: j.update(processed=99), "objectJobs[0].processed"),
    ("a row without cells", lambda j: j["file"]["rows"].append([9]), "file.rows[6]: must be [row number"),
    ("unknown member", lambda j: j.update(extra=1), "unknown member 'extra'"),
    ("unknown operation", lambda j: j.update(operation="upsert"), "objectJobs[0].operation: must be one of"),
]


@pytest.mark.parametrize(("change", "problem"), [(c, p) for _n, c, p in BAD], ids=[n for n, *_ in BAD])
def test_a_bad_object_job_is_refused_and_changes_nothing(manual: Jobs, change: Any, problem: str) -> None:
    job_id = _accepted(manual)
    manual.advance(job_id, rows=3)
    before = _snapshot(manual)
    doc = json.loads(before)
    change(_mid_way(doc))
    response = manual.client.put("/_mock/state", data=json.dumps(doc), content_type="application/json")
    assert response.status_code == 400, response.data
    message = response.get_json()["reasons"][0]["message"]
    assert message.startswith("Invalid state document: ") and problem in message, message
    assert _snapshot(manual) == before


def test_an_object_job_id_used_twice_is_refused(manual: Jobs) -> None:
    _accepted(manual)
    doc = json.loads(_snapshot(manual))
    jobs = _entity(doc)["objectJobs"]
    jobs.append(dict(jobs[0]))
    response = manual.client.put("/_mock/state", data=json.dumps(doc), content_type="application/json")
    assert response.status_code == 400
    assert "is used twice" in response.get_json()["reasons"][0]["message"]
