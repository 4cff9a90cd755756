"""Custom Object Jobs: submit, upload the CSV, get, list, list errors and cancel (/objects/jobs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, Response, request

from zuora_mock.api import object_job_bodies as bodies
from zuora_mock.api.commands import parse_list_object_jobs, parse_object_job, read_job_file, read_json
from zuora_mock.api.context import context, emulator
from zuora_mock.api.families import OBJECTS_PREFIX
from zuora_mock.api.responses import json_response
from zuora_mock.core.errors import PermissionDenied

if TYPE_CHECKING:
    from zuora_mock.backend.customobjects.job_store import ObjectJobStore

bp = Blueprint("object_jobs", __name__, url_prefix=f"{OBJECTS_PREFIX}/jobs")

# Zuora's custom-object permission codes (categories 12-15) and the permission each needs; a 403
# CommonErrorResponse, as api.permissions answers for the operations outside record creates and batches.
_VIEW = (71012512, "Unauthorized to view object record.", "view")
_CREATE = (71012515, "Unauthorized to create object record.", "edit")
_UPDATE = (71012513, "Unauthorized to update object record.", "edit")
_DELETE = (71012514, "Unauthorized to delete object record.", "delete")
_BY_OPERATION = {"create": _CREATE, "update": _UPDATE, "delete": _DELETE}


def _require(needed: tuple[int, str, str]) -> None:
    """The token's Custom Objects permissions must include the one the operation needs."""
    token = context().token
    code, message, permission = needed
    if token is not None and permission not in token.permissions.custom_objects:
        raise PermissionDenied(message, code=code)


def _store() -> ObjectJobStore:
    """The entity's job store; job stores and their rows load with the first job request, not at start-up."""
    from zuora_mock.backend.customobjects.job_store import job_store_for

    return job_store_for(context().entity_data().objects, emulator().settings)


def _siblings() -> list[ObjectJobStore]:
    """The job stores of the tenant's other entities: the limit of active jobs is per tenant."""
    from zuora_mock.backend.customobjects.job_store import job_store_for

    tenant = context().tenant
    if tenant is None:
        return []
    settings = emulator().settings
    return [job_store_for(tenant.data(entity.id).objects, settings) for entity in tenant.entities]


@bp.post("")
def submit_job() -> Response:
    command = parse_object_job(read_json())
    _require(_BY_OPERATION[command.operation])
    return json_response(bodies.job(_store().submit(command.object, command.operation, _siblings())))


@bp.post("/<job_id>/files")
def upload_file(job_id: str) -> Response:
    store = _store()
    _require(_BY_OPERATION[store.get(job_id).operation])
    data = read_job_file(request)
    return json_response(bodies.job(store.upload(job_id, data, emulator().settings.max_body_bytes)))


@bp.get("/<job_id>")
def get_job(job_id: str) -> Response:
    _require(_VIEW)
    return json_response(bodies.job(_store().get(job_id)))


@bp.get("")
def list_jobs() -> Response:
    _require(_VIEW)
    query = parse_list_object_jobs(request.args)
    page, cursor = _store().listing(query.status, query.page_size, query.cursor)
    return json_response(bodies.jobs(page, cursor))


@bp.get("/<job_id>/errors")
def list_job_errors(job_id: str) -> Response:
    _require(_VIEW)
    return json_response(bodies.job_errors(_store().errors(job_id)))


@bp.patch("/<job_id>/cancel")
def cancel_job(job_id: str) -> Response:
    store = _store()
    _require(_BY_OPERATION[store.get(job_id).operation])
    return json_response(bodies.job(store.cancel(job_id)))
