"""Custom Object Jobs (/objects/jobs): submit, upload, poll, errors, list and cancel via the thin client."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from zuora_mock.client import ZuoraAPIError, ZuoraClient

JOB_KEYS = {
    "CreatedById",
    "CreatedDate",
    "Id",
    "UpdatedById",
    "UpdatedDate",
    "namespace",
    "object",
    "operation",
}


@pytest.fixture
def vehicle(make_definition: Callable[..., str]) -> str:
    return make_definition()


@pytest.mark.unverified
def test_a_submitted_job_is_pending(api: ZuoraClient, vehicle: str) -> None:
    job = api.create_object_job(vehicle, "create")
    assert set(job) >= JOB_KEYS
    assert (job["namespace"], job["object"], job["operation"], job["status"]) == (
        "default",
        vehicle,
        "create",
        "pending",
    )
    assert api.get_object_job(job["Id"])["Id"] == job["Id"]
    assert api.cancel_object_job(job["Id"])["status"] == "cancelled"


@pytest.mark.unverified
def test_an_import_creates_the_good_rows_and_lists_the_bad_ones(api: ZuoraClient, vehicle: str) -> None:
    job = api.create_object_job(vehicle, "create")
    csv = b"DeviceId__c,Mileage__c\nJOB-1,10\nJOB-2,lots\nJOB-3,30\n"
    api.upload_object_job_file(job["Id"], csv)
    done = api.wait_for_object_job(job["Id"])
    assert (done["status"], done["recordsProcessed"]) == ("completed", 3)
    errors = api.list_object_job_errors(job["Id"])["errors"]
    assert [(e["row"], e["record"]) for e in errors] == [(3, {"DeviceId__c": "JOB-2", "Mileage__c": "lots"})]
    created = api.list_records(vehicle, page_size=10)["records"]
    assert sorted(r["DeviceId__c"] for r in created) == ["JOB-1", "JOB-3"]


@pytest.mark.unverified
def test_a_cancelled_job_takes_no_file(api: ZuoraClient, vehicle: str) -> None:
    job = api.create_object_job(vehicle, "create")
    api.cancel_object_job(job["Id"])
    with pytest.raises(ZuoraAPIError) as caught:
        api.upload_object_job_file(job["Id"], b"DeviceId__c\nA\n")
    assert caught.value.status == 400
    assert api.list_records(vehicle)["records"] == []


@pytest.mark.unverified
def test_jobs_are_listed_by_status(api: ZuoraClient, vehicle: str) -> None:
    job = api.create_object_job(vehicle, "create")
    pending = api.list_object_jobs(status="pending", page_size=40)["jobs"]
    assert job["Id"] in [j["Id"] for j in pending]
    api.cancel_object_job(job["Id"])
    cancelled = api.list_object_jobs(status="cancelled", page_size=40)["jobs"]
    assert job["Id"] in [j["Id"] for j in cancelled]


@pytest.mark.unverified
def test_an_unknown_job_is_not_found(api: ZuoraClient) -> None:
    with pytest.raises(ZuoraAPIError) as caught:
        api.get_object_job(str(uuid.uuid4()))
    assert caught.value.status == 404
