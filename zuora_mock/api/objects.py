"""Custom objects: /objects/definitions, /objects/records and /objects/batch in the `default` namespace."""

from __future__ import annotations

from flask import Blueprint, Response, request

from zuora_mock.api.context import context
from zuora_mock.api.families import OBJECTS_PREFIX
from zuora_mock.api.responses import json_response, read_json
from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.batch import parse_batch
from zuora_mock.backend.customobjects.store import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, CustomObjectStore, etag
from zuora_mock.core.errors import InvalidValue, MissingField, RuleRestriction, UnknownField

bp = Blueprint("objects", __name__, url_prefix=OBJECTS_PREFIX)

_CREATE_KEYS = frozenset({"allowPartialSuccess", "records"})


def _store() -> CustomObjectStore:
    return context().entity_data().objects


def _int_arg(name: str, default: int, low: int, high: int | None, message: str) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    # int() alone would also take " 5", "1_0" and non-ASCII digits; past 4300 digits it raises ValueError.
    try:
        if not (raw.isascii() and raw.removeprefix("-").isdigit()):
            raise ValueError(raw)
        value = int(raw)
    except ValueError:
        raise InvalidValue(message.format(value=raw[:50])) from None
    if value < low or (high is not None and value > high):
        raise InvalidValue(message.format(value=raw[:50]))
    return value


@bp.post("/definitions/default")
def create_definitions() -> Response:
    created = _store().create_definitions(read_json())
    return json_response({"definitions": created, "count": len(created)})


@bp.get("/definitions/default")
def list_definitions() -> Response:
    select = request.args.get("select")
    if select is not None and select != "type":
        raise InvalidValue(m.MSG_SELECT.format(value=select[:50]))
    definitions = _store().definitions()
    if select == "type":
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
    body = read_json()
    for key in body:
        if key not in _CREATE_KEYS:
            raise UnknownField(m.MSG_BODY_UNKNOWN.format(field=str(key)[:100]), details=[])
    if body.get("records") is None:
        raise MissingField(m.MSG_CREATE_RECORDS_REQUIRED, details=[])
    records = body["records"]
    if not isinstance(records, list):
        raise InvalidValue(m.MSG_CREATE_RECORDS_LIST, details=[])
    partial = body.get("allowPartialSuccess", False)
    if partial is None:
        partial = False
    if not isinstance(partial, bool):
        raise InvalidValue(m.MSG_PARTIAL_BOOL.format(field="allowPartialSuccess"), details=[])
    if len(records) > m.MAX_RECORDS_PER_CALL:
        raise RuleRestriction(m.MSG_TOO_MANY_RECORDS.format(count=len(records)), details=[])
    created, failures = store.create_records(object_name, records, partial)
    if failures:
        error = {"code": m.CODE_INVALID, "message": m.MSG_CREATE_INVALID, "details": failures}
        return json_response({"error": error, "records": created})
    return json_response({"records": created})


@bp.get("/records/default/<string:object_name>")
def list_records(object_name: str) -> Response:
    page_size = _int_arg("pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, m.MSG_PAGE_SIZE)
    page = _int_arg("page", 1, 1, None, m.MSG_PAGE)
    count, records = _store().list_records(
        object_name,
        q=request.args.get("q"),
        record_ids=request.args.getlist("ids"),
        page_size=page_size,
        cursor=request.args.get("cursor"),
        page=page,
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
