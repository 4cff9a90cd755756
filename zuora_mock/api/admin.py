"""The emulator's own namespace, /_mock/: health, reset and the test clock; never a Zuora path."""

from __future__ import annotations

from flask import Blueprint, Response, request

from zuora_mock import __version__
from zuora_mock.api import admin_faults, admin_journal, bodies
from zuora_mock.api.admin_access import require_admin, scoped_tenant
from zuora_mock.api.commands import parse_advance_clock, read_optional_json
from zuora_mock.api.context import emulator
from zuora_mock.api.families import ADMIN_PREFIX
from zuora_mock.api.responses import json_response
from zuora_mock.core.errors import InvalidValue

bp = Blueprint("admin", __name__, url_prefix=ADMIN_PREFIX)
DASHBOARD_PATH = f"{ADMIN_PREFIX}/ui/"
MSG_FLAG = "'{name}' must be true or false."


@bp.get("/health")
def health() -> Response:
    return json_response(bodies.health(__version__, len(emulator().registry.tenants), DASHBOARD_PATH))


@bp.post("/reset")
def reset() -> Response:
    """Back to the fixture state (see docs/conventions.md); ?tenant=NAME for one, ?clock=true rewinds."""
    tenant = scoped_tenant(request.args.get("tenant"))
    rewind = _flag("clock")
    if rewind:
        require_admin()  # the clock is every tenant's
    names = emulator().registry.reset(tenant)
    if rewind:
        emulator().clock.restore(0.0)
    return json_response(bodies.reset(names))


def _flag(name: str) -> bool:
    """A true/false query parameter; absent is false."""
    raw = request.args.get(name)
    if raw is None:
        return False
    value = raw.strip().lower()
    if value not in ("true", "false"):
        raise InvalidValue(MSG_FLAG.format(name=name))
    return value == "true"


@bp.get("/tenants")
def tenants() -> Response:
    return json_response(bodies.tenants(list(emulator().registry.tenants.values())))


@bp.get("/clock")
def clock() -> Response:
    return _clock_response()


@bp.post("/clock")
def advance_clock() -> Response:
    """Move the emulator's clock forward (token and idempotency expiry) without sleeping."""
    command = parse_advance_clock(read_optional_json())
    emulator().clock.advance(command.seconds)
    return _clock_response()


def _clock_response() -> Response:
    emu_clock = emulator().clock
    return json_response(bodies.clock(emu_clock.now(), emu_clock.offset))


# The test-double toolkit's routes (journal, faults) live in their own modules, mounted here under /_mock/.
bp.register_blueprint(admin_journal.bp)
bp.register_blueprint(admin_faults.bp)
