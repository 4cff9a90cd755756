"""Time-dependent state, driven to what the recording shows: a replay never waits and never races.

Zuora runs a mass action at its own pace; a client polls it and sees Pending, Processing with some rows done,
then Completed. The replay runs the emulator with `bulk_progression=manual` and, before each recorded poll,
moves the job (through the emulator's own `/_mock/bulk/{key}/advance`) to the status and row count the
recorded answer shows. Before a recorded stop, the job is moved as far as the upstream had got when it
stopped (read from the next recorded poll of that job). Everything else about the job is then compared.
Custom object bulk jobs are moved the same way (`/_mock/objects/jobs/{id}/advance`) before each recorded poll.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

BULK_PATH = re.compile(r"^/v1/bulk/(?P<key>[^/]+)(?P<stop>/stop)?$")
ADVANCE_PATH = "/_mock/bulk/{key}/advance"
ENDED = frozenset({"Completed", "Stopped", "Failed"})
# Custom object bulk jobs are driven the same way, before each recorded GET /objects/jobs/{id}.
OBJECT_JOB_PATH = re.compile(r"^/objects/jobs/(?P<id>[^/]+)$")
OBJECT_JOB_ADVANCE_PATH = "/_mock/objects/jobs/{id}/advance"
OBJECT_JOB_ENDED = frozenset({"completed", "failed"})

# (path, JSON body) -> the emulator's answer body, or None when it refused.
Admin = Callable[[str, dict[str, Any]], Any]


def _job_body(exchange: dict[str, Any]) -> dict[str, Any] | None:
    body = exchange["response"]["body"]
    value = body.get("json") if body.get("kind") == "json" else None
    return value if isinstance(value, dict) and isinstance(value.get("status"), str) else None


def _refused(exchange: dict[str, Any]) -> bool:
    """A v1 answer that says the call failed: a 4xx, or a 200 whose body says "success": false."""
    response = exchange["response"]
    body = response["body"].get("json") if response["body"].get("kind") == "json" else None
    return response["status"] >= 400 or (isinstance(body, dict) and body.get("success") is False)


def _count(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class BulkSync:
    """Keeps each replayed mass action where the recorded one was at the same point of the exchange."""

    def __init__(self, admin: Admin) -> None:
        self.admin = admin
        self.processed: dict[str, int] = {}
        self.object_rows: dict[str, int] = {}

    def before(
        self, exchanges: Sequence[dict[str, Any]], index: int, translate: Callable[[str], str]
    ) -> None:
        """Called before exchanges[index] is sent; `translate` maps upstream ids to the emulator's."""
        request = exchanges[index]["request"]
        job = OBJECT_JOB_PATH.match(request["path"])
        if job is not None and request["method"] == "GET":
            self._reach_object_job(translate(job.group("id")), _job_body(exchanges[index]))
            return
        match = BULK_PATH.match(request["path"])
        if match is None or request["method"] not in ("GET", "PUT"):
            return
        key = translate(match.group("key"))
        if match.group("stop"):
            self._before_stop(exchanges, index, match.group("key"), key)
            return
        recorded = _job_body(exchanges[index])
        if recorded is not None:
            self._reach(key, recorded)

    def after(
        self, exchange: dict[str, Any], replayed: dict[str, Any], translate: Callable[[str], str]
    ) -> None:
        """Note how far a polled job is, from the emulator's own answer."""
        match = BULK_PATH.match(exchange["request"]["path"])
        body = replayed["body"].get("json") if replayed["body"].get("kind") == "json" else None
        if match and not match.group("stop") and isinstance(body, dict):
            self.processed[translate(match.group("key"))] = _count(body.get("processedCount"))

    def _reach(self, key: str, recorded: dict[str, Any]) -> None:
        status = recorded["status"]
        if status in ENDED:
            self._advance(key, {})
        elif status == "Processing":
            rows = _count(recorded.get("processedCount")) - self.processed.get(key, 0)
            self._advance(key, {"rows": max(rows, 0)})

    def _reach_object_job(self, job_id: str, recorded: dict[str, Any] | None) -> None:
        """Start and run a custom object bulk job as far as the recorded answer shows it."""
        status = recorded["status"] if recorded is not None else None
        done = self.object_rows.get(job_id, 0)
        if status in OBJECT_JOB_ENDED:
            body: dict[str, Any] = {}
        elif status == "in_progress" and recorded is not None:
            body = {"rows": max(_count(recorded.get("recordsProcessed")) - done, 0)}
        else:
            return
        answer = self.admin(OBJECT_JOB_ADVANCE_PATH.format(id=job_id), body)
        if isinstance(answer, dict):
            self.object_rows[job_id] = _count(answer.get("recordsProcessed"))

    def _before_stop(
        self, exchanges: Sequence[dict[str, Any]], index: int, recorded_key: str, key: str
    ) -> None:
        """A stop refused upstream means the job had ended: end it first. A job stopped after it had started
        has a response file: start it and do the rows it had done."""
        if _refused(exchanges[index]):
            self._advance(key, {})
            return
        for later in exchanges[index + 1 :]:
            match = BULK_PATH.match(later["request"]["path"])
            if match is None or match.group("key") != recorded_key or match.group("stop"):
                continue
            final = _job_body(later)
            if final is not None and final["status"] == "Stopped":
                if final.get("outputURL") is not None:
                    self._advance(key, {"rows": _count(final.get("processedCount"))})
                return

    def _advance(self, key: str, body: dict[str, Any]) -> None:
        answer = self.admin(ADVANCE_PATH.format(key=key), body)
        if isinstance(answer, dict):
            self.processed[key] = _count(answer.get("processedCount"))
