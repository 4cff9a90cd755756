"""Custom object bulk jobs on the Mass actions page: every tenant's jobs, their progress and errors."""

from __future__ import annotations

from dataclasses import dataclass

from zuora_mock.api.ui.tenancy import all_tenants
from zuora_mock.backend.customobjects.job_store import existing_job_store
from zuora_mock.backend.customobjects.jobs import ACCEPTED, IN_PROGRESS, JobView
from zuora_mock.core import ids


@dataclass(frozen=True)
class ObjectJobRow:
    """One bulk job as the table shows it; `errors` is the number of refused rows."""

    tenant: str
    view: JobView
    errors: int

    @property
    def submitted(self) -> str:
        return ids.v1_timestamp(self.view.created_at)

    @property
    def can_advance(self) -> bool:
        return self.view.status in (ACCEPTED, IN_PROGRESS)


def object_job_rows(tenant_name: str | None) -> list[ObjectJobRow]:
    """Every bulk job of every tenant (or of one), newest first."""
    found: list[ObjectJobRow] = []
    for tenant in all_tenants():
        if tenant_name and tenant.name != tenant_name:
            continue
        for entity in tenant.entities:
            store = existing_job_store(tenant.data(entity.id).objects)
            if store is None:
                continue
            with store.lock:
                found.extend(
                    ObjectJobRow(tenant.name, job.view(), len(job.errors)) for job in store.jobs.values()
                )
    return sorted(found, key=lambda row: row.view.created_at, reverse=True)
