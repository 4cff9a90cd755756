"""/_mock/state: the emulator's whole state (or one tenant's) as one JSON document, read and replaced."""

from __future__ import annotations

import orjson
from flask import Blueprint, Response, request

from zuora_mock.api.context import emulator
from zuora_mock.api.families import ADMIN_PREFIX
from zuora_mock.api.responses import JSON_CONTENT_TYPE, json_response

bp = Blueprint("state", __name__, url_prefix=ADMIN_PREFIX)


@bp.get("/state")
def read_state() -> Response:
    """A snapshot: every tenant's definitions, records, ledger, mass actions and files, and the clock."""
    from zuora_mock.backend.state import export_state  # snapshots load on first use: faster start-up

    emu = emulator()
    document = export_state(emu.registry, emu.clock, request.args.get("tenant"))
    response = Response(orjson.dumps(document))
    response.headers["Content-Type"] = JSON_CONTENT_TYPE
    return response


@bp.put("/state")
def replace_state() -> Response:
    """Load a snapshot; ?tenant=NAME replaces that tenant only. A bad document changes nothing (400)."""
    from zuora_mock.backend.state import load_state  # snapshots load on first use: faster start-up
    from zuora_mock.backend.state.checks import refuse

    try:
        document = orjson.loads(request.get_data(cache=False))
    except orjson.JSONDecodeError as exc:
        refuse("body", f"not JSON ({exc})")
    emu = emulator()
    names = load_state(emu.registry, emu.clock, document, request.args.get("tenant"))
    return json_response({"success": True, "loaded": names})
