"""Which tenant and entity a dashboard page shows, chosen by query parameters with sensible defaults."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from zuora_mock.api.context import emulator
from zuora_mock.backend.tenants import EntityData, Tenant
from zuora_mock.core.errors import NotFound

MSG_UNKNOWN_TENANT = "Unknown tenant '{name}'."
MSG_UNKNOWN_ENTITY = "Tenant '{tenant}' has no entity '{entity}'."


@dataclass(frozen=True)
class Scope:
    """A tenant, one of its entities, and that entity's stores."""

    tenant: Tenant
    entity_id: str
    data: EntityData


def all_tenants() -> list[Tenant]:
    """Every tenant of the emulator, in the order they were added."""
    return list(emulator().registry.tenants.values())


def selected_scope(tenant_name: str | None = None) -> Scope | None:
    """The tenant named in the path or ?tenant= (else the first), and ?entity= (else its first entity)."""
    tenants = emulator().registry.tenants
    name = tenant_name or request.args.get("tenant")
    if not name:
        if not tenants:
            return None
        name = next(iter(tenants))
    tenant = tenants.get(name)
    if tenant is None:
        raise NotFound(MSG_UNKNOWN_TENANT.format(name=name[:100]))
    entity_ids = [entity.id for entity in tenant.entities]
    entity_id = request.args.get("entity") or entity_ids[0]
    if entity_id not in entity_ids:
        raise NotFound(MSG_UNKNOWN_ENTITY.format(tenant=tenant.name, entity=entity_id[:100]))
    return Scope(tenant, entity_id, tenant.data(entity_id))
