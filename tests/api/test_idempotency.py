"""Idempotency-Key through the pipeline: replay, 409 in flight, 422 on mismatch, expiry, one side effect."""

from __future__ import annotations

import gzip
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.api.probe import install_probe
from tests.api.test_bulk_upload import post_bulk
from tests.conftest import DEMO_CLIENT_SECRET, DEMO_ENTITY, fetch_token
from zuora_mock.app import emulator_of
from zuora_mock.backend.idempotency import MSG_IDEMPOTENCY_OTHER_TENANT
from zuora_mock.core.errors import (
    MSG_IDEMPOTENCY_IN_PROGRESS,
    MSG_IDEMPOTENCY_KEY_LENGTH,
    MSG_IDEMPOTENCY_MISMATCH,
)


@pytest.fixture
def setup(app):
    probe = install_probe(app)
    web = app.test_client()
    return app, probe, web, {"Authorization": f"Bearer {fetch_token(web)}"}


def _items(web, auth, family="v1"):
    body = web.get(f"/{family}/probe/items", headers=auth).get_json()
    return body["items"] if family == "v1" else body["records"]


@pytest.mark.parametrize("family", ["v1", "objects"])
def test_retry_replays_status_headers_and_body(setup, family):
    _, _, web, auth = setup
    headers = {**auth, "Idempotency-Key": "k1"}
    first = web.post(f"/{family}/probe/items", json={"name": "a"}, headers=headers)
    second = web.post(f"/{family}/probe/items", json={"name": "a"}, headers=headers)
    assert first.status_code == second.status_code == 200
    assert second.data == first.data
    assert second.headers["Zuora-Request-Id"] == first.headers["Zuora-Request-Id"]
    assert second.headers["Content-Type"] == "application/json;charset=utf-8"
    assert len(_items(web, auth, family)) == 1


def test_different_body_same_key_replays_the_first(setup):
    _, _, web, auth = setup
    headers = {**auth, "Idempotency-Key": "k1"}
    first = web.post("/v1/probe/items", json={"name": "a"}, headers=headers)
    second = web.post("/v1/probe/items", json={"name": "b"}, headers=headers)
    assert second.get_json() == first.get_json() == {"success": True, "id": 1, "name": "a"}
    assert _items(web, auth) == [{"id": 1, "name": "a"}]


