"""Behaviours the fidelity audit changed (docs/fidelity.md), as expected from Zuora's documentation and spec;
unverified until run against a real tenant (--target tenant)."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.contract.conftest import Target
from zuora_mock.client import ZuoraClient

pytestmark = pytest.mark.unverified
UNKNOWN_FILE = "f" * 32
UNKNOWN_BULK_KEY = "e" * 32
RECORD_ERROR_CODES = {71012520, 71012521, 71012522, 71012523, 71012524, 71012525, 71012526, 71012530}
# A tenant user for HTTP Basic: the demo fixture's on the emulator, these variables against a real tenant.
USER_ENV, PASSWORD_ENV = "ZUORA_CONTRACT_USERNAME", "ZUORA_CONTRACT_PASSWORD"
DEMO_USER = ("avery.quinn@northwind-demo.example", "demo-password-8Rk2Vq7Lm3Xc")


def test_an_unknown_file_is_a_404_never_a_200(raw: httpx.Client, bearer: dict[str, str]) -> None:
    response = raw.get(f"/v1/files/{UNKNOWN_FILE}", headers=bearer)
    assert response.status_code == 404
    assert response.json()["success"] is False


def test_the_token_401_carries_www_authenticate(raw: httpx.Client, target: Target) -> None:
    form = {"client_id": target.client_id, "client_secret": "wrong", "grant_type": "client_credentials"}
    response = raw.post("/oauth/token", data=form)
    assert response.status_code == 401
    assert "Bearer realm=Zuora API" in response.headers["WWW-Authenticate"]


def test_a_v1_403_is_code_and_message(raw: httpx.Client, bearer: dict[str, str]) -> None:
    headers = {**bearer, "Zuora-Org-Ids": "not-an-org-of-this-tenant"}
    response = raw.get(f"/v1/bulk/{UNKNOWN_BULK_KEY}", headers=headers)
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"code", "message"} and isinstance(body["code"], int)


def test_a_batch_update_of_an_unknown_id_uses_a_code_of_the_spec(
    api: ZuoraClient, make_definition: Callable[..., str]
) -> None:
    vehicle = make_definition()
    records = {str(uuid.uuid4()): {"DeviceId__c": "X"}}
    body = api.batch_update(vehicle, records, allow_partial_success=True)
    (detail,) = body["error"]["details"]
    assert detail["code"] in RECORD_ERROR_CODES


def test_an_idempotency_key_of_another_tenant_is_a_422(
    raw: httpx.Client, bearer: dict[str, str], target: Target, make_definition: Callable[..., str]
) -> None:
    if not target.is_emulator:
        pytest.skip("needs a second tenant's credentials")
    vehicle = make_definition()
    key = f"contract-{uuid.uuid4()}"
    path = f"/objects/records/default/{vehicle}"
    first = raw.post(path, json={"records": [{}]}, headers={**bearer, "Idempotency-Key": key})
    assert first.status_code == 200
    token = raw.post(
        "/oauth/token",
        data={"client_id": str(uuid.uuid4()), "client_secret": "s", "grant_type": "client_credentials"},
    ).json()["access_token"]
    other = raw.post(
        path, json={"records": [{}]}, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    )
    assert other.status_code == 422


def _user(target: Target) -> tuple[str, str]:
    if target.is_emulator:
        return DEMO_USER
    if not (os.environ.get(USER_ENV) and os.environ.get(PASSWORD_ENV)):
        pytest.skip(f"set {USER_ENV} and {PASSWORD_ENV} to a tenant user")
    return os.environ[USER_ENV], os.environ[PASSWORD_ENV]


@pytest.mark.parametrize("scheme", ["basic", "access-keys"])
def test_v1_takes_user_credentials_objects_do_not(raw: httpx.Client, target: Target, scheme: str) -> None:
    user, password = _user(target)
    headers: dict[str, Any]
    if scheme == "basic":
        headers = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
    else:
        headers = {"apiAccessKeyId": user, "apiSecretAccessKey": password}
    v1 = raw.get(f"/v1/bulk/{UNKNOWN_BULK_KEY}", headers=headers)
    assert v1.status_code in (200, 404) and v1.json()["success"] is False  # signed in; the key is unknown
    assert raw.get("/objects/definitions/default", headers=headers).status_code == 401
