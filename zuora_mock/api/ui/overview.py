"""The overview page: version, settings in force, the clock, and every tenant with its counts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from flask import render_template

from zuora_mock.api.context import emulator
from zuora_mock.backend.tenants import Tenant
from zuora_mock.core import ids

# Settings whose value is a secret: the page says whether one is set, never what it is.
SECRET_SETTINGS = frozenset({"admin_token"})
MASKED = "(set)"


@dataclass(frozen=True)
class TenantSummary:
    """One row of the tenants table."""

    name: str
    tenant_id: str
    entities: tuple[str, ...]
    definitions: int
    records: int
    jobs: int
    on_the_fly: bool


def summarize(tenant: Tenant) -> TenantSummary:
    """Count a tenant's definitions, records and mass actions over all of its entities."""
    definitions = records = jobs = 0
    with tenant.lock:
        for entity in tenant.entities:
            data = tenant.data(entity.id)
            definitions += len(data.objects.objects)
            records += sum(len(found.records) for found in data.objects.objects.values())
            jobs += len(data.bulk.jobs)
    return TenantSummary(
        name=tenant.name,
        tenant_id=tenant.tenant_id,
        entities=tuple(entity.id for entity in tenant.entities),
        definitions=definitions,
        records=records,
        jobs=jobs,
        on_the_fly=tenant.on_the_fly,
    )


def settings_in_force() -> list[tuple[str, Any]]:
    """Every setting with its value, secrets masked."""
    settings = emulator().settings
    shown: list[tuple[str, Any]] = []
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        if field.name in SECRET_SETTINGS and value is not None:
            value = MASKED
        shown.append((field.name, value))
    return shown


def overview() -> str:
    """The landing page of the dashboard."""
    emu = emulator()
    now = emu.clock.now()
    return render_template(
        "ui/overview.html",
        tenants=[summarize(tenant) for tenant in list(emu.registry.tenants.values())],
        settings=settings_in_force(),
        now=ids.iso_millis(now),
        offset=emu.clock.offset,
    )
