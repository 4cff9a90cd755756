"""POST /oauth/token and bearer authentication (zuora-api.md section 11, cases 1-8)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.contract.conftest import Target
from zuora_mock.client import ZuoraAPIError, ZuoraClient

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
WWW_AUTHENTICATE = "Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API"
AUTH_ERROR = {"message": "Authentication error"}


def token_form(target: Target, **overrides: str) -> dict[str, str]:
    form = {
        "client_id": target.client_id,
        "client_secret": target.client_secret,
        "grant_type": "client_credentials",
    }
    form.update(overrides)
    return form


@pytest.mark.unverified
def test_token_response_shape_and_headers(target: Target, raw: httpx.Client) -> None:
    response = raw.post("/oauth/token", data=token_form(target))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["access_token", "expires_in", "jti", "scope", "token_type"]
    assert body["token_type"] == "bearer"
    assert isinstance(body["expires_in"], (int, float)) and 3000 <= body["expires_in"] <= 3600
    assert isinstance(body["access_token"], str) and body["access_token"]
    assert response.headers["X-RateLimit-Limit-minute"].isdigit()
    assert response.headers["X-RateLimit-Remaining-minute"].isdigit()
    assert UUID_RE.match(response.headers["Zuora-Request-Id"])
    assert "Zuora-Track-Id" not in response.headers


@pytest.mark.unverified
def test_token_echoes_the_track_id(target: Target, raw: httpx.Client) -> None:
    response = raw.post("/oauth/token", data=token_form(target), headers={"Zuora-Track-Id": "job-42"})
    assert response.status_code == 200
    assert response.headers["Zuora-Track-Id"] == "job-42"


@pytest.mark.unverified
def test_unsupported_grant_type_is_a_spring_style_400(target: Target, raw: httpx.Client) -> None:
    response = raw.post("/oauth/token", data=token_form(target, grant_type="password"))
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["path"]) == (400, "/oauth/token")
    assert isinstance(body["message"], str) and body["message"]


@pytest.mark.unverified
def test_malformed_client_id_is_an_invalid_client(target: Target) -> None:
    with target.client(client_secret="whatever") as client:
        client.auth.client_id = "not-a-36-character-client-id"
        with pytest.raises(ZuoraAPIError) as info:
            client.token()
    assert info.value.status == 400
    assert "Invalid client id" in info.value.message
    assert info.value.body["path"] == "/oauth/token"


@pytest.mark.unverified
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/bulk/ffffffffffffffffffffffffffffffff"),
        ("PUT", "/v1/bulk/ffffffffffffffffffffffffffffffff/stop"),
        ("GET", "/objects/definitions/default"),
        ("GET", "/objects/records/default/Vehicle"),
        ("POST", "/objects/batch/default/Vehicle"),
    ],
)
@pytest.mark.parametrize(
    "authorization", [None, "Bearer 0123456789abcdef0123456789abcdef", "Basic Zm9vOmJhcg=="]
)
def test_missing_or_bad_bearer_is_the_gateway_401(
    raw: httpx.Client, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = raw.request(
        method,
        path,
        headers=headers,
        json={"action": {"type": "delete", "ids": []}} if method == "POST" else None,
    )
    assert response.status_code == 401
    assert response.json() == AUTH_ERROR
    assert response.headers["WWW-Authenticate"] == WWW_AUTHENTICATE
    assert UUID_RE.match(response.headers["Zuora-Request-Id"])


@pytest.mark.emulator_only
def test_expired_token_is_refused_and_the_client_recovers(target: Target, raw: httpx.Client) -> None:
    with target.client() as client:
        token = client.token()["access_token"]
        assert raw.post("/_mock/clock", json={"advance": 3600}).status_code == 200
        response = raw.get("/objects/definitions/default", headers={"Authorization": f"Bearer {token}"})
        assert (response.status_code, response.json()) == (401, AUTH_ERROR)
        assert "count" in client.list_definitions()
        assert client.auth.token_requests == 2
        assert client.auth.access_token != token


@pytest.mark.unverified
def test_client_fetches_its_token_lazily(api: ZuoraClient) -> None:
    assert isinstance(api.list_definitions()["definitions"], dict)
    assert api.auth.access_token
