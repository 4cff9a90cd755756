"""The request journal at work: record each Zuora exchange cheaply, describe it only when it is read."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl

import orjson
from flask import Request, Response, current_app, request

from zuora_mock.api.context import RequestContext, emulator, emulator_of
from zuora_mock.api.families import ADMIN, OAUTH
from zuora_mock.api.faulting import ABORT_KEY
from zuora_mock.backend.journal import Entry
from zuora_mock.core import ids

REDACTED = "[redacted]"
SECRET_FIELDS = frozenset({"client_secret"})
# How much of an uploaded file the journal keeps to show its first rows.
FILE_HEAD_BYTES = 2048
FIRST_ROWS = 5
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_HEADER_NAMES = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}


def record(ctx: RequestContext, response: Response) -> None:
    """Keep what was asked and answered, raw and cut to journal_body_bytes; /_mock/ itself is not recorded."""
    if ctx.family == ADMIN:
        return
    emu = emulator_of(current_app._get_current_object())  # type: ignore[attr-defined]  # the proxy once
    journal = emu.journal
    if not journal.enabled:
        return
    cut = emu.settings.journal_body_bytes
    req: Request = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup, not five
    environ = req.environ
    aborted = ABORT_KEY in environ
    status = response.status_code
    journal.add(
        (
            time.time(),
            _tenant(ctx, status),
            environ["REQUEST_METHOD"],
            _path(environ.get("PATH_INFO", "")),
            environ.get("QUERY_STRING", ""),
            _raw_headers(environ),
            _request_body(req, environ.get("CONTENT_TYPE", ""), cut),
            None if aborted else status,
            response.headers.get("Content-Type") or "",
            b"" if aborted or response.direct_passthrough else _response_body(response)[:cut],
            (time.perf_counter() - ctx.started) * 1000 if ctx.started else 0.0,
            ctx.fault.id if ctx.fault is not None else None,
        )
    )


def _raw_headers(environ: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The request headers as the environ holds them (HTTP_X_Y, CONTENT_TYPE); named and redacted on read."""
    # "HTTP_" <= key < "HTTP`" ("`" follows "_") is key.startswith("HTTP_") without a call or a slice.
    return tuple(
        [(key, value) for key, value in environ.items() if "HTTP_" <= key < "HTTP`" or key in _HEADER_NAMES]
    )


def _path(raw: str) -> str:
    """PATH_INFO as text: WSGI hands it over as latin-1 decoded bytes, which are UTF-8 on the wire."""
    return raw if raw.isascii() else raw.encode("latin-1").decode("utf-8", "replace")


def _response_body(response: Response) -> bytes:
    """The body the view produced; one bytes chunk (nearly every body) without get_data()'s steps."""
    chunks = response.response
    if type(chunks) is list and len(chunks) == 1 and type(chunks[0]) is bytes:
        return chunks[0]
    return response.get_data()


def _tenant(ctx: RequestContext, status: int) -> str | None:
    """The token's tenant; for a token request the client's, known before it ran or made by it."""
    if ctx.tenant is not None:
        return ctx.tenant.name
    if ctx.family != OAUTH or ctx.rule_tenant is not None or status != 200:
        return ctx.rule_tenant
    tenant = emulator().registry.tenant_for_client(request.form.get("client_id", ""))
    return tenant.name if tenant is not None else None


def _request_body(req: Request, content_type: str, cut: int) -> Any:
    """The raw body (JSON and the rest), or forms as fields; multipart parts once the view parsed them."""
    parsed = req.__dict__
    if content_type.startswith(_MULTIPART):
        return _multipart(req) if "files" in parsed else None
    if content_type.startswith(_FORM):
        form = parsed.get("form")  # what the view parsed, without the cached_property's lookup
        return ("form", tuple(form.items(multi=True))) if form is not None else None
    data = parsed.get("_cached_data")
    return data[:cut] if data else b""


