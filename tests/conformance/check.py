"""Check one recorded exchange against Zuora's published spec: status, declared headers, body schema.

The spec is the official SDK's (generated from Zuora's OpenAPI document): sdk_spec.json holds its operations
and the JSON Schema of each model; schemas/ holds the project's schemas for what the SDK does not cover.
Validation is jsonschema's; objects may not carry properties their model does not declare (custom-object
records excepted: their custom fields are open in the spec).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from tests.conformance.divergences import Divergence

HERE = Path(__file__).parent
SCHEMAS = HERE / "schemas"
# Models whose instances carry caller-defined keys (custom-object fields, definitions by name).
OPEN_MODELS = frozenset({"CustomObjectRecordWithAllFields"})
_RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
_CONCURRENCY_HEADERS = ("Concurrency-Limit-Type", "Concurrency-Limit-Limit", "Concurrency-Limit-Remaining")
_AUTH_QUOTA_HEADERS = ("X-RateLimit-Limit-minute", "X-RateLimit-Remaining-minute")
# Record errors whose details[] codes the spec enumerates (CustomObjectRecordsWithError).
_RECORD_ERRORS = {
    ("POST /objects/batch/default/{}", 200): "/error/details",
    ("POST /objects/batch/default/{}", 400): "/details",
    ("POST /objects/records/default/{}", 200): "/error/details",
    ("POST /objects/records/default/{}", 400): "/details",
}


@dataclass(frozen=True)
class Exchange:
    """One response as the client saw it, with the route template it was served by."""

    operation: str  # 'GET /v1/bulk/{}'
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    path: str = ""


@dataclass(frozen=True)
class Problem:
    operation: str
    status: int
    where: str  # 'route', 'status', 'header:<Name>', 'content-type', 'body:<pointer>'
    detail: str = field(compare=False)

    def __str__(self) -> str:
        return f"{self.operation} -> {self.status}: {self.where}: {self.detail}"


@cache
def spec() -> dict[str, Any]:
    return json.loads((HERE / "sdk_spec.json").read_text(encoding="utf-8"))


@cache
def project_schema(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8")))


@cache
def model_validator(name: str) -> Draft202012Validator:
    """The SDK model's schema, closed: no property the model does not declare."""
    schema = json.loads(json.dumps(spec()["models"][name]))
    _close(schema)
    for definition_name, definition in schema.get("$defs", {}).items():
        if definition_name in OPEN_MODELS:
            definition["additionalProperties"] = True
    if name in OPEN_MODELS:
        schema["additionalProperties"] = True
    return Draft202012Validator(schema)


def _close(node: Any) -> None:
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            properties.pop("additional_properties", None)
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for value in node:
            _close(value)


def family(operation: str) -> str:
    path = operation.split(" ", 1)[1]
    return "oauth" if path.startswith("/oauth/") else "objects" if path.startswith("/objects/") else "v1"


def problems(exchange: Exchange) -> list[Problem]:
    """Everything in the exchange that the spec does not declare."""
    found: list[Problem] = []
    op = spec()["operations"].get(exchange.operation)

    def report(where: str, detail: str) -> None:
        found.append(Problem(exchange.operation, exchange.status, where, detail))

    if op is None:
        report("route", "no operation of the spec (regenerate sdk_spec.json if the SDK has one)")
    responses = op["responses"] if op else {}
    model = responses.get(str(exchange.status))
    if op is not None and model is None:
        report("status", f"the spec declares {sorted(responses)}")
    _check_headers(exchange, report)
    _check_body(exchange, model, report)
    return found


def _check_headers(exchange: Exchange, report: Any) -> None:
    kind, status, headers = family(exchange.operation), exchange.status, exchange.headers
    wanted = ["Zuora-Request-Id"]
    if kind != "oauth":
        wanted += _RATE_HEADERS
    if kind == "v1" and status != 401:
        wanted += _CONCURRENCY_HEADERS
    if status == 401 and kind != "objects":  # SDK-DOCS list it on the 401 of v1 and token operations only
        wanted.append("WWW-Authenticate")
    if kind == "oauth" and status in (200, 429):
        wanted += _AUTH_QUOTA_HEADERS
    for name in wanted:
        if name.lower() not in headers:
            report(f"header:{name}", "declared for this status, missing")
    if kind == "objects":
        for name in _CONCURRENCY_HEADERS:
            if name.lower() in headers:
                report(f"header:{name}", "not sent on /objects/... (documented for /v1 only)")


def _check_body(exchange: Exchange, model: str | None, report: Any) -> None:
    content_type = exchange.headers.get("content-type", "")
    body = exchange.body
    if exchange.headers.get("content-encoding") == "gzip" and body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    if model == "bytearray":
        if not content_type.startswith("application/zip") or not body.startswith(b"PK"):
            report("content-type", f"a zip file expected, got {content_type!r}")
        return
    if (not body and exchange.status in (204, 304)) or exchange.operation.startswith("OPTIONS "):
        return
    if not content_type.startswith("application/json"):
        report("content-type", f"JSON expected, got {content_type!r}")
        return
    try:
        document = json.loads(body)
    except ValueError:
        report("body:", "not JSON")
        return
    for label, validator in _validators(exchange, model, document):
        for error in validator.iter_errors(document):
            deepest = _deepest(error)
            report(f"{label}:" + _pointer(deepest), deepest.message[:300])


def _validators(
    exchange: Exchange, model: str | None, document: Any
) -> list[tuple[str, Draft202012Validator]]:
    """('body', the spec's schema) first; then ('body[<schema>]', a project schema) that pins a shape the
    spec does not give (a divergence may excuse the first, never the second)."""
    kind, status = family(exchange.operation), exchange.status
    if model == "str":
        return [("body", Draft202012Validator({"type": "string"}))]
    if status == 429 and not (isinstance(document, dict) and "success" in document):
        # The rate-limit 429 (the concurrency 429 is a v1 envelope).
        return [("body[rate_limited]", project_schema("rate_limited"))]
    found: list[tuple[str, Draft202012Validator]] = []
    if model:
        found.append(("body", model_validator(model)))
    elif kind == "objects":
        found.append(("body[objects_error]", project_schema("objects_error")))
    elif kind == "v1":
        found.append(("body", model_validator("CommonErrorResponse" if status == 403 else "CommonResponse")))
    if kind == "oauth" and status != 200:
        found.append(("body[oauth_error]", project_schema("oauth_error")))
    details = _RECORD_ERRORS.get((exchange.operation, status))
    if details:
        found.append(("body[custom_object_records_with_error]", _details_enum(details)))
    return found


def _deepest(error: Any) -> Any:
    """The innermost failure of an anyOf/oneOf (the SDK's nullable fields are anyOf [type, null])."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
    return error


@cache
def _details_enum(pointer: str) -> Draft202012Validator:
    """The spec's enum of record error codes, at `pointer` (a details array)."""
    item = json.loads((SCHEMAS / "custom_object_records_with_error.json").read_text(encoding="utf-8"))
    schema: dict[str, Any] = {"type": "array", "items": item}
    for part in reversed(pointer.strip("/").split("/")):
        schema = {"type": "object", "properties": {part: schema}}
    return Draft202012Validator(schema)


def _pointer(error: Any) -> str:
    parts = ["*" if isinstance(p, int) else str(p) for p in error.absolute_path]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        parts.append(extra[0] if extra else "")
    return "/" + "/".join(parts)


def undocumented(found: list[Problem], divergences: list[Divergence]) -> list[Problem]:
    return [p for p in found if not any(d.covers(p.operation, p.status, p.where) for d in divergences)]
