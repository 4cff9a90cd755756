"""The fidelity fixes as the official SDK sees them; the SDK-derived spec file the conformance check reads."""

from __future__ import annotations

import base64
import json
import uuid
from types import ModuleType
from typing import Any

import pytest

from tests.conformance import generate
from zuora_mock.pytest_plugin import RunningEmulator

pytestmark = pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecationWarning")
DEMO_EMAIL = "avery.quinn@northwind-demo.example"
DEMO_PASSWORD = "demo-password-8Rk2Vq7Lm3Xc"


def test_the_stored_spec_is_the_sdks(sdk: ModuleType) -> None:
    """tests/conformance/sdk_spec.json must say what the installed SDK says (regenerate it otherwise)."""
    stored = json.loads(generate.SPEC_FILE.read_text(encoding="utf-8"))
    fresh = generate.build()
    assert stored["sdk"] == sdk.__version__
    assert stored["operations"] == {k: fresh["operations"][k] for k in stored["operations"]}
    assert stored["models"] == {k: fresh["models"][k] for k in stored["models"]}
    assert set(fresh["operations"]) <= set(stored["operations"]), "python -m tests.conformance.generate"


def test_an_unknown_file_is_an_api_exception_not_a_zip(sdk: ModuleType, sdk_client: Any) -> None:
    with pytest.raises(sdk.ApiException) as info:
        sdk.FilesApi(sdk_client.api_client).get_files("f" * 32)
    assert info.value.status == 404
    assert json.loads(info.value.body)["reasons"][0]["code"] == 50000040


def test_token_401_carries_www_authenticate(
    sdk: ModuleType, zuora_mock_server: RunningEmulator, sdk_credentials: tuple[str, str], sdk_client: Any
) -> None:
    # sdk_client signed in first: the client id is known with its secret, so "wrong" is a wrong secret.
    api_client = sdk.ApiClient(sdk.Configuration(host=zuora_mock_server.url))
    with pytest.raises(sdk.ApiException) as info:
        sdk.OAuthApi(api_client).create_token(
            client_id=sdk_credentials[0], client_secret="wrong", grant_type="client_credentials"
        )
    assert info.value.status == 401
    assert info.value.headers["WWW-Authenticate"].startswith("Basic realm=Zuora API")


def test_a_403_is_common_error_response(sdk: ModuleType, mass_updater_api: Any) -> None:
    with pytest.raises(sdk.ApiException) as info:
        mass_updater_api.get_mass_updater("f" * 32, zuora_org_ids="not-an-org-of-this-tenant")
    assert info.value.status == 403
    parsed = sdk.CommonErrorResponse.from_json(info.value.body)
    assert parsed.code == 90000010 and parsed.message


def test_batch_unknown_id_code_is_in_the_spec_enum(
    sdk: ModuleType, records_api: Any, vehicle: str, create_records: Any
) -> None:
    create_records(vehicle, [{"DeviceId__c": "A0"}])
    unknown = str(uuid.uuid4())
    request = sdk.CustomObjectRecordBatchRequest.from_dict(
        {
            "action": {
                "type": "update",
                "allowPartialSuccess": True,
                "records": {unknown: {"DeviceId__c": "X"}},
            }
        }
    )
    response = records_api.post_custom_object_records_batch_update_or_delete(vehicle, request)
    (detail,) = response.error.details
    assert detail.code == 71012520 and detail.record.id == unknown


def test_idempotency_key_of_another_tenant_is_422(
    sdk: ModuleType, sdk_client: Any, zuora_mock_server: RunningEmulator, tmp_path: Any
) -> None:
    key = f"shared-{uuid.uuid4()}"
    path = tmp_path / "rs.csv"
    path.write_text("Revenue Schedule Number\nRS-00000001\n")
    params = json.dumps({"actionType": "DeleteRevenueSchedule"})
    sdk.MassUpdaterApi(sdk_client.api_client).create_mass_updater(
        file=str(path), params=params, idempotency_key=key
    )
    other = _client_of_a_fresh_tenant(sdk, zuora_mock_server)
    with pytest.raises(sdk.ApiException) as info:
        sdk.MassUpdaterApi(other).create_mass_updater(file=str(path), params=params, idempotency_key=key)
    assert info.value.status == 422


def test_v1_accepts_basic_auth_through_the_sdk_api_client(
    sdk: ModuleType, zuora_mock_server: RunningEmulator
) -> None:
    api_client = sdk.ApiClient(sdk.Configuration(host=zuora_mock_server.url))
    credentials = base64.b64encode(f"{DEMO_EMAIL}:{DEMO_PASSWORD}".encode()).decode()
    api_client.default_headers["Authorization"] = f"Basic {credentials}"
    response = sdk.MassUpdaterApi(api_client).get_mass_updater("f" * 32)
    assert response.success is False  # HTTP 200 + success:false: signed in, the key is unknown
    with pytest.raises(sdk.ApiException) as info:
        sdk.CustomObjectDefinitionsApi(api_client).get_all_custom_object_definitions_in_namespace()
    assert info.value.status == 401


def _client_of_a_fresh_tenant(sdk: ModuleType, server: RunningEmulator) -> Any:
    api_client = sdk.ApiClient(sdk.Configuration(host=server.url))
    token = sdk.OAuthApi(api_client).create_token(
        client_id=str(uuid.uuid4()), client_secret="other-tenant", grant_type="client_credentials"
    )
    api_client.default_headers["Authorization"] = f"Bearer {token.access_token}"
    return api_client
