"""Mass actions: every tenant's jobs with a live progress bar, their result files, stop and advance."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, render_template, request

from zuora_mock.api.bulk import content_disposition
from zuora_mock.api.context import emulator
from zuora_mock.api.ui.blueprint import partial_requested
from zuora_mock.api.ui.object_jobs import object_job_rows
from zuora_mock.api.ui.tenancy import all_tenants
from zuora_mock.backend.massactions.jobs import ENDED
from zuora_mock.backend.massactions.results import CONTENT_TYPE
from zuora_mock.backend.massactions.store import JobStatus, MassActionStore
from zuora_mock.core import ids
from zuora_mock.core.errors import NotFound

MSG_NO_FILE = "Mass action '{key}' has no result file (yet)."


@dataclass(frozen=True)
class JobRow:
    """One mass action as the jobs table shows it."""

    tenant: str
    entity_id: str
    key: str
    status: JobStatus

    @property
    def percent(self) -> int:
        """How far the job got, 0-100, from the rows processed out of the rows counted at its start."""
        total, processed = self.status.total, self.status.processed
        if total:
            return min(100, (processed or 0) * 100 // total)
        return 100 if self.ended else 0

    @property
    def ended(self) -> bool:
        return self.status.status in ENDED

    @property
    def uploaded(self) -> str:
        return ids.v1_timestamp(self.status.uploaded_at)


def job_rows(tenant_name: str | None) -> list[JobRow]:
    """Every job of every tenant (or of one), newest first."""
    found: list[JobRow] = []
    for tenant in all_tenants():
        if tenant_name and tenant.name != tenant_name:
            continue
        for entity in tenant.entities:
            store = tenant.data(entity.id).bulk
            found.extend(JobRow(tenant.name, entity.id, key, store.status(key)) for key in _keys(store))
    return sorted(found, key=lambda row: row.status.uploaded_at, reverse=True)


def _keys(store: MassActionStore) -> list[str]:
    with store.lock:
        return list(store.jobs)


def jobs() -> str:
    """The jobs table; ?partial=1 answers its body alone, which the page's script polls while jobs run."""
    tenant = request.args.get("tenant") or None
    rows = job_rows(tenant)
    template = "ui/jobs_rows.html" if partial_requested() else "ui/jobs.html"
    object_jobs = object_job_rows(tenant)
    return render_template(template, rows=rows, tenant=tenant, tenants=all_tenants(), object_jobs=object_jobs)


def job_result(bulk_key: str) -> Response:
    """The job's result zip, as GET /v1/files/{id} serves it, without needing a tenant's token."""
    store = emulator().registry.bulk_store_of(bulk_key)
    file_id = store.status(bulk_key).file_id
    if file_id is None:
        raise NotFound(MSG_NO_FILE.format(key=bulk_key[:100]))
    name, archive = store.file(file_id)
    zip_name = name.rsplit(".", 1)[0] + ".zip"
    return Response(
        archive, headers={"Content-Type": CONTENT_TYPE, "Content-Disposition": content_disposition(zip_name)}
    )
