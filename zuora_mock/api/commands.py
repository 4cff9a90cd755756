"""Request envelopes in, typed commands out: the one place bodies, forms and query strings are parsed.

Each envelope rule lives here once (unknown keys, required parts, allowPartialSuccess, the 1,000-item limit),
in the order Zuora checks them; what a command carries is then validated by the backend that runs it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Mapping
from typing import Any

import orjson
from flask import Request, request
from werkzeug.datastructures import FileStorage, MultiDict

from zuora_mock.backend.commands import (
    DELETE,
    UPDATE,
    AdvanceClock,
    AdvanceJob,
    BatchAction,
    CreateRecords,
    IssueToken,
    ListObjectJobs,
    ListRecords,
    PageRequest,
    SubmitMassAction,
    SubmitObjectJob,
)
from zuora_mock.backend.customobjects import messages as co
from zuora_mock.backend.customobjects.store import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from zuora_mock.backend.massactions import messages as ma
from zuora_mock.backend.massactions.actions import ACTION_TYPES
from zuora_mock.core.errors import (
    MSG_CONTENT_TYPE_JSON,
    MSG_MALFORMED_JSON,
    InvalidQueryParameter,
    InvalidValue,
    MalformedRequest,
    MissingField,
    OAuthError,
    RuleRestriction,
    UnknownField,
    ZuoraError,
)

# orjson reads up to 1024 levels but writes at most 254; error details echo request values a few levels
# deeper than they were sent, so a body is refused past this depth rather than failing when it is echoed.
MAX_JSON_DEPTH = 200
_WRITABLE_DEPTH = 254
MSG_JSON_TOO_DEEP = "the body is nested more than {limit} levels deep"
# The v1 field messages (bulk `params`).
MSG_FIELD_REQUIRED = "'{field}' is required."
MSG_FIELD_UNKNOWN = "Unknown field '{field}'."
MSG_FIELD_INVALID = "Invalid value for '{field}': {detail}"
MSG_NOT_A_STRING = "Not a valid string."
MSG_NOT_NULL = "Field may not be null."
MSG_ADVANCE = "'advance' must be a number of seconds >= 0."
MSG_OAUTH_CONTENT_TYPE = "Content-Type must be application/x-www-form-urlencoded"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_CHECKSUM = re.compile(r"^[0-9a-fA-F]{32}$")
_CREATE_KEYS = frozenset({"allowPartialSuccess", "records"})
_BATCH_KEYS = frozenset({"action"})
_ACTION_KEYS = frozenset({"type", "allowPartialSuccess", "records", "ids"})
_PARAMS_KEYS = ("actionType", "checksum")


# ---- JSON bodies -------------------------------------------------------------------------------------------


def read_json(require_object: bool = True) -> Any:
    """Parse the request body as JSON, or raise the malformed-request error of the family."""
    content_type = request.mimetype
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise InvalidValue(MSG_CONTENT_TYPE_JSON.format(content_type=request.content_type), status=415)
    data = request.get_data(cache=True)
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise MalformedRequest(MSG_MALFORMED_JSON.format(detail=str(exc))) from None
    if require_object and not isinstance(body, dict):
        raise MalformedRequest(MSG_MALFORMED_JSON.format(detail="the body must be a JSON object"))
    if _too_deep(data, body):
        raise MalformedRequest(
            MSG_MALFORMED_JSON.format(detail=MSG_JSON_TOO_DEEP.format(limit=MAX_JSON_DEPTH))
        )
    return body


def read_optional_json() -> dict[str, Any]:
    """The admin bodies: an empty body means every option at its default."""
    return read_json() if request.get_data() else {}


def _too_deep(data: bytes, body: Any) -> bool:
    """Deeper than MAX_JSON_DEPTH, measured by orjson itself on the body wrapped in the missing levels."""
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return False
    for _ in range(_WRITABLE_DEPTH - MAX_JSON_DEPTH):
        body = [body]
    try:
        orjson.dumps(body)
    except orjson.JSONEncodeError:
        return True
    return False


# ---- OAuth -------------------------------------------------------------------------------------------------


def read_token_request(req: Request) -> IssueToken:
    """POST /oauth/token: a form (Zuora's SDKs send it url-encoded); the grant itself is checked on issue."""
    if req.mimetype not in _FORM_TYPES:
        raise OAuthError(MSG_OAUTH_CONTENT_TYPE, status=415)
    form = req.form
    return IssueToken(
        client_id=form.get("client_id", ""),
        client_secret=form.get("client_secret", ""),
        grant_type=form.get("grant_type", ""),
        entity_header=req.headers.get("Zuora-Entity-Ids"),
    )


# ---- custom objects ----------------------------------------------------------------------------------------


def _envelope_error(cls: type[ZuoraError], message: str) -> ZuoraError:
    # Envelope errors carry an empty details list, like the record-level ones (docs section 8.3).
    return cls(message[:500], details=[])


def _only_keys(body: Mapping[str, Any], allowed: Collection[str], message: str) -> None:
    for key in body:
        if key not in allowed:
            raise _envelope_error(UnknownField, message.format(field=str(key)[:100]))


def _allow_partial(envelope: Mapping[str, Any], field: str) -> bool:
    partial = envelope.get("allowPartialSuccess", False)
    if partial is None:
        return False
    if not isinstance(partial, bool):
        raise _envelope_error(InvalidValue, co.MSG_PARTIAL_BOOL.format(field=field))
    return partial


def _within_limit(items: Collection[Any], message: str) -> None:
    if len(items) > co.MAX_RECORDS_PER_CALL:
        raise _envelope_error(RuleRestriction, message.format(count=len(items)))


def parse_create_records(body: Mapping[str, Any]) -> CreateRecords:
    """POST /objects/records: {"records": [...], "allowPartialSuccess": bool}."""
    _only_keys(body, _CREATE_KEYS, co.MSG_BODY_UNKNOWN)
    records = body.get("records")
    if records is None:
        raise _envelope_error(MissingField, co.MSG_CREATE_RECORDS_REQUIRED)
    if not isinstance(records, list):
        raise _envelope_error(InvalidValue, co.MSG_CREATE_RECORDS_LIST)
    partial = _allow_partial(body, "allowPartialSuccess")
    _within_limit(records, co.MSG_TOO_MANY_RECORDS)
    return CreateRecords(records, partial)


def parse_batch(body: Mapping[str, Any]) -> BatchAction:
    """POST /objects/batch: checked in Zuora's order, before any record is looked at."""
    _only_keys(body, _BATCH_KEYS, co.MSG_BODY_UNKNOWN)
    action = body.get("action")
    if action is None:
        raise _envelope_error(MissingField, co.MSG_ACTION_REQUIRED)
    if not isinstance(action, dict):
        raise _envelope_error(InvalidValue, co.MSG_ACTION_NOT_OBJECT)
    _only_keys(action, _ACTION_KEYS, co.MSG_ACTION_UNKNOWN)
    kind = action.get("type")
    if kind is None:
        raise _envelope_error(MissingField, co.MSG_ACTION_TYPE_REQUIRED)
    if kind not in (UPDATE, DELETE):
        shown = kind if isinstance(kind, str) else repr(kind)
        raise _envelope_error(InvalidValue, co.MSG_ACTION_TYPE_INVALID.format(value=shown[:50]))
    partial = _allow_partial(action, "action.allowPartialSuccess")
    if kind == UPDATE:
        return _batch_update(action, partial)
    return _batch_delete(action)


def _batch_update(action: Mapping[str, Any], partial: bool) -> BatchAction:
    records = action.get("records")
    if action.get("ids") is not None:
        raise _envelope_error(InvalidValue, co.MSG_UPDATE_WITH_IDS)
    if records is None:
        raise _envelope_error(MissingField, co.MSG_UPDATE_NEEDS_RECORDS)
    if not isinstance(records, dict):
        raise _envelope_error(InvalidValue, co.MSG_RECORDS_MAP)
    _within_limit(records, co.MSG_TOO_MANY_RECORDS)
    return BatchAction(UPDATE, partial, records=records)


def _batch_delete(action: Mapping[str, Any]) -> BatchAction:
    """allowPartialSuccess is checked but has no effect on a delete: it is all or nothing."""
    ids = action.get("ids")
    if action.get("records") is not None:
        raise _envelope_error(InvalidValue, co.MSG_DELETE_WITH_RECORDS)
    if ids is None:
        raise _envelope_error(MissingField, co.MSG_DELETE_NEEDS_IDS)
    if not isinstance(ids, list):
        raise _envelope_error(InvalidValue, co.MSG_IDS_LIST)
    _within_limit(ids, co.MSG_TOO_MANY_IDS)
    return BatchAction(DELETE, False, ids=ids)


def _int_arg(
    args: Mapping[str, str], name: str, default: int, low: int, high: int | None, message: str
) -> int:
    raw = args.get(name)
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


def parse_list_records(args: MultiDict[str, str]) -> ListRecords:
    """GET /objects/records query: pageSize, then page; q, ids and cursor are checked by the store."""
    page_size = _int_arg(args, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, co.MSG_PAGE_SIZE)
    page = _int_arg(args, "page", 1, 1, None, co.MSG_PAGE)
    return ListRecords(args.get("q"), args.getlist("ids"), page_size, args.get("cursor"), page)


def parse_definitions_select(args: Mapping[str, str]) -> bool:
    """GET /objects/definitions?select=type: whether only the names (as types) are asked for."""
    select = args.get("select")
    if select is not None and select != "type":
        raise InvalidValue(co.MSG_SELECT.format(value=select[:50]))
    return select == "type"


# ---- mass actions ------------------------------------------------------------------------------------------


def read_mass_action(req: Request) -> SubmitMassAction:
    """POST /v1/bulk: a multipart form with a `file` part and a `params` part (a field or a file)."""
    if req.mimetype != "multipart/form-data":
        raise InvalidValue(ma.MSG_MULTIPART_REQUIRED)
    storage = req.files.get("file")
    if storage is not None:
        filename, data = storage.filename, _file_bytes(storage)
    elif "file" in req.form:
        filename, data = None, req.form["file"].encode("utf-8")
    else:
        raise MissingField(ma.MSG_FILE_REQUIRED)
    raw_params: str | bytes | None = req.form.get("params")
    if raw_params is None and "params" in req.files:
        raw_params = req.files["params"].read()
    if raw_params is None:
        raise MissingField(ma.MSG_PARAMS_REQUIRED)
    action_type, checksum = parse_bulk_params(raw_params)
    return SubmitMassAction(filename, data, action_type, checksum)


def _file_bytes(storage: FileStorage) -> bytes:
    """A part's bytes: an in-memory part's buffer as it is (read() copies one larger than its content)."""
    stream = storage.stream
    if isinstance(stream, io.BytesIO):
        return stream.getvalue()
    data: bytes = storage.read()
    return data


def parse_bulk_params(raw: str | bytes) -> tuple[str, str | None]:
    """`params` as (actionType, checksum): malformed JSON is category 90, field failures 22/21/20.

    Fields are checked in declaration order (actionType, then checksum), then unknown keys in request order.
    """
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedRequest(ma.MSG_PARAMS_MALFORMED.format(detail=str(exc)[:200])) from None
    if not isinstance(data, dict):
        raise MalformedRequest(ma.MSG_PARAMS_MALFORMED.format(detail="the value is not a JSON object"))
    if "actionType" not in data:
        raise MissingField(MSG_FIELD_REQUIRED.format(field="actionType"))
    action_type = _string_field(data, "actionType")
    if action_type not in ACTION_TYPES:
        raise _invalid_field("actionType", ma.MSG_ACTION_TYPE_INVALID.format(input=action_type))
    checksum = _string_field(data, "checksum") if "checksum" in data else None
    if checksum is not None and _CHECKSUM.match(checksum) is None:
        raise _invalid_field("checksum", ma.MSG_CHECKSUM_FORMAT)
    for key in data:
        if key not in _PARAMS_KEYS:
            raise UnknownField(MSG_FIELD_UNKNOWN.format(field=key))
    return action_type, checksum


def _string_field(data: Mapping[str, Any], field: str) -> str:
    value = data[field]
    if value is None:
        raise _invalid_field(field, MSG_NOT_NULL)
    if not isinstance(value, str):
        raise _invalid_field(field, MSG_NOT_A_STRING)
    return value


def _invalid_field(field: str, detail: str) -> ZuoraError:
    return InvalidValue(MSG_FIELD_INVALID.format(field=field, detail=detail))


# ---- v1 billing reads -------------------------------------------------------------------------------------

V1_DEFAULT_PAGE_SIZE = 20
V1_MAX_PAGE_SIZE = 40
MSG_V1_PAGE_SIZE = "Invalid value for 'pageSize': '{value}'. It must be an integer from 1 to 40."
MSG_V1_PAGE = "Invalid value for 'page': '{value}'. It must be an integer of at least 1."


def parse_v1_page(args: Mapping[str, str], filter_names: Collection[str] = ()) -> PageRequest:
    """page and pageSize of a v1 list read (Zuora: pageSize 1-40, default 20), and its equality filters."""
    try:
        page = _int_arg(args, "page", 1, 1, None, MSG_V1_PAGE)
        page_size = _int_arg(args, "pageSize", V1_DEFAULT_PAGE_SIZE, 1, V1_MAX_PAGE_SIZE, MSG_V1_PAGE_SIZE)
    except InvalidValue as exc:
        raise InvalidQueryParameter(exc.message) from None
    filters = {name: args[name] for name in filter_names if args.get(name)}
    return PageRequest(page, page_size, filters)


# ---- custom object bulk jobs ------------------------------------------------------------------------------

JOB_OPERATIONS = ("create", "update", "delete")
JOB_STATUSES = ("accepted", "pending", "in_progress", "completed", "failed", "cancelled")
JOB_DEFAULT_PAGE_SIZE = 20
JOB_MAX_PAGE_SIZE = 40
_JOB_KEYS = frozenset({"namespace", "object", "operation", "filter"})
MSG_JOB_FIELD_REQUIRED = "'{field}' is required."
MSG_JOB_NAMESPACE = "'namespace' must be default; got {value}."
MSG_JOB_OBJECT = "'object' must be the name of a custom object."
MSG_JOB_OPERATION = "'operation' must be one of create, update, delete; got {value}."
MSG_JOB_FILTER = "'filter' is not supported by zuora-mock: upload a CSV file of the record ids to delete."
MSG_JOB_PAGE_SIZE = "'pageSize' must be an integer from 1 to 40; got {value}."
MSG_JOB_STATUS = (
    "'status' must be one of accepted, pending, in_progress, completed, failed, cancelled; got {value}."
)
MSG_JOB_CONTENT_TYPE = (
    "The Content-Type of the request must be text/csv (or multipart/form-data with a file part)."
)


def parse_object_job(body: Mapping[str, Any]) -> SubmitObjectJob:
    """POST /objects/jobs: {"namespace": "default", "object": name, "operation": create|update|delete}."""
    _only_keys(body, _JOB_KEYS, co.MSG_BODY_UNKNOWN)
    namespace = body.get("namespace", "default")
    if namespace != "default":
        raise _envelope_error(InvalidValue, MSG_JOB_NAMESPACE.format(value=str(namespace)[:50]))
    name, operation = body.get("object"), body.get("operation")
    if name is None or operation is None:
        field = "object" if name is None else "operation"
        raise _envelope_error(MissingField, MSG_JOB_FIELD_REQUIRED.format(field=field))
    if not isinstance(name, str) or not name:
        raise _envelope_error(InvalidValue, MSG_JOB_OBJECT)
    if operation not in JOB_OPERATIONS:
        raise _envelope_error(InvalidValue, MSG_JOB_OPERATION.format(value=str(operation)[:50]))
    if body.get("filter") is not None:
        raise _envelope_error(InvalidValue, MSG_JOB_FILTER)
    return SubmitObjectJob(name, operation)


def parse_list_object_jobs(args: Mapping[str, str]) -> ListObjectJobs:
    """GET /objects/jobs query: pageSize (1-40), status, cursor."""
    page_size = _int_arg(args, "pageSize", JOB_DEFAULT_PAGE_SIZE, 1, JOB_MAX_PAGE_SIZE, MSG_JOB_PAGE_SIZE)
    status = args.get("status")
    if status is not None and status not in JOB_STATUSES:
        raise InvalidValue(MSG_JOB_STATUS.format(value=status[:50]))
    return ListObjectJobs(status, page_size, args.get("cursor"))


def read_job_file(req: Request) -> bytes:
    """POST /objects/jobs/{id}/files: the CSV as the body (text/csv, as the SDK sends it) or a `file` part."""
    if req.mimetype == "text/csv":
        data: bytes = req.get_data()
        return data
    if req.mimetype == "multipart/form-data":
        storage = req.files.get("file")
        if storage is not None:
            content: bytes = storage.read()
            return content
        raise MissingField(MSG_JOB_FIELD_REQUIRED.format(field="file"))
    raise InvalidValue(MSG_JOB_CONTENT_TYPE, status=415)


# ---- the emulator's own bodies (/_mock) --------------------------------------------------------------------


def parse_advance_job(body: Mapping[str, Any]) -> AdvanceJob:
    """{"rows": N}: a count >= 0, or nothing for every remaining row."""
    rows = body.get("rows")
    if rows is not None and (not isinstance(rows, int) or isinstance(rows, bool) or rows < 0):
        raise InvalidValue(ma.MSG_ADMIN_ROWS)
    return AdvanceJob(rows)


def parse_advance_clock(body: Mapping[str, Any]) -> AdvanceClock:
    """{"advance": seconds}: a number >= 0, 0 when omitted."""
    seconds = body.get("advance", 0)
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        raise InvalidValue(MSG_ADVANCE)
    return AdvanceClock(float(seconds))
