"""/_mock/objects/jobs/: drive custom object bulk jobs by hand (the manual progression) in tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, Response

from zuora_mock.api import object_job_bodies as bodies
from zuora_mock.api.commands import parse_advance_job, read_optional_json
from zuora_mock.api.context import emulator
from zuora_mock.api.families import ADMIN_PREFIX
from zuora_mock.api.responses import json_response
from zuora_mock.core.errors import NotFound

if TYPE_CHECKING:  # the job stores load with the first job request, not at start-up
    from zuora_mock.backend.customobjects.job_store import ObjectJobStore

bp = Blueprint("object_jobs_admin", __name__, url_prefix=f"{ADMIN_PREFIX}/objects/jobs")


def _store_of(job_id: str) -> ObjectJobStore:
    """The job store holding a job, whichever tenant and entity it belongs to."""
    from zuora_mock.backend.customobjects.job_store import MSG_JOB_NOT_FOUND, existing_job_store

    registry = emulator().registry
    for tenant in list(registry.tenants.values()):
        for entity in tenant.entities:
            store = existing_job_store(tenant.data(entity.id).objects)
            if store is not None and store.find(job_id):
                return store
    raise NotFound(MSG_JOB_NOT_FOUND.format(id=job_id[:100]))


@bp.post("/<job_id>/advance")
def advance(job_id: str) -> Response:
    """Start an accepted job and apply {"rows": N} more rows (all of them when omitted)."""
    command = parse_advance_job(read_optional_json())
    return json_response(bodies.job(_store_of(job_id).advance(job_id, command.rows)))
