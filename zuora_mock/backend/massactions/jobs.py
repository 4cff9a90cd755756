"""One mass action's state machine: Pending -> Processing -> Completed, Stopping -> Stopped, or Failed."""

from __future__ import annotations

import csv
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.actions import GROUP_ID, GROUP_ID_LIMIT
from zuora_mock.backend.massactions.finance import Ledger
from zuora_mock.backend.massactions.results import ERROR_MESSAGE, SUCCESS, ResultWriter, response_csv_name
from zuora_mock.backend.massactions.rows import RowError
from zuora_mock.backend.massactions.upload import Upload

PENDING = "Pending"
PROCESSING = "Processing"
STOPPING = "Stopping"
STOPPED = "Stopped"
COMPLETED = "Completed"
FAILED = "Failed"
ENDED = frozenset((STOPPED, COMPLETED, FAILED))
ROW_INTERNAL_ERROR = "An internal error occurred while processing this row."
# The reason a job failed on demand (fault `job-failed`) reports; Zuora's wording is not documented.
MSG_JOB_FAILED = "The mass action failed while processing row {row}. No response file was created."


@dataclass(frozen=True)
class JobFailure:
    """A job asked to end Failed part-way (fault job-failed): after `after_rows` rows, or half when None."""

    after_rows: int | None = None


def _data_rows(upload: Upload) -> Iterator[list[str]]:
    """The data rows of an upload (after the header); callers skip rows with no value at all."""
    reader = csv.reader(upload.lines(), strict=True)
    next(reader, None)
    return reader


