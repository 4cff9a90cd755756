"""RateLimit-* and Concurrency-Limit-* headers from real per-tenant counters, and the two documented 429s."""

from __future__ import annotations

import json
import shutil
import threading
import uuid

import pytest

from tests.api.probe import align_clock, install_probe
from tests.conftest import (
    DEMO_CLIENT_SECRET,
    MULTI_CLIENT_ID,
    MULTI_CLIENT_SECRET,
    MULTI_ENTITIES,
    fetch_token,
)
from zuora_mock.core.errors import MSG_CONCURRENCY_LIMIT, MSG_RATE_LIMIT
from zuora_mock.core.fixtures import FixtureError, default_fixtures_dir


def _setup(make_app, **settings):
    app = make_app(**settings)
    probe = install_probe(app)
    web = app.test_client()
    align_clock(web)
    return app, probe, web, {"Authorization": f"Bearer {fetch_token(web)}"}


def test_v1_has_both_header_sets_objects_only_rate_limit(make_app):
    _, _, web, auth = _setup(make_app)
    v1 = web.get("/v1/probe/items", headers=auth)
    assert v1.headers["RateLimit-Limit"] == "50000, 50000;w=60, 2250000;w=3600, 27000000;w=86400"
    assert v1.headers["RateLimit-Remaining"] == "49999"
    assert 1 <= int(v1.headers["RateLimit-Reset"]) <= 60
    assert v1.headers["Concurrency-Limit-Type"] == "Default"
    assert v1.headers["Concurrency-Limit-Limit"] == "40"
    assert v1.headers["Concurrency-Limit-Remaining"] == "39"
    objects = web.get("/objects/probe/items", headers=auth)
    assert objects.headers["RateLimit-Remaining"] == "49998"
    assert not [name for name, _ in objects.headers.items() if name.startswith("Concurrency-Limit")]


def test_counters_are_per_tenant(make_app):
    _, _, web, auth = _setup(make_app)
    other = {"Authorization": f"Bearer {fetch_token(web, str(uuid.uuid4()), DEMO_CLIENT_SECRET)}"}
    for expected in ("49999", "49998", "49997"):
        assert web.get("/v1/probe/items", headers=auth).headers["RateLimit-Remaining"] == expected
    assert web.get("/v1/probe/items", headers=other).headers["RateLimit-Remaining"] == "49999"


def test_unsuccessful_requests_count(make_app):
    _, _, web, auth = _setup(make_app)
    web.post("/v1/probe/items", data="{bad", content_type="application/json", headers=auth)
    web.get("/v1/probe/boom", headers=auth)
    assert web.get("/v1/probe/items", headers=auth).headers["RateLimit-Remaining"] == "49997"


