"""A state snapshot as plain data: every tenant's definitions, records, ledger and mass actions, the clock."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import orjson

from zuora_mock.backend.customobjects.job_store import existing_job_store
from zuora_mock.backend.customobjects.store import CustomObjectStore
from zuora_mock.backend.massactions.finance import Ledger
from zuora_mock.backend.massactions.jobs import ENDED, FAILED, PENDING, Job
from zuora_mock.backend.massactions.store import MassActionStore
from zuora_mock.backend.state.object_jobs import dump_object_jobs
from zuora_mock.backend.tenants import Registry, Tenant
from zuora_mock.core.clock import Clock
from zuora_mock.core.errors import NotFound

VERSION = 1
MSG_UNKNOWN_TENANT = "Unknown tenant '{name}'."


def export_state(registry: Registry, clock: Clock, tenant_name: str | None = None) -> dict[str, Any]:
    """The whole state (or one tenant's) as one JSON-ready document; each tenant is read under its lock."""
    if tenant_name is not None and tenant_name not in registry.tenants:
        raise NotFound(MSG_UNKNOWN_TENANT.format(name=tenant_name[:100]))
    names = [tenant_name] if tenant_name is not None else list(registry.tenants)
    tenants = {name: export_tenant(registry.tenants[name], clock) for name in names}
    return {"version": VERSION, "clockOffset": clock.offset, "tenants": tenants}


def export_tenant(tenant: Tenant, clock: Clock, *, bulky: bool = True) -> dict[str, Any]:
    """One tenant: its entities' stores and, for a tenant made on the fly, what re-creates it.

    Without `bulky`, records, `order` lists and result file contents are left empty: the skeleton that
    persistence keeps in one row while it keeps those apart, row by row (the caller holds the tenant's lock).
    """
    with tenant.lock:
        entities = {}
        for entity in tenant.entities:
            data = tenant.data(entity.id)
            entities[entity.id] = {
                "objects": _objects(data.objects, bulky),
                "ledger": _ledger(data.bulk.ledger),
                "jobs": _jobs(data.bulk, clock.now(), bulky),
            }
            object_jobs = dump_object_jobs(existing_job_store(data.objects))
            if object_jobs:  # absent when none: documents without such jobs read as before
                entities[entity.id]["objectJobs"] = object_jobs
    body: dict[str, Any] = {"tenantId": tenant.tenant_id}
    if tenant.on_the_fly:
        body["onTheFly"] = _on_the_fly(tenant)
    body["entities"] = entities
    return body


def _on_the_fly(tenant: Tenant) -> dict[str, Any]:
    client = tenant.spec.clients[0]
    entity = tenant.entities[0]
    return {
        "userId": tenant.user_id,
        "userEmail": tenant.user_email,
        "entity": {"id": entity.id, "name": entity.name},
        "client": {"clientId": client.client_id, "clientSecret": client.client_secret},
    }


def _objects(store: CustomObjectStore, bulky: bool) -> list[dict[str, Any]]:
    """Definitions in creation order, each with its records in creation order and every id's position."""
    exported = []
    for data in store.objects.values():
        order = list(data.order) if bulky else []
        records = list(data.records.values()) if bulky else []
        exported.append({"definition": data.definition.wire, "order": order, "records": records})
    return exported


def _ledger(ledger: Ledger) -> dict[str, Any]:
    """The billing objects as the finance seed files hold them (copied: mass actions change them in place)."""
    files = {
        "accounts": list(ledger.accounts.values()),
        "invoices": list(ledger.invoices.values()),
        "subscription_charges": list(ledger.charges.values()),
        "revenue_schedules": list(ledger.revenue_schedules.values()),
        "accounting_codes": list(ledger.accounting_codes.values()),
        "accounting_periods": [period for _start, _end, period in ledger.periods],
        "currencies": list(ledger.currencies.values()),
        "fx_rates": [
            {"rateSetName": key[0], "date": key[1], "from": key[2], "to": key[3], "rate": str(rate)}
            for key, rate in ledger.fx_rates.items()
        ],
        "payment_methods": list(ledger.payment_methods.values()),
        "payments": list(ledger.payments.values()),
    }
    copied: dict[str, Any] = orjson.loads(orjson.dumps(files))
    copied["numbering"] = ledger.numbering()
    return copied


def _jobs(store: MassActionStore, now: float, bulky: bool) -> list[dict[str, Any]]:
    return [_job(job, store.files, now, bulky) for job in store.jobs.values()]


def _job(job: Job, files: Mapping[str, tuple[str, bytes]], now: float, bulky: bool) -> dict[str, Any]:
    """A job as it stands; one caught mid-way is saved as Failed, since its progress cannot be resumed."""
    status, ended_at = job.status, job.ended_at
    if status not in ENDED and status != PENDING:
        status, ended_at = FAILED, now
    body: dict[str, Any] = {
        "key": job.key,
        "actionType": job.action.name,
        "status": status,
        "uploadedBy": job.uploaded_by,
        "uploadedAt": job.uploaded_at,
        "startedAt": job.started_at,
        "endedAt": ended_at,
        "inputSize": job.input_size,
        "total": job.total,
        "successes": job.successes,
        "errors": job.errors,
        "position": job.position,
        "failureReason": job.failure_reason,
        "file": None,
        "upload": None,
    }
    if job.file_id is not None and job.file_id in files:
        name, content = files[job.file_id]
        data = base64.b64encode(content).decode("ascii") if bulky else ""
        body["file"] = {"id": job.file_id, "name": name, "data": data}
    upload = job.upload
    if status == PENDING and upload is not None:
        body["upload"] = {
            "text": upload.read_text(),
            "csvName": upload.csv_name,
            "rawHeader": upload.raw_header,
            "header": upload.header,
            "newline": upload.newline,
            "bom": upload.bom,
        }
    return body
