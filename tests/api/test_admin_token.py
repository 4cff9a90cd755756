"""admin_token: no /_mock/ call works without it; a tenant's own token reaches its journal, faults, reset."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import fetch_token

pytestmark = pytest.mark.emulator_only

ADMIN = "s3cret-admin"
OTHER_CLIENT = "0f0f0f0f-0000-4000-8000-0000000000d1"
OTHER = f"client-{OTHER_CLIENT}"
# Every admin route with a body it accepts; the bulk key does not need to exist (404 is still "let in").
ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "/_mock/reset", None),
    ("GET", "/_mock/tenants", None),
    ("GET", "/_mock/clock", None),
    ("POST", "/_mock/clock", {"advance": 0}),
    ("POST", "/_mock/bulk/0123456789abcdef0123456789abcdef/advance", {}),
    ("GET", "/_mock/requests", None),
    ("DELETE", "/_mock/requests", None),
    ("POST", "/_mock/faults", {"fault": "unavailable", "path": "/nowhere"}),
    ("GET", "/_mock/faults", None),
    ("DELETE", "/_mock/faults", None),
    ("DELETE", "/_mock/faults/fault-99", None),
]
TENANT_ROUTES = {"/_mock/reset", "/_mock/requests", "/_mock/faults", "/_mock/faults/fault-99"}


@pytest.fixture
def guarded(make_app: Any) -> Flask:
    app: Flask = make_app(admin_token=ADMIN)
    return app


def call(client: FlaskClient, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    return client.open(path, method=method, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_no_admin_route_answers_without_the_token(guarded: Flask, method: str, path: str, body: Any) -> None:
    client = guarded.test_client()
    for headers in ({}, {"X-Mock-Admin-Token": "wrong"}, {"Authorization": "Bearer wrong"}):
        response = call(client, method, path, body, headers)
        assert response.status_code == 401, (headers, response.data)
        assert response.get_json() == {"message": "Authentication error"}


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
@pytest.mark.parametrize("style", ["header", "bearer"])
def test_every_admin_route_answers_with_the_token(
    guarded: Flask, method: str, path: str, body: Any, style: str
) -> None:
    headers = {"X-Mock-Admin-Token": ADMIN} if style == "header" else {"Authorization": f"Bearer {ADMIN}"}
    response = call(guarded.test_client(), method, path, body, headers)
    assert response.status_code in (200, 201, 404), response.data
    assert response.status_code != 404 or path.endswith(("advance", "fault-99"))


def test_health_stays_open_for_the_docker_healthcheck(guarded: Flask) -> None:
    assert guarded.test_client().get("/_mock/health").status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), [r for r in ROUTES if r[1] not in TENANT_ROUTES])
def test_a_tenant_token_cannot_use_emulator_wide_routes(
    guarded: Flask, method: str, path: str, body: Any
) -> None:
    client = guarded.test_client()
    token = fetch_token(client)
    response = call(client, method, path, body, {"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert "needs the admin token" in response.get_data(as_text=True)


def test_a_tenant_token_reaches_its_own_journal_only(guarded: Flask) -> None:
    client = guarded.test_client()
    demo = {"Authorization": f"Bearer {fetch_token(client)}"}
    other = {"Authorization": f"Bearer {fetch_token(client, OTHER_CLIENT, 'secret')}"}
    client.get("/v1/bulk/x", headers=demo)
    client.get("/v1/bulk/y", headers=other)
    own = client.get("/_mock/requests", headers=demo).get_json()
    assert {entry["tenant"] for entry in own["requests"]} == {"demo"}
    assert own["total"] == 2
    assert client.get(f"/_mock/requests?tenant={OTHER}", headers=demo).status_code == 403
    assert client.delete(f"/_mock/requests?tenant={OTHER}", headers=demo).status_code == 403
    assert client.delete("/_mock/requests", headers=demo).get_json()["deleted"] == 2
    left = client.get("/_mock/requests", headers={"X-Mock-Admin-Token": ADMIN}).get_json()
    assert {entry["tenant"] for entry in left["requests"]} == {OTHER}


def test_a_tenant_token_manages_its_own_fault_rules_only(guarded: Flask) -> None:
    client = guarded.test_client()
    admin = {"X-Mock-Admin-Token": ADMIN}
    demo = {"Authorization": f"Bearer {fetch_token(client)}"}
    other = {"Authorization": f"Bearer {fetch_token(client, OTHER_CLIENT, 'secret')}"}
    foreign = client.post("/_mock/faults", json={"fault": "unavailable", "tenant": OTHER}, headers=admin)
    assert (
        client.post("/_mock/faults", json={"fault": "unavailable", "tenant": OTHER}, headers=demo).status_code
        == 403
    )
    own = client.post("/_mock/faults", json={"fault": "unavailable", "times": None}, headers=demo).get_json()
    assert own["tenant"] == "demo"  # scoped to the caller's tenant
    assert [rule["id"] for rule in client.get("/_mock/faults", headers=demo).get_json()["faults"]] == [
        own["id"]
    ]
    assert client.get("/v1/bulk/x", headers=demo).status_code == 503
    assert client.get("/v1/bulk/x", headers=other).status_code == 503  # the admin's rule for the other tenant
    assert client.delete(f"/_mock/faults/{foreign.get_json()['id']}", headers=demo).status_code == 404
    assert client.delete("/_mock/faults", headers=demo).get_json()["deleted"] == 1
    assert len(client.get("/_mock/faults", headers=admin).get_json()["faults"]) == 1


def test_a_tenant_token_resets_its_own_tenant_only(guarded: Flask) -> None:
    client = guarded.test_client()
    demo = {"Authorization": f"Bearer {fetch_token(client)}"}
    fetch_token(client, OTHER_CLIENT, "secret")
    assert client.post("/_mock/reset", headers=demo).get_json() == {"success": True, "reset": ["demo"]}
    assert client.post(f"/_mock/reset?tenant={OTHER}", headers=demo).status_code == 403


def test_without_an_admin_token_everything_stays_open(client: FlaskClient) -> None:
    assert client.get("/_mock/tenants").status_code == 200
    assert client.post("/_mock/faults", json={"fault": "unavailable"}).status_code == 201


def test_a_tenant_token_cannot_rewind_the_shared_clock(guarded: Flask) -> None:
    client = guarded.test_client()
    demo = {"Authorization": f"Bearer {fetch_token(client)}"}
    admin = {"X-Mock-Admin-Token": ADMIN}
    client.post("/_mock/clock", json={"advance": 60}, headers=admin)
    assert client.post("/_mock/reset?clock=true", headers=demo).status_code == 403
    assert client.get("/_mock/clock", headers=admin).get_json()["offset"] == 60
    answer = client.post("/_mock/reset?clock=true", headers=admin)
    assert answer.get_json() == {"success": True, "reset": ["demo", "multi-entity"]}
    assert client.get("/_mock/clock", headers=admin).get_json()["offset"] == 0