@pytest.mark.parametrize(
    ("settings", "window"),
    [
        ({"rate_limit_minute": 3}, "minute"),
        ({"rate_limit_hour": 3}, "hour"),
        ({"rate_limit_day": 3}, "day"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/probe/items", "/objects/probe/items"])
def test_rate_limit_429(make_app, settings, window, path):
    _, _, web, auth = _setup(make_app, **settings)
    for _ in range(3):
        assert web.get(path, headers=auth).status_code == 200
    refused = web.get(path, headers=auth)
    assert refused.status_code == 429
    reset = int(refused.headers["RateLimit-Reset"])
    assert refused.get_json() == {
        "reasons": [{"code": 70, "message": MSG_RATE_LIMIT.format(window=window, seconds=reset)}]
    }
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert refused.headers["RateLimit-Limit"].startswith("3, ")
    assert refused.headers["Retry-After"] == str(reset)
    assert refused.headers["Content-Type"] == "application/json;charset=utf-8"


def test_rate_limit_window_resets_with_the_clock(make_app):
    _, _, web, auth = _setup(make_app, rate_limit_minute=1)
    assert web.get("/v1/probe/items", headers=auth).status_code == 200
    assert web.get("/v1/probe/items", headers=auth).status_code == 429
    web.post("/_mock/clock", json={"advance": 60})
    assert web.get("/v1/probe/items", headers=auth).status_code == 200


def test_rate_limited_request_has_no_side_effect(make_app):
    _, probe, web, auth = _setup(make_app, rate_limit_minute=1)
    web.get("/v1/probe/items", headers=auth)
    assert web.post("/v1/probe/items", json={}, headers=auth).status_code == 429
    assert probe.calls == 0


class _Held:
    """Requests parked inside a probe view, so the concurrency gauge is really occupied."""

    def __init__(self, app, probe, headers, path="/v1/probe/slow"):
        self.app, self.probe, self.headers, self.path = app, probe, headers, path
        self.threads: list[threading.Thread] = []
        self.responses: list = []

    def start(self, count):
        self.probe.hold()
        for _ in range(count):
            thread = threading.Thread(
                target=lambda: self.responses.append(
                    self.app.test_client().get(self.path, headers=self.headers)
                )
            )
            thread.start()
            self.threads.append(thread)
        self.probe.wait_entered(count)

    def finish(self):
        self.probe.release()
        for thread in self.threads:
            thread.join(10)


def test_concurrency_limit_429(make_app):
    app, probe, web, auth = _setup(make_app, concurrency_limit=2)
    held = _Held(app, probe, auth)
    held.start(2)
    try:
        refused = web.get("/v1/probe/items", headers=auth)
        objects = web.get("/objects/probe/items", headers=auth)
    finally:
        held.finish()
    assert refused.status_code == 429
    body = refused.get_json()
    assert list(body) == ["success", "processId", "reasons", "requestId"]
    assert body["reasons"] == [{"code": 50000070, "message": MSG_CONCURRENCY_LIMIT}]
    assert refused.headers["Retry-After"] == "120"
    assert refused.headers["Concurrency-Limit-Remaining"] == "0"
    assert refused.headers["Concurrency-Limit-Limit"] == "2"
    assert objects.status_code == 200  # /objects is not bound by the concurrency limit
    assert [r.status_code for r in held.responses] == [200, 200]
    assert {r.headers["Concurrency-Limit-Remaining"] for r in held.responses} <= {"0", "1"}
    after = web.get("/v1/probe/items", headers=auth)
    assert (after.status_code, after.headers["Concurrency-Limit-Remaining"]) == (200, "1")


def test_concurrency_limit_keeps_429_in_classic_mode_and_other_tenants_are_free(make_app):
    app, probe, web, auth = _setup(make_app, concurrency_limit=1, v1_error_status="200")
    other = {"Authorization": f"Bearer {fetch_token(web, str(uuid.uuid4()), DEMO_CLIENT_SECRET)}"}
    held = _Held(app, probe, auth)
    held.start(1)
    try:
        mine = web.get("/v1/probe/items", headers=auth)
        theirs = web.get("/v1/probe/items", headers=other)
    finally:
        held.finish()
    assert mine.status_code == 429
    assert theirs.status_code == 200


def test_concurrency_is_counted_per_entity(make_app):
    app, probe, web, _ = _setup(make_app, concurrency_limit=1)
    token = fetch_token(web, MULTI_CLIENT_ID, MULTI_CLIENT_SECRET)
    us = {"Authorization": f"Bearer {token}", "Zuora-Entity-Ids": MULTI_ENTITIES[0]}
    eu = {"Authorization": f"Bearer {token}", "Zuora-Entity-Ids": MULTI_ENTITIES[1]}
    held = _Held(app, probe, us)
    held.start(1)
    try:
        assert web.get("/v1/probe/items", headers=us).status_code == 429
        assert web.get("/v1/probe/items", headers=eu).status_code == 200
    finally:
        held.finish()


def test_slot_is_released_after_errors(make_app):
    _, _, web, auth = _setup(make_app, concurrency_limit=1)
    for path in ("/v1/probe/boom", "/v1/probe/fail", "/v1/probe/items"):
        web.open(path, method="POST" if path.endswith("fail") else "GET", json={}, headers=auth)
    response = web.get("/v1/probe/items", headers=auth)
    assert (response.status_code, response.headers["Concurrency-Limit-Remaining"]) == (200, "0")


def _fixtures_with_limits(tmp_path, limits):
    """A copy of the bundled fixtures whose demo tenant declares its own limits."""
    target = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), target)
    tenants = json.loads((target / "tenants.json").read_text())
    tenants["tenants"][0]["limits"] = limits
    (target / "tenants.json").write_text(json.dumps(tenants))
    return str(target)


def test_a_tenant_may_declare_its_own_limits(make_app, tmp_path):
    fixtures = _fixtures_with_limits(tmp_path, {"rate_limit_minute": 2, "concurrency_limit": 7})
    _, _, web, auth = _setup(make_app, fixtures=fixtures)
    multi = {
        "Authorization": f"Bearer {fetch_token(web, MULTI_CLIENT_ID, MULTI_CLIENT_SECRET)}",
        "Zuora-Entity-Ids": MULTI_ENTITIES[0],
    }
    first = web.get("/v1/probe/items", headers=auth)
    assert first.headers["RateLimit-Limit"] == "2, 2;w=60, 2250000;w=3600, 27000000;w=86400"
    assert first.headers["Concurrency-Limit-Limit"] == "7"
    web.get("/v1/probe/items", headers=auth)
    assert web.get("/v1/probe/items", headers=auth).status_code == 429
    other = web.get("/v1/probe/items", headers=multi)
    assert (other.status_code, other.headers["Concurrency-Limit-Limit"]) == (200, "40")


@pytest.mark.parametrize(
    ("limits", "problem"),
    [
        ({"rate_limit_minute": 0}, "tenants[0].limits.rate_limit_minute must be a positive integer, got 0"),
        (
            {"rate_limit_minute": "5"},
            "tenants[0].limits.rate_limit_minute must be a positive integer, got '5'",
        ),
        ({"burst": 5}, "tenants[0].limits: unknown key 'burst'"),
        ([1], "tenants[0].limits must be an object"),
    ],
)
def test_bad_tenant_limits_name_the_file(make_app, tmp_path, limits, problem):
    fixtures = _fixtures_with_limits(tmp_path, limits)
    with pytest.raises(FixtureError) as info:
        make_app(fixtures=fixtures)
    assert info.value.path.endswith("tenants.json")
    assert problem in info.value.problem
