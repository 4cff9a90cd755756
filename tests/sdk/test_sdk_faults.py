"""Faults through the official zuora-sdk: the exception type and body a user of the SDK sees, and a retry."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from zuora_mock.mock_admin import MockAdmin
from zuora_mock.pytest_plugin import RunningEmulator

pytestmark = pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecationWarning")


@pytest.fixture
def admin(zuora_mock_server: RunningEmulator, sdk_credentials: tuple[str, str]) -> Iterator[MockAdmin]:
    """Rules scoped to the SDK tests' own tenant, removed afterwards."""
    with MockAdmin(zuora_mock_server.url) as mock:
        yield mock
        mock.remove_added_faults()


def sdk_tenant(sdk_credentials: tuple[str, str]) -> str:
    return f"client-{sdk_credentials[0]}"


def test_throttled_batch_is_a_service_exception_and_the_retry_applies_once(
    sdk: ModuleType,
    records_api: Any,
    vehicle: str,
    create_records: Callable[..., list[Any]],
    admin: MockAdmin,
    sdk_credentials: tuple[str, str],
) -> None:
    a, b = create_records(vehicle, [{"DeviceId__c": "A0"}, {"DeviceId__c": "B0"}])
    tenant = sdk_tenant(sdk_credentials)
    admin.add_fault(
        "throttled-records", method="POST", path=f"/objects/batch/default/{vehicle}", tenant=tenant
    )
    request = sdk.CustomObjectRecordBatchRequest.from_dict(
        {"action": {"type": "update", "records": {a.id: {"DeviceId__c": "A1"}, b.id: {"DeviceId__c": "B1"}}}}
    )
    with pytest.raises(sdk.ApiException) as info:
        records_api.post_custom_object_records_batch_update_or_delete(vehicle, request)
    assert isinstance(info.value, sdk.exceptions.ServiceException)
    assert info.value.status == 500
    body = json.loads(info.value.body)
    assert body["code"] == 71012561
    assert sorted(detail["record"]["Id"] for detail in body["details"]) == sorted([a.id, b.id])
    retry = sdk.CustomObjectRecordBatchRequest.from_dict(
        {
            "action": {
                "type": "update",
                "records": {d["record"]["Id"]: {"DeviceId__c": "X"} for d in body["details"]},
            }
        }
    )
    assert records_api.post_custom_object_records_batch_update_or_delete(vehicle, retry).error is None
    listed = records_api.get_all_records_for_custom_object_type(vehicle).records
    assert sorted(r.additional_properties["DeviceId__c"] for r in listed) == ["X", "X"]
    assert len(admin.requests(method="POST", path=f"/objects/batch/default/{vehicle}", tenant=tenant)) == 2


def test_rate_limit_is_retried_by_the_sdk_after_retry_after(
    definitions_api: Any, admin: MockAdmin, sdk_credentials: tuple[str, str]
) -> None:
    """urllib3 under the SDK retries a 429 with Retry-After: the user's call succeeds, a second later."""
    tenant = sdk_tenant(sdk_credentials)
    admin.add_fault("rate-limit", path="/objects/definitions/*", tenant=tenant, retryAfter=1)
    assert definitions_api.get_all_custom_object_definitions_in_namespace().count >= 0
    seen = admin.requests(path="/objects/definitions/default", tenant=tenant, limit=2)
    assert [entry["status"] for entry in seen] == [429, 200]


@pytest.mark.parametrize(("fault", "status"), [("bad-gateway", 502), ("gateway-timeout", 504)])
def test_edge_faults_are_service_exceptions(
    sdk: ModuleType,
    definitions_api: Any,
    admin: MockAdmin,
    sdk_credentials: tuple[str, str],
    fault: str,
    status: int,
) -> None:
    admin.add_fault(fault, path="/objects/definitions/*", tenant=sdk_tenant(sdk_credentials))
    with pytest.raises(sdk.exceptions.ServiceException) as info:
        definitions_api.get_all_custom_object_definitions_in_namespace()
    assert info.value.status == status
    assert "<html>" in info.value.body
    assert definitions_api.get_all_custom_object_definitions_in_namespace().count >= 0


def test_job_failed_through_the_mass_updater(
    sdk: ModuleType,
    mass_updater_api: Any,
    admin: MockAdmin,
    sdk_credentials: tuple[str, str],
    tmp_path: Path,
) -> None:
    from tests.sdk.test_sdk import upload_file, wait_for

    admin.add_fault("job-failed", method="POST", path="/v1/bulk", tenant=sdk_tenant(sdk_credentials))
    created = mass_updater_api.create_mass_updater(
        file=upload_file(tmp_path, 6), params=json.dumps({"actionType": "DeleteRevenueSchedule"})
    )
    result = wait_for(mass_updater_api, created.bulk_key)
    assert result.status == "Failed"
    assert result.output_url is None
    assert result.process_id and len(result.process_id) == 16
    assert [r.message for r in result.reasons] == [
        "The mass action failed while processing row 4. No response file was created."
    ]
    assert int(result.processed_count) == 3
