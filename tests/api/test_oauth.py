"""POST /oauth/token: Zuora's token body and headers, its Spring-style errors, expiry and strict clients."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.api.probe import align_clock, install_probe
from tests.conftest import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_ENTITY,
    MULTI_CLIENT_ID,
    MULTI_CLIENT_SECRET,
    MULTI_ENTITIES,
)
from zuora_mock.api.commands import MSG_OAUTH_CONTENT_TYPE
from zuora_mock.api.envelopes import WWW_AUTHENTICATE
from zuora_mock.backend.tenants import (
    MSG_OAUTH_CLIENT,
    MSG_OAUTH_CREDENTIALS,
    MSG_OAUTH_ENTITY,
    MSG_OAUTH_GRANT,
    MSG_OAUTH_MISSING,
    MSG_OAUTH_SECRET_LENGTH,
)
from zuora_mock.core.errors import MSG_AUTHENTICATION, MSG_METHOD_NOT_ALLOWED

HEX32 = re.compile(r"^[0-9a-f]{32}$")
UUID36 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$")
GOOD = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, "grant_type": "client_credentials"}
WWW_AUTH = "Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API"


def _without(name):
    return {k: v for k, v in GOOD.items() if k != name}


def test_token_body_and_headers(client):
    align_clock(client)
    response = client.post("/oauth/token", data=GOOD)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    body = response.get_json()
    assert list(body) == ["access_token", "expires_in", "jti", "scope", "token_type"]
    assert HEX32.match(body["access_token"]) and HEX32.match(body["jti"])
    assert body["access_token"] != body["jti"]
    assert body["expires_in"] == 3599
    assert body["token_type"] == "bearer"
    assert body["scope"] == (
        f"user.8ad084a67f9c7138017fab8a8b511b5a entity.{DEMO_ENTITY} service.echo.read tenant.10019"
    )
    assert response.headers["X-RateLimit-Limit-minute"] == "2000"
    assert response.headers["X-RateLimit-Remaining-minute"] == "1999"
    assert UUID36.match(response.headers["Zuora-Request-Id"])
    assert "Zuora-Track-Id" not in response.headers
    assert "RateLimit-Limit" not in response.headers
    assert "Concurrency-Limit-Type" not in response.headers


def test_token_echoes_track_id(client):
    response = client.post("/oauth/token", data=GOOD, headers={"Zuora-Track-Id": "job-42"})
    assert response.status_code == 200
    assert response.headers["Zuora-Track-Id"] == "job-42"


def test_each_token_is_new_and_remaining_counts_down(client):
    align_clock(client)
    first = client.post("/oauth/token", data=GOOD)
    second = client.post("/oauth/token", data=GOOD)
    assert first.get_json()["access_token"] != second.get_json()["access_token"]
    assert second.headers["X-RateLimit-Remaining-minute"] == "1998"


def test_token_ttl_setting(make_app):
    client = make_app(token_ttl=120).test_client()
    assert client.post("/oauth/token", data=GOOD).get_json()["expires_in"] == 120


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        (_without("client_id"), 400, MSG_OAUTH_MISSING.format(name="client_id")),
        (_without("client_secret"), 400, MSG_OAUTH_MISSING.format(name="client_secret")),
        (_without("grant_type"), 400, MSG_OAUTH_MISSING.format(name="grant_type")),
        ({**GOOD, "client_id": ""}, 400, MSG_OAUTH_MISSING.format(name="client_id")),
        ({**GOOD, "grant_type": "password"}, 400, MSG_OAUTH_GRANT.format(grant="password")),
        (
            {**GOOD, "grant_type": "CLIENT_CREDENTIALS"},
            400,
            MSG_OAUTH_GRANT.format(grant="CLIENT_CREDENTIALS"),
        ),
        ({**GOOD, "client_id": "short"}, 400, MSG_OAUTH_CLIENT),
        ({**GOOD, "client_id": DEMO_CLIENT_ID + "x"}, 400, MSG_OAUTH_CLIENT),
        ({**GOOD, "client_secret": "s" * 43}, 400, MSG_OAUTH_SECRET_LENGTH),
        ({**GOOD, "client_secret": "wrong-secret"}, 401, MSG_OAUTH_CREDENTIALS),
    ],
)
def test_token_errors_are_spring_style(client, form, status, message):
    response = client.post("/oauth/token", data=form)
    assert response.status_code == status
    body = response.get_json()
    assert list(body) == ["timestamp", "status", "error", "message", "path"]
    assert TIMESTAMP.match(body["timestamp"])
    assert body["status"] == status
    assert body["error"] == {400: "Bad Request", 401: "Unauthorized"}[status]
    assert body["message"] == message
    assert body["path"] == "/oauth/token"
    assert UUID36.match(response.headers["Zuora-Request-Id"])
    # The SDK docs (OAuthApi.md) list WWW-Authenticate for the token endpoint's 401 only.
    assert response.headers.get("WWW-Authenticate") == (WWW_AUTHENTICATE if status == 401 else None)


def test_json_body_is_refused_with_415(client):
    response = client.post("/oauth/token", json=GOOD)
    assert response.status_code == 415
    body = response.get_json()
    assert (body["status"], body["error"], body["message"]) == (
        415,
        "Unsupported Media Type",
        MSG_OAUTH_CONTENT_TYPE,
    )


def test_get_token_is_405_in_oauth_envelope(client):
    response = client.get("/oauth/token")
    assert response.status_code == 405
    body = response.get_json()
    assert (body["status"], body["message"], body["path"]) == (
        405,
        MSG_METHOD_NOT_ALLOWED.format(method="GET"),
        "/oauth/token",
    )


def test_strict_mode_refuses_unknown_clients(make_app):
    client = make_app(strict_clients=True).test_client()
    response = client.post("/oauth/token", data={**GOOD, "client_id": str(uuid.uuid4())})
    assert response.status_code == 400
    assert response.get_json()["message"] == MSG_OAUTH_CLIENT
    assert client.post("/oauth/token", data=GOOD).status_code == 200


def test_lenient_mode_gives_unknown_client_its_own_tenant(client):
    client_id = str(uuid.uuid4())
    response = client.post("/oauth/token", data={**GOOD, "client_id": client_id, "client_secret": "mine"})
    assert response.status_code == 200
    scope = response.get_json()["scope"]
    assert "tenant.10019" not in scope and "tenant.10020" not in scope
    assert re.fullmatch(r"user\.[0-9a-f]{32} entity\.[0-9a-f-]{36} service\.echo\.read tenant\.\d+", scope)
    # The secret used first is now that client's secret.
    again = client.post("/oauth/token", data={**GOOD, "client_id": client_id, "client_secret": "other"})
    assert again.status_code == 401
    assert again.get_json()["message"] == MSG_OAUTH_CREDENTIALS


def test_entity_header_narrows_the_token(client):
    form = {**GOOD, "client_id": MULTI_CLIENT_ID, "client_secret": MULTI_CLIENT_SECRET}
    both = client.post("/oauth/token", data=form).get_json()["scope"]
    assert f"entity.{MULTI_ENTITIES[0]} entity.{MULTI_ENTITIES[1]}" in both
    one = client.post("/oauth/token", data=form, headers={"Zuora-Entity-Ids": MULTI_ENTITIES[1]}).get_json()
    assert f"entity.{MULTI_ENTITIES[1]}" in one["scope"] and MULTI_ENTITIES[0] not in one["scope"]
    bad = client.post("/oauth/token", data=form, headers={"Zuora-Entity-Ids": DEMO_ENTITY})
    assert bad.status_code == 400
    assert bad.get_json()["message"] == MSG_OAUTH_ENTITY.format(entity=DEMO_ENTITY)


@pytest.fixture
def probed(app):
    install_probe(app)
    return app.test_client()


def _use(client, token):
    return client.get("/v1/probe/items", headers={"Authorization": f"Bearer {token}"})


def _expect_401(response):
    assert response.status_code == 401
    assert response.get_json() == {"message": MSG_AUTHENTICATION}
    assert response.headers["WWW-Authenticate"] == WWW_AUTH


def test_token_expires(probed):
    client = probed
    token = client.post("/oauth/token", data=GOOD).get_json()["access_token"]
    client.post("/_mock/clock", json={"advance": 3598})
    assert _use(client, token).status_code == 200
    client.post("/_mock/clock", json={"advance": 1})
    _expect_401(_use(client, token))
    # A new token works again.
    assert _use(client, client.post("/oauth/token", data=GOOD).get_json()["access_token"]).status_code == 200


def test_tokens_survive_reset(probed):
    client = probed
    token = client.post("/oauth/token", data=GOOD).get_json()["access_token"]
    assert client.post("/_mock/reset").status_code == 200
    assert _use(client, token).status_code == 200


def test_auth_rate_limit_gives_429(make_app):
    client = make_app(auth_rate_limit_minute=2).test_client()
    align_clock(client)
    assert client.post("/oauth/token", data=GOOD).status_code == 200
    assert client.post("/oauth/token", data=GOOD).headers["X-RateLimit-Remaining-minute"] == "0"
    refused = client.post("/oauth/token", data=GOOD)
    assert refused.status_code == 429
    reset = int(refused.headers["Retry-After"])
    assert 1 <= reset <= 60
    assert refused.get_json() == {
        "reasons": [
            {"code": 70, "message": f"API Rate limit exceeded for the minute, retry after {reset} seconds"}
        ]
    }
    assert refused.headers["X-RateLimit-Remaining-minute"] == "0"
