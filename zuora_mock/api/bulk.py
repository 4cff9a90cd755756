"""Mass actions: POST /v1/bulk, GET /v1/bulk/{key}, PUT /v1/bulk/{key}/stop and result files in /v1/files."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request

from zuora_mock.api import bodies, permissions
from zuora_mock.api.commands import read_mass_action
from zuora_mock.api.context import context, emulator, public_base_url
from zuora_mock.api.families import V1_PREFIX
from zuora_mock.api.responses import json_response
from zuora_mock.backend.massactions.results import CONTENT_TYPE
from zuora_mock.backend.massactions.upload import validate_upload
from zuora_mock.core.errors import NotFound

bp = Blueprint("bulk", __name__, url_prefix=V1_PREFIX)
bp.before_request(permissions.require_mass_updater)


def content_disposition(name: str) -> str:
    """Quotes, line breaks and non-ASCII in a download's name get an ASCII fallback and RFC 6266 filename*."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name)
    if fallback == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@bp.post("/bulk")
def create_mass_action() -> Response:
    command = read_mass_action(request)
    upload = validate_upload(
        command.filename,
        command.data,
        command.action_type,
        command.checksum,
        emulator().settings.bulk_max_file_bytes,
    )
    del command  # the raw file: only the validated text is kept while the job runs
    ctx = context()
    return json_response(bodies.v1_success(bulkKey=ctx.entity_data().bulk.submit(upload, ctx.job_failure)))


@bp.get("/bulk/<bulk_key>")
def get_mass_action(bulk_key: str) -> Response:
    status = context().entity_data().bulk.status(bulk_key)
    return json_response(bodies.job_status(status, public_base_url()))


@bp.put("/bulk/<bulk_key>/stop")
def stop_mass_action(bulk_key: str) -> Response:
    context().entity_data().bulk.stop(bulk_key)
    return json_response(bodies.v1_success())


@bp.get("/files/<file_id>")
def get_file(file_id: str) -> Response:
    try:
        name, archive = context().entity_data().bulk.file(file_id)
    except NotFound as err:
        # A download has no success flag: a 200 here would be saved as the result zip, so always a real 404.
        err.business = False
        raise
    zip_name = name.rsplit(".", 1)[0] + ".zip"
    return Response(
        archive,
        status=200,
        headers={
            "Content-Type": CONTENT_TYPE,
            "Content-Disposition": content_disposition(zip_name),
        },
    )