class Job:
    """A mass action and its progress; every method is called with the tenant's lock held."""

    def __init__(
        self,
        key: str,
        upload: Upload,
        uploaded_by: str,
        uploaded_at: float,
        failure: JobFailure | None = None,
    ) -> None:
        self.key = key
        self.failure = failure
        self.fail_at: int | None = None  # the data row after which the job fails (failure only)
        self.failure_reason: str | None = None
        self.action = upload.action
        self.uploaded_by = uploaded_by
        self.uploaded_at = uploaded_at
        self.input_size = upload.input_size
        self.status = PENDING
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.total: int | None = None
        self.successes = 0
        self.errors = 0
        self.position = 0  # data rows handled, including rows skipped because of their Group ID
        self.file_id: str | None = None
        self.output_size: int | None = None
        self._upload: Upload | None = upload
        self._rows: Any = None
        self._out: ResultWriter | None = None
        self._writer: Any = None
        self._failed_groups: set[str] = set()
        # Known once the header is read (start): its width, the columns the action reads, the Group ID column.
        self._width = 0
        self._relevant: list[tuple[str, int]] = []
        self._group: int | None = None
        self._blanks = ("",) * len(self.action.result_columns)

    @property
    def upload(self) -> Upload | None:
        """The validated upload a job keeps until it starts (a snapshot saves it for a Pending job)."""
        return self._upload

    @property
    def processed(self) -> int:
        return self.successes + self.errors

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    def start(self, now: float) -> None:
        """Pending -> Processing; a file whose rows are not valid CSV ends Failed with no response file."""
        upload = self._upload
        if upload is None:
            raise RuntimeError(
                f"mass action {self.key} has no upload left to start (it already ran or was discarded)"
            )
        self.started_at = now
        try:
            total = sum(map(any, _data_rows(upload)))
        except csv.Error:
            self._end(FAILED, now)
            return
        self.total = total
        self.status = PROCESSING
        if self.failure is not None:
            wanted = self.failure.after_rows
            self.fail_at = min(total // 2 if wanted is None else wanted, total)
        self._rows = _data_rows(upload)
        # The response CSV is compressed as it is written: memory stays near the size of the input.
        self._out = ResultWriter(response_csv_name(upload.csv_name, self.key), upload.bom)
        self._writer = csv.writer(self._out.text, lineterminator=upload.newline)
        self._writer.writerow([*upload.raw_header, SUCCESS, *self.action.result_columns, ERROR_MESSAGE])
        header = upload.header
        self._width = len(header)
        self._relevant = self.action.relevant(header)
        self._group = header.index(GROUP_ID) if GROUP_ID in header else None

    @property
    def remaining(self) -> int:
        """Rows still to handle; none once a job meant to fail has reached its failing row."""
        if self.fail_at is not None and self.position >= self.fail_at:
            return 0
        left = (self.total or 0) - self.position
        return left if self.fail_at is None else min(left, self.fail_at - self.position)

    def process(self, ledger: Ledger, limit: int) -> int:
        """Apply up to `limit` rows in file order; returns how many were handled."""
        rows, handle = self._rows, self._handle
        handled = 0
        limit = min(limit, self.remaining)
        while handled < limit:
            values = next(rows, None)
            if values is None:
                self.total = self.position + handled  # defensive: the counting pass saw more rows
                break
            if any(values):
                handled += 1
                handle(values, ledger)
        self.position += handled
        return handled

    def _handle(self, values: list[str], ledger: Ledger) -> None:
        """Apply one data row and write it with its outcome; a row of a group that failed is skipped."""
        count = len(values)
        if count < self._width:
            values += [""] * (self._width - count)
        group = values[self._group].strip() if self._group is not None else ""
        if group and group in self._failed_groups:
            self._skip(values)
            return
        try:
            if count > self._width:
                raise RowError(m.ROW_FIELD_COUNT.format(found=count, expected=self._width))
            if len(group) > GROUP_ID_LIMIT:
                raise RowError(m.ROW_TOO_LONG.format(column=GROUP_ID, limit=GROUP_ID_LIMIT))
            extras = self.action.apply({name: values[i].strip() for name, i in self._relevant}, ledger)
        except RowError as exc:
            self._fail(values, group, str(exc))
        except Exception as exc:
            traceback.print_exception(exc, file=sys.stderr)
            self._fail(values, group, ROW_INTERNAL_ERROR)
        else:
            self.successes += 1
            self._writer.writerow([*values, "Y", *extras, ""])

    def _fail(self, values: list[str], group: str, message: str) -> None:
        """A failed row: written with its message; later rows of its group will be skipped."""
        self.errors += 1
        if group:
            self._failed_groups.add(group)
        self._writer.writerow([*values, "N", *self._blanks, message])

    def _skip(self, values: list[str]) -> None:
        """A row after a failure in its group: an error for ImportFXRate, left blank by the other actions."""
        if self.action.group_skip_is_error:
            self.errors += 1
            self._writer.writerow([*values, "N", *self._blanks, m.ROW_GROUP_SKIPPED])
        else:
            self._writer.writerow([*values, "", *self._blanks, ""])

    def request_stop(self) -> None:
        """Pending/Processing -> Stopping; the progression finishes the stop."""
        self.status = STOPPING

    def finish(self, now: float) -> tuple[str, bytes] | None:
        """End the job: Processing -> Completed, Stopping -> Stopped; returns (name, zip) if a file exists."""
        out = self._out
        if self.fail_at is not None and self.status == PROCESSING:
            self.failure_reason = MSG_JOB_FAILED.format(row=self.position + 1)
            self.discard()
            self._end(FAILED, now)
            return None
        if self.status == STOPPING and out is None:
            self.total = 0
            self._end(STOPPED, now)
            return None
        if out is None:
            raise RuntimeError(f"mass action {self.key} has no response file to finish ({self.status})")
        stopping = self.status == STOPPING
        if stopping:
            blanks = ["", *self._blanks, ""]
            for values in self._rows:
                if not any(values):
                    continue
                if len(values) < self._width:
                    values += [""] * (self._width - len(values))
                self._writer.writerow([*values, *blanks])
        name, archive = out.name, out.close()
        self.output_size = len(archive)
        self._end(STOPPED if stopping else COMPLETED, now)
        return name, archive

    def discard(self) -> None:
        """Release the open response file of a job that will never finish (its store was closed)."""
        if self._out is not None:
            self._out.discard()
        if self._upload is not None:
            self._upload.release()
        self._upload = self._rows = self._out = self._writer = None

    def _end(self, status: str, now: float) -> None:
        if self.total is None:
            self.total = 0
        self.status = status
        self.ended_at = now
        # Release the input and the partial output: only the zip is kept.
        if self._upload is not None:
            self._upload.release()
        self._upload = self._rows = self._out = self._writer = None
