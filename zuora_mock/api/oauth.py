"""POST /oauth/token: client-credentials tokens in Zuora's body and headers."""

from __future__ import annotations

from flask import Blueprint, Response, request

from zuora_mock.api import bodies
from zuora_mock.api.commands import read_token_request
from zuora_mock.api.context import context, emulator
from zuora_mock.api.families import OAUTH_PREFIX
from zuora_mock.api.responses import json_response

bp = Blueprint("oauth", __name__, url_prefix=OAUTH_PREFIX)


@bp.post("/token")
def create_token() -> Response:
    command = read_token_request(request)
    emu = emulator()
    state = context().auth_rate = emu.token_quota(command.client_id, request.remote_addr)
    state.refuse_if_exceeded()
    token = emu.registry.issue_token(command)
    return json_response(bodies.token(token, emu.settings.token_ttl))


@bp.after_request
def auth_rate_headers(response: Response) -> Response:
    """Token responses carry the per-minute auth quota instead of RateLimit-*."""
    state = context().auth_rate
    if state is not None:
        limit = state.limit_header.split(",", 1)[0]
        response.headers["X-RateLimit-Limit-minute"] = limit
        response.headers["X-RateLimit-Remaining-minute"] = str(state.remaining)
    return response
