"""Faults: the active rules with their counters, a form to add one from the presets, remove one."""

from __future__ import annotations

from flask import render_template

from zuora_mock.api.admin_faults import rule_body
from zuora_mock.api.context import emulator
from zuora_mock.api.ui.tenancy import all_tenants
from zuora_mock.backend.faults import KINDS


def faults() -> str:
    rules = [rule_body(rule) for rule in emulator().faults.rules()]
    return render_template("ui/faults.html", rules=rules, kinds=KINDS, tenants=all_tenants())
