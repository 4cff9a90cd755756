"""Custom object bulk jobs of one entity, advanced like mass actions: immediate, time or manual."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from typing import Any

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.job_rows import CREATE, DELETE, UPDATE
from zuora_mock.backend.customobjects.jobs import (
    ACCEPTED,
    ACTIVE,
    IN_PROGRESS,
    MAX_FILE_BYTES,
    MSG_NOT_PENDING,
    PENDING,
    JobError,
    JobView,
    ObjectJob,
    read_csv,
)
from zuora_mock.backend.customobjects.store import CustomObjectStore
from zuora_mock.backend.massactions.store import CHUNK_ROWS, IMMEDIATE, MANUAL, TIME
from zuora_mock.backend.progression import Progression
from zuora_mock.core import ids
from zuora_mock.core.errors import InvalidValue, NotFound, RuleRestriction
from zuora_mock.core.settings import Settings

OPERATIONS = (CREATE, UPDATE, DELETE)
MAX_ACTIVE_JOBS = 5  # per tenant: accepted, pending or in progress
CODE_SERVICE_LIMIT = 71012560
MSG_SERVICE_LIMIT = "Service limit reached, please retry later."
MSG_CURSOR = "'cursor' must be the Id of a bulk job; got {value}."
MSG_JOB_NOT_FOUND = "Custom object bulk job [{id}] does not exist."
MSG_ADVANCE_ENDED = "The bulk job [{id}] has ended ({status}); there is nothing to advance."
_MIN_WAIT, _MAX_WAIT, _LOCK_WAIT = 0.002, 0.1, 0.05


class ObjectJobStore:
    """Bulk jobs over one entity's custom objects, guarded by the tenant's lock like the records."""

    def __init__(self, objects: CustomObjectStore, settings: Settings) -> None:
        self.objects = objects
        self.lock = objects.lock
        self.clock = objects.clock
        self.settings = settings
        self.jobs: dict[str, ObjectJob] = {}
        self.progression = Progression("zuora-mock-objects-jobs", self._tick)

    # ---- operations behind the endpoints -------------------------------------------------------------------

    def active_count(self) -> int:
        with self.lock:
            return sum(1 for job in self.jobs.values() if job.status in ACTIVE)

    def submit(self, object_name: str, operation: str, siblings: Iterable[ObjectJobStore] = ()) -> JobView:
        """A pending job for an existing object, unless the tenant already runs MAX_ACTIVE_JOBS."""
        with self.lock:
            self.objects.require(object_name)
            active = self.active_count() + sum(s.active_count() for s in siblings if s is not self)
            if active >= MAX_ACTIVE_JOBS:
                raise RuleRestriction(MSG_SERVICE_LIMIT, code=CODE_SERVICE_LIMIT)
            job = ObjectJob(ids.record_id(), object_name, operation, self.objects.user_id, self.clock.now())
            self.jobs[job.id] = job
            return job.view()

    def upload(self, job_id: str, data: bytes, max_bytes: int) -> JobView:
        """Attach the job's one CSV file (pending -> accepted), then progress it as the settings say."""
        with self.lock:
            job = self._job(job_id)
            if job.status != PENDING:
                raise RuleRestriction(MSG_NOT_PENDING.format(id=job.id, status=job.status), code=m.CODE_LIMIT)
        parsed = read_csv(data, job.operation, min(max_bytes, MAX_FILE_BYTES))
        with self.lock:
            if job.status != PENDING:  # cancelled or uploaded by another request meanwhile
                raise RuleRestriction(MSG_NOT_PENDING.format(id=job.id, status=job.status), code=m.CODE_LIMIT)
            job.attach(parsed, self.clock.now())
        self._progress(job)
        with self.lock:
            return job.view()

    def get(self, job_id: str) -> JobView:
        with self.lock:
            return self._job(job_id).view()

    def listing(
        self, status: str | None, page_size: int, cursor: str | None
    ) -> tuple[list[JobView], str | None]:
        """Jobs newest first after the cursor job; the cursor of the next page when one follows."""
        with self.lock:
            jobs = [j for j in reversed(self.jobs.values()) if status is None or j.status == status]
            if cursor is not None:
                position = next((i for i, j in enumerate(jobs) if j.id == cursor), None)
                if position is None:
                    if cursor not in self.jobs:
                        raise InvalidValue(MSG_CURSOR.format(value=cursor[:100]), code=m.CODE_INVALID)
                    position = -1
                jobs = jobs[position + 1 :]
            page = [j.view() for j in jobs[:page_size]]
        next_cursor = page[-1].id if len(jobs) > page_size else None
        return page, next_cursor

    def errors(self, job_id: str) -> list[JobError]:
        with self.lock:
            return list(self._job(job_id).errors)

    def cancel(self, job_id: str) -> JobView:
        with self.lock:
            job = self._job(job_id)
            job.cancel(self.clock.now())
            return job.view()

    def advance(self, job_id: str, rows: int | None) -> JobView:
        """Manual progression: start an accepted job and apply `rows` more rows (all when None)."""
        with self.lock:
            job = self._job(job_id)
            if job.status not in (ACCEPTED, IN_PROGRESS):
                raise RuleRestriction(MSG_ADVANCE_ENDED.format(id=job.id, status=job.status))
            now = self.clock.now()
            if job.status == ACCEPTED:
                self._start(job, now)
            budget = job.remaining if rows is None else rows
            while budget > 0 and job.status == IN_PROGRESS and job.remaining > 0:
                handled = job.process(min(budget, CHUNK_ROWS), ids.iso_millis(now))
                if handled == 0:  # no row applier: nothing can move, never spin
                    break
                budget -= handled
            self._finish_if_done(job, now)
            return job.view()

    def resume(self) -> None:
        """Jobs loaded from a snapshot go on as progression says; an in-progress one from its next row."""
        with self.lock:
            moving = [job for job in self.jobs.values() if job.status in (ACCEPTED, IN_PROGRESS)]
            for job in moving:
                if job.status == IN_PROGRESS:
                    job.reattach(self.objects.objects.get(job.object), self._context(), self.clock.now())
        if not moving:
            return
        mode = self.settings.bulk_progression
        if mode == TIME:
            self.progression.kick()
        elif mode == IMMEDIATE:
            for job in moving:
                self._run_to_end(job)

    def find(self, job_id: str) -> bool:
        with self.lock:
            return job_id in self.jobs

    def close(self) -> None:
        self.progression.close()

    # ---- internals -----------------------------------------------------------------------------------------

    def _job(self, job_id: str) -> ObjectJob:
        job = self.jobs.get(job_id)
        if job is None:
            raise NotFound(MSG_JOB_NOT_FOUND.format(id=job_id[:100]), code=m.CODE_NOT_FOUND)
        return job

    def _context(self) -> dict[str, Any]:
        """What a job's row applier checks rows against."""
        return {"objects": self.objects.objects, "zuora_object_exists": self.objects.zuora_object_exists}

    def _start(self, job: ObjectJob, now: float) -> None:
        job.start(self.objects.objects.get(job.object), self._context(), now)

    def _finish_if_done(self, job: ObjectJob, now: float) -> None:
        if job.status == IN_PROGRESS and job.remaining <= 0:
            job.complete(now)

    def _progress(self, job: ObjectJob) -> None:
        mode = self.settings.bulk_progression
        if mode == IMMEDIATE:
            self._run_to_end(job)
        elif mode == TIME:
            self.progression.kick()
        elif mode != MANUAL:
            raise ValueError(f"unknown bulk_progression {mode!r}")

    def _run_to_end(self, job: ObjectJob) -> None:
        """Immediate progression: the whole job runs inside the upload request, a chunk per lock hold."""
        with self.lock:
            if job.status == ACCEPTED:  # a resumed in-progress job goes on from its next row
                self._start(job, self.clock.now())
        while True:
            with self.lock:
                now = self.clock.now()
                if job.status != IN_PROGRESS or job.remaining <= 0:
                    self._finish_if_done(job, now)
                    return
                job.process(CHUNK_ROWS, ids.iso_millis(now))

    def _tick(self) -> float | None:
        """Step every moving job; the seconds until the next step, None when no job moves."""
        if not self.lock.acquire(timeout=_LOCK_WAIT):
            return _MIN_WAIT
        try:
            moving = [j for j in self.jobs.values() if j.status in (ACCEPTED, IN_PROGRESS)]
        finally:
            self.lock.release()
        if not moving:
            return None
        wait = _MAX_WAIT
        for job in moving:
            if not self.lock.acquire(timeout=_LOCK_WAIT):
                return _MIN_WAIT
            try:
                wait = min(wait, self._step(job, self.clock.now()))
            finally:
                self.lock.release()
        return 0.0 if wait <= 0 else max(wait, _MIN_WAIT)

    def _step(self, job: ObjectJob, now: float) -> float:
        """Move one job to where the clock says (lock held); returns the seconds until its next step."""
        delay, rate = self.settings.bulk_start_delay, self.settings.bulk_rows_per_second
        if job.status == ACCEPTED:
            start_at = job.updated_at + delay
            if now < start_at:
                return start_at - now
            self._start(job, now)
        if job.status != IN_PROGRESS or job.started_at is None:
            return _MAX_WAIT
        elapsed = now - job.started_at
        due = job.remaining if rate <= 0 else int(elapsed * rate) - job.processed
        job.process(max(0, min(due, CHUNK_ROWS, job.remaining)), ids.iso_millis(now))
        self._finish_if_done(job, now)
        if job.status != IN_PROGRESS:
            return _MAX_WAIT
        if rate <= 0 or due > CHUNK_ROWS:
            return 0.0
        return (job.processed + 1) / rate - elapsed


_STORES: weakref.WeakKeyDictionary[CustomObjectStore, ObjectJobStore] = weakref.WeakKeyDictionary()
_STORES_LOCK = threading.Lock()


def job_store_for(objects: CustomObjectStore, settings: Settings) -> ObjectJobStore:
    """The bulk jobs over one entity's custom objects; a reset's fresh record store starts with none."""
    with _STORES_LOCK:
        store = _STORES.get(objects)
        if store is None:
            store = _STORES[objects] = ObjectJobStore(objects, settings)
            objects.on_close.append(store.close)
        return store


def existing_job_store(objects: CustomObjectStore) -> ObjectJobStore | None:
    """The job store of these records if any job was ever submitted to it (admin look-ups)."""
    with _STORES_LOCK:
        return _STORES.get(objects)
