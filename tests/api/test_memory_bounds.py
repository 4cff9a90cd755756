"""Bounded memory: large files wait on disk, finished mass actions are kept for a while and up to a count,
tenants made on the fly are capped and removed by reset."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.api.test_bulk_upload import post_bulk
from tests.conftest import DEMO_ENTITY, fetch_token
from zuora_mock.app import emulator_of
from zuora_mock.backend.massactions.store import MassActionStore

DELETE_RS = b"Revenue Schedule Number\nRS-00000001\nRS-00000099\n"
NEW_CLIENTS = [f"0f0e0d0c-0b0a-4909-8807-0605040302{n:02d}" for n in range(4)]


def _auth(client: FlaskClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {fetch_token(client)}"}


def _upload(client: FlaskClient, auth: dict[str, str]) -> str:
    body = post_bulk(client, auth, file=DELETE_RS, params={"actionType": "DeleteRevenueSchedule"}).get_json()
    assert body["success"] is True, body
    return str(body["bulkKey"])


def _store(app: Flask) -> MassActionStore:
    return emulator_of(app).registry.tenants["demo"].data(DEMO_ENTITY).bulk


def _download(client: FlaskClient, auth: dict[str, str], key: str) -> tuple[int, bytes]:
    status = client.get(f"/v1/bulk/{key}", headers=auth).get_json()
    response = client.get(status["outputURL"].removeprefix("http://localhost"), headers=auth)
    return response.status_code, response.data


def test_large_result_files_wait_on_disk_and_download_the_same(make_app: Callable[..., Flask]) -> None:
    in_memory = make_app(bulk_progression="immediate")
    spilling = make_app(bulk_progression="immediate", spill_bytes=1)
    answers = []
    for app in (in_memory, spilling):
        client = app.test_client()
        auth = _auth(client)
        code, data = _download(client, auth, _upload(client, auth))
        assert code == 200
        answers.append(len(data))
    assert answers[0] == answers[1]
    assert _store(in_memory).files.on_disk == 0
    assert _store(spilling).files.on_disk == 1


def test_a_large_upload_waits_on_disk_until_its_job_ends(make_app: Callable[..., Flask]) -> None:
    app = make_app(bulk_progression="manual", spill_bytes=1)
    client = app.test_client()
    auth = _auth(client)
    key = _upload(client, auth)
    upload = _store(app).jobs[key].upload
    assert upload is not None and upload.path is not None and upload.path.exists()
    assert upload.text == ""
    snapshot = client.get("/_mock/state").get_json()
    saved = next(iter(snapshot["tenants"]["demo"]["entities"].values()))["jobs"][0]["upload"]
    assert saved["text"] == DELETE_RS.decode()
    advanced = client.post(f"/_mock/bulk/{key}/advance").get_json()
    assert (advanced["status"], advanced["successCount"], advanced["errorCount"]) == ("Completed", 1, 1)
    assert not upload.path.exists()


def test_result_files_expire_after_the_retention(make_app: Callable[..., Flask]) -> None:
    app = make_app(bulk_progression="immediate", bulk_file_retention=60)
    client = app.test_client()
    auth = _auth(client)
    key = _upload(client, auth)
    assert _download(client, auth, key)[0] == 200
    client.post("/_mock/clock", json={"advance": 59})
    assert _download(client, auth, key)[0] == 200
    client.post("/_mock/clock", json={"advance": 1})
    assert _download(client, auth, key)[0] == 404
    assert client.get(f"/v1/bulk/{key}", headers=auth).get_json()["status"] == "Completed"


def test_only_the_newest_finished_jobs_are_kept(make_app: Callable[..., Flask]) -> None:
    app = make_app(bulk_progression="immediate", bulk_max_jobs=2)
    client = app.test_client()
    auth = _auth(client)
    keys = [_upload(client, auth) for _ in range(4)]
    assert _download(client, auth, keys[3])[0] == 200  # a download prunes too
    assert [client.get(f"/v1/bulk/{k}", headers=auth).get_json()["success"] for k in keys[:2]] == [False] * 2
    assert [client.get(f"/v1/bulk/{k}", headers=auth).get_json()["status"] for k in keys[2:]] == [
        "Completed"
    ] * 2
    assert len(_store(app).jobs) == len(_store(app).files) == 2


def test_unfinished_jobs_past_the_count_stay_and_a_later_end_still_prunes(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(bulk_progression="manual", bulk_max_jobs=2)
    client = app.test_client()
    auth = _auth(client)
    keys = [_upload(client, auth) for _ in range(4)]  # four Pending jobs: past the count, none can go
    for key in keys[:3]:
        assert client.post(f"/_mock/bulk/{key}/advance", json={}).get_json()["status"] == "Completed"
    keys.append(_upload(client, auth))  # an upload prunes: three finished, two kept
    statuses = [client.get(f"/v1/bulk/{key}", headers=auth).get_json() for key in keys]
    assert [body.get("status") for body in statuses] == [None, "Completed", "Completed", "Pending", "Pending"]
    assert statuses[0]["success"] is False
    assert len(_store(app).jobs) == 4


def test_tenants_made_on_the_fly_are_capped(make_app: Callable[..., Flask]) -> None:
    client = make_app(max_on_the_fly_tenants=2).test_client()
    for client_id in NEW_CLIENTS[:2]:
        fetch_token(client, client_id, "secret")
    refused = client.post(
        "/oauth/token",
        data={"client_id": NEW_CLIENTS[2], "client_secret": "secret", "grant_type": "client_credentials"},
    )
    assert refused.status_code == 400
    assert "max_on_the_fly_tenants" in refused.get_data(as_text=True)
    # A client whose tenant exists still gets tokens.
    fetch_token(client, NEW_CLIENTS[0], "secret")


def test_reset_removes_tenants_made_on_the_fly(make_app: Callable[..., Flask]) -> None:
    app = make_app(max_on_the_fly_tenants=1)
    client = app.test_client()
    token = fetch_token(client, NEW_CLIENTS[0], "secret")
    names = [t["name"] for t in client.get("/_mock/tenants").get_json()["tenants"]]
    assert names == ["demo", "multi-entity", f"client-{NEW_CLIENTS[0]}"]
    assert client.post("/_mock/reset").get_json()["reset"] == names
    assert [t["name"] for t in client.get("/_mock/tenants").get_json()["tenants"]] == ["demo", "multi-entity"]
    gone = client.get("/objects/definitions/default", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 401
    # The slot is free again: another unknown client gets a tenant.
    fetch_token(client, NEW_CLIENTS[1], "secret")


def test_reset_of_one_tenant_made_on_the_fly_removes_it(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    fetch_token(client, NEW_CLIENTS[0], "secret")
    name = f"client-{NEW_CLIENTS[0]}"
    assert client.post(f"/_mock/reset?tenant={name}").get_json()["reset"] == [name]
    assert name not in [t["name"] for t in client.get("/_mock/tenants").get_json()["tenants"]]
