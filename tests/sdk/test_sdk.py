"""The official zuora-sdk drives every emulated operation unchanged; what breaks SDK users fails here."""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from zuora_mock.pytest_plugin import RunningEmulator

# The SDK builds its models with pydantic's deprecated construct(); that warning is the SDK's, not ours.
pytestmark = pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecationWarning")

ACTION = "DeleteRevenueSchedule"
EMPTY_STRING = "Field [DeviceId__c] cannot accept empty string."


def upload_file(tmp_path: Path, rows: int) -> str:
    """A DeleteRevenueSchedule CSV on disk: the SDK takes a path and sends its basename as the filename."""
    path = tmp_path / "delete-schedules.csv"
    path.write_text("Revenue Schedule Number\n" + "".join(f"RS-NOPE-{i:05d}\n" for i in range(rows)))
    return str(path)


def wait_for(
    mass_updater_api: Any, key: str, statuses: tuple[str, ...] = ("Completed", "Stopped", "Failed")
) -> Any:
    deadline = time.monotonic() + 30
    while True:
        result = mass_updater_api.get_mass_updater(key)
        if result.status in statuses or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


def test_initialize_obtains_a_token_and_authenticates_calls(sdk: ModuleType, sdk_client: Any) -> None:
    assert sdk_client.token["access_token"]
    assert (
        sdk_client.api_client.default_headers["Authorization"] == "Bearer " + sdk_client.token["access_token"]
    )
    listed = sdk.CustomObjectDefinitionsApi(
        sdk_client.api_client
    ).get_all_custom_object_definitions_in_namespace()
    assert isinstance(listed.count, int)


def test_oauth_api_create_token(
    sdk: ModuleType, zuora_mock_server: RunningEmulator, sdk_credentials: tuple[str, str]
) -> None:
    api_client = sdk.ApiClient(sdk.Configuration(host=zuora_mock_server.url))
    token = sdk.OAuthApi(api_client).create_token(
        client_id=sdk_credentials[0], client_secret=sdk_credentials[1], grant_type="client_credentials"
    )
    assert token.token_type == "bearer"
    assert token.expires_in == 3599
    assert token.access_token and token.jti and token.scope


def test_bad_secret_raises_api_exception_with_the_oauth_body(
    sdk: ModuleType, zuora_mock_server: RunningEmulator, sdk_credentials: tuple[str, str]
) -> None:
    api_client = sdk.ApiClient(sdk.Configuration(host=zuora_mock_server.url))
    with pytest.raises(sdk.ApiException) as info:
        sdk.OAuthApi(api_client).create_token(
            client_id=sdk_credentials[0], client_secret="wrong", grant_type="client_credentials"
        )
    body = json.loads(info.value.body)
    assert info.value.status == body["status"]
    assert body["path"] == "/oauth/token"


def test_definitions_create_get_list_delete(sdk: ModuleType, definitions_api: Any, vehicle: str) -> None:
    definition = definitions_api.get_custom_object_definition_by_type(vehicle)
    assert definition.type == vehicle
    assert len(definition.id) == 36
    listed = definitions_api.get_all_custom_object_definitions_in_namespace()
    assert vehicle in listed.definitions
    assert listed.count == len(listed.definitions)
    types = definitions_api.get_all_custom_object_definitions_in_namespace(select="type")
    assert types.definitions[vehicle].type == vehicle


def test_unknown_definition_raises_api_exception_with_zuora_body(
    sdk: ModuleType, definitions_api: Any
) -> None:
    with pytest.raises(sdk.ApiException) as info:
        definitions_api.get_custom_object_definition_by_type(f"Missing{uuid.uuid4().hex[:8]}")
    assert info.value.status == 404
    body = json.loads(info.value.body)
    assert isinstance(body["code"], int) and body["message"]


def test_records_create_list_get_patch_delete(
    records_api: Any, vehicle: str, create_records: Callable[..., list[Any]]
) -> None:
    first, second = create_records(vehicle, [{"DeviceId__c": "A", "Mileage__c": 1}, {"DeviceId__c": "B"}])
    assert len(first.id) == 36 and first.type == vehicle
    assert first.additional_properties["DeviceId__c"] == "A"
    listed = records_api.get_all_records_for_custom_object_type(vehicle, page_size=10)
    assert {r.id for r in listed.records} == {first.id, second.id}
    fetched = records_api.get_custom_object_record_by_id(vehicle, first.id)
    assert fetched.additional_properties["Mileage__c"] == 1
    patched = records_api.patch_partial_update_custom_object_record(vehicle, first.id, {"Mileage__c": 2})
    assert patched.additional_properties["Mileage__c"] == 2
    deleted = records_api.delete_custom_object_record_by_id(vehicle, second.id)
    assert deleted == f"/objects/records/default/{vehicle}/{second.id}"
    remaining = records_api.get_all_records_for_custom_object_type(vehicle)
    assert [r.id for r in remaining.records] == [first.id]


def test_create_with_an_empty_string_raises_api_exception(
    sdk: ModuleType, records_api: Any, vehicle: str
) -> None:
    request = sdk.PostCustomObjectRecordsRequest.from_dict({"records": [{"DeviceId__c": ""}]})
    with pytest.raises(sdk.ApiException) as info:
        records_api.post_custom_object_records(vehicle, request)
    assert info.value.status == 400
    body = json.loads(info.value.body)
    assert [d["message"] for d in body["details"]] == [EMPTY_STRING]


