"""The request pipeline of every Zuora path: headers, auth, entity, limits, idempotency, finishing."""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from zuora_mock.api import admin_access, envelopes, faulting, journaling
from zuora_mock.api.compression import BODY_CONSUMED_KEY, BODY_ERROR_KEY, maybe_compress
from zuora_mock.api.context import (
    PendingKey,
    RequestContext,
    context,
    emulator,
    peek_context,
    start_context,
)
from zuora_mock.api.families import ADMIN, OAUTH, OBJECTS, V1
from zuora_mock.api.responses import json_response
from zuora_mock.backend.idempotency import StoredResponse
from zuora_mock.backend.tenants import Tenant, Token
from zuora_mock.core.errors import (
    MSG_BODY_TOO_LARGE,
    MSG_CONCURRENCY_LIMIT,
    MSG_ENTITY_INVALID,
    MSG_ENTITY_REQUIRED,
    MSG_ENTITY_SINGLE,
    MSG_IDEMPOTENCY_KEY_LENGTH,
    MSG_METHOD_NOT_ALLOWED,
    MSG_NOT_FOUND_ROUTE,
    MSG_ORG_INVALID,
    MSG_TRACK_ID,
    InternalError,
    InvalidValue,
    LimitExceeded,
    MalformedRequest,
    MissingField,
    PayloadTooLarge,
    PermissionDenied,
    UnsupportedRequest,
    ZuoraError,
)
from zuora_mock.core.errors import (
    NotFound as ZuoraNotFound,
)

TRACK_ID_FORBIDDEN = set(":;\"'")
CODE_ENTITY = 90000020
CODE_ENTITY_MISSING = 90000022
CODE_ORG = 90000010
CONCURRENCY_LIMIT_TYPE = "Default"
RETRY_AFTER_CONCURRENCY = "120"
IDEMPOTENT_METHODS = ("POST", "PATCH")
WRITING_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))
# Where the request's tenant is left for the server's request log (which runs after the app, outside Flask).
TENANT_KEY = "zuora_mock.tenant"
# Headers that belong to the original response and are replayed with it.
_REPLAYED_HEADERS = ("Content-Type", "Zuora-Request-Id", "ETag", "Location")


def valid_track_id(value: str) -> bool:
    return len(value) <= 64 and value.isascii() and not (TRACK_ID_FORBIDDEN & set(value))


def _pipeline_error(err: ZuoraError) -> ZuoraError:
    err.business = False
    return err


def begin_request() -> Response | None:
    """before_request: everything Zuora checks before an operation runs; may answer a replay."""
    ctx = start_context()
    ctx.started = time.perf_counter()
    # Headers are read from the WSGI environ (what request.headers reads too) without the proxy's lookups.
    environ = request.environ
    track_id = environ.get("HTTP_ZUORA_TRACK_ID")
    ctx.track_id = track_id if track_id is not None and valid_track_id(track_id) else None
    try:
        return _check(ctx, track_id, environ)
    except ZuoraError as err:
        raise _pipeline_error(err) from None


def _check(ctx: RequestContext, track_id: str | None, environ: dict[str, Any]) -> Response | None:
    """Front door (track id, route, size), then the gateway (token, rate), then the request itself."""
    if track_id is not None and not valid_track_id(track_id):
        raise InvalidValue(MSG_TRACK_ID)
    if request.routing_exception is not None:
        raise request.routing_exception
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    length = request.content_length
    if length is not None and length > limit:
        raise PayloadTooLarge(MSG_BODY_TOO_LARGE.format(limit=limit))
    body_error = environ.get(BODY_ERROR_KEY)
    if ctx.family not in (V1, OBJECTS):
        if body_error is not None:
            raise body_error
        if ctx.family == ADMIN:
            admin_access.authorize(ctx)
            return None
        return faulting.check(ctx, _client_tenant()) if ctx.family == OAUTH else None
    emu = emulator()
    token = emu.registry.authenticate(
        environ.get("HTTP_AUTHORIZATION"), _access_keys(ctx, environ), basic=ctx.family == V1
    )
    tenant = ctx.tenant = token.tenant
    ctx.token = token
    now = emu.clock.now()
    rate = ctx.rate = tenant.rate.hit(now)  # unsuccessful requests count too, as in Zuora
    rate.refuse_if_exceeded()
    entity_id = ctx.entity_id = _select_entity(token, environ.get("HTTP_ZUORA_ENTITY_IDS"))
    _check_orgs(tenant, environ.get("HTTP_ZUORA_ORG_IDS"))
    ctx.data = tenant.data(entity_id)
    if body_error is not None:
        # gzip problems are the request's own: a caller without a valid token learns only that (401).
        raise body_error
    if ctx.family == V1:
        gauge = tenant.concurrency[entity_id]
        if not gauge.acquire():
            raise LimitExceeded(
                MSG_CONCURRENCY_LIMIT, code=50000070, headers={"Retry-After": RETRY_AFTER_CONCURRENCY}
            )
        ctx.slot = gauge
    # A fault answers before the idempotency key is reserved: the request has no effect at all.
    return faulting.check(ctx, tenant.name) or _idempotency(ctx, tenant, entity_id, now, environ)


