"""POST /oauth/token: client-credentials tokens in Zuora's body and headers."""

from __future__ import annotations

from flask import Blueprint, Response, request

from zuora_mock.api.context import context, emulator
from zuora_mock.api.families import OAUTH_PREFIX
from zuora_mock.api.responses import json_response
from zuora_mock.core.errors import MSG_RATE_LIMIT, OAuthError, RateLimited

bp = Blueprint("oauth", __name__, url_prefix=OAUTH_PREFIX)

MSG_OAUTH_CONTENT_TYPE = "Content-Type must be application/x-www-form-urlencoded"


@bp.post("/token")
def create_token() -> Response:
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise OAuthError(MSG_OAUTH_CONTENT_TYPE, status=415)
    emu = emulator()
    tenant = emu.registry.tenant_for_client(request.form.get("client_id", ""))
    limiter = tenant.auth_rate if tenant is not None else emu.anonymous_auth_rate
    state = limiter.hit(emu.clock.now())
    context().auth_rate = state
    if state.exceeded_window:
        raise RateLimited(
            MSG_RATE_LIMIT.format(window=state.exceeded_window, seconds=state.reset),
            headers={"Retry-After": str(state.reset)},
        )
    token = emu.registry.issue_token(request.form, request.headers.get("Zuora-Entity-Ids"))
    body = {
        "access_token": token.access_token,
        "expires_in": emu.settings.token_ttl,
        "jti": token.jti,
        "scope": token.scope,
        "token_type": "bearer",
    }
    return json_response(body)


@bp.after_request
def auth_rate_headers(response: Response) -> Response:
    """Token responses carry the per-minute auth quota instead of RateLimit-*."""
    state = context().auth_rate
    if state is not None:
        limit = state.limit_header.split(",", 1)[0]
        response.headers["X-RateLimit-Limit-minute"] = limit
        response.headers["X-RateLimit-Remaining-minute"] = str(state.remaining)
    return response
