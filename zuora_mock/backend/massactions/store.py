"""The mass-action store of one entity: jobs, their progression, result files and the billing ledger."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace
from typing import Any

from zuora_mock.backend.files import FileStore
from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.finance import Ledger
from zuora_mock.backend.massactions.jobs import (
    COMPLETED,
    PENDING,
    PROCESSING,
    STOPPED,
    STOPPING,
    Job,
    JobFailure,
)
from zuora_mock.backend.massactions.results import OUTPUT_TYPE
from zuora_mock.backend.massactions.upload import Upload
from zuora_mock.backend.progression import Progression
from zuora_mock.core import ids
from zuora_mock.core.clock import Clock
from zuora_mock.core.errors import NotFound, RuleRestriction
from zuora_mock.core.fixtures import Seed
from zuora_mock.core.settings import Settings

IMMEDIATE, TIME, MANUAL = "immediate", "time", "manual"
CHUNK_ROWS = 500  # rows applied per hold of the tenant's lock
_MIN_WAIT, _MAX_WAIT = 0.002, 0.1
_LOCK_WAIT = 0.05
PRUNE_MARGIN_SECONDS = 0.001


@dataclass(frozen=True)
class JobStatus:
    """What GET /v1/bulk/{key} reports of a job; None where Zuora reports null (not known yet, or no file)."""

    action_type: str
    status: str
    uploaded_by: str
    uploaded_at: float
    started_at: float | None
    ended_at: float | None
    input_size: int | None  # once the job ended with a response file (Completed or Stopped)
    file_id: str | None
    output_size: int | None
    output_type: str | None
    total: int | None  # the counts are null while the job is Pending
    processed: int | None
    errors: int | None
    successes: int | None
    failure: str | None = None  # why a Failed job failed (its reasons), else None


class MassActionStore:
    """Jobs, result files and the billing objects mass actions touch, guarded by the tenant's lock."""

    def __init__(
        self,
        *,
        clock: Clock,
        user_id: str,
        user_email: str,
        lock: threading.RLock,
        settings: Settings,
        ledger: Ledger | None = None,
    ) -> None:
        self.clock = clock
        self.user_id = user_id
        self.user_email = user_email
        self.lock = lock
        self.settings = settings
        self.ledger = ledger if ledger is not None else Ledger(Seed())
        self.jobs: dict[str, Job] = {}
        self.files = FileStore(settings.spill_bytes)
        self._active: list[Job] = []  # time progression: the jobs not ended yet, in upload order (lock held)
        self.progression = Progression("zuora-mock-bulk", self._tick)
        # Between the last walk and this time no result file can pass its retention: _prune skips its walk.
        self._pruned_at = self._prune_due = -math.inf
        # Whether a job ended since that walk: past bulk_max_jobs jobs only then can one be dropped (the walk
        # left at most that many finished ones), so that unfinished jobs beyond it cost no walk per upload.
        self._ended_since_walk = True

    @classmethod
    def from_seed(cls, seed: Seed, **kwargs: Any) -> MassActionStore:
        """Build the store and load the seed billing objects; raise FixtureError on bad seed data."""
        return cls(ledger=Ledger(seed), **kwargs)

    def exists(self, object_type: str, key: str) -> bool:
        """Whether a Zuora (com_zuora) object with this id exists, for custom-object relationships."""
        with self.lock:
            return self.ledger.exists(object_type, key)

    # ---- operations behind the endpoints -------------------------------------------------------------------

    def submit(self, upload: Upload, failure: JobFailure | None = None) -> str:
        """Create a Pending job for a validated upload and start its progression; returns the bulkKey."""
        if len(upload.text) > self.settings.spill_bytes:
            upload = upload.spilled(self.files.spill_text(upload.text, upload.encoded))
        elif upload.encoded is not None:
            upload = replace(upload, encoded=None)  # a job kept in memory keeps its text alone
        job = Job(ids.zuora_id(), upload, self.user_email, self.clock.now(), failure)
        mode = self.settings.bulk_progression
        with self.lock:
            self._prune(self.clock.now())
            self.jobs[job.key] = job
            if mode == TIME:
                self._active.append(job)
        if mode == IMMEDIATE:
            self._run_to_end(job)
        elif mode == TIME:
            self.progression.kick()
        return job.key

    def status(self, key: str) -> JobStatus:
        """Where a job stands, for GET /v1/bulk/{key}."""
        with self.lock:
            return _status_of(self._job(key))

    def stop(self, key: str) -> None:
        """Stop a Pending or Processing job (it goes through Stopping); refuse once it has ended."""
        with self.lock:
            job = self._job(key)
            if job.ended:
                raise RuleRestriction(m.MSG_STOP_ENDED.format(status=job.status))
            if job.status != STOPPING:
                job.request_stop()
        if self.settings.bulk_progression == TIME:
            self.progression.kick()

    def file(self, file_id: str) -> tuple[str, bytes]:
        with self.lock:
            self._prune(self.clock.now())
            found = self.files.get(file_id)
        if found is None:
            raise NotFound(m.MSG_NOT_FOUND.format(key=file_id[:100]))
        return found

    def advance(self, key: str, rows: int | None) -> JobStatus:
        """Manual progression: start a Pending job, apply `rows` rows (all when None), finish a stop."""
        with self.lock:
            job = self._job(key)
            if job.ended:
                raise RuleRestriction(m.MSG_ADMIN_ENDED.format(status=job.status))
            now = self.clock.now()
            if job.status == PENDING:
                job.start(now)
            if job.status == STOPPING:
                self._finish(job, now)
            elif job.status == PROCESSING:
                budget = job.remaining if rows is None else rows
                while budget > 0 and job.remaining > 0:
                    budget -= job.process(self.ledger, min(budget, CHUNK_ROWS))
                if job.remaining <= 0:
                    self._finish(job, now)
            return _status_of(job)

    def resume(self) -> None:
        """Queue the Pending jobs again (time progression), once a snapshot's jobs are in this store."""
        if self.settings.bulk_progression != TIME:
            return
        with self.lock:
            pending = [job for job in self.jobs.values() if job.status == PENDING]
            self._active.extend(pending)
        if pending:
            self.progression.kick()

    def find(self, key: str) -> bool:
        with self.lock:
            return key in self.jobs

    def close(self) -> None:
        """Stop background processing of this store's jobs."""
        self.progression.close()
        with self.lock:
            for job in self.jobs.values():
                if not job.ended:
                    job.discard()
            self.files.close()

    # ---- internals -----------------------------------------------------------------------------------------

    def _job(self, key: str) -> Job:
        job = self.jobs.get(key)
        if job is None:
            raise NotFound(m.MSG_NOT_FOUND.format(key=key[:100]))
        return job

    def _prune(self, now: float) -> None:
        """Purge result files past their retention, then the oldest finished jobs past the count (lock held).

        A purged file answers 404 like an expired one; a dropped job answers like an unknown bulk key.
        """
        retention, keep = self.settings.bulk_file_retention, self.settings.bulk_max_jobs
        nothing_to_drop = len(self.jobs) <= keep or not self._ended_since_walk
        if self._pruned_at <= now < self._prune_due and nothing_to_drop:
            return
        finished = [job for job in self.jobs.values() if job.ended]
        due = now + retention
        for job in finished:
            if job.file_id is None or job.ended_at is None:
                continue
            if now - job.ended_at >= retention:
                self.files.pop(job.file_id, None)
            else:
                due = min(due, job.ended_at + retention)
        for job in finished[: max(0, len(finished) - keep)]:
            del self.jobs[job.key]
            if job.file_id is not None:
                self.files.pop(job.file_id, None)
        # A job ending from now on ends at `now` or later; a millisecond early keeps float rounding harmless.
        self._pruned_at, self._prune_due = now, due - PRUNE_MARGIN_SECONDS
        self._ended_since_walk = False

    def _finish(self, job: Job, now: float) -> None:
        self._ended_since_walk = True
        produced = job.finish(now)
        if produced is not None:
            job.file_id = ids.zuora_id()
            self.files[job.file_id] = produced

    def _run_to_end(self, job: Job) -> None:
        """Immediate progression: the whole job runs inside the upload request, a chunk per lock hold."""
        with self.lock:
            job.start(self.clock.now())
        while True:
            with self.lock:
                if job.status != PROCESSING or job.remaining <= 0:
                    if not job.ended:
                        self._finish(job, self.clock.now())
                    return
                job.process(self.ledger, CHUNK_ROWS)

    def _tick(self) -> float | None:
        """Advance every active job in upload order to where the clock says; seconds to the next step, None
        when no job is left to move (the progression thread ends until the next kick)."""
        delay = self.settings.bulk_start_delay
        rate = self.settings.bulk_rows_per_second
        if not self.lock.acquire(timeout=_LOCK_WAIT):
            return _MIN_WAIT
        try:
            active = list(self._active)
        finally:
            self.lock.release()
        if not active:
            return None
        wait = _MAX_WAIT
        for job in active:
            if not self.lock.acquire(timeout=_LOCK_WAIT):
                return _MIN_WAIT
            try:
                wait = min(wait, self._step(job, self.clock.now(), delay, rate))
                if job.ended and job in self._active:
                    self._active.remove(job)
            finally:
                self.lock.release()
        return 0.0 if wait <= 0 else max(wait, _MIN_WAIT)

    def _step(self, job: Job, now: float, delay: float, rate: float) -> float:
        """Move one job to where the clock says (lock held); returns the seconds until its next step."""
        if job.status == PENDING:
            start_at = job.uploaded_at + delay
            if now < start_at:
                return start_at - now
            job.start(now)
        if job.status == STOPPING:
            self._finish(job, now)
        elif job.status == PROCESSING and job.started_at is not None:
            elapsed = now - job.started_at
            due = job.remaining if rate <= 0 else int(elapsed * rate) - job.position
            job.process(self.ledger, max(0, min(due, CHUNK_ROWS, job.remaining)))
            if job.remaining <= 0:
                self._finish(job, now)
            elif rate <= 0 or due > CHUNK_ROWS:
                return 0.0
            else:
                return (job.position + 1) / rate - elapsed
        return _MAX_WAIT


def _status_of(job: Job) -> JobStatus:
    """A job's status as the API reports it (the caller holds the lock)."""
    pending = job.status == PENDING
    has_file = job.file_id is not None
    ended_with_output = job.status in (COMPLETED, STOPPED)
    return JobStatus(
        action_type=job.action.name,
        status=job.status,
        uploaded_by=job.uploaded_by,
        uploaded_at=job.uploaded_at,
        started_at=job.started_at,
        ended_at=job.ended_at,
        input_size=job.input_size if ended_with_output else None,
        file_id=job.file_id,
        output_size=job.output_size if has_file else None,
        output_type=OUTPUT_TYPE if has_file else None,
        total=None if pending else job.total,
        processed=None if pending else job.processed,
        errors=None if pending else job.errors,
        successes=None if pending else job.successes,
        failure=job.failure_reason,
    )