def _client_tenant() -> str | None:
    """The tenant of a token request's client id, if it has one yet (fault rules scoped to a tenant)."""
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return None
    found = emulator().registry.tenant_for_client(request.form.get("client_id", ""))
    return found.name if found is not None else None


def _access_keys(ctx: RequestContext, environ: dict[str, Any]) -> tuple[str, str] | None:
    """apiAccessKeyId / apiSecretAccessKey: accepted by Zuora's v1 API, never by /objects (OAuth required)."""
    if ctx.family != V1:
        return None
    key_id, secret = environ.get("HTTP_APIACCESSKEYID"), environ.get("HTTP_APISECRETACCESSKEY")
    if key_id is None or secret is None:
        return None
    return key_id, secret


def _select_entity(token: Token, header: str | None) -> str:
    if header is None or not header.strip():
        if len(token.entity_ids) > 1:
            raise MissingField(MSG_ENTITY_REQUIRED, code=CODE_ENTITY_MISSING)
        return token.entity_ids[0]
    wanted = [part.strip() for part in header.split(",") if part.strip()]
    if len(wanted) != 1:
        raise InvalidValue(MSG_ENTITY_SINGLE, code=CODE_ENTITY)
    if wanted[0] not in token.entity_ids:
        raise InvalidValue(MSG_ENTITY_INVALID.format(entity=wanted[0][:64]), code=CODE_ENTITY)
    return wanted[0]


def _check_orgs(tenant: Tenant, header: str | None) -> None:
    if header is None:
        return
    orgs = {part.strip() for part in header.split(",") if part.strip()}
    unknown = sorted(orgs - tenant.orgs)
    if unknown:
        raise PermissionDenied(MSG_ORG_INVALID.format(orgs=",".join(unknown)[:200]), code=CODE_ORG)


def _idempotency(
    ctx: RequestContext, tenant: Tenant, entity_id: str, now: float, environ: dict[str, Any]
) -> Response | None:
    key = environ.get("HTTP_IDEMPOTENCY_KEY")
    if key is None or request.method not in IDEMPOTENT_METHODS:
        return None
    if len(key) > 255 or not key:
        raise InvalidValue(MSG_IDEMPOTENCY_KEY_LENGTH)
    emulator().registry.key_owners.claim(key, tenant, now)
    owner = object()
    replay = tenant.idempotency.begin(
        key, request.method, request.full_path.rstrip("?"), now, owner, scope=entity_id
    )
    if replay is not None:
        ctx.replayed = True
        return Response(replay.body, status=replay.status, headers=replay.headers)
    ctx.idempotency = PendingKey(tenant.idempotency, key, owner)
    return None


def finish_response(response: Response) -> Response:
    """after_request: Zuora's response headers, idempotent storage, then compression."""
    ctx = context()
    if ctx.tenant is not None:
        request.environ[TENANT_KEY] = ctx.tenant.name  # for the server's request log
    if not ctx.replayed and request.method in WRITING_METHODS and emulator().persistence is not None:
        _persist(ctx)
    if ctx.replayed:
        ctx.request_id = response.headers.get("Zuora-Request-Id", ctx.request_id)
    response.headers["Zuora-Request-Id"] = ctx.request_id
    if request.method == "OPTIONS" and response.mimetype == "text/html" and not response.content_length:
        del response.headers["Content-Type"]  # Flask's automatic OPTIONS answer: an Allow header, no body
    if ctx.track_id is not None:
        response.headers["Zuora-Track-Id"] = ctx.track_id
    _limit_headers(ctx, response)
    pending = ctx.idempotency
    if pending is not None:
        stored = [(name, response.headers[name]) for name in _REPLAYED_HEADERS if name in response.headers]
        pending.cache.complete(
            pending.key, pending.owner, StoredResponse(response.status_code, response.get_data(), stored)
        )
        ctx.idempotency = None
    faulting.strip_zuora_headers(ctx, response)
    journaling.record(ctx, response)
    _compress(response)
    _close_if_body_unread(response)
    return response


def _persist(ctx: RequestContext) -> None:
    """With `data_dir`, commit what the request wrote before its response (and idempotent replay) exists."""
    emu = emulator()
    if ctx.family == ADMIN:
        emu.persist(None)
    elif ctx.family == OAUTH:
        persistence = emu.persistence
        if persistence is not None and persistence.tenants_changed(emu.registry):
            emu.persist(None)  # a tenant made on the fly for a new client id
    elif ctx.tenant is not None:
        emu.persist(ctx.tenant.name)


