"""Every response body Zuora sends, built from backend models in Zuora's key order: pure, no Flask."""

from __future__ import annotations

from typing import Any

from zuora_mock.api.families import OBJECTS_PREFIX, V1_PREFIX
from zuora_mock.backend.customobjects import messages as co
from zuora_mock.backend.massactions.store import JobStatus
from zuora_mock.backend.tenants import Tenant, Token
from zuora_mock.core import ids

_REASON_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


# ---- errors ------------------------------------------------------------------------------------------------


def v1_error(code: int, message: str, request_id: str) -> dict[str, Any]:
    """Zuora's v1 CommonResponse error envelope, in its wire key order."""
    return {
        "success": False,
        "processId": ids.process_id(),
        "reasons": [{"code": code, "message": message}],
        "requestId": request_id,
    }


def objects_error(code: int, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The custom-objects error body: code, message, and details when the error has them."""
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return body


def common_error(code: int, message: str) -> dict[str, Any]:
    """CommonErrorResponse: the 403 body of every operation in the spec, code then message."""
    return {"code": code, "message": message}


def oauth_error(status: int, message: str, path: str, epoch: float) -> dict[str, Any]:
    """The Spring-style body of Zuora's OAuth service."""
    return {
        "timestamp": ids.iso_millis(epoch).replace("Z", "+00:00"),
        "status": status,
        "error": _REASON_PHRASES.get(status, "Error"),
        "message": message,
        "path": path,
    }


def gateway_error(message: str) -> dict[str, Any]:
    """The API gateway's 401 body: the message alone."""
    return {"message": message}


def rate_limited(category: int, message: str) -> dict[str, Any]:
    """The API gateway's 429 body: reasons without a success flag or request id."""
    return {"reasons": [{"code": category, "message": message}]}


# ---- v1 and OAuth ------------------------------------------------------------------------------------------


def v1_success(**fields: Any) -> dict[str, Any]:
    """A successful v1 body: success first, then the operation's fields."""
    return {"success": True, **fields}


def token(issued: Token, expires_in: int) -> dict[str, Any]:
    """POST /oauth/token: the client-credentials grant."""
    return {
        "access_token": issued.access_token,
        "expires_in": expires_in,
        "jti": issued.jti,
        "scope": issued.scope,
        "token_type": "bearer",
    }


def file_url(base_url: str, file_id: str) -> str:
    """Where GET /v1/files/{id} serves a response file, as links in status bodies show it."""
    return f"{base_url.rstrip('/')}{V1_PREFIX}/files/{file_id}"


def job_status(status: JobStatus, base_url: str) -> dict[str, Any]:
    """GET /v1/bulk/{key} (and the manual advance): in the key order of Zuora's example, success last."""
    return {
        "actionType": status.action_type,
        "inputSize": status.input_size,
        "uploadedBy": status.uploaded_by,
        "uploadedOn": ids.v1_timestamp(status.uploaded_at),
        "status": status.status,
        "startedOn": _v1_time(status.started_at),
        "endedOn": _v1_time(status.ended_at),
        "outputSize": status.output_size,
        "outputURL": file_url(base_url, status.file_id) if status.file_id is not None else None,
        "outputType": status.output_type,
        "totalCount": status.total,
        "processedCount": status.processed,
        "errorCount": status.errors,
        "successCount": status.successes,
        **(_failure(status.failure) if status.failure is not None else {}),
        "success": True,
    }


# A job that failed (fault job-failed) reports why as the SDK's GetMassUpdateResponse allows: processId and
# reasons, category 60 (internal error) on the unknown-object resource; the code is inferred.
CODE_JOB_FAILED = 50000060


def _failure(reason: str) -> dict[str, Any]:
    return {"processId": ids.process_id(), "reasons": [{"code": CODE_JOB_FAILED, "message": reason}]}


def _v1_time(epoch: float | None) -> str | None:
    return ids.v1_timestamp(epoch) if epoch is not None else None


# ---- custom objects ----------------------------------------------------------------------------------------


def definitions(found: dict[str, Any]) -> dict[str, Any]:
    """Definitions keyed by name, with their count (created ones, or all of the namespace)."""
    return {"definitions": found, "count": len(found)}


def definition_types(names: list[str]) -> dict[str, Any]:
    """GET /objects/definitions?select=type: each definition reduced to its type."""
    return definitions({name: {"type": name} for name in names})


def deleted_definition(object_name: str) -> str:
    """DELETE of a definition answers the path of what was deleted, as a JSON string."""
    return f"{OBJECTS_PREFIX}/definitions/default/{object_name}"


def deleted_record(object_name: str, record_id: str) -> str:
    """DELETE of a record answers the path of what was deleted, as a JSON string."""
    return f"{OBJECTS_PREFIX}/records/default/{object_name}/{record_id}"


def records_page(count: int, records: list[dict[str, Any]]) -> dict[str, Any]:
    """GET /objects/records: the number of matching records and one page of them."""
    return {"count": count, "records": records}


def created_records(created: list[dict[str, Any]], failures: list[dict[str, Any]]) -> dict[str, Any]:
    """POST /objects/records: the new records, after the error of a partial success when some failed."""
    if failures:
        return {"error": _partial_error(co.MSG_CREATE_INVALID, failures), "records": created}
    return {"records": created}


def batch_result(failures: list[dict[str, Any]]) -> dict[str, Any]:
    """POST /objects/batch: {} when every record was applied, else the error of a partial success."""
    if failures:
        return {"error": _partial_error(co.MSG_UPDATE_INVALID, failures)}
    return {}


def _partial_error(message: str, failures: list[dict[str, Any]]) -> dict[str, Any]:
    return {"code": co.CODE_INVALID, "message": message, "details": failures}


# ---- the emulator's own namespace (/_mock) -----------------------------------------------------------------


def health(version: str, tenant_count: int, dashboard: str) -> dict[str, Any]:
    """GET /_mock/health: liveness, and where a person finds the dashboard."""
    return {"status": "ok", "version": version, "tenants": tenant_count, "dashboard": dashboard}


def reset(names: list[str]) -> dict[str, Any]:
    return {"success": True, "reset": names}


def tenants(all_tenants: list[Tenant]) -> dict[str, Any]:
    return {
        "tenants": [
            {
                "name": t.name,
                "tenantId": t.tenant_id,
                "userId": t.user_id,
                "entities": [e.id for e in t.entities],
            }
            for t in all_tenants
        ]
    }


def clock(now: float, offset: float) -> dict[str, Any]:
    return {"now": now, "offset": offset}