def _multipart(req: Request) -> tuple[str, tuple[tuple[tuple[str, Any], ...], ...]]:
    """The parts of a parsed multipart form: fields with their values, files with the head of their bytes."""
    parts: list[tuple[tuple[str, Any], ...]] = [
        (("name", name), ("value", value)) for name, value in req.form.items(multi=True)
    ]
    for name, storage in req.files.items(multi=True):
        stream = storage.stream
        try:
            position = stream.tell()
            stream.seek(0, 2)
            size = stream.tell()
            stream.seek(0)
            head = stream.read(FILE_HEAD_BYTES)
            stream.seek(position)
        except (OSError, ValueError):
            size, head = None, b""
        parts.append(
            (
                ("name", name),
                ("fileName", storage.filename),
                ("size", size),
                ("contentType", storage.mimetype),
                ("head", head),
            )
        )
    return ("parts", tuple(parts))


# ---- reading: GET /_mock/requests --------------------------------------------------------------------------


def describe(entry: Entry) -> dict[str, Any]:
    """One journal entry as GET /_mock/requests shows it: parsed, redacted, in a fixed key order."""
    exchange = entry.exchange
    return {
        "id": entry.id,
        "time": ids.iso_millis(exchange.time),
        "tenant": exchange.tenant,
        "method": exchange.method,
        "path": exchange.path,
        "query": _query(exchange.query),
        "headers": _headers(exchange.headers),
        "body": _describe_body(exchange.body, _header(exchange.headers, "CONTENT_TYPE")),
        "status": exchange.status,
        "responseBody": _describe_bytes(exchange.response_body, _mimetype(exchange.response_type)),
        "durationMs": round(exchange.duration_ms, 3),
        "fault": exchange.fault,
    }


def _query(raw: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in parse_qsl(raw, keep_blank_values=True):
        previous = found.get(name)
        if previous is None:
            found[name] = value
        else:
            found[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
    return found


def _headers(raw: tuple[tuple[str, str], ...]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for key, value in raw:
        name = _HEADER_NAMES.get(key) or "-".join(part.capitalize() for part in key[5:].split("_"))
        if name == "Authorization":
            scheme = value.split(" ", 1)[0] if " " in value else ""
            value = f"{scheme} {REDACTED}".strip()
        shown[name] = value
    return shown


def _mimetype(content_type: str) -> str:
    """What werkzeug's Response.mimetype gives for this Content-Type (the journal keeps the header raw)."""
    return content_type.partition(";")[0].strip()


def _header(raw: tuple[tuple[str, str], ...], key: str) -> str:
    return next((value for name, value in raw if name == key), "")


def _describe_body(body: Any, content_type: str) -> Any:
    if isinstance(body, tuple) and body[0] == "form":
        return {name: REDACTED if name in SECRET_FIELDS else value for name, value in body[1]}
    if isinstance(body, tuple) and body[0] == "parts":
        return {"parts": [_describe_part(dict(part)) for part in body[1]]}
    if not body:
        return None
    return _describe_bytes(body, _mimetype(content_type))


def _describe_part(part: dict[str, Any]) -> dict[str, Any]:
    if "head" not in part:
        return {"name": part["name"], "value": part["value"]}
    head: bytes = part["head"]
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    lines = text.splitlines()
    complete = lines if len(head) < FILE_HEAD_BYTES else lines[:-1]
    return {
        "name": part["name"],
        "fileName": part["fileName"],
        "size": part["size"],
        "contentType": part["contentType"],
        "firstRows": complete[:FIRST_ROWS] if _is_text(part) else [],
    }


def _is_text(part: dict[str, Any]) -> bool:
    name = (part["fileName"] or "").lower()
    return not name.endswith(".zip") and bytes(part["head"][:2]) != b"PK"


def _describe_bytes(data: bytes, mimetype: str) -> Any:
    """JSON as JSON; text as text; anything else as its size and type; a cut body as the text that is left."""
    if not data:
        return None
    if mimetype == "application/json" or mimetype.endswith("+json"):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            return data.decode("utf-8", "replace")
    if mimetype.startswith("text/") or mimetype == _FORM:
        return data.decode("utf-8", "replace")
    return f"<{len(data)} bytes of {mimetype or 'unknown type'}>"
