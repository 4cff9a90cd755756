"""The dashboard's URLs. Each page's module (its queries, rows and helpers) is imported by its first request,
not at start-up: the pages cost about 6 ms to import and most servers never show one."""

from __future__ import annotations

from flask import Response

from zuora_mock.api.ui.blueprint import bp


@bp.get("/faults")
def faults() -> str:
    from zuora_mock.api.ui import faults as page

    return page.faults()


@bp.get("/jobs")
def jobs() -> str:
    from zuora_mock.api.ui import jobs as page

    return page.jobs()


@bp.get("/jobs/<bulk_key>/result")
def job_result(bulk_key: str) -> Response:
    from zuora_mock.api.ui import jobs as page

    return page.job_result(bulk_key)


@bp.get("/objects")
def objects() -> str:
    from zuora_mock.api.ui import objects as page

    return page.objects()


@bp.get("/objects/<tenant_name>/<object_name>")
def records(tenant_name: str, object_name: str) -> str:
    from zuora_mock.api.ui import objects as page

    return page.records(tenant_name, object_name)


@bp.get("/objects/<tenant_name>/<object_name>/<record_id>")
def record(tenant_name: str, object_name: str, record_id: str) -> str:
    from zuora_mock.api.ui import objects as page

    return page.record(tenant_name, object_name, record_id)


@bp.get("/")
def overview() -> str:
    from zuora_mock.api.ui import overview as page

    return page.overview()


@bp.get("/api")
def reference() -> str:
    from zuora_mock.api.ui import reference as page

    return page.reference()


@bp.get("/requests")
def requests() -> str:
    from zuora_mock.api.ui import requests as page

    return page.requests()


@bp.get("/requests/<int:entry_id>")
def request_detail(entry_id: int) -> str:
    from zuora_mock.api.ui import requests as page

    return page.request_detail(entry_id)