def test_failed_response_is_stored_and_replayed(setup):
    _, probe, web, auth = setup
    headers = {**auth, "Idempotency-Key": "k-fail"}
    first = web.post("/v1/probe/fail", json={}, headers=headers)
    second = web.post("/v1/probe/fail", json={}, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.get_json()["success"] is False
    assert second.data == first.data  # same processId and requestId
    assert probe.calls == 1


def test_key_reused_on_another_url_is_422(setup):
    _, _, web, auth = setup
    web.post("/v1/probe/items", json={}, headers={**auth, "Idempotency-Key": "k1"})
    response = web.post("/objects/probe/items", json={}, headers={**auth, "Idempotency-Key": "k1"})
    assert response.status_code == 422
    message = MSG_IDEMPOTENCY_MISMATCH.format(method="POST", url="/v1/probe/items")
    assert response.get_json() == {"code": 71012530, "message": message}
    v1 = web.post("/v1/probe/items?x=1", json={}, headers={**auth, "Idempotency-Key": "k1"})
    assert v1.status_code == 422  # keeps 422 even in classic 200 mode
    assert v1.get_json()["reasons"] == [{"code": 50000030, "message": message}]
    assert len(_items(web, auth)) == 1 and _items(web, auth, "objects") == _items(web, auth)


def test_key_in_flight_is_409(setup):
    _, probe, web, auth = setup
    headers = {**auth, "Idempotency-Key": "slow"}
    probe.hold()
    results = {}
    worker = threading.Thread(
        target=lambda: results.setdefault(
            "first", web.application.test_client().post("/v1/probe/items", json={}, headers=headers)
        )
    )
    worker.start()
    try:
        probe.wait_entered()
        conflict = web.post("/v1/probe/items", json={}, headers=headers)
    finally:
        probe.release()
        worker.join(10)
    assert conflict.status_code == 409
    body = conflict.get_json()
    assert body["reasons"] == [{"code": 50000050, "message": MSG_IDEMPOTENCY_IN_PROGRESS}]
    assert results["first"].status_code == 200
    replay = web.post("/v1/probe/items", json={}, headers=headers)
    assert replay.data == results["first"].data
    assert len(_items(web, auth)) == 1


def test_key_expires_after_24_hours(setup):
    _, _, web, auth = setup
    headers = {**auth, "Idempotency-Key": "k1"}
    web.post("/v1/probe/items", json={"name": "a"}, headers=headers)
    web.post("/_mock/clock", json={"advance": 86399})
    auth = {"Authorization": f"Bearer {fetch_token(web)}"}  # the first token expired meanwhile
    headers = {**auth, "Idempotency-Key": "k1"}
    assert web.post("/v1/probe/items", json={"name": "b"}, headers=headers).get_json()["id"] == 1
    web.post("/_mock/clock", json={"advance": 1})
    assert web.post("/v1/probe/items", json={"name": "b"}, headers=headers).get_json()["id"] == 2


def test_idempotency_ttl_setting(make_app):
    app = make_app(idempotency_ttl=5)
    install_probe(app)
    web = app.test_client()
    headers = {"Authorization": f"Bearer {fetch_token(web)}", "Idempotency-Key": "k"}
    web.post("/v1/probe/items", json={}, headers=headers)
    web.post("/_mock/clock", json={"advance": 5})
    assert web.post("/v1/probe/items", json={}, headers=headers).get_json()["id"] == 2


@pytest.mark.parametrize(("length", "ok"), [(1, True), (255, True), (256, False), (1000, False)])
def test_key_length(setup, length, ok):
    _, _, web, auth = setup
    response = web.post("/v1/probe/items", json={}, headers={**auth, "Idempotency-Key": "k" * length})
    if ok:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert response.get_json()["reasons"] == [{"code": 50000020, "message": MSG_IDEMPOTENCY_KEY_LENGTH}]
        assert _items(web, auth) == []


def test_key_on_get_is_ignored(setup):
    _, _, web, auth = setup
    headers = {**auth, "Idempotency-Key": "k1"}
    web.get("/v1/probe/items", headers=headers)
    web.post("/v1/probe/items", json={}, headers=headers)
    second = web.get("/v1/probe/items", headers=headers)
    assert second.get_json()["items"] == [{"id": 1, "name": None}]


def test_key_reused_by_another_tenant_is_422(setup):
    """Zuora's guide gives 422 for "a mismatch of tenant IDs": a key belongs to the tenant that used it."""
    _, _, web, auth = setup
    other = {"Authorization": f"Bearer {fetch_token(web, str(uuid.uuid4()), DEMO_CLIENT_SECRET)}"}
    web.post("/v1/probe/items", json={"name": "mine"}, headers={**auth, "Idempotency-Key": "shared"})
    theirs = web.post(
        "/v1/probe/items", json={"name": "theirs"}, headers={**other, "Idempotency-Key": "shared"}
    )
    assert theirs.status_code == 422
    assert theirs.get_json()["reasons"] == [{"code": 50000030, "message": MSG_IDEMPOTENCY_OTHER_TENANT}]
    on_objects = web.post("/objects/probe/items", json={}, headers={**other, "Idempotency-Key": "shared"})
    assert on_objects.status_code == 422
    assert on_objects.get_json() == {"code": 71012530, "message": MSG_IDEMPOTENCY_OTHER_TENANT}
    assert _items(web, other) == [] and _items(web, auth) == [{"id": 1, "name": "mine"}]
    # The owner keeps replaying; the other tenant may use the key once the owner no longer holds it.
    again = web.post("/v1/probe/items", json={}, headers={**auth, "Idempotency-Key": "shared"})
    assert again.get_json() == {"success": True, "id": 1, "name": "mine"}
    web.post("/_mock/reset?tenant=demo")
    freed = web.post("/v1/probe/items", json={"name": "t"}, headers={**other, "Idempotency-Key": "shared"})
    assert freed.get_json() == {"success": True, "id": 1, "name": "t"}


def test_replay_is_compressed_for_a_gzip_client(setup):
    _, _, web, auth = setup
    headers = {**auth, "Idempotency-Key": "big"}
    first = web.post("/v1/probe/items", json={"name": "n" * 2000}, headers=headers)
    replay = web.post("/v1/probe/items", json={}, headers={**headers, "Accept-Encoding": "gzip"})
    assert replay.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(replay.data) == first.data


def test_reset_forgets_keys(setup):
    _, _, web, auth = setup
    headers = {**auth, "Idempotency-Key": "k1"}
    web.post("/v1/probe/items", json={}, headers=headers)
    web.post("/_mock/reset")
    assert web.post("/v1/probe/items", json={}, headers=headers).get_json()["id"] == 1


@pytest.mark.parametrize("family", ["v1", "objects"])
def test_concurrent_retries_make_exactly_one_side_effect(setup, family):
    app, probe, web, auth = setup
    retries = 24
    barrier = threading.Barrier(retries)
    headers = {**auth, "Idempotency-Key": "burst"}

    def send(_: int):
        barrier.wait()
        return app.test_client().post(f"/{family}/probe/items", json={"name": "x"}, headers=headers)

    with ThreadPoolExecutor(retries) as pool:
        responses = list(pool.map(send, range(retries)))
    statuses = sorted({r.status_code for r in responses})
    assert set(statuses) <= {200, 409}
    bodies = {r.data for r in responses if r.status_code == 200}
    assert len(bodies) == 1
    assert probe.calls == 1
    assert len(_items(web, auth, family)) == 1
    # Once the first answer is stored every retry gets it.
    assert web.post(f"/{family}/probe/items", json={}, headers=headers).data in bodies


# --- The real endpoints with side effects -------------------------------------------------------------------


DELETE_CSV = b"Revenue Schedule Number\nRS-00000001\n"


def _jobs(app):
    return emulator_of(app).registry.tenants["demo"].data(DEMO_ENTITY).bulk.jobs


def test_concurrent_bulk_retries_create_one_job(make_app):
    app = make_app(bulk_progression="manual")
    web = app.test_client()
    auth = {"Authorization": f"Bearer {fetch_token(web)}"}
    retries = 12
    barrier = threading.Barrier(retries)

    def send(_: int):
        barrier.wait()
        return post_bulk(
            app.test_client(),
            auth,
            file=DELETE_CSV,
            params={"actionType": "DeleteRevenueSchedule"},
            headers={"Idempotency-Key": "bulk-once"},
        )

    with ThreadPoolExecutor(retries) as pool:
        responses = list(pool.map(send, range(retries)))
    assert {r.status_code for r in responses} <= {200, 409}
    keys = {r.get_json()["bulkKey"] for r in responses if r.status_code == 200}
    assert len(keys) == 1
    assert list(_jobs(app)) == list(keys)
    # Another file with the same key inside 24 hours is the first response again (no new job).
    again = post_bulk(
        web,
        auth,
        file=DELETE_CSV * 2,
        params={"actionType": "DeleteRevenueSchedule"},
        headers={"Idempotency-Key": "bulk-once"},
    )
    assert again.get_json()["bulkKey"] in keys and len(_jobs(app)) == 1
    # The key on the custom-objects URL is a 422.
    other = web.post(
        "/objects/records/default/Vehicle",
        json={"records": []},
        headers={**auth, "Idempotency-Key": "bulk-once"},
    )
    assert other.status_code == 422


def test_patch_is_idempotent_too(client, auth):
    record = client.get("/objects/records/default/Vehicle?pageSize=1", headers=auth).get_json()["records"][0]
    url = f"/objects/records/default/Vehicle/{record['Id']}"
    headers = {**auth, "Idempotency-Key": "patch-once"}
    first = client.patch(url, json={"Make__c": "Volvo"}, headers=headers)
    assert first.status_code == 200, first.data
    client.post("/_mock/clock", json={"advance": 5})
    second = client.patch(url, json={"Make__c": "Saab"}, headers=headers)
    assert second.data == first.data
    assert client.get(url, headers=auth).get_json()["Make__c"] == "Volvo"
    assert client.get(url, headers=auth).get_json()["UpdatedDate"] == first.get_json()["UpdatedDate"]
