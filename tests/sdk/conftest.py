"""The official zuora-sdk against a real emulator server: imported once per session (it costs ~20 s)."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from zuora_mock.pytest_plugin import RunningEmulator


@pytest.fixture(scope="session")
def sdk() -> ModuleType:
    """The zuora_sdk package, imported once for the whole session."""
    return importlib.import_module("zuora_sdk")


@pytest.fixture(scope="session")
def sdk_credentials() -> tuple[str, str]:
    """A client id nobody else uses: the emulator gives it its own tenant."""
    return str(uuid.uuid4()), "sdk-" + uuid.uuid4().hex[:24]


@pytest.fixture(scope="session")
def sdk_client(
    sdk: ModuleType, zuora_mock_server: RunningEmulator, sdk_credentials: tuple[str, str]
) -> Iterator[Any]:
    """`ZuoraClient(...).initialize()` pointed at the emulator, exactly as an application would do it."""
    client_id, secret = sdk_credentials
    zuora_client = importlib.import_module("zuora_sdk.zuora_client")
    client = zuora_client.ZuoraClient(
        client_id, secret, env=None, config=sdk.Configuration(host=zuora_mock_server.url)
    )
    client.initialize()
    try:
        yield client
    finally:
        client.stop_auto_auth()


@pytest.fixture
def definitions_api(sdk: ModuleType, sdk_client: Any) -> Any:
    return sdk.CustomObjectDefinitionsApi(sdk_client.api_client)


@pytest.fixture
def records_api(sdk: ModuleType, sdk_client: Any) -> Any:
    return sdk.CustomObjectRecordsApi(sdk_client.api_client)


@pytest.fixture
def mass_updater_api(sdk: ModuleType, sdk_client: Any) -> Any:
    return sdk.MassUpdaterApi(sdk_client.api_client)


@pytest.fixture
def vehicle(sdk: ModuleType, definitions_api: Any, records_api: Any) -> Iterator[str]:
    """A uniquely named definition created through the SDK; removed with its records afterwards."""
    name = f"SdkVehicle{uuid.uuid4().hex[:10]}"
    request = sdk.PostCustomObjectDefinitionsRequest.from_dict(
        {
            "definitions": {
                name: {
                    "object": name,
                    "label": "Vehicle",
                    "properties": {
                        "DeviceId__c": {"type": "string", "label": "Device ID", "maxLength": 20},
                        "Mileage__c": {"type": "number", "label": "Mileage"},
                    },
                }
            }
        }
    )
    definitions_api.post_custom_object_definitions(request)
    yield name
    listed = records_api.get_all_records_for_custom_object_type(name, page_size=40)
    ids = [record.id for record in listed.records or []]
    if ids:
        records_api.post_custom_object_records_batch_update_or_delete(
            name, sdk.CustomObjectRecordBatchRequest.from_dict({"action": {"type": "delete", "ids": ids}})
        )
    definitions_api.delete_custom_object_definition_by_type(name)


@pytest.fixture
def create_records(sdk: ModuleType, records_api: Any) -> Callable[..., list[Any]]:
    def factory(name: str, records: list[dict[str, Any]]) -> list[Any]:
        request = sdk.PostCustomObjectRecordsRequest.from_dict({"records": records})
        return records_api.post_custom_object_records(name, request).records

    return factory