def _limit_headers(ctx: RequestContext, response: Response) -> None:
    tenant, rate, token = ctx.tenant, ctx.rate, ctx.token
    if ctx.family == OAUTH or ctx.family == ADMIN:
        return
    if rate is None:
        rate = (tenant.rate if tenant else emulator().anonymous_rate).peek(emulator().clock.now())
    items = [
        ("RateLimit-Limit", rate.limit_header),
        ("RateLimit-Remaining", str(rate.remaining)),
        ("RateLimit-Reset", str(rate.reset)),
    ]
    if ctx.family == V1 and tenant is not None and token is not None and response.status_code != 401:
        # The slot of this request is still held here, so `remaining` already counts it. A request refused
        # before its entity was known reports the gauge of the token's first entity.
        gauge = tenant.concurrency[ctx.entity_id or token.entity_ids[0]]
        items += [
            ("Concurrency-Limit-Type", CONCURRENCY_LIMIT_TYPE),
            ("Concurrency-Limit-Limit", str(gauge.limit)),
            ("Concurrency-Limit-Remaining", str(gauge.remaining)),
        ]
    _set_headers(response, items)


def _set_headers(response: Response, items: list[tuple[str, str]]) -> None:
    """response.headers[name] = value for each; appended at once when none is there yet (the usual case)."""
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    if present.isdisjoint(name.lower() for name, _ in items):
        headers.extend(items)
        return
    for name, value in items:
        headers[name] = value


def _compress(response: Response) -> None:
    accept = request.environ.get("HTTP_ACCEPT_ENCODING", "")
    if not accept or response.direct_passthrough or "Content-Encoding" in response.headers:
        return
    compressed = maybe_compress(response.get_data(), response.mimetype or "", accept)
    response.vary.add("Accept-Encoding")
    if compressed is not None:
        response.set_data(compressed)
        response.headers["Content-Encoding"] = "gzip"


def _close_if_body_unread(response: Response) -> None:
    """Keep-alive is only safe when the request body was consumed; drain small bodies, else close."""
    environ = request.environ
    if environ.get(BODY_CONSUMED_KEY):
        return
    if BODY_ERROR_KEY in environ:
        response.headers["Connection"] = "close"
        return
    length = request.content_length or 0
    if not length:
        return
    if length <= current_app.config["MAX_CONTENT_LENGTH"] and _drain(request.stream):
        return
    response.headers["Connection"] = "close"


def _drain(stream: Any) -> bool:
    """Read and drop what the endpoint left of the body; False when the client stream broke."""
    try:
        stream.exhaust() if hasattr(stream, "exhaust") else stream.read()
    except (OSError, HTTPException):
        return False
    return True


def end_request(exc: BaseException | None) -> None:
    """teardown_request: release the concurrency slot and any idempotency key left unanswered."""
    ctx = peek_context()
    if ctx is None:
        return
    slot, ctx.slot = ctx.slot, None
    if slot is not None:
        slot.release()
    pending, ctx.idempotency = ctx.idempotency, None
    if pending is not None:
        pending.cache.abandon(pending.key, pending.owner)


def http_to_zuora(exc: HTTPException) -> ZuoraError:
    """Werkzeug's routing and protocol errors as Zuora errors."""
    if isinstance(exc, NotFound):
        return _pipeline_error(ZuoraNotFound(MSG_NOT_FOUND_ROUTE.format(path=request.path[:200])))
    if isinstance(exc, MethodNotAllowed):
        return _pipeline_error(UnsupportedRequest(MSG_METHOD_NOT_ALLOWED.format(method=request.method[:20])))
    if isinstance(exc, RequestEntityTooLarge):
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return _pipeline_error(PayloadTooLarge(MSG_BODY_TOO_LARGE.format(limit=limit)))
    return _pipeline_error(
        MalformedRequest(
            f"Malformed request: {exc.description or exc.name}"[:300],
            status=exc.code if exc.code and 400 <= exc.code < 500 else 400,
        )
    )


def render(err: ZuoraError) -> Response:
    """The one place errors become responses, in the envelope of the family that handled the request."""
    emu = emulator()
    ctx = context()
    business_status = 200 if emu.settings.v1_error_status == "200" else None
    body, status, headers = envelopes.render_error(
        err,
        ctx.family,
        request_id=ctx.request_id,
        path=request.path,
        epoch=emu.clock.now(),
        v1_business_status=business_status,
    )
    return json_response(body, status, headers)


def _sync_once(ensure_sync: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Flask asks whether each hook and view is a coroutine on every request; the answer never changes."""
    known: dict[Any, Any] = {}

    def cached(func: Any) -> Any:
        found = known.get(func)
        if found is None:
            found = known[func] = ensure_sync(func)
        return found

    return cached


def install(app: Flask) -> None:
    """Wire the pipeline and the error handlers into an app."""
    app.before_request(begin_request)
    app.after_request(finish_response)
    app.teardown_request(end_request)
    app.ensure_sync = _sync_once(app.ensure_sync)  # type: ignore[method-assign, assignment]

    @app.errorhandler(ZuoraError)
    def on_zuora_error(err: ZuoraError) -> Response:
        return render(err)

    @app.errorhandler(HTTPException)
    def on_http_error(exc: HTTPException) -> Response:
        return render(http_to_zuora(exc))

    @app.errorhandler(Exception)
    def on_unexpected(exc: Exception) -> Response:
        traceback.print_exception(exc, file=sys.stderr)
        return render(_pipeline_error(InternalError()))
