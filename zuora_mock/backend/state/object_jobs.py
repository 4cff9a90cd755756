"""Custom object bulk jobs in a state document: each with its counts, refused rows and the rows still to run.

Unlike a mass action, a job is saved as it stands, even mid-way: its progress is the number of rows applied,
and the records those rows wrote are in the same snapshot (both are read under the tenant's lock), so after a
load it goes on from the next row.
"""

from __future__ import annotations

from typing import Any

from zuora_mock.backend.customobjects.job_rows import CREATE, DELETE, UPDATE
from zuora_mock.backend.customobjects.job_store import ObjectJobStore
from zuora_mock.backend.customobjects.jobs import (
    ACTIVE,
    ENDED,
    IN_PROGRESS,
    PENDING,
    STATUSES,
    JobError,
    ObjectJob,
)
from zuora_mock.backend.state.checks import need, need_count, need_key, need_number, only_keys, refuse
from zuora_mock.core.formats import is_uuid

OBJECT_JOB_KEYS = (
    "id", "object", "operation", "status", "createdBy", "createdAt", "updatedAt", "startedAt", "endedAt",
    "processed", "error", "errors", "file",
)  # fmt: skip
FILE_KEYS = ("header", "rows", "unreadable")
ERROR_KEYS = ("row", "code", "message", "record")
OPERATIONS = (CREATE, UPDATE, DELETE)


def dump_object_jobs(store: ObjectJobStore | None) -> list[dict[str, Any]]:
    """Every job of an entity in submission order (the caller holds the tenant's lock)."""
    return [] if store is None else [_dump_job(job) for job in store.jobs.values()]


def _dump_job(job: ObjectJob) -> dict[str, Any]:
    file = None
    if job.status not in ENDED and job.status != PENDING:
        file = {
            "header": job.header,
            "rows": [[n, cells] for n, cells in job.rows],
            "unreadable": job.unreadable,
        }
    return {
        "id": job.id,
        "object": job.object,
        "operation": job.operation,
        "status": job.status,
        "createdBy": job.created_by,
        "createdAt": job.created_at,
        "updatedAt": job.updated_at,
        "startedAt": job.started_at,
        "endedAt": job.ended_at,
        "processed": job.processed,
        "error": None if job.error is None else {"code": job.error[0], "message": job.error[1]},
        "errors": [
            {"row": e.row, "code": e.code, "message": e.message, "record": e.record} for e in job.errors
        ],
        "file": file,
    }


def load_object_jobs(raw: Any, where: str, seen: set[str]) -> list[ObjectJob]:
    """The jobs of one entity; an id may appear once in the whole document."""
    jobs = []
    for index, entry in enumerate(need(raw, list, where)):
        place = f"{where}[{index}]"
        job = _load_job(need(entry, dict, place), place)
        if job.id in seen:
            refuse(place, f"the id {job.id} is used twice")
        seen.add(job.id)
        jobs.append(job)
    return jobs


def _load_job(body: dict[str, Any], where: str) -> ObjectJob:
    only_keys(body, OBJECT_JOB_KEYS, where)
    job_id = need_key(body, "id", str, where)
    if not is_uuid(job_id):
        refuse(f"{where}.id", "must be a UUID")
    operation = need_key(body, "operation", str, where)
    if operation not in OPERATIONS:
        refuse(f"{where}.operation", f"must be one of {', '.join(OPERATIONS)}")
    status = need_key(body, "status", str, where)
    if status not in STATUSES:
        refuse(f"{where}.status", f"must be one of {', '.join(STATUSES)}")
    job = ObjectJob(
        job_id,
        need_key(body, "object", str, where),
        operation,
        need_key(body, "createdBy", str, where),
        float(need_number(body, "createdAt", where) or 0),
    )
    job.status = status
    job.updated_at = float(need_number(body, "updatedAt", where) or 0)
    job.started_at = need_number(body, "startedAt", where, optional=True)
    job.ended_at = need_number(body, "endedAt", where, optional=True)
    job.processed = int(need_count(body, "processed", where) or 0)
    job.error = _load_error(body, where)
    errors = need_key(body, "errors", list, where)
    job.errors = [_load_row_error(error, f"{where}.errors[{i}]") for i, error in enumerate(errors)]
    _load_file(job, body, where)
    return job


def _load_error(body: dict[str, Any], where: str) -> tuple[int, str] | None:
    """Why a failed job failed: {code, message}, or null."""
    if "error" not in body:
        refuse(where, "'error' is missing")
    if body["error"] is None:
        return None
    error = need(body["error"], dict, f"{where}.error")
    only_keys(error, ("code", "message"), f"{where}.error")
    code = int(need_count(error, "code", f"{where}.error") or 0)
    return code, need_key(error, "message", str, f"{where}.error")


def _load_row_error(raw: Any, where: str) -> JobError:
    body = need(raw, dict, where)
    only_keys(body, ERROR_KEYS, where)
    record = need_key(body, "record", dict, where)
    if not all(isinstance(value, str) for value in record.values()):
        refuse(f"{where}.record", "must map column names to strings")
    return JobError(
        int(need_count(body, "row", where) or 0),
        int(need_count(body, "code", where) or 0),
        need_key(body, "message", str, where),
        record,
    )


def _load_file(job: ObjectJob, body: dict[str, Any], where: str) -> None:
    """An accepted or in-progress job carries its file's rows; the others carry none."""
    if "file" not in body:
        refuse(where, "'file' is missing")
    active = job.status in ACTIVE and job.status != PENDING
    if body["file"] is None:
        if active:
            refuse(f"{where}.file", f"a job {job.status} needs its file's rows")
        return
    if not active:
        refuse(f"{where}.file", f"must be null for a job {job.status}")
    file = need(body["file"], dict, f"{where}.file")
    only_keys(file, FILE_KEYS, f"{where}.file")
    header = need_key(file, "header", list, f"{where}.file")
    if not all(isinstance(name, str) for name in header):
        refuse(f"{where}.file.header", "must be an array of strings")
    job.header = header
    rows = need_key(file, "rows", list, f"{where}.file")
    job.rows = [_load_row(row, f"{where}.file.rows[{i}]") for i, row in enumerate(rows)]
    unreadable = file.get("unreadable")
    job.unreadable = None if unreadable is None else need(unreadable, str, f"{where}.file.unreadable")
    if job.processed > len(job.rows) or (job.status != IN_PROGRESS and job.processed):
        refuse(f"{where}.processed", "must not exceed the rows applied so far")


def _load_row(raw: Any, where: str) -> tuple[int, list[str]]:
    row = need(raw, list, where)
    if len(row) != 2 or isinstance(row[0], bool) or not isinstance(row[0], int) or row[0] < 2:
        refuse(where, "must be [row number >= 2, [cells]]")
    cells = need(row[1], list, f"{where}[1]")
    if not all(isinstance(cell, str) for cell in cells):
        refuse(f"{where}[1]", "must be an array of strings")
    return row[0], cells
