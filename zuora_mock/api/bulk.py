"""Mass actions: POST /v1/bulk, GET /v1/bulk/{key}, PUT /v1/bulk/{key}/stop and result files in /v1/files."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request

from zuora_mock.api.context import context, emulator, public_base_url
from zuora_mock.api.families import V1_PREFIX
from zuora_mock.api.responses import json_response
from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.results import CONTENT_TYPE
from zuora_mock.backend.massactions.upload import validate_upload
from zuora_mock.core.errors import InvalidValue, MissingField

bp = Blueprint("bulk", __name__, url_prefix=V1_PREFIX)


def content_disposition(name: str) -> str:
    """Quotes, line breaks and non-ASCII in a download's name get an ASCII fallback and RFC 6266 filename*."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name)
    if fallback == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@bp.post("/bulk")
def create_mass_action() -> Response:
    if request.mimetype != "multipart/form-data":
        raise InvalidValue(m.MSG_MULTIPART_REQUIRED)
    storage = request.files.get("file")
    if storage is not None:
        filename, data = storage.filename, storage.read()
    elif "file" in request.form:
        filename, data = None, request.form["file"].encode("utf-8")
    else:
        raise MissingField(m.MSG_FILE_REQUIRED)
    raw_params = request.form.get("params")
    if raw_params is None and "params" in request.files:
        raw_params = request.files["params"].read()
    if raw_params is None:
        raise MissingField(m.MSG_PARAMS_REQUIRED)
    # marshmallow is imported on the first upload, not at start-up (about a quarter of the start-up time).
    from zuora_mock.api.bulk_schemas import parse_params

    params = parse_params(raw_params)
    upload = validate_upload(
        filename, data, params["actionType"], params.get("checksum"), emulator().settings.bulk_max_file_bytes
    )
    del data
    bulk_key = context().entity_data().bulk.submit(upload)
    return json_response({"success": True, "bulkKey": bulk_key})


@bp.get("/bulk/<bulk_key>")
def get_mass_action(bulk_key: str) -> Response:
    return json_response(context().entity_data().bulk.status(bulk_key, public_base_url()))


@bp.put("/bulk/<bulk_key>/stop")
def stop_mass_action(bulk_key: str) -> Response:
    context().entity_data().bulk.stop(bulk_key)
    return json_response({"success": True})


@bp.get("/files/<file_id>")
def get_file(file_id: str) -> Response:
    name, archive = context().entity_data().bulk.file(file_id)
    zip_name = name.rsplit(".", 1)[0] + ".zip"
    return Response(
        archive,
        status=200,
        headers={
            "Content-Type": CONTENT_TYPE,
            "Content-Disposition": content_disposition(zip_name),
        },
    )
