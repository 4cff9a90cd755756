"""Tenants: one store each, fresh tenants for unknown clients, strict mode, no leak between tenants under
load."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.api.probe import install_probe
from tests.conftest import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    MULTI_CLIENT_ID,
    MULTI_CLIENT_SECRET,
    MULTI_ENTITIES,
    fetch_token,
)
from zuora_mock.backend.tenants import MSG_OAUTH_CLIENT


def _setup(make_app, **settings):
    app = make_app(**settings)
    install_probe(app)
    return app, app.test_client()


def _auth(web, client_id=DEMO_CLIENT_ID, secret=DEMO_CLIENT_SECRET, **headers):
    return {"Authorization": f"Bearer {fetch_token(web, client_id, secret)}", **headers}


def _names(web, auth, family="v1"):
    body = web.get(f"/{family}/probe/items", headers=auth).get_json()
    return [item["name"] for item in body.get("items", body.get("records", []))]


@pytest.mark.parametrize("family", ["v1", "objects"])
def test_fixture_tenants_do_not_share_data(make_app, family):
    _, web = _setup(make_app)
    demo = _auth(web)
    multi = _auth(web, MULTI_CLIENT_ID, MULTI_CLIENT_SECRET, **{"Zuora-Entity-Ids": MULTI_ENTITIES[0]})
    web.post(f"/{family}/probe/items", json={"name": "demo"}, headers=demo)
    web.post(f"/{family}/probe/items", json={"name": "multi"}, headers=multi)
    assert _names(web, demo, family) == ["demo"]
    assert _names(web, multi, family) == ["multi"]


def test_unknown_clients_get_fresh_separate_tenants(make_app):
    _, web = _setup(make_app)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    a = _auth(web, first, "secret-a")
    b = _auth(web, second, "secret-b")
    web.post("/v1/probe/items", json={"name": "a"}, headers=a)
    assert _names(web, b) == []
    assert _names(web, _auth(web)) == []
    # The same client id later gets the same tenant back.
    assert _names(web, _auth(web, first, "secret-a")) == ["a"]
    tenants = web.get("/_mock/tenants").get_json()["tenants"]
    names = [t["name"] for t in tenants]
    assert names == ["demo", "multi-entity", f"client-{first}", f"client-{second}"]
    ids = [t["tenantId"] for t in tenants]
    assert len(set(ids)) == 4 and ids[2:] == ["10021", "10022"]
    assert len(tenants[2]["entities"]) == 1


def test_strict_clients_accepts_only_fixture_clients(make_app):
    _, web = _setup(make_app, strict_clients=True)
    refused = web.post(
        "/oauth/token",
        data={"client_id": str(uuid.uuid4()), "client_secret": "x", "grant_type": "client_credentials"},
    )
    assert refused.status_code == 400
    assert refused.get_json()["message"] == MSG_OAUTH_CLIENT
    assert [t["name"] for t in web.get("/_mock/tenants").get_json()["tenants"]] == ["demo", "multi-entity"]
    assert web.get("/v1/probe/items", headers=_auth(web)).status_code == 200


def test_reset_of_one_tenant_keeps_the_others(make_app):
    _, web = _setup(make_app)
    demo = _auth(web)
    other_id = str(uuid.uuid4())
    other = _auth(web, other_id, "s")
    web.post("/v1/probe/items", json={"name": "d"}, headers=demo)
    web.post("/v1/probe/items", json={"name": "o"}, headers=other)
    assert web.post("/_mock/reset?tenant=demo").get_json() == {"success": True, "reset": ["demo"]}
    assert _names(web, demo) == []
    assert _names(web, other) == ["o"]


def test_two_tenants_hammering_in_parallel_never_leak(make_app):
    app, web = _setup(make_app)
    tenants = {"alpha": _auth(web, str(uuid.uuid4()), "a"), "beta": _auth(web, str(uuid.uuid4()), "b")}
    per_thread, threads_per_tenant = 25, 6
    barrier = threading.Barrier(2 * threads_per_tenant)
    failures: list[str] = []

    def hammer(job: tuple[str, int]) -> None:
        name, thread = job
        client = app.test_client()
        barrier.wait()
        for n in range(per_thread):
            family = "v1" if n % 2 else "objects"
            response = client.post(
                f"/{family}/probe/items", json={"name": f"{name}-{thread}-{n}"}, headers=tenants[name]
            )
            if response.status_code != 200:
                failures.append(f"{name}: {response.status_code}")
            seen = _names(client, tenants[name], family)
            if any(not item.startswith(name + "-") for item in seen):
                failures.append(f"{name} saw {seen}")

    jobs = [(name, t) for name in tenants for t in range(threads_per_tenant)]
    with ThreadPoolExecutor(len(jobs)) as pool:
        list(pool.map(hammer, jobs))
    assert failures == []
    for name, auth in tenants.items():
        body = web.get("/v1/probe/items", headers=auth).get_json()["items"]
        assert len(body) == per_thread * threads_per_tenant
        assert [item["id"] for item in body] == list(range(1, len(body) + 1))
        assert all(item["name"].startswith(name + "-") for item in body)
