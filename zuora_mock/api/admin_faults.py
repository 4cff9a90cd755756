"""/_mock/faults: add, list and remove the rules that make the emulator fail as Zuora does."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, Response

from zuora_mock.api.admin_access import scoped_tenant
from zuora_mock.api.commands import read_json
from zuora_mock.api.context import context, emulator
from zuora_mock.api.responses import json_response
from zuora_mock.backend.faults import FaultRule, parse_spec
from zuora_mock.core.errors import NotFound

# Mounted inside admin.bp, under /_mock/.
bp = Blueprint("admin_faults", __name__)
MSG_NO_RULE = "No fault rule with id '{id}'."


def rule_body(rule: FaultRule) -> dict[str, Any]:
    """A rule as the admin API shows it: its id, what it matches and answers, and its counters."""
    spec = rule.spec
    return {
        "id": rule.id,
        "fault": spec.fault,
        "method": spec.method,
        "path": spec.path,
        "tenant": spec.tenant,
        "times": spec.times,
        "after": spec.after,
        "probability": spec.probability,
        "delayMs": spec.delay_ms,
        "status": spec.status,
        "body": spec.body,
        "failAfterRows": spec.fail_after_rows,
        "retryAfter": spec.retry_after,
        "matched": rule.matched,
        "fired": rule.fired,
    }


@bp.post("/faults")
def add_fault() -> Response:
    """201 with the new rule; a tenant's token adds rules for its own tenant only."""
    spec = parse_spec(read_json())
    tenant = scoped_tenant(spec.tenant)
    if tenant != spec.tenant:
        spec = dataclasses.replace(spec, tenant=tenant)
    return json_response(rule_body(emulator().faults.add(spec)), 201)


@bp.get("/faults")
def list_faults() -> Response:
    own = _own_tenant()
    rules = emulator().faults.rules(None if own is None else [own])
    return json_response({"faults": [rule_body(rule) for rule in rules]})


@bp.delete("/faults")
def clear_faults() -> Response:
    own = _own_tenant()
    dropped = emulator().faults.clear(None if own is None else [own])
    return json_response({"success": True, "deleted": dropped})


@bp.delete("/faults/<rule_id>")
def remove_fault(rule_id: str) -> Response:
    faults = emulator().faults
    rule = faults.get(rule_id)
    own = _own_tenant()
    if rule is None or (own is not None and rule.spec.tenant != own) or not faults.remove(rule_id):
        raise NotFound(MSG_NO_RULE.format(id=rule_id[:100]))
    return json_response({"success": True, "deleted": 1})


def _own_tenant() -> str | None:
    return context().admin_tenant
