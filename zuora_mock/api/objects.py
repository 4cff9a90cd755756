"""Custom objects: /objects/definitions, /objects/records and /objects/batch in the `default` namespace."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from zuora_mock.api import bodies, permissions
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
from zuora_mock.backend.customobjects.store import CustomObjectStore, etag

bp = Blueprint("objects", __name__, url_prefix=OBJECTS_PREFIX)
bp.before_request(permissions.require_custom_objects)


def _store() -> CustomObjectStore:
    return context().entity_data().objects


def _record_response(record: dict[str, Any]) -> Response:
    return json_response(record, headers={"ETag": etag(record)})


@bp.post("/definitions/default")
def create_definitions() -> Response:
    return json_response(bodies.definitions(_store().create_definitions(read_json())))


@bp.get("/definitions/default")
def list_definitions() -> Response:
    types_only = parse_definitions_select(request.args)
    found = _store().definitions()
    return json_response(bodies.definition_types(list(found)) if types_only else bodies.definitions(found))


@bp.get("/definitions/default/<string:object_name>")
def get_definition(object_name: str) -> Response:
    return json_response(_store().definition(object_name))


@bp.delete("/definitions/default/<string:object_name>")
def delete_definition(object_name: str) -> Response:
    _store().delete_definition(object_name)
    return json_response(bodies.deleted_definition(object_name))


@bp.post("/records/default/<string:object_name>")
def create_records(object_name: str) -> Response:
    store = _store()
    store.require(object_name)
    command = parse_create_records(read_json())
    created, failures = store.create_records(object_name, command.records, command.allow_partial)
    return json_response(bodies.created_records(created, failures))


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
    return json_response(bodies.records_page(count, records))


@bp.get("/records/default/<string:object_name>/<string:record_id>")
def get_record(object_name: str, record_id: str) -> Response:
    return _record_response(_store().get_record(object_name, record_id))


@bp.put("/records/default/<string:object_name>/<string:record_id>")
def replace_record(object_name: str, record_id: str) -> Response:
    if_match = request.headers.get("If-Match")
    return _record_response(
        _store().write_record(object_name, record_id, read_json(), replace=True, if_match=if_match)
    )


@bp.patch("/records/default/<string:object_name>/<string:record_id>")
def patch_record(object_name: str, record_id: str) -> Response:
    if_match = request.headers.get("If-Match")
    return _record_response(
        _store().write_record(object_name, record_id, read_json(), replace=False, if_match=if_match)
    )


@bp.delete("/records/default/<string:object_name>/<string:record_id>")
def delete_record(object_name: str, record_id: str) -> Response:
    _store().delete_record(object_name, record_id)
    return json_response(bodies.deleted_record(object_name, record_id))


@bp.post("/batch/default/<string:object_name>")
def batch(object_name: str) -> Response:
    store = _store()
    store.require(object_name)
    return json_response(bodies.batch_result(store.batch(object_name, parse_batch(read_json()))))
