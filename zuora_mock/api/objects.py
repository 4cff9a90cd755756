"""Custom objects: /objects/definitions, /objects/records and /objects/batch in the `default` namespace."""

from __future__ import annotations

from flask import Blueprint, Response, request

from zuora_mock.api.commands import (
    parse_batch,
    parse_create_records,
    parse_definitions_select,
    parse_list_records,
    read_json,
)
from zuora_mock.api.context import context
from zuora_mock.api.families import OBJECTS_PREFIX
from zuora_mock.api.responses import json_response
from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.store import CustomObjectStore, etag

bp = Blueprint("objects", __name__, url_prefix=OBJECTS_PREFIX)


def _store() -> CustomObjectStore:
    return context().entity_data().objects


@bp.post("/definitions/default")
def create_definitions() -> Response:
    created = _store().create_definitions(read_json())
    return json_response({"definitions": created, "count": len(created)})


@bp.get("/definitions/default")
def list_definitions() -> Response:
    types_only = parse_definitions_select(request.args)
    definitions = _store().definitions()
    if types_only:
        definitions = {name: {"type": name} for name in definitions}
    return json_response({"definitions": definitions, "count": len(definitions)})


@bp.get("/definitions/default/<string:object_name>")
def get_definition(object_name: str) -> Response:
    return json_response(_store().definition(object_name))


@bp.delete("/definitions/default/<string:object_name>")
def delete_definition(object_name: str) -> Response:
    _store().delete_definition(object_name)
    return json_response(f"/objects/definitions/default/{object_name}")


@bp.post("/records/default/<string:object_name>")
def create_records(object_name: str) -> Response:
    store = _store()
    store.require(object_name)
    command = parse_create_records(read_json())
    created, failures = store.create_records(object_name, command.records, command.allow_partial)
    if failures:
        error = {"code": m.CODE_INVALID, "message": m.MSG_CREATE_INVALID, "details": failures}
        return json_response({"error": error, "records": created})
    return json_response({"records": created})


@bp.get("/records/default/<string:object_name>")
def list_records(object_name: str) -> Response:
    query = parse_list_records(request.args)
    count, records = _store().list_records(
        object_name,
        q=query.q,
        record_ids=query.record_ids,
        page_size=query.page_size,
        cursor=query.cursor,
        page=query.page,
    )
    return json_response({"count": count, "records": records})


@bp.get("/records/default/<string:object_name>/<string:record_id>")
def get_record(object_name: str, record_id: str) -> Response:
    record = _store().get_record(object_name, record_id)
    return json_response(record, headers={"ETag": etag(record)})


@bp.put("/records/default/<string:object_name>/<string:record_id>")
def replace_record(object_name: str, record_id: str) -> Response:
    record = _store().write_record(
        object_name, record_id, read_json(), replace=True, if_match=request.headers.get("If-Match")
    )
    return json_response(record, headers={"ETag": etag(record)})


@bp.patch("/records/default/<string:object_name>/<string:record_id>")
def patch_record(object_name: str, record_id: str) -> Response:
    record = _store().write_record(
        object_name, record_id, read_json(), replace=False, if_match=request.headers.get("If-Match")
    )
    return json_response(record, headers={"ETag": etag(record)})


@bp.delete("/records/default/<string:object_name>/<string:record_id>")
def delete_record(object_name: str, record_id: str) -> Response:
    _store().delete_record(object_name, record_id)
    return json_response(f"/objects/records/default/{object_name}/{record_id}")


@bp.post("/batch/default/<string:object_name>")
def batch(object_name: str) -> Response:
    store = _store()
    store.require(object_name)
    failures = store.batch(object_name, parse_batch(read_json()))
    if failures:
        return json_response(
            {"error": {"code": m.CODE_INVALID, "message": m.MSG_UPDATE_INVALID, "details": failures}}
        )
    return json_response({})
