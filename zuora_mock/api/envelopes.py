"""Which error envelope a request gets, by its family and the kind of error; api.bodies builds the bodies."""

from __future__ import annotations

from typing import Any

import orjson

from zuora_mock.api import bodies
from zuora_mock.api.families import OAUTH, OBJECTS, V1, Family
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


def protocol_error_body(reason: str) -> tuple[str, bytes]:
    """(request id, v1 error body) for errors the HTTP server answers before the app sees the request."""
    request_id = ids.request_id()
    err = MalformedRequest(f"Malformed request: {reason}"[:300])
    return request_id, orjson.dumps(bodies.v1_error(err.code_for(RESOURCE_UNKNOWN), err.message, request_id))


def render_error(
    err: ZuoraError,
    family: Family,
    *,
    request_id: str,
    path: str,
    epoch: float,
    v1_business_status: int | None,
) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Turn any ZuoraError into (body, HTTP status, extra headers) for the family that handled the request."""
    headers = dict(err.headers)
    status = err.status
    if isinstance(err, AuthenticationFailed):
        headers["WWW-Authenticate"] = WWW_AUTHENTICATE
        return bodies.gateway_error(err.message), status, headers
    if isinstance(err, RateLimited):
        return bodies.rate_limited(err.category, err.message), status, headers
    if family == OAUTH or isinstance(err, OAuthError):
        if status == 401:  # the SDK docs (OAuthApi.md) list WWW-Authenticate for the token endpoint's 401
            headers["WWW-Authenticate"] = WWW_AUTHENTICATE
        return bodies.oauth_error(status, err.message, path, epoch), status, headers
    if status == 403:
        # CommonErrorResponse {code, message}: the spec's 403 model on v1 and custom-object operations alike.
        resource = RESOURCE_CUSTOM_OBJECTS if family == OBJECTS else RESOURCE_UNKNOWN
        return bodies.common_error(err.code_for(resource), err.message), status, headers
    if family == OBJECTS:
        body = bodies.objects_error(err.code_for(RESOURCE_CUSTOM_OBJECTS), err.message, err.details)
        return body, status, headers
    if family == V1 and err.business and v1_business_status is not None:
        status = v1_business_status
    return bodies.v1_error(err.code_for(RESOURCE_UNKNOWN), err.message, request_id), status, headers
