"""/_mock/bulk/: drive mass actions by hand (the manual progression) in tests, or stop one."""

from __future__ import annotations

from flask import Blueprint, Response

from zuora_mock.api import bodies
from zuora_mock.api.commands import parse_advance_job, read_optional_json
from zuora_mock.api.context import emulator, public_base_url
from zuora_mock.api.families import BULK_ADMIN_PREFIX
from zuora_mock.api.responses import json_response

bp = Blueprint("bulk_admin", __name__, url_prefix=BULK_ADMIN_PREFIX)


@bp.post("/<bulk_key>/advance")
def advance(bulk_key: str) -> Response:
    """Start a Pending job and apply {"rows": N} more rows (all of them when omitted); finish a stop."""
    command = parse_advance_job(read_optional_json())
    status = emulator().registry.bulk_store_of(bulk_key).advance(bulk_key, command.rows)
    return json_response(bodies.job_status(status, public_base_url()))


@bp.post("/<bulk_key>/stop")
def stop(bulk_key: str) -> Response:
    """Stop a Pending or Processing job of any tenant, as PUT /v1/bulk/{key}/stop does for its owner."""
    store = emulator().registry.bulk_store_of(bulk_key)
    store.stop(bulk_key)
    return json_response(bodies.job_status(store.status(bulk_key), public_base_url()))
