"""Bulk job bodies in the key order of zuora_sdk's CustomObjectBulkJob* models: pure, no Flask."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zuora_mock.core import ids

if TYPE_CHECKING:  # the job models load with the first job request (api.object_jobs), not at start-up
    from zuora_mock.backend.customobjects.jobs import JobError, JobView


def job(view: JobView) -> dict[str, Any]:
    """CustomObjectBulkJobResponse: `error` once failed, `processingTime` (ms since submission) once ended."""
    body: dict[str, Any] = {
        "CreatedById": view.created_by,
        "CreatedDate": ids.iso_millis(view.created_at),
        "Id": view.id,
        "UpdatedById": view.created_by,
        "UpdatedDate": ids.iso_millis(view.updated_at),
    }
    if view.error is not None:
        body["error"] = {"code": view.error[0], "message": view.error[1]}
    body.update(namespace="default", object=view.object, operation=view.operation)
    if view.processing_ms is not None:
        body["processingTime"] = view.processing_ms
    body.update(recordsProcessed=view.records_processed, status=view.status)
    return body


def jobs(page: list[JobView], cursor: str | None) -> dict[str, Any]:
    """CustomObjectBulkJobResponseCollection: count of this page, cursor when another page follows, jobs."""
    body: dict[str, Any] = {"count": len(page)}
    if cursor is not None:
        body["cursor"] = cursor
    body["jobs"] = [job(view) for view in page]
    return body


def job_errors(errors: list[JobError]) -> dict[str, Any]:
    """CustomObjectBulkJobErrorResponseCollection: one entry per refused row."""
    return {
        "errors": [{"code": e.code, "message": e.message, "record": e.record, "row": e.row} for e in errors]
    }
