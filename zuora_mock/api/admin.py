"""The emulator's own namespace, /_mock/: health, reset and the test clock; never a Zuora path."""

from __future__ import annotations

from flask import Blueprint, Response, request

from zuora_mock import __version__
from zuora_mock.api.commands import parse_advance_clock, read_optional_json
from zuora_mock.api.context import emulator
from zuora_mock.api.families import ADMIN_PREFIX
from zuora_mock.api.responses import json_response
from zuora_mock.core.errors import NotFound

bp = Blueprint("admin", __name__, url_prefix=ADMIN_PREFIX)


@bp.get("/health")
def health() -> Response:
    emu = emulator()
    return json_response({"status": "ok", "version": __version__, "tenants": len(emu.registry.tenants)})


@bp.post("/reset")
def reset() -> Response:
    """Back to the fixture state; ?tenant=NAME resets one tenant only (parallel CI jobs)."""
    name = request.args.get("tenant")
    emu = emulator()
    if name is not None and name not in emu.registry.tenants:
        raise NotFound(f"Unknown tenant '{name[:100]}'.")
    reset_names = emu.registry.reset(name)
    return json_response({"success": True, "reset": reset_names})


@bp.get("/tenants")
def tenants() -> Response:
    emu = emulator()
    body = [
        {"name": t.name, "tenantId": t.tenant_id, "userId": t.user_id, "entities": [e.id for e in t.entities]}
        for t in emu.registry.tenants.values()
    ]
    return json_response({"tenants": body})


@bp.get("/clock")
def clock() -> Response:
    emu = emulator()
    return json_response({"now": emu.clock.now(), "offset": emu.clock.offset})


@bp.post("/clock")
def advance_clock() -> Response:
    """Move the emulator's clock forward (token and idempotency expiry) without sleeping."""
    command = parse_advance_clock(read_optional_json())
    emu = emulator()
    emu.clock.advance(command.seconds)
    return json_response({"now": emu.clock.now(), "offset": emu.clock.offset})
