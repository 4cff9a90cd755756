"""GET /_mock/openapi.json: an OpenAPI 3 document of every path the emulator serves (from openapi_spec)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response

from zuora_mock import __version__
from zuora_mock.api.families import ADMIN_PREFIX
from zuora_mock.api.responses import json_response

if TYPE_CHECKING:
    from zuora_mock.api.openapi_spec import Op, Param

OPENAPI_VERSION = "3.0.3"
DESCRIPTION = (
    "Everything zuora-mock serves: the emulated Zuora paths (OAuth, Custom Objects, mass actions, "
    "billing reads), the emulator's own admin API under /_mock/ and the dashboard's pages under /_mock/ui/."
)
ADMIN_TOKEN_NOTE = "When the admin_token setting is set, /_mock/ asks for it (X-Mock-Admin-Token or Bearer)."

bp = Blueprint("openapi", __name__, url_prefix=ADMIN_PREFIX)


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return json_response(document())


@cache
def document() -> dict[str, Any]:
    """The whole document; built once per process (the description is static)."""
    # The table loads on first use: it is large, and start-up should not pay for it.
    from zuora_mock.api.openapi_spec import OPERATIONS, SCHEMAS, TAGS

    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "zuora-mock",
            "version": __version__,
            "description": f"{DESCRIPTION} {ADMIN_TOKEN_NOTE}",
        },
        "tags": [{"name": name, "description": text} for name, text in TAGS],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "zuoraOAuth": {"type": "http", "scheme": "bearer"},
                "adminToken": {"type": "apiKey", "in": "header", "name": "X-Mock-Admin-Token"},
            },
        },
    }


def _operation(op: Op) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": [op.tag],
        "summary": op.summary,
        "operationId": _operation_id(op),
        "responses": {str(status): _response(text, schema) for status, text, schema in op.responses},
    }
    if op.params:
        operation["parameters"] = [_parameter(param) for param in op.params]
    if op.body is not None:
        operation["requestBody"] = {"required": True, "content": _content(op.body)}
    if op.path.startswith(ADMIN_PREFIX + "/"):
        operation["security"] = [{}, {"adminToken": []}]
    else:
        operation["security"] = [] if op.path.startswith("/oauth/") else [{"zuoraOAuth": []}]
    return operation


def _operation_id(op: Op) -> str:
    words = [part.strip("{}") for part in op.path.replace(".", "/").replace("-", "/").split("/") if part]
    return op.method + "".join(word[:1].upper() + word[1:] for word in words)


def _parameter(param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": param.where,
        "required": param.required,
        "description": param.description,
        "schema": {"type": param.type},
    }


def _response(text: str, schema: str | None) -> dict[str, Any]:
    if schema is None:
        return {"description": text}
    return {"description": text, "content": _content(schema)}


def _content(schema: str) -> dict[str, Any]:
    """A component schema name is JSON; a media type (has a '/') is that type with an opaque body."""
    from zuora_mock.api.openapi_spec import JSON

    if "/" in schema:
        return {schema: {"schema": {"type": "string"}}}
    return {JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
