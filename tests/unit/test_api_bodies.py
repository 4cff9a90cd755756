"""Response bodies built from backend models: key order, nulls and links exactly as Zuora sends them."""

from __future__ import annotations

import pytest

from zuora_mock.api import bodies
from zuora_mock.backend.massactions.store import JobStatus

EPOCH = 1_767_225_600.0  # 2026-01-01 00:00:00 UTC

PENDING = JobStatus(
    action_type="DeleteRevenueSchedule",
    status="Pending",
    uploaded_by="api.user@example.com",
    uploaded_at=EPOCH,
    started_at=None,
    ended_at=None,
    input_size=None,
    file_id=None,
    output_size=None,
    output_type=None,
    total=None,
    processed=None,
    errors=None,
    successes=None,
)
COMPLETED = JobStatus(
    action_type="DeleteRevenueSchedule",
    status="Completed",
    uploaded_by="api.user@example.com",
    uploaded_at=EPOCH,
    started_at=EPOCH + 1,
    ended_at=EPOCH + 2,
    input_size=62,
    file_id="f" * 32,
    output_size=300,
    output_type="(url:.csv.zip)",
    total=3,
    processed=3,
    errors=1,
    successes=2,
)
STATUS_KEYS = [
    "actionType",
    "inputSize",
    "uploadedBy",
    "uploadedOn",
    "status",
    "startedOn",
    "endedOn",
    "outputSize",
    "outputURL",
    "outputType",
    "totalCount",
    "processedCount",
    "errorCount",
    "successCount",
    "success",
]


def test_pending_job_reports_nulls_in_zuoras_key_order() -> None:
    body = bodies.job_status(PENDING, "http://h")
    assert list(body) == STATUS_KEYS
    assert body["uploadedOn"] == "2026-01-01 00:00:00"
    assert [k for k, v in body.items() if v is None] == [
        "inputSize",
        "startedOn",
        "endedOn",
        "outputSize",
        "outputURL",
        "outputType",
        "totalCount",
        "processedCount",
        "errorCount",
        "successCount",
    ]


@pytest.mark.parametrize("base_url", ["http://h", "http://h/"])
def test_completed_job_links_its_file_under_the_base_url(base_url: str) -> None:
    body = bodies.job_status(COMPLETED, base_url)
    assert body["outputURL"] == "http://h/v1/files/" + "f" * 32
    assert (body["startedOn"], body["endedOn"]) == ("2026-01-01 00:00:01", "2026-01-01 00:00:02")
    assert (body["totalCount"], body["errorCount"], body["successCount"], body["success"]) == (3, 1, 2, True)


def test_partial_success_bodies_put_the_error_first() -> None:
    failure = {"code": 1, "message": "m", "record": {}}
    assert list(bodies.created_records([{"Id": "a"}], [failure])) == ["error", "records"]
    assert bodies.created_records([{"Id": "a"}], []) == {"records": [{"Id": "a"}]}
    assert bodies.batch_result([]) == {}
    assert bodies.batch_result([failure])["error"]["details"] == [failure]


def test_deleted_paths_are_the_resource_paths() -> None:
    assert bodies.deleted_definition("Car") == "/objects/definitions/default/Car"
    assert bodies.deleted_record("Car", "x") == "/objects/records/default/Car/x"
