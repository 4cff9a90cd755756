"""One custom object bulk job: pending -> accepted -> in_progress -> completed | failed, or cancelled."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.job_rows import CREATE, ID_COLUMNS, RowApplier
from zuora_mock.backend.customobjects.records import ObjectData
from zuora_mock.core import ids
from zuora_mock.core.errors import InvalidValue, RuleRestriction

PENDING = "pending"  # submitted, waiting for its file
ACCEPTED = "accepted"  # file uploaded, waiting to start
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
FAILED = "failed"
CANCELLED = "cancelled"
STATUSES = (ACCEPTED, PENDING, IN_PROGRESS, COMPLETED, FAILED, CANCELLED)
ACTIVE = frozenset((ACCEPTED, PENDING, IN_PROGRESS))
ENDED = frozenset((COMPLETED, FAILED, CANCELLED))

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
MSG_NOT_PENDING = "The bulk job [{id}] is {status}: a file can only be uploaded to a pending job."
MSG_CANCEL = "The bulk job [{id}] is {status}: only an accepted or pending job can be cancelled."
MSG_FILE_EMPTY = "The uploaded file is empty."
MSG_FILE_TOO_LARGE = "The uploaded file is {size} bytes; the maximum file size is {limit} bytes."
MSG_FILE_ENCODING = "The uploaded file is not a CSV file: it must be UTF-8 text without NUL characters."
MSG_HEADER = "The CSV file has no header row."
MSG_HEADER_DUPLICATE = "The column [{column}] appears more than once in the header row."
MSG_HEADER_ID = "The CSV file of an {operation} job must have an id column."
MSG_TOO_MANY_ROWS = "The CSV file has {count} records; a bulk job takes at most {limit}."
MSG_MALFORMED_CSV = "The CSV file is malformed: {detail}"


@dataclass(frozen=True)
class JobView:
    """What GET /objects/jobs/{id} reports of a job."""

    id: str
    object: str
    operation: str
    status: str
    created_by: str
    created_at: float
    updated_at: float
    records_processed: int
    processing_ms: int | None
    error: tuple[int, str] | None


@dataclass(frozen=True)
class JobError:
    """One refused row: its CSV row number (the header is row 1), code, message and the row as sent."""

    row: int
    code: int
    message: str
    record: dict[str, str]


def read_csv(data: bytes, operation: str, limit: int) -> tuple[list[str], list[tuple[int, list[str]]]] | str:
    """(header, [(row number, cells)]) of an uploaded file, or why its rows cannot be read (job fails)."""
    if not data:
        raise InvalidValue(MSG_FILE_EMPTY, code=m.CODE_INVALID)
    if len(data) > limit:
        raise RuleRestriction(MSG_FILE_TOO_LARGE.format(size=len(data), limit=limit), code=m.CODE_LIMIT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidValue(MSG_FILE_ENCODING, code=m.CODE_INVALID) from None
    if "\x00" in text:
        raise InvalidValue(MSG_FILE_ENCODING, code=m.CODE_INVALID)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
        if not any(header):
            raise InvalidValue(MSG_HEADER, code=m.CODE_INVALID)
        _check_header(header, operation)
        rows = [(number, cells) for number, cells in enumerate(reader, start=2) if any(cells)]
    except csv.Error as exc:
        return MSG_MALFORMED_CSV.format(detail=str(exc)[:200])
    if len(rows) > MAX_ROWS:
        raise RuleRestriction(MSG_TOO_MANY_ROWS.format(count=len(rows), limit=MAX_ROWS), code=m.CODE_LIMIT)
    return header, rows


def _check_header(header: list[str], operation: str) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InvalidValue(MSG_HEADER_DUPLICATE.format(column=name[:100]), code=m.CODE_INVALID)
        seen.add(name)
    if operation != CREATE and seen.isdisjoint(ID_COLUMNS):
        raise InvalidValue(MSG_HEADER_ID.format(operation=operation), code=m.CODE_MISSING)


class ObjectJob:
    """A bulk job and its progress; every method is called with the tenant's lock held."""

    def __init__(self, job_id: str, object_name: str, operation: str, user_id: str, now: float) -> None:
        self.id = job_id
        self.object = object_name
        self.operation = operation
        self.created_by = user_id
        self.created_at = self.updated_at = now
        self.status = PENDING
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.processed = 0
        self.errors: list[JobError] = []
        self.error: tuple[int, str] | None = None
        self.header: list[str] = []
        self.rows: list[tuple[int, list[str]]] = []
        self.unreadable: str | None = None
        self._applier: RowApplier | None = None

    @property
    def remaining(self) -> int:
        return len(self.rows) - self.processed

    def attach(self, parsed: tuple[list[str], list[tuple[int, list[str]]]] | str, now: float) -> None:
        """pending -> accepted with the file's rows (or the reason they cannot be read)."""
        if isinstance(parsed, str):
            self.unreadable = parsed
        else:
            self.header, self.rows = parsed
        self._touch(ACCEPTED, now)

    def start(self, data: ObjectData | None, context: dict[str, Any], now: float) -> None:
        """accepted -> in_progress; a file whose rows cannot be read, or a deleted object, fails the job."""
        self.started_at = now
        self._touch(IN_PROGRESS, now)
        self.reattach(data, context, now)

    def reattach(self, data: ObjectData | None, context: dict[str, Any], now: float) -> None:
        """The row applier of an in-progress job (also one loaded from a snapshot), or why it cannot run."""
        if self.unreadable is not None:
            self.fail(m.CODE_MALFORMED, self.unreadable, now)
        elif data is None:
            self.fail(m.CODE_NOT_FOUND, m.MSG_OBJECT_NOT_FOUND.format(object=self.object), now)
        else:
            self._applier = RowApplier(self.operation, data, self.header, user_id=self.created_by, **context)

    def process(self, limit: int, timestamp: str) -> int:
        """Apply up to `limit` more rows in file order; returns how many were handled."""
        applier = self._applier
        if applier is None or self.status != IN_PROGRESS:
            return 0
        end = min(self.processed + limit, len(self.rows))
        chunk = self.rows[self.processed : end]
        if self.operation == CREATE:
            refused = applier.create_chunk(chunk, ids.record_id, timestamp)
        else:
            refused = []
            for number, cells in chunk:
                failure = applier.apply(cells, "", timestamp)
                if failure is not None:
                    refused.append((number, failure, cells))
        self.errors.extend(JobError(n, f.code, f.message, applier.echo(cells)) for n, f, cells in refused)
        handled = end - self.processed
        self.processed = end
        return handled

    def complete(self, now: float) -> None:
        self._end(COMPLETED, now)

    def fail(self, code: int, message: str, now: float) -> None:
        self.error = (code, message)
        self._end(FAILED, now)

    def cancel(self, now: float) -> None:
        if self.status not in (ACCEPTED, PENDING):
            raise RuleRestriction(MSG_CANCEL.format(id=self.id, status=self.status), code=m.CODE_LIMIT)
        self._end(CANCELLED, now)

    def _touch(self, status: str, now: float) -> None:
        self.status = status
        self.updated_at = now

    def _end(self, status: str, now: float) -> None:
        self.ended_at = now
        self._touch(status, now)
        # Only the counts and error records are kept: the rows and the applier are released.
        self.rows, self._applier = [], None

    def view(self) -> JobView:
        ended = self.ended_at
        return JobView(
            id=self.id,
            object=self.object,
            operation=self.operation,
            status=self.status,
            created_by=self.created_by,
            created_at=self.created_at,
            updated_at=self.updated_at,
            records_processed=self.processed,
            processing_ms=round((ended - self.created_at) * 1000) if ended is not None else None,
            error=self.error,
        )
