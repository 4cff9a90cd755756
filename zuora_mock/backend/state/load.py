"""Load a state document: check all of it and build new stores first, then swap them in tenant by tenant."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zuora_mock.backend.customobjects.job_store import existing_job_store, job_store_for
from zuora_mock.backend.state.billing import load_jobs, load_ledger
from zuora_mock.backend.state.checks import need, need_key, need_number, only_keys, refuse
from zuora_mock.backend.state.dump import VERSION
from zuora_mock.backend.state.object_jobs import load_object_jobs
from zuora_mock.backend.state.objects import load_objects
from zuora_mock.backend.tenants import EntityData, Registry, Tenant
from zuora_mock.core.clock import Clock
from zuora_mock.core.fixtures import ClientSpec, EntitySpec, Seed, TenantSpec
from zuora_mock.core.formats import is_uuid
from zuora_mock.core.settings import Settings

DOCUMENT_KEYS = ("version", "clockOffset", "tenants")
TENANT_KEYS = ("tenantId", "onTheFly", "entities")
ENTITY_KEYS = ("objects", "ledger", "jobs")
OPTIONAL_ENTITY_KEYS = ("objectJobs",)


@dataclass
class TenantPlan:
    """A tenant's new stores, built and checked, waiting to be swapped in."""

    tenant: Tenant
    new: bool
    data: dict[str, EntityData] = field(default_factory=dict)


def load_state(registry: Registry, clock: Clock, document: Any, tenant_name: str | None = None) -> list[str]:
    """Replace the whole state (or one tenant's) with a document; a bad one changes nothing. Returns names."""
    body = need(document, dict, "document")
    only_keys(body, DOCUMENT_KEYS, "document")
    if "version" not in body or body["version"] != VERSION:
        refuse("version", f"must be {VERSION} (the format this emulator reads), got {body.get('version')!r}")
    offset = need_number(body, "clockOffset", "document")
    tenants = need_key(body, "tenants", dict, "document")
    if tenant_name is not None:
        if tenant_name not in tenants:
            refuse("tenants", f"the document has no tenant '{tenant_name[:100]}'")
        tenants = {tenant_name: tenants[tenant_name]}
    seen: set[str] = set()
    plans = [_plan(registry, clock, str(name), raw, seen) for name, raw in tenants.items()]
    for plan in plans:
        _swap(registry, plan)
    if tenant_name is None:
        _drop_the_rest(registry, set(tenants))
        clock.restore(float(offset or 0))
    return [plan.tenant.name for plan in plans]


def _plan(registry: Registry, clock: Clock, name: str, raw: Any, seen: set[str]) -> TenantPlan:
    where = f"tenants.{name[:100]}"
    body = need(raw, dict, where)
    only_keys(body, TENANT_KEYS, where)
    tenant = registry.tenants.get(name)
    plan = (
        TenantPlan(tenant, False)
        if tenant is not None
        else TenantPlan(_new_tenant(registry, clock, name, body, where), True)
    )
    entities = need_key(body, "entities", dict, where)
    wanted = {entity.id for entity in plan.tenant.entities}
    if set(entities) != wanted:
        refuse(f"{where}.entities", f"must hold exactly the tenant's entities: {', '.join(sorted(wanted))}")
    for entity_id, entity_raw in entities.items():
        _entity(plan, clock, registry.settings, entity_id, entity_raw, f"{where}.entities.{entity_id}", seen)
    return plan


def _new_tenant(registry: Registry, clock: Clock, name: str, body: dict[str, Any], where: str) -> Tenant:
    """A tenant made on the fly for an unknown client id, re-created with the same ids and secret."""
    if "onTheFly" not in body:
        refuse(where, "unknown tenant (not in the fixtures, and no 'onTheFly' to re-create it)")
    spec_body = need(body["onTheFly"], dict, f"{where}.onTheFly")
    where = f"{where}.onTheFly"
    entity = need_key(spec_body, "entity", dict, where)
    client = need_key(spec_body, "client", dict, where)
    client_id = need_key(client, "clientId", str, f"{where}.client")
    if not is_uuid(client_id) or registry.tenant_for_client(client_id) is not None:
        refuse(f"{where}.client.clientId", "must be a UUID no other tenant uses")
    spec = TenantSpec(
        name=name,
        tenant_id=need_key(body, "tenantId", str, where.rsplit(".", 1)[0]),
        user_id=need_key(spec_body, "userId", str, where),
        user_email=need_key(spec_body, "userEmail", str, where),
        entities=(
            EntitySpec(
                need_key(entity, "id", str, f"{where}.entity"),
                need_key(entity, "name", str, f"{where}.entity"),
            ),
        ),
        orgs=registry.fixtures.tenants[0].orgs,
        clients=(ClientSpec(client_id, need_key(client, "clientSecret", str, f"{where}.client")),),
    )
    tenant = Tenant(spec, registry.fixtures.seed, clock, registry.settings)
    tenant.on_the_fly = True
    return tenant


def _entity(
    plan: TenantPlan, clock: Clock, settings: Settings, entity_id: str, raw: Any, where: str, seen: set[str]
) -> None:
    body = need(raw, dict, where)
    only_keys(body, ENTITY_KEYS + OPTIONAL_ENTITY_KEYS, where)
    for key in ENTITY_KEYS:
        need_key(body, key, list if key != "ledger" else dict, where)
    data = EntityData(Seed(), plan.tenant, clock, settings)
    data.bulk.ledger = load_ledger(body["ledger"], f"{where}.ledger")
    data.objects.objects = load_objects(body["objects"], f"{where}.objects", data.bulk.exists)
    jobs, files = load_jobs(body["jobs"], f"{where}.jobs", seen)
    data.bulk.jobs = {job.key: job for job in jobs}
    data.bulk.files.update(files)
    object_jobs = load_object_jobs(body.get("objectJobs", []), f"{where}.objectJobs", seen)
    if object_jobs:
        job_store_for(data.objects, settings).jobs = {job.id: job for job in object_jobs}
    plan.data[entity_id] = data


def _swap(registry: Registry, plan: TenantPlan) -> None:
    plan.tenant.replace_data(plan.data)
    for data in plan.data.values():
        data.bulk.resume()
        object_jobs = existing_job_store(data.objects)
        if object_jobs is not None:
            object_jobs.resume()
    if plan.new:
        registry.adopt(plan.tenant)


def _drop_the_rest(registry: Registry, kept: set[str]) -> None:
    """A whole-state document replaces everything: fixture tenants it leaves out go back to their seed."""
    for name, tenant in list(registry.tenants.items()):
        if name in kept:
            continue
        if tenant.on_the_fly:
            registry.remove(name)
        else:
            tenant.reset()
