"""The emulator's own namespace /_mock/: JSON everywhere, no token needed, apart from Zuora's paths."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import fetch_token
from zuora_mock import __version__

pytestmark = pytest.mark.emulator_only

JSON = "application/json;charset=utf-8"


def without_ids(body: dict[str, Any]) -> dict[str, Any]:
    assert re.fullmatch(r"[0-9A-F]{16}", body.pop("processId"))
    assert re.fullmatch(r"[0-9a-f-]{36}", body.pop("requestId"))
    return body


def test_health_answers_json_once_ready(client: FlaskClient) -> None:
    response = client.get("/_mock/health")
    assert (response.status_code, response.content_type) == (200, JSON)
    body = response.get_json()
    assert body == {"status": "ok", "version": __version__, "tenants": 2, "dashboard": "/_mock/ui/"}
    assert list(body) == ["status", "version", "tenants", "dashboard"]
    assert "RateLimit-Limit" not in response.headers
    assert re.fullmatch(r"[0-9a-f-]{36}", response.headers["Zuora-Request-Id"])


def test_health_counts_tenants_created_for_unknown_clients(client: FlaskClient) -> None:
    fetch_token(client, "0f0f0f0f-0000-4000-8000-00000000000a", "any-secret")
    assert client.get("/_mock/health").get_json()["tenants"] == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"success": True, "reset": ["demo", "multi-entity"]}),
        ("?tenant=demo", {"success": True, "reset": ["demo"]}),
        ("?tenant=multi-entity", {"success": True, "reset": ["multi-entity"]}),
    ],
)
def test_reset_names_what_it_reset(client: FlaskClient, query: str, expected: dict[str, Any]) -> None:
    response = client.post("/_mock/reset" + query)
    assert (response.status_code, response.content_type, response.get_json()) == (200, JSON, expected)


def test_reset_of_an_unknown_tenant_is_404(client: FlaskClient) -> None:
    response = client.post("/_mock/reset?tenant=nobody")
    assert (response.status_code, response.content_type) == (404, JSON)
    assert without_ids(response.get_json()) == {
        "success": False,
        "reasons": [{"code": 50000040, "message": "Unknown tenant 'nobody'."}],
    }


def test_reset_keeps_tokens_valid_and_is_fast(client: FlaskClient, auth: dict[str, str]) -> None:
    import time

    started = time.perf_counter()
    assert client.post("/_mock/reset").status_code == 200
    assert time.perf_counter() - started < 1.0  # milliseconds in practice; generous for loaded CI machines
    assert client.get("/objects/definitions/default", headers=auth).status_code == 200


def test_reset_removes_a_definition_created_since(client: FlaskClient, auth: dict[str, str]) -> None:
    before = client.get("/objects/definitions/default", headers=auth).get_json()
    gadget = {
        "object": "Gadget",
        "label": "Gadget",
        "properties": {"Name__c": {"type": "string", "label": "Name"}},
    }
    created = client.post(
        "/objects/definitions/default", headers=auth, json={"definitions": {"Gadget": gadget}}
    )
    assert created.status_code == 200
    assert client.get("/objects/definitions/default", headers=auth).get_json()["count"] == before["count"] + 1
    client.post("/_mock/reset")
    after = client.get("/objects/definitions/default", headers=auth).get_json()
    assert after["count"] == before["count"]
    assert {name: d["Id"] for name, d in after["definitions"].items()} == {
        name: d["Id"] for name, d in before["definitions"].items()
    }


def test_tenants_lists_the_fixture_tenants(client: FlaskClient) -> None:
    response = client.get("/_mock/tenants")
    assert response.get_json() == {
        "tenants": [
            {
                "name": "demo",
                "tenantId": "10019",
                "userId": "8ad084a67f9c7138017fab8a8b511b5a",
                "entities": ["1a2b7a37-3e7d-4cb3-b0e2-883de9e766cc"],
            },
            {
                "name": "multi-entity",
                "tenantId": "10020",
                "userId": "8ad09be48db5aa2b018dc1c4b2cd0a31",
                "entities": ["c92ed977-510c-4c48-9b51-8d5e848671e9", "f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"],
            },
        ]
    }


def test_clock_advances_without_sleeping(client: FlaskClient) -> None:
    now = client.get("/_mock/clock").get_json()
    assert now["offset"] == 0.0
    moved = client.post("/_mock/clock", json={"advance": 3600}).get_json()
    assert moved["offset"] == 3600.0 and moved["now"] >= now["now"] + 3600


@pytest.mark.parametrize("advance", [-1, "10", True, None])
def test_clock_rejects_a_bad_advance(client: FlaskClient, advance: Any) -> None:
    response = client.post("/_mock/clock", json={"advance": advance})
    assert (response.status_code, response.content_type) == (400, JSON)
    assert without_ids(response.get_json()) == {
        "success": False,
        "reasons": [{"code": 50000020, "message": "'advance' must be a number of seconds >= 0."}],
    }


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [
        ("GET", "/_mock/nothing", 404, "The requested resource was not found: /_mock/nothing"),
        ("DELETE", "/_mock/health", 405, "The HTTP method DELETE is not supported by this resource."),
        ("GET", "/_mock/reset", 405, "The HTTP method GET is not supported by this resource."),
    ],
)
def test_admin_routing_errors_are_json(
    client: FlaskClient, method: str, path: str, status: int, message: str
) -> None:
    response = client.open(path, method=method)
    assert (response.status_code, response.content_type) == (status, JSON)
    body = without_ids(response.get_json())
    assert body["success"] is False and body["reasons"][0]["message"] == message


def test_admin_paths_need_no_token_but_zuora_paths_do(client: FlaskClient) -> None:
    assert client.post("/_mock/reset").status_code == 200
    assert client.get("/objects/definitions/default").status_code == 401


def test_reset_after_settings_change_uses_the_same_settings(make_app: Any) -> None:
    app: Flask = make_app(token_ttl=60)
    client = app.test_client()
    client.post("/_mock/reset")
    response = client.post(
        "/oauth/token",
        data={
            "client_id": "5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b",
            "client_secret": "demo-secret-2fQ9xLk7TzR4vW1p",
            "grant_type": "client_credentials",
        },
    )
    assert response.get_json()["expires_in"] == 60
