"""The maintained description of every path the emulator serves, from which /_mock/openapi.json is built.

A new route is described here too: tests/api/test_openapi.py fails for any route of the app's URL map that
this table does not list (and for any entry the app does not serve).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

JSON: Final = "application/json"
HTML: Final = "text/html"
ZIP: Final = "application/zip"

ZUORA_AUTH: Final = "Zuora's OAuth bearer token from POST /oauth/token."
TAG_OAUTH, TAG_OBJECTS, TAG_BULK, TAG_BILLING = "OAuth", "Custom objects", "Mass actions", "Billing reads"
TAG_ADMIN, TAG_STATE, TAG_TOOLKIT, TAG_UI = (
    "Emulator admin",
    "State snapshots",
    "Journal and faults",
    "Dashboard",
)

TAGS: Final = (
    (TAG_OAUTH, "Zuora's token endpoint (client credentials)."),
    (TAG_OBJECTS, "Zuora's Custom Objects API: definitions, records and batch actions, per entity."),
    (TAG_BULK, "Zuora's mass actions (/v1/bulk): upload a CSV, poll the job, download the result file."),
    (TAG_BILLING, "v1 reads of the billing objects mass actions change."),
    (TAG_ADMIN, "The emulator's own namespace /_mock/: health, reset, tenants, clock, manual progression."),
    (TAG_STATE, "The whole state as one document: export and load (docs/state.md)."),
    (TAG_TOOLKIT, "The request journal and the fault rules of the test-double toolkit."),
    (TAG_UI, "The dashboard's HTML pages (docs/dashboard.md); they change nothing on a GET."),
)


@dataclass(frozen=True)
class Param:
    """One parameter of an operation: where it goes, its name, its JSON type and what it means."""

    where: str  # path, query or header
    name: str
    description: str
    type: str = "string"
    required: bool = False


@dataclass(frozen=True)
class Op:
    """One operation: method and OpenAPI path, its tag, what it does, its input and its answers."""

    method: str
    path: str
    tag: str
    summary: str
    params: tuple[Param, ...] = ()
    body: str | None = None  # a component schema name, or a media type for a non-JSON body
    responses: tuple[tuple[int, str, str | None], ...] = ((200, "OK", None),)


def path(name: str, description: str) -> Param:
    return Param("path", name, description, required=True)


def query(name: str, description: str, type: str = "string") -> Param:
    return Param("query", name, description, type)


def header(name: str, description: str) -> Param:
    return Param("header", name, description)


OBJECT = path("object_name", "The custom object's API name, e.g. Vehicle.")
RECORD = path("record_id", "The record's Id (a UUID).")
BULK_KEY = path("bulk_key", "The bulkKey POST /v1/bulk answered.")
JOB_ID = path("job_id", "The id POST /objects/jobs answered.")
TENANT_Q = query("tenant", "Narrow to one tenant by name.")
ENTITY = header("Zuora-Entity-Ids", "The entity to act in, when the token has several.")
IF_MATCH = header("If-Match", "The record's ETag; the write is refused with 412 when it changed.")
ERR_400 = (400, "Invalid request (the family's error envelope)", "Error")
ERR_401 = (401, "No valid token", "Error")
ERR_404 = (404, "Not found", "Error")
PAGE = query("page", "Page number, from 1.", "integer")
SIZE = query("pageSize", "Records per page (default 20, at most 1000).", "integer")

ZUORA_OPS: Final = (
    Op(
        "post",
        "/oauth/token",
        TAG_OAUTH,
        "Issue an access token (client_credentials grant).",
        body="application/x-www-form-urlencoded",
        responses=(
            (200, "The token", "Token"),
            (400, "Bad grant or client", "OAuthError"),
            (401, "Bad credentials", "OAuthError"),
            (429, "Token quota exceeded", "Error"),
        ),
    ),
    Op(
        "post",
        "/objects/definitions/default",
        TAG_OBJECTS,
        "Create custom object definitions (all or none).",
        (ENTITY,),
        "DefinitionsRequest",
        ((200, "The created definitions by name", "Definitions"), ERR_400, ERR_401),
    ),
    Op(
        "get",
        "/objects/definitions/default",
        TAG_OBJECTS,
        "List the definitions of the entity.",
        (ENTITY, query("select", "'type' to list names only.")),
        None,
        ((200, "Definitions by name", "Definitions"), ERR_401),
    ),
    Op(
        "get",
        "/objects/definitions/default/{object_name}",
        TAG_OBJECTS,
        "One definition.",
        (OBJECT, ENTITY),
        None,
        ((200, "The definition", "Definition"), ERR_401, ERR_404),
    ),
    Op(
        "delete",
        "/objects/definitions/default/{object_name}",
        TAG_OBJECTS,
        "Delete a definition (refused while it has records or is linked to).",
        (OBJECT, ENTITY),
        None,
        ((200, "The deleted path, as a JSON string", None), ERR_401, ERR_404),
    ),
    Op(
        "post",
        "/objects/records/default/{object_name}",
        TAG_OBJECTS,
        "Create records.",
        (
            OBJECT,
            ENTITY,
            header("X-Zuora-WSDL-Version", "Ignored."),
            query("allowPartialSuccess", "Create the valid records when some fail.", "boolean"),
        ),
        "RecordsRequest",
        ((200, "The created records", "RecordsCreated"), ERR_400, ERR_401, ERR_404),
    ),
    Op(
        "get",
        "/objects/records/default/{object_name}",
        TAG_OBJECTS,
        "List records: filter, ids, paging.",
        (
            OBJECT,
            ENTITY,
            query("q", "Filter in Zuora's Lucene-like syntax on filterable fields."),
            query("ids", "Record ids (repeatable)."),
            SIZE,
            PAGE,
            query("cursor", "Continue after this record id."),
        ),
        None,
        ((200, "One page of records", "RecordsPage"), ERR_400, ERR_401, ERR_404),
    ),
    Op(
        "get",
        "/objects/records/default/{object_name}/{record_id}",
        TAG_OBJECTS,
        "One record (with its ETag).",
        (OBJECT, RECORD, ENTITY),
        None,
        ((200, "The record", "Record"), ERR_401, ERR_404),
    ),
    Op(
        "put",
        "/objects/records/default/{object_name}/{record_id}",
        TAG_OBJECTS,
        "Replace a record's fields.",
        (OBJECT, RECORD, ENTITY, IF_MATCH),
        "Record",
        ((200, "The record", "Record"), ERR_400, ERR_401, ERR_404, (412, "ETag mismatch", "Error")),
    ),
    Op(
        "patch",
        "/objects/records/default/{object_name}/{record_id}",
        TAG_OBJECTS,
        "Update some fields (JSON merge patch).",
        (OBJECT, RECORD, ENTITY, IF_MATCH),
        "Record",
        ((200, "The record", "Record"), ERR_400, ERR_401, ERR_404, (412, "ETag mismatch", "Error")),
    ),
    Op(
        "delete",
        "/objects/records/default/{object_name}/{record_id}",
        TAG_OBJECTS,
        "Delete a record.",
        (OBJECT, RECORD, ENTITY),
        None,
        ((200, "The deleted path, as a JSON string", None), ERR_401),
    ),
    Op(
        "post",
        "/objects/batch/default/{object_name}",
        TAG_OBJECTS,
        "Batch update or delete up to 1,000 records, atomically or with partial success.",
        (OBJECT, ENTITY),
        "BatchRequest",
        ((200, "{} or the failures of a partial success", "Object"), ERR_400, ERR_401, ERR_404),
    ),
    Op(
        "post",
        "/objects/jobs",
        TAG_OBJECTS,
        "Submit a custom object bulk job (create, update or delete).",
        (ENTITY,),
        "Object",
        ((200, "The job", "Object"), ERR_400, ERR_401),
    ),
    Op(
        "post",
        "/objects/jobs/{job_id}/files",
        TAG_OBJECTS,
        "Upload the CSV file of a bulk job.",
        (JOB_ID, ENTITY),
        "multipart/form-data",
        ((200, "The job", "Object"), ERR_400, ERR_401, ERR_404),
    ),
    Op(
        "get",
        "/objects/jobs/{job_id}",
        TAG_OBJECTS,
        "A bulk job's status and counts.",
        (JOB_ID, ENTITY),
        None,
        ((200, "The job", "Object"), ERR_401, ERR_404),
    ),
    Op(
        "get",
        "/objects/jobs",
        TAG_OBJECTS,
        "List bulk jobs.",
        (
            ENTITY,
            query("status", "Only jobs in this status."),
            SIZE,
            query("cursor", "Continue after this job."),
        ),
        None,
        ((200, "One page of jobs", "Object"), ERR_400, ERR_401),
    ),
    Op(
        "get",
        "/objects/jobs/{job_id}/errors",
        TAG_OBJECTS,
        "The rows of a bulk job that failed.",
        (JOB_ID, ENTITY),
        None,
        ((200, "The errors", "Object"), ERR_401, ERR_404),
    ),
    Op(
        "patch",
        "/objects/jobs/{job_id}/cancel",
        TAG_OBJECTS,
        "Cancel a bulk job.",
        (JOB_ID, ENTITY),
        None,
        ((200, "The job", "Object"), ERR_400, ERR_401, ERR_404),
    ),
    Op(
        "post",
        "/v1/bulk",
        TAG_BULK,
        "Upload a mass action (multipart: file and params).",
        (ENTITY,),
        "multipart/form-data",
        ((200, "{success, bulkKey}", "BulkCreated"), ERR_400, ERR_401),
    ),
    Op(
        "get",
        "/v1/bulk/{bulk_key}",
        TAG_BULK,
        "A mass action's status and counts.",
        (BULK_KEY, ENTITY),
        None,
        ((200, "The job's status", "JobStatus"), ERR_401, ERR_404),
    ),
    Op(
        "put",
        "/v1/bulk/{bulk_key}/stop",
        TAG_BULK,
        "Stop a Pending or Processing mass action.",
        (BULK_KEY, ENTITY),
        None,
        ((200, "{success: true}", "Object"), ERR_401, ERR_404),
    ),
    Op(
        "get",
        "/v1/files/{file_id}",
        TAG_BULK,
        "Download a result file (zip).",
        (path("file_id", "From the job's outputURL."), ENTITY),
        None,
        ((200, "The zip", ZIP), ERR_401, ERR_404),
    ),
    Op(
        "get",
        "/v1/revenue-schedules/{rs_number}",
        TAG_BILLING,
        "One revenue schedule by number.",
        (path("rs_number", "The revenue schedule number."), ENTITY),
        None,
        ((200, "The schedule", "Object"), ERR_404),
    ),
    Op(
        "get",
        "/v1/revenue-schedules/subscription-charges/{charge_key}",
        TAG_BILLING,
        "The revenue schedules of a subscription charge.",
        (path("charge_key", "The charge id or number."), ENTITY),
        None,
        ((200, "The schedules", "Object"), ERR_404),
    ),
    Op(
        "get",
        "/v1/revenue-schedules/invoice-items/{item_id}",
        TAG_BILLING,
        "The revenue schedule of an invoice item.",
        (path("item_id", "The invoice item id."), ENTITY),
        None,
        ((200, "The schedule", "Object"), ERR_404),
    ),
    Op(
        "get",
        "/v1/payments/{payment_key}",
        TAG_BILLING,
        "One payment.",
        (path("payment_key", "The payment id or number."), ENTITY),
        None,
        ((200, "The payment", "Object"), ERR_404),
    ),
    Op(
        "get",
        "/v1/payments",
        TAG_BILLING,
        "List payments.",
        (ENTITY, PAGE, SIZE),
        None,
        ((200, "One page of payments", "Object"),),
    ),
    Op(
        "get",
        "/v1/accounting-codes",
        TAG_BILLING,
        "List accounting codes.",
        (ENTITY, PAGE, SIZE),
        None,
        ((200, "One page of accounting codes", "Object"),),
    ),
    Op(
        "get",
        "/v1/accounting-codes/{ac_id}",
        TAG_BILLING,
        "One accounting code.",
        (path("ac_id", "The accounting code id."), ENTITY),
        None,
        ((200, "The accounting code", "Object"), ERR_404),
    ),
    Op(
        "get",
        "/v1/accounts/{account_key}",
        TAG_BILLING,
        "One account.",
        (path("account_key", "The account id or number."), ENTITY),
        None,
        ((200, "The account", "Object"), ERR_404),
    ),
    Op(
        "get",
        "/v1/accounts/{account_key}/summary",
        TAG_BILLING,
        "An account's summary.",
        (path("account_key", "The account id or number."), ENTITY),
        None,
        ((200, "The summary", "Object"), ERR_404),
    ),
    Op(
        "get",
        "/v1/custom-exchange-rates/{currency}",
        TAG_BILLING,
        "Custom exchange rates of a currency.",
        (
            path("currency", "ISO currency code."),
            ENTITY,
            query("startDate", "yyyy-mm-dd."),
            query("endDate", "yyyy-mm-dd."),
            query("rateSetName", "The rate set."),
        ),
        None,
        ((200, "The rates by date", "Object"), ERR_400),
    ),
)

ADMIN_OPS: Final = (
    Op(
        "get",
        "/_mock/health",
        TAG_ADMIN,
        "Liveness: status, version, tenant count, dashboard link (open).",
        responses=((200, "Healthy", "Health"),),
    ),
    Op(
        "post",
        "/_mock/reset",
        TAG_ADMIN,
        "Back to the fixture state, every tenant or one: data, idempotency keys, rate counters; tenants made "
        "on the fly are removed. Tokens, the journal and fault rules stay.",
        (
            TENANT_Q,
            query("clock", "true: also put the clock back to real time (admin token only).", "boolean"),
        ),
        responses=(
            (200, "The tenants reset", "Reset"),
            ERR_400,
            (403, "A tenant's token asked for clock=true or another tenant", "Error"),
            ERR_404,
        ),
    ),
    Op(
        "get",
        "/_mock/tenants",
        TAG_ADMIN,
        "Every tenant with its id, user and entities.",
        responses=((200, "The tenants", "Tenants"),),
    ),
    Op(
        "get",
        "/_mock/clock",
        TAG_ADMIN,
        "The emulator's clock: now (epoch seconds) and its offset.",
        responses=((200, "The clock", "Clock"),),
    ),
    Op(
        "post",
        "/_mock/clock",
        TAG_ADMIN,
        "Move the clock forward by {advance} seconds (token and key expiry, jobs).",
        body="AdvanceClock",
        responses=((200, "The clock", "Clock"), ERR_400),
    ),
    Op(
        "post",
        "/_mock/bulk/{bulk_key}/advance",
        TAG_ADMIN,
        "Manual progression: start a Pending job and apply {rows} more rows (all when omitted).",
        (BULK_KEY,),
        "AdvanceJob",
        ((200, "The job's status", "JobStatus"), ERR_404),
    ),
    Op(
        "post",
        "/_mock/objects/jobs/{job_id}/advance",
        TAG_ADMIN,
        "Manual progression of a custom object bulk job: start it and apply {rows} more rows.",
        (JOB_ID,),
        "AdvanceJob",
        ((200, "The job", "Object"), ERR_404),
    ),
    Op(
        "post",
        "/_mock/bulk/{bulk_key}/stop",
        TAG_ADMIN,
        "Stop a Pending or Processing job without a tenant's token (as PUT /v1/bulk/{key}/stop does).",
        (BULK_KEY,),
        None,
        ((200, "The job's status", "JobStatus"), ERR_404),
    ),
    Op(
        "get",
        "/_mock/state",
        TAG_STATE,
        "Export the whole state (or one tenant's) as one document.",
        (TENANT_Q,),
        None,
        ((200, "The snapshot", "Object"),),
    ),
    Op(
        "put",
        "/_mock/state",
        TAG_STATE,
        "Load a snapshot; a bad document changes nothing.",
        (TENANT_Q,),
        "Object",
        ((200, "{success, loaded}", "Object"), ERR_400),
    ),
    Op(
        "get",
        "/_mock/requests",
        TAG_TOOLKIT,
        "The request journal, oldest first, filtered.",
        (
            query("method", "HTTP method."),
            query("path", "Exact path or glob."),
            TENANT_Q,
            query("status", "HTTP status.", "integer"),
            query("limit", "Only the newest N.", "integer"),
        ),
        None,
        ((200, "{requests, total}", "Journal"), ERR_400),
    ),
    Op(
        "delete",
        "/_mock/requests",
        TAG_TOOLKIT,
        "Forget the journal, or one tenant's entries.",
        (TENANT_Q,),
        None,
        ((200, "{success, deleted}", "Deleted"),),
    ),
    Op(
        "post",
        "/_mock/faults",
        TAG_TOOLKIT,
        "Add a fault rule.",
        body="FaultRuleRequest",
        responses=((201, "The rule", "FaultRule"), ERR_400),
    ),
    Op(
        "get",
        "/_mock/faults",
        TAG_TOOLKIT,
        "The active fault rules with their counters.",
        responses=((200, "{faults}", "FaultRules"),),
    ),
    Op(
        "delete",
        "/_mock/faults",
        TAG_TOOLKIT,
        "Remove every fault rule (a tenant's own, with its token).",
        responses=((200, "{success, deleted}", "Deleted"),),
    ),
    Op(
        "delete",
        "/_mock/faults/{rule_id}",
        TAG_TOOLKIT,
        "Remove one fault rule.",
        (path("rule_id", "The rule's id."),),
        None,
        ((200, "{success, deleted}", "Deleted"), ERR_404),
    ),
    Op(
        "get",
        "/_mock/openapi.json",
        TAG_ADMIN,
        "This document (open, like health).",
        responses=((200, "OpenAPI 3.0", "Object"),),
    ),
)

_FILTERS = (TENANT_Q, query("entity", "Entity id (default: the tenant's first)."))
UI_OPS: Final = (
    Op(
        "get",
        "/_mock/ui/",
        TAG_UI,
        "Overview: version, settings, clock, tenants.",
        responses=((200, "Page", HTML),),
    ),
    Op(
        "get",
        "/_mock/ui/objects",
        TAG_UI,
        "A tenant's definitions with fields and constraints.",
        _FILTERS,
        responses=((200, "Page", HTML),),
    ),
    Op(
        "get",
        "/_mock/ui/objects/{tenant_name}/{object_name}",
        TAG_UI,
        "An object's records, paged and filtered.",
        (
            path("tenant_name", "Tenant."),
            OBJECT,
            _FILTERS[1],
            query("q", "The API's filter syntax."),
            query("page", "From 1.", "integer"),
            query("size", "20, 50, 100 or 200.", "integer"),
        ),
        responses=((200, "Page", HTML), ERR_404),
    ),
    Op(
        "get",
        "/_mock/ui/objects/{tenant_name}/{object_name}/{record_id}",
        TAG_UI,
        "One record.",
        (path("tenant_name", "Tenant."), OBJECT, RECORD, _FILTERS[1]),
        responses=((200, "Page", HTML), ERR_404),
    ),
    Op(
        "get",
        "/_mock/ui/jobs",
        TAG_UI,
        "Mass actions with live progress (?partial=1: the rows alone).",
        (TENANT_Q, query("partial", "1 for the table body only.")),
        responses=((200, "Page", HTML),),
    ),
    Op(
        "get",
        "/_mock/ui/jobs/{bulk_key}/result",
        TAG_UI,
        "A job's result zip.",
        (BULK_KEY,),
        responses=((200, "The zip", ZIP), ERR_404),
    ),
    Op(
        "get",
        "/_mock/ui/requests",
        TAG_UI,
        "The journal, newest first, live (?partial=1: the rows alone).",
        (
            query("method", "HTTP method."),
            query("path", "Exact path or glob."),
            TENANT_Q,
            query("status", "HTTP status.", "integer"),
            query("partial", "1 for the table body only."),
        ),
        responses=((200, "Page", HTML),),
    ),
    Op(
        "get",
        "/_mock/ui/requests/{entry_id}",
        TAG_UI,
        "One journal entry in full.",
        (path("entry_id", "The entry's id."),),
        responses=((200, "Page", HTML), ERR_404),
    ),
    Op(
        "get", "/_mock/ui/faults", TAG_UI, "Fault rules, a form to add one.", responses=((200, "Page", HTML),)
    ),
    Op("get", "/_mock/ui/api", TAG_UI, "This reference, browsable.", responses=((200, "Page", HTML),)),
    Op(
        "get",
        "/_mock/ui/login",
        TAG_UI,
        "Sign in with the admin token (when one is set).",
        responses=((200, "Page", HTML),),
    ),
    Op(
        "post",
        "/_mock/ui/login",
        TAG_UI,
        "Check the admin token and keep it in a same-site cookie.",
        body="application/x-www-form-urlencoded",
        responses=((303, "To the overview", None), (401, "Wrong", HTML)),
    ),
    Op(
        "get",
        "/_mock/ui/static/{filename}",
        TAG_UI,
        "The dashboard's stylesheet and script.",
        (path("filename", "The asset."),),
        responses=((200, "The asset", "text/css"), ERR_404),
    ),
)

OPERATIONS: Final = (*ZUORA_OPS, *ADMIN_OPS, *UI_OPS)

_ANY: Final[dict[str, Any]] = {"type": "object", "additionalProperties": True}
_STR: Final = {"type": "string"}
_INT: Final = {"type": "integer"}
_NUM: Final = {"type": "number"}
_BOOL: Final = {"type": "boolean"}
_NULL_INT: Final = {"type": "integer", "nullable": True}
_NULL_STR: Final = {"type": "string", "nullable": True}


def _obj(required: tuple[str, ...] = (), **properties: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: Final[dict[str, Any]] = {
    "Object": _ANY,
    "Error": {
        "description": "The envelope of the family: v1 {success, processId, reasons, requestId}; "
        "custom objects {code, message, details}; the gateway's {message}; 403 {code, message}.",
        **_ANY,
    },
    "OAuthError": _obj(timestamp=_STR, status=_INT, error=_STR, message=_STR, path=_STR),
    "Token": _obj(access_token=_STR, expires_in=_INT, jti=_STR, scope=_STR, token_type=_STR),
    "Definition": _obj(
        Id=_STR,
        type=_STR,
        CreatedById=_STR,
        UpdatedById=_STR,
        CreatedDate=_STR,
        UpdatedDate=_STR,
        schema=_ANY,
    ),
    "Definitions": _obj(
        definitions={"type": "object", "additionalProperties": _ref("Definition")}, count=_INT
    ),
    "DefinitionsRequest": _obj(("definitions",), definitions=_ANY),
    "Record": {"description": "Id, type, the system fields, then the custom fields (Name__c ...).", **_ANY},
    "RecordsRequest": _obj(("records",), records={"type": "array", "items": _ref("Record")}),
    "RecordsCreated": _obj(records={"type": "array", "items": _ref("Record")}, error=_ANY),
    "RecordsPage": _obj(count=_INT, records={"type": "array", "items": _ref("Record")}),
    "BatchRequest": _obj(
        ("action",),
        action=_obj(
            type={"type": "string", "enum": ["update", "delete"]},
            records=_ANY,
            ids={"type": "array", "items": _STR},
            allowPartialSuccess=_BOOL,
        ),
    ),
    "BulkCreated": _obj(success=_BOOL, bulkKey=_STR),
    "JobStatus": _obj(
        actionType=_STR,
        inputSize=_NULL_INT,
        uploadedBy=_STR,
        uploadedOn=_STR,
        status=_STR,
        startedOn=_NULL_STR,
        endedOn=_NULL_STR,
        outputSize=_NULL_INT,
        outputURL=_NULL_STR,
        outputType=_NULL_STR,
        totalCount=_NULL_INT,
        processedCount=_NULL_INT,
        errorCount=_NULL_INT,
        successCount=_NULL_INT,
        success=_BOOL,
    ),
    "Health": _obj(status=_STR, version=_STR, tenants=_INT, dashboard=_STR),
    "Reset": _obj(success=_BOOL, reset={"type": "array", "items": _STR}),
    "Tenants": _obj(
        tenants={
            "type": "array",
            "items": _obj(name=_STR, tenantId=_STR, userId=_STR, entities={"type": "array", "items": _STR}),
        }
    ),
    "Clock": _obj(now=_NUM, offset=_NUM),
    "AdvanceClock": _obj(advance=_NUM),
    "AdvanceJob": _obj(rows=_INT),
    "Journal": _obj(
        requests={
            "type": "array",
            "items": _obj(
                id=_INT,
                time=_STR,
                tenant=_NULL_STR,
                method=_STR,
                path=_STR,
                query=_ANY,
                headers=_ANY,
                body={},
                status=_NULL_INT,
                responseBody={},
                durationMs=_NUM,
                fault=_NULL_STR,
            ),
        },
        total=_INT,
    ),
    "Deleted": _obj(success=_BOOL, deleted=_INT),
    "FaultRuleRequest": _obj(
        ("fault",),
        fault=_STR,
        method=_STR,
        path=_STR,
        tenant=_STR,
        times={"type": "integer", "nullable": True, "description": "null: until removed"},
        after=_INT,
        probability=_NUM,
        delayMs=_INT,
        status=_INT,
        body={},
        failAfterRows=_INT,
        retryAfter=_INT,
    ),
    "FaultRule": _obj(
        id=_STR,
        fault=_STR,
        method=_NULL_STR,
        path=_NULL_STR,
        tenant=_NULL_STR,
        times=_NULL_INT,
        after=_INT,
        probability=_NUM,
        delayMs=_NULL_INT,
        status=_NULL_INT,
        body={},
        failAfterRows=_NULL_INT,
        retryAfter=_NULL_INT,
        matched=_INT,
        fired=_INT,
    ),
    "FaultRules": _obj(faults={"type": "array", "items": _ref("FaultRule")}),
}
