"""Zuora's v1 API takes HTTP Basic and the apiAccessKeyId/apiSecretAccessKey headers besides OAuth;
/objects/... takes OAuth only (its Authorization header is required and means a bearer token)."""

from __future__ import annotations

import base64

import pytest

from tests.api.test_bulk_upload import post_bulk
from zuora_mock.api.envelopes import WWW_AUTHENTICATE

EMAIL = "avery.quinn@northwind-demo.example"
PASSWORD = "demo-password-8Rk2Vq7Lm3Xc"
UNKNOWN_KEY = "ffffffffffffffffffffffffffffffff"


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def keys(user: str, password: str) -> dict[str, str]:
    return {"apiAccessKeyId": user, "apiSecretAccessKey": password}


def assert_gateway_401(response) -> None:
    assert response.status_code == 401
    assert response.get_json() == {"message": "Authentication error"}
    assert response.headers["WWW-Authenticate"] == WWW_AUTHENTICATE


@pytest.mark.parametrize("credentials", [basic(EMAIL, PASSWORD), keys(EMAIL, PASSWORD)])
def test_v1_accepts_basic_and_access_keys(client, auth, credentials):
    response = post_bulk(client, credentials, params={"actionType": "DeleteRevenueSchedule"})
    body = response.get_json()
    assert response.status_code == 200 and body["success"] is True
    # The job is the tenant's: the OAuth client of the same tenant sees it.
    status = client.get(f"/v1/bulk/{body['bulkKey']}", headers=auth).get_json()
    assert status["uploadedBy"] == EMAIL
    unknown = client.get(f"/v1/bulk/{UNKNOWN_KEY}", headers=credentials)
    assert unknown.get_json()["reasons"][0]["code"] == 50000040
    assert "Concurrency-Limit-Remaining" in unknown.headers


@pytest.mark.parametrize(
    "credentials",
    [
        basic(EMAIL, "wrong"),
        basic("nobody@example.com", PASSWORD),
        keys(EMAIL, "wrong"),
        {"apiAccessKeyId": EMAIL},
        {"Authorization": "Basic %%%"},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
    ],
)
def test_v1_refuses_wrong_credentials(client, credentials):
    assert_gateway_401(client.get(f"/v1/bulk/{UNKNOWN_KEY}", headers=credentials))


@pytest.mark.parametrize("credentials", [basic(EMAIL, PASSWORD), keys(EMAIL, PASSWORD)])
def test_objects_refuse_anything_but_oauth(client, credentials):
    assert_gateway_401(client.get("/objects/definitions/default", headers=credentials))


def test_a_tenant_without_a_password_refuses_basic(client):
    """The multi-entity fixture declares no password: Basic sign-in to it is refused."""
    response = client.get(f"/v1/bulk/{UNKNOWN_KEY}", headers=basic("morgan.lee@contoso-demo.example", ""))
    assert_gateway_401(response)
