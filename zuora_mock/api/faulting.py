"""Fault rules at work: once the tenant is known, the pipeline asks here whether Zuora should fail."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, request

from zuora_mock.api import bodies
from zuora_mock.api.context import RequestContext, emulator
from zuora_mock.api.families import OAUTH
from zuora_mock.api.responses import json_response
from zuora_mock.backend import faults as kinds
from zuora_mock.backend.faults import FaultRule
from zuora_mock.backend.limits import RateState
from zuora_mock.backend.massactions.jobs import JobFailure
from zuora_mock.core.errors import MSG_CONCURRENCY_LIMIT, MSG_RATE_LIMIT, InternalError

# Set in the WSGI environ by a `reset` fault: the HTTP server closes the connection without writing anything.
ABORT_KEY = "zuora_mock.abort_connection"
THROTTLED_CODE = 71012561
MSG_THROTTLED = "Internal error. Retry the returned records."
MSG_THROTTLED_RECORD = "The record was not processed because the request was throttled. Retry the record."
RATE_LIMIT_WINDOW = 60
RETRY_AFTER_CONCURRENCY = "120"
# What an nginx-style edge answers when the service behind it fails (inferred: Zuora does not document it).
EDGE_PAGES = {
    kinds.BAD_GATEWAY: (502, "Bad Gateway"),
    kinds.UNAVAILABLE: (503, "Service Temporarily Unavailable"),
    kinds.GATEWAY_TIMEOUT: (504, "Gateway Time-out"),
    kinds.TIMEOUT: (504, "Gateway Time-out"),
}
EDGE_CONTENT_TYPE = "text/html"
# Headers only Zuora's services add; an edge page carries none of them.
ZUORA_ONLY_HEADERS = (
    "Zuora-Request-Id",
    "Zuora-Track-Id",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Concurrency-Limit-Type",
    "Concurrency-Limit-Limit",
    "Concurrency-Limit-Remaining",
)
_WRITE_PATHS = ("/objects/batch/", "/objects/records/")


def check(ctx: RequestContext, tenant: str | None) -> Response | None:
    """The answer of the first rule that fires for this request (None lets it through), after any latency."""
    ctx.rule_tenant = tenant
    emu = emulator()
    delay = emu.latency_seconds()
    if delay:
        emu.closing.wait(delay)
    rule = emu.faults.match(request.method, request.path, tenant)
    if rule is None:
        return None
    ctx.fault = rule
    return _answer(ctx, rule)


def _answer(ctx: RequestContext, rule: FaultRule) -> Response | None:
    kind = rule.spec.fault
    if kind == kinds.DELAY:
        emulator().closing.wait((rule.spec.delay_ms or 0) / 1000)
        return None
    if kind == kinds.JOB_FAILED:
        ctx.job_failure = JobFailure(rule.spec.fail_after_rows)
        return None
    if kind == kinds.SERVER_ERROR:
        err = InternalError()
        err.business = False
        raise err
    answer = _ANSWERS[kind]
    return answer(ctx, rule)


def _throttled(ctx: RequestContext, rule: FaultRule) -> Response:
    """Zuora's 500 for custom-object writes, listing the submitted records to retry (docs 8.2)."""
    details = [
        {"code": THROTTLED_CODE, "message": MSG_THROTTLED_RECORD, "record": record} for record in _submitted()
    ]
    return json_response({"code": THROTTLED_CODE, "message": MSG_THROTTLED, "details": details}, 500)


def _submitted() -> list[Any]:
    """The records a custom-object batch or create request carried; none for other requests or bad bodies."""
    if request.method != "POST" or not request.path.startswith(_WRITE_PATHS):
        return []
    try:
        body = orjson.loads(request.get_data(cache=True))
    except orjson.JSONDecodeError:
        return []
    if not isinstance(body, dict):
        return []
    action = body.get("action")
    if isinstance(action, dict):
        records, ids = action.get("records"), action.get("ids")
        if isinstance(records, dict):
            return [
                {"Id": key, **value} if isinstance(value, dict) else {"Id": key}
                for key, value in records.items()
            ]
        return [{"Id": key} for key in ids] if isinstance(ids, list) else []
    records = body.get("records")
    return list(records) if isinstance(records, list) else []


def _rate_limit(ctx: RequestContext, rule: FaultRule) -> Response:
    """The gateway's documented 429 with RateLimit-* saying nothing is left and Retry-After."""
    seconds = rule.spec.retry_after or (ctx.rate.reset if ctx.rate is not None else RATE_LIMIT_WINDOW)
    limit = ctx.rate.limit_header if ctx.rate is not None else _auth_limit()
    state = RateState(limit_header=limit, remaining=0, reset=seconds, exceeded_window="minute")
    if ctx.family == OAUTH:
        ctx.auth_rate = state
    else:
        ctx.rate = state
    message = MSG_RATE_LIMIT.format(window="minute", seconds=seconds)
    return json_response(bodies.rate_limited(70, message), 429, {"Retry-After": str(seconds)})


def _auth_limit() -> str:
    return str(emulator().settings.limit("auth_rate_limit_minute"))


def _concurrency(ctx: RequestContext, rule: FaultRule) -> Response:
    body = bodies.v1_error(50000070, MSG_CONCURRENCY_LIMIT, ctx.request_id)
    return json_response(body, 429, {"Retry-After": RETRY_AFTER_CONCURRENCY})


def _edge(ctx: RequestContext, rule: FaultRule) -> Response:
    status, phrase = EDGE_PAGES[rule.spec.fault]
    return Response(edge_page(status, phrase), status=status, content_type=EDGE_CONTENT_TYPE)


def edge_page(status: int, phrase: str) -> bytes:
    """nginx's error page for a status."""
    title = f"{status} {phrase}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ).encode()


def _timeout(ctx: RequestContext, rule: FaultRule) -> Response:
    """Hold the connection as a gateway waiting for a stuck service does, then its 504."""
    held = rule.spec.delay_ms if rule.spec.delay_ms is not None else kinds.DEFAULT_TIMEOUT_MS
    emulator().closing.wait(held / 1000)
    return _edge(ctx, rule)


def _reset(ctx: RequestContext, rule: FaultRule) -> Response:
    """Ask the server to drop the connection; a server without the hook sends an empty 502 instead."""
    request.environ[ABORT_KEY] = True
    return Response(b"", status=502)


def _status(ctx: RequestContext, rule: FaultRule) -> Response:
    body = rule.spec.body if rule.spec.body is not None else {}
    return json_response(body, rule.spec.status or 500)


_ANSWERS = {
    kinds.THROTTLED_RECORDS: _throttled,
    kinds.RATE_LIMIT: _rate_limit,
    kinds.CONCURRENCY_LIMIT: _concurrency,
    kinds.BAD_GATEWAY: _edge,
    kinds.UNAVAILABLE: _edge,
    kinds.GATEWAY_TIMEOUT: _edge,
    kinds.TIMEOUT: _timeout,
    kinds.RESET: _reset,
    kinds.STATUS: _status,
}


def strip_zuora_headers(ctx: RequestContext, response: Response) -> None:
    """An edge page (bad-gateway, unavailable, gateway-timeout, timeout) carries none of Zuora's headers."""
    if ctx.fault is None or ctx.fault.spec.fault not in EDGE_PAGES:
        return
    for name in ZUORA_ONLY_HEADERS:
        response.headers.pop(name, None)