def test_batch_update_full_success(
    sdk: ModuleType, records_api: Any, vehicle: str, create_records: Callable[..., list[Any]]
) -> None:
    a, b = create_records(vehicle, [{"DeviceId__c": "A0"}, {"DeviceId__c": "B0"}])
    request = sdk.CustomObjectRecordBatchRequest.from_dict(
        {"action": {"type": "update", "records": {a.id: {"DeviceId__c": "A1"}, b.id: {"DeviceId__c": "B1"}}}}
    )
    response = records_api.post_custom_object_records_batch_update_or_delete(vehicle, request)
    assert response.error is None
    values = {
        r.id: r.additional_properties["DeviceId__c"]
        for r in records_api.get_all_records_for_custom_object_type(vehicle).records
    }
    assert values == {a.id: "A1", b.id: "B1"}


def test_batch_update_partial_success(
    sdk: ModuleType, records_api: Any, vehicle: str, create_records: Callable[..., list[Any]]
) -> None:
    a, b = create_records(vehicle, [{"DeviceId__c": "A0"}, {"DeviceId__c": "B0"}])
    request = sdk.CustomObjectRecordBatchRequest.from_dict(
        {
            "action": {
                "type": "update",
                "allowPartialSuccess": True,
                "records": {a.id: {"DeviceId__c": "A1"}, b.id: {"DeviceId__c": ""}},
            }
        }
    )
    response = records_api.post_custom_object_records_batch_update_or_delete(vehicle, request)
    assert isinstance(response.error.code, int)
    (detail,) = response.error.details
    assert detail.message == EMPTY_STRING
    assert detail.record.id == b.id
    assert (
        records_api.get_custom_object_record_by_id(vehicle, a.id).additional_properties["DeviceId__c"] == "A1"
    )


def test_batch_update_failure_raises_api_exception(
    sdk: ModuleType, records_api: Any, vehicle: str, create_records: Callable[..., list[Any]]
) -> None:
    a, b = create_records(vehicle, [{"DeviceId__c": "A0"}, {"DeviceId__c": "B0"}])
    request = sdk.CustomObjectRecordBatchRequest.from_dict(
        {"action": {"type": "update", "records": {a.id: {"DeviceId__c": "A1"}, b.id: {"DeviceId__c": ""}}}}
    )
    with pytest.raises(sdk.ApiException) as info:
        records_api.post_custom_object_records_batch_update_or_delete(vehicle, request)
    assert info.value.status == 400
    body = json.loads(info.value.body)
    assert [d["record"]["Id"] for d in body["details"]] == [b.id]
    assert (
        records_api.get_custom_object_record_by_id(vehicle, a.id).additional_properties["DeviceId__c"] == "A0"
    )


def test_batch_delete(
    sdk: ModuleType, records_api: Any, vehicle: str, create_records: Callable[..., list[Any]]
) -> None:
    a, b, c = create_records(vehicle, [{"DeviceId__c": "A"}, {"DeviceId__c": "B"}, {"DeviceId__c": "C"}])
    request = sdk.CustomObjectRecordBatchRequest.from_dict(
        {"action": {"type": "delete", "ids": [a.id, b.id]}}
    )
    response = records_api.post_custom_object_records_batch_update_or_delete(vehicle, request)
    assert response.error is None
    assert [r.id for r in records_api.get_all_records_for_custom_object_type(vehicle).records] == [c.id]


def test_mass_updater_upload_poll_and_result(
    sdk: ModuleType, sdk_client: Any, mass_updater_api: Any, tmp_path: Path
) -> None:
    created = mass_updater_api.create_mass_updater(
        file=upload_file(tmp_path, 3), params=json.dumps({"actionType": ACTION})
    )
    assert created.success is True
    assert len(created.bulk_key) == 32
    result = wait_for(mass_updater_api, created.bulk_key)
    assert (result.status, result.action_type) == ("Completed", ACTION)
    assert [
        int(result.total_count),
        int(result.processed_count),
        int(result.error_count),
        int(result.success_count),
    ] == [3, 3, 3, 0]
    assert result.output_type == "(url:.csv.zip)"
    file_id = result.output_url.rsplit("/", 1)[1]
    archive = sdk.FilesApi(sdk_client.api_client).get_files_with_http_info(file_id).raw_data
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        (name,) = zipped.namelist()
        text = zipped.read(name).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Revenue Schedule Number")
    assert len(text.splitlines()) == 4


def test_mass_updater_stop_with_an_in_memory_file(mass_updater_api: Any, tmp_path: Path) -> None:
    # Given bytes, the SDK names the part "file" (no extension) and sends application/octet-stream.
    content = Path(upload_file(tmp_path, 500)).read_bytes()
    created = mass_updater_api.create_mass_updater(file=content, params=json.dumps({"actionType": ACTION}))
    stopped = mass_updater_api.stop_mass_updater(created.bulk_key)
    assert stopped.success is True
    assert wait_for(mass_updater_api, created.bulk_key).status == "Stopped"


def test_mass_updater_error_is_an_api_exception_or_success_false(
    sdk: ModuleType, mass_updater_api: Any, tmp_path: Path
) -> None:
    try:
        response = mass_updater_api.create_mass_updater(
            file=upload_file(tmp_path, 1), params=json.dumps({"actionType": "NoSuchAction"})
        )
    except sdk.ApiException as exc:  # with v1_error_status=4xx
        body = json.loads(exc.body)
    else:  # classic Zuora: HTTP 200 with success false
        # FailedReason.code is typed str while Zuora sends an integer; read the attributes, not to_dict().
        body = {
            "success": response.success,
            "reasons": [{"code": r.code, "message": r.message} for r in response.reasons],
        }
    assert body["success"] is False
    assert int(body["reasons"][0]["code"]) % 100 == 20
