"""/_mock/bulk/: drive mass actions by hand (the manual progression) without sleeping in tests."""

from __future__ import annotations

from flask import Blueprint, Response

from zuora_mock.api import bodies
from zuora_mock.api.commands import parse_advance_job, read_optional_json
from zuora_mock.api.context import emulator, public_base_url
from zuora_mock.api.families import BULK_ADMIN_PREFIX
from zuora_mock.api.responses import json_response
from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.store import MassActionStore
from zuora_mock.core.errors import NotFound

bp = Blueprint("bulk_admin", __name__, url_prefix=BULK_ADMIN_PREFIX)


def _store_of(bulk_key: str) -> MassActionStore:
    """The store holding a bulk key, whichever tenant and entity it belongs to."""
    for tenant in list(emulator().registry.tenants.values()):
        for entity in tenant.entities:
            store = tenant.data(entity.id).bulk
            if store.find(bulk_key):
                return store
    raise NotFound(m.MSG_NOT_FOUND.format(key=bulk_key[:100]))


@bp.post("/<bulk_key>/advance")
def advance(bulk_key: str) -> Response:
    """Start a Pending job and apply {"rows": N} more rows (all of them when omitted); finish a stop."""
    command = parse_advance_job(read_optional_json())
    status = _store_of(bulk_key).advance(bulk_key, command.rows)
    return json_response(bodies.job_status(status, public_base_url()))
