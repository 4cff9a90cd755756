"""/_mock/requests: the request journal, read with filters or cleared, whole or for one tenant."""

from __future__ import annotations

from flask import Blueprint, Response, request

from zuora_mock.api.admin_access import scoped_tenant
from zuora_mock.api.context import emulator
from zuora_mock.api.journaling import describe
from zuora_mock.api.responses import json_response
from zuora_mock.backend.journal import JournalFilter
from zuora_mock.core.errors import InvalidValue

# Mounted inside admin.bp, under /_mock/.
bp = Blueprint("admin_journal", __name__)
MSG_NUMBER = "'{name}' must be a whole number >= 0."


@bp.get("/requests")
def list_requests() -> Response:
    """{"requests": [...], "total": N}, oldest first; filters method, path (glob), tenant, status, limit."""
    args = request.args
    wanted = JournalFilter(
        method=args.get("method"),
        path=args.get("path"),
        tenant=scoped_tenant(args.get("tenant")),
        status=_number("status"),
        limit=_number("limit"),
    )
    entries, total = emulator().journal.entries(wanted)
    return json_response({"requests": [describe(entry) for entry in entries], "total": total})


@bp.delete("/requests")
def clear_requests() -> Response:
    """Forget the journal, or one tenant's entries with ?tenant=NAME."""
    tenant = scoped_tenant(request.args.get("tenant"))
    dropped = emulator().journal.clear(None if tenant is None else [tenant])
    return json_response({"success": True, "deleted": dropped})


def _number(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        raise InvalidValue(MSG_NUMBER.format(name=name))
    return int(raw)
