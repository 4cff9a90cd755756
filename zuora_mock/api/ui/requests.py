"""Requests: the request journal as a live list, newest first, filtered; one exchange in full."""

from __future__ import annotations

from flask import render_template, request

from zuora_mock.api.context import emulator
from zuora_mock.api.journaling import describe
from zuora_mock.api.ui.blueprint import partial_requested
from zuora_mock.api.ui.tenancy import all_tenants
from zuora_mock.backend.journal import JournalFilter
from zuora_mock.core.errors import NotFound

SHOWN = 200  # newest entries the list shows
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MSG_NO_ENTRY = "No journal entry {id} (it may have been dropped or cleared)."


def _status() -> int | None:
    raw = request.args.get("status", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else None


def requests() -> str:
    """The newest exchanges first; ?partial=1 answers the table body alone, which the page polls."""
    args = request.args
    wanted = JournalFilter(
        method=args.get("method") or None,
        path=args.get("path") or None,
        tenant=args.get("tenant") or None,
        status=_status(),
        limit=SHOWN,
    )
    entries, total = emulator().journal.entries(wanted)
    rows = [describe(entry) for entry in reversed(entries)]
    filters = {name: args.get(name, "") for name in ("method", "path", "tenant", "status")}
    if partial_requested():
        return render_template("ui/requests_rows.html", rows=rows)
    return render_template(
        "ui/requests.html",
        rows=rows,
        total=total,
        shown=SHOWN,
        filters=filters,
        methods=METHODS,
        tenants=all_tenants(),
        enabled=emulator().journal.enabled,
    )


def request_detail(entry_id: int) -> str:
    """Headers, body and response of one exchange, and the fault rule that answered it if any."""
    entry = emulator().journal.get(entry_id)
    if entry is None:
        raise NotFound(MSG_NO_ENTRY.format(id=entry_id))
    return render_template("ui/request.html", entry=describe(entry))
