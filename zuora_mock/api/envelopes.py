"""Pure functions that shape Zuora's response bodies; the one place error bodies are built."""

from __future__ import annotations

from typing import Any

import orjson

from zuora_mock.api.families import OAUTH, OBJECTS, V1
from zuora_mock.core import ids
from zuora_mock.core.errors import (
    RESOURCE_CUSTOM_OBJECTS,
    RESOURCE_UNKNOWN,
    AuthenticationFailed,
    MalformedRequest,
    OAuthError,
    RateLimited,
    ZuoraError,
)

WWW_AUTHENTICATE = "Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API"

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


def v1_success(**fields: Any) -> dict[str, Any]:
    """A successful v1 body: success first, then the operation's fields."""
    return {"success": True, **fields}


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


def oauth_error(status: int, message: str, path: str, epoch: float) -> dict[str, Any]:
    """The Spring-style body of Zuora's OAuth service."""
    return {
        "timestamp": ids.iso_millis(epoch).replace("Z", "+00:00"),
        "status": status,
        "error": _REASON_PHRASES.get(status, "Error"),
        "message": message,
        "path": path,
    }


def protocol_error_body(reason: str) -> tuple[str, bytes]:
    """(request id, v1 error body) for errors the HTTP server answers before the app sees the request."""
    request_id = ids.request_id()
    err = MalformedRequest(f"Malformed request: {reason}"[:300])
    return request_id, orjson.dumps(v1_error(err.code_for(RESOURCE_UNKNOWN), err.message, request_id))


def render_error(
    err: ZuoraError, family: str, *, request_id: str, path: str, epoch: float, v1_business_status: int | None
) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Turn any ZuoraError into (body, HTTP status, extra headers) for the family that handled the request."""
    headers = dict(err.headers)
    status = err.status
    if isinstance(err, AuthenticationFailed):
        headers["WWW-Authenticate"] = WWW_AUTHENTICATE
        return {"message": err.message}, status, headers
    if isinstance(err, RateLimited):
        return {"reasons": [{"code": err.category, "message": err.message}]}, status, headers
    if family == OAUTH or isinstance(err, OAuthError):
        return oauth_error(status, err.message, path, epoch), status, headers
    if family == OBJECTS:
        return objects_error(err.code_for(RESOURCE_CUSTOM_OBJECTS), err.message, err.details), status, headers
    if family == V1 and err.business and v1_business_status is not None:
        status = v1_business_status
    return v1_error(err.code_for(RESOURCE_UNKNOWN), err.message, request_id), status, headers
