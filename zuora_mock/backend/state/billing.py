"""The ledger and the mass actions of a state document, checked like the finance seed files and uploads."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from zuora_mock.backend.massactions.actions import ACTIONS
from zuora_mock.backend.massactions.finance import Ledger
from zuora_mock.backend.massactions.jobs import COMPLETED, FAILED, PENDING, STOPPED, Job
from zuora_mock.backend.massactions.upload import Upload
from zuora_mock.backend.state.checks import need, need_count, need_key, need_number, only_keys, refuse
from zuora_mock.core.fixtures import FixtureError, Seed, SeedFile

JOB_KEYS = (
    "key", "actionType", "status", "uploadedBy", "uploadedAt", "startedAt", "endedAt", "inputSize", "total",
    "successes", "errors", "position", "failureReason", "file", "upload",
)  # fmt: skip
UPLOAD_KEYS = ("text", "csvName", "rawHeader", "header", "newline", "bom")
SAVED_STATUSES = (PENDING, COMPLETED, STOPPED, FAILED)


def load_ledger(raw: Any, where: str) -> Ledger:
    """The billing objects, checked by the same rules as the finance seed files."""
    body = dict(need(raw, dict, where))
    numbering = need_key(body, "numbering", dict, where)
    del body["numbering"]
    counters = {
        key: need_count(numbering, key, f"{where}.numbering") for key in ("revenueSchedule", "payment")
    }
    files = {stem: SeedFile(f"{where}.{stem}", data) for stem, data in body.items()}
    try:
        ledger = Ledger(Seed(finance=files))
    except FixtureError as err:
        refuse(err.path, err.problem.replace(".json", ""))
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        # A value of a type the seed rules do not look at (an fx rate's rateSetName that is a list, ...).
        refuse(where, f"malformed billing objects ({type(exc).__name__}: {str(exc)[:200]})")
    ledger.restore_numbering({key: int(value or 0) for key, value in counters.items()})
    return ledger


def load_jobs(raw: Any, where: str, seen: set[str]) -> tuple[list[Job], dict[str, tuple[str, bytes]]]:
    """Jobs with their result files; a key or file id may appear once in the whole document."""
    jobs: list[Job] = []
    files: dict[str, tuple[str, bytes]] = {}
    for index, entry in enumerate(need(raw, list, where)):
        job, file = _job(need(entry, dict, f"{where}[{index}]"), f"{where}[{index}]")
        for name in (job.key, job.file_id):
            if name is not None and name in seen:
                refuse(f"{where}[{index}]", f"the key or file id {name} is used twice")
            if name is not None:
                seen.add(name)
        jobs.append(job)
        if file is not None and job.file_id is not None:
            files[job.file_id] = file
    return jobs, files


def _job(body: dict[str, Any], where: str) -> tuple[Job, tuple[str, bytes] | None]:
    only_keys(body, JOB_KEYS, where)
    action_type = need_key(body, "actionType", str, where)
    action = ACTIONS.get(action_type)
    if action is None:
        refuse(f"{where}.actionType", f"unknown action type '{action_type[:100]}'")
    status = need_key(body, "status", str, where)
    if status not in SAVED_STATUSES:
        refuse(f"{where}.status", f"must be one of {', '.join(SAVED_STATUSES)}")
    upload = _upload(body.get("upload"), status, action_type, body, where)
    job = Job(
        need_key(body, "key", str, where),
        upload,
        need_key(body, "uploadedBy", str, where),
        float(need_number(body, "uploadedAt", where) or 0),
    )
    job.started_at = need_number(body, "startedAt", where, optional=True)
    job.ended_at = need_number(body, "endedAt", where, optional=True)
    job.total = need_count(body, "total", where, optional=True)
    job.successes = need_count(body, "successes", where) or 0
    job.errors = need_count(body, "errors", where) or 0
    job.position = need_count(body, "position", where) or 0
    reason = body.get("failureReason")
    if reason is not None:
        job.failure_reason = need(reason, str, f"{where}.failureReason")
    file = _file(body.get("file"), f"{where}.file", job, status)
    if status != PENDING:
        job.discard()
        job.status = status
    return job, file


def _upload(raw: Any, status: str, action_type: str, body: dict[str, Any], where: str) -> Upload:
    """A Pending job keeps its upload (it runs after loading); an ended job keeps only its counts."""
    input_size = need_count(body, "inputSize", where) or 0
    action = ACTIONS[action_type]
    if status != PENDING:
        if raw is not None:
            refuse(f"{where}.upload", "only a Pending job has an upload")
        return Upload(action, "", input_size, "", [], [], "\n", False)
    upload = need(raw, dict, f"{where}.upload")
    where = f"{where}.upload"
    only_keys(upload, UPLOAD_KEYS, where)
    newline = need_key(upload, "newline", str, where)
    if newline not in ("\n", "\r\n"):
        refuse(f"{where}.newline", "must be a line break")
    raw_header = [need(h, str, f"{where}.rawHeader") for h in need_key(upload, "rawHeader", list, where)]
    header = [need(h, str, f"{where}.header") for h in need_key(upload, "header", list, where)]
    if action.missing_columns(header) or header != [cell.strip() for cell in raw_header]:
        refuse(f"{where}.header", "does not match rawHeader or lacks a column the action needs")
    return Upload(
        action,
        need_key(upload, "text", str, where),
        input_size,
        need_key(upload, "csvName", str, where),
        raw_header,
        header,
        newline,
        need_key(upload, "bom", bool, where),
    )


def _file(raw: Any, where: str, job: Job, status: str) -> tuple[str, bytes] | None:
    """The response zip, base64 in the document; a Pending or Failed job has none."""
    if raw is None:
        return None
    if status == PENDING:
        refuse(where, "a Pending job has no result file")
    body = need(raw, dict, where)
    only_keys(body, ("id", "name", "data"), where)
    file_id = need_key(body, "id", str, where)
    name = need_key(body, "name", str, where)
    try:
        content = base64.b64decode(need_key(body, "data", str, where), validate=True)
    except (binascii.Error, ValueError):
        refuse(f"{where}.data", "is not base64")
    if not content.startswith(b"PK"):
        refuse(f"{where}.data", "is not a zip file")
    job.file_id = file_id
    job.output_size = len(content)
    return name, content
