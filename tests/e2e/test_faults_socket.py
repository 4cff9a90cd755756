"""Faults, the journal and the admin token over real sockets, as httpx, the client and MockAdmin see them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from tests.e2e.cli_server import CliServer
from zuora_mock import create_app
from zuora_mock.client import ZuoraAPIError, ZuoraClient
from zuora_mock.mock_admin import MockAdmin, MockAdminError
from zuora_mock.server import BackgroundServer

pytestmark = pytest.mark.emulator_only

RATES = b"Provider Exchange Rate Date,Currency (From),Currency (To),Exchange Rate\n" + b"".join(
    b"2026-01-%02d,EUR,USD,1.0%d\n" % (day, day % 10) for day in range(1, 11)
)


@pytest.fixture(scope="module")
def server() -> Iterator[BackgroundServer]:
    app = create_app({"bulk_progression": "immediate"}, environ={})
    with BackgroundServer(app) as running:
        yield running


@pytest.fixture
def admin(server: BackgroundServer) -> Iterator[MockAdmin]:
    with MockAdmin(server.url) as mock:
        mock.reset()
        mock.clear_requests()
        yield mock
        mock.clear_faults()


@pytest.fixture
def client(server: BackgroundServer) -> Iterator[ZuoraClient]:
    with ZuoraClient(server.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as zuora:
        yield zuora


def vehicles(tag: str) -> list[dict[str, Any]]:
    return [{"VIN__c": f"{tag}{index:04d}", "Status__c": "Active"} for index in range(3)]


def test_throttled_create_succeeds_on_retry_with_one_copy_of_each_record(
    admin: MockAdmin, client: ZuoraClient
) -> None:
    records = vehicles("THROTTLE00000")
    with admin.fault("throttled-records", method="POST", path="/objects/records/default/Vehicle") as rule:
        with pytest.raises(ZuoraAPIError) as refused:
            client.create_records("Vehicle", records)
        assert (refused.value.status, refused.value.code) == (500, 71012561)
        assert [detail["record"] for detail in refused.value.details] == records
        client.create_records("Vehicle", records)  # the retry
        assert admin.get_fault(rule["id"])["fired"] == 1  # type: ignore[index]
    stored = client.list_records("Vehicle", page_size=100)["records"]
    vins = sorted(record["VIN__c"] for record in stored if record["VIN__c"].startswith("THROTTLE"))
    assert vins == [r["VIN__c"] for r in records]  # exactly one copy of each
    writes = admin.assert_requested(
        "POST", "/objects/records/default/Vehicle", times=2, json={"records": records}
    )
    assert [(entry["status"], entry["fault"]) for entry in writes] == [(500, rule["id"]), (200, None)]


def test_throttled_batch_update_then_retry(admin: MockAdmin, client: ZuoraClient) -> None:
    ids = [record["Id"] for record in client.list_records("Vehicle", page_size=3)["records"]]
    changes = {record_id: {"Notes__c": "throttled once"} for record_id in ids}
    admin.add_fault("throttled-records", method="POST", path="/objects/batch/*")
    with pytest.raises(ZuoraAPIError) as refused:
        client.batch_update("Vehicle", changes)
    assert [detail["record"]["Id"] for detail in refused.value.details] == ids
    assert client.batch_update("Vehicle", changes) == {}
    assert {client.get_record("Vehicle", record_id)["Notes__c"] for record_id in ids} == {"throttled once"}


def test_reset_drops_the_connection_without_an_answer(server: BackgroundServer, admin: MockAdmin) -> None:
    admin.add_fault("reset", path="/oauth/token")
    form = {
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "grant_type": "client_credentials",
    }
    with httpx.Client(base_url=server.url) as http:
        with pytest.raises(httpx.ReadError):
            http.post("/oauth/token", data=form)
        assert http.post("/oauth/token", data=form).status_code == 200  # a new connection works again
    (entry, _) = admin.requests(path="/oauth/token")
    assert (entry["status"], entry["tenant"]) == (None, "demo")


def test_timeout_holds_the_connection_past_the_clients_timeout(
    server: BackgroundServer, admin: MockAdmin, client: ZuoraClient
) -> None:
    token = client.token()["access_token"]
    admin.add_fault("timeout", path="/v1/bulk/*", delayMs=5000)
    with httpx.Client(base_url=server.url, timeout=0.5) as http, pytest.raises(httpx.ReadTimeout):
        http.get("/v1/bulk/x", headers={"Authorization": f"Bearer {token}"})


def test_timeout_then_the_gateways_504(
    server: BackgroundServer, admin: MockAdmin, client: ZuoraClient
) -> None:
    token = client.token()["access_token"]
    admin.add_fault("timeout", path="/v1/bulk/*", delayMs=50)
    with httpx.Client(base_url=server.url) as http:
        response = http.get("/v1/bulk/x", headers={"Authorization": f"Bearer {token}"})
    assert (response.status_code, response.headers["Content-Type"]) == (504, "text/html")
    assert b"504 Gateway Time-out" in response.content
    assert "Zuora-Request-Id" not in response.headers


@pytest.mark.parametrize(("fault", "status"), [("bad-gateway", 502), ("unavailable", 503)])
def test_edge_pages_reach_the_client_as_errors(
    admin: MockAdmin, client: ZuoraClient, fault: str, status: int
) -> None:
    admin.add_fault(fault, path="/objects/definitions/*")
    with pytest.raises(ZuoraAPIError) as refused:
        client.list_definitions()
    assert refused.value.status == status
    assert "<html>" in str(refused.value.body)


def test_rate_limit_and_concurrency_limit_headers(admin: MockAdmin, client: ZuoraClient) -> None:
    admin.add_fault("rate-limit", path="/objects/*")
    admin.add_fault("concurrency-limit", path="/v1/*")
    with pytest.raises(ZuoraAPIError) as limited:
        client.list_definitions()
    assert (limited.value.status, limited.value.code) == (429, 70)
    assert limited.value.headers["RateLimit-Remaining"] == "0"
    assert int(limited.value.headers["Retry-After"]) >= 1
    with pytest.raises(ZuoraAPIError) as busy:
        client.get_mass_action("0" * 32)
    assert (busy.value.status, busy.value.code, busy.value.headers["Retry-After"]) == (429, 50000070, "120")


def test_job_failed_is_visible_in_the_status_and_has_no_result_file(
    admin: MockAdmin, client: ZuoraClient
) -> None:
    rule = admin.add_fault("job-failed", method="POST", path="/v1/bulk")
    key = client.create_mass_action("ImportFXRate", RATES)["bulkKey"]
    status = client.wait_for_mass_action(key)
    assert (status["status"], status["outputURL"], status["totalCount"], status["processedCount"]) == (
        "Failed",
        None,
        10,
        5,
    )
    assert status["reasons"][0]["message"].startswith("The mass action failed while processing row 6")
    upload = admin.assert_requested("POST", "/v1/bulk", times=1)[0]
    assert upload["fault"] == rule["id"]
    file_part = upload["body"]["parts"][-1]
    assert (file_part["name"], file_part["size"]) == ("file", len(RATES))
    assert file_part["firstRows"][0].startswith("Provider Exchange Rate Date")


def test_delay_answers_normally_after_the_delay(admin: MockAdmin, client: ZuoraClient) -> None:
    with admin.fault("delay", path="/objects/definitions/*", delayMs=200):
        started = time.monotonic()
        assert "definitions" in client.list_definitions()
        assert time.monotonic() - started >= 0.2
    assert admin.faults() == []


def test_admin_token_is_required_over_the_socket() -> None:
    app = create_app({"admin_token": "t0ken"}, environ={})
    with BackgroundServer(app) as running:
        with MockAdmin(running.url) as anonymous, pytest.raises(MockAdminError) as refused:
            anonymous.requests()
        assert refused.value.status == 401
        with MockAdmin(running.url, admin_token="t0ken") as holder:
            assert holder.requests() == []
        with ZuoraClient(running.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as zuora:
            token = zuora.token()["access_token"]
        with MockAdmin(running.url, token=token) as tenant:
            assert [entry["tenant"] for entry in tenant.requests()] == ["demo"]
            assert tenant.reset() == ["demo"]
            with pytest.raises(MockAdminError) as forbidden:
                tenant.advance_clock(1)
            assert forbidden.value.status == 403


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("127.0.0.1", False)])
def test_cli_warns_when_listening_beyond_loopback_without_an_admin_token(host: str, warned: bool) -> None:
    server = CliServer("--host", host).start()
    try:
        deadline = time.monotonic() + 5
        while warned and not server.stderr_lines and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        assert server.stop() == 0
    warnings = [line for line in server.stderr_lines if "without an admin token" in line]
    assert len(warnings) == (1 if warned else 0)


def test_mock_admin_drives_a_manual_mass_action_and_the_clock() -> None:
    app = create_app({"bulk_progression": "manual"}, environ={})
    with (
        BackgroundServer(app) as running,
        MockAdmin(running.url) as admin,
        ZuoraClient(running.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as zuora,
    ):
        key = zuora.create_mass_action("ImportFXRate", RATES)["bulkKey"]
        assert admin.advance_bulk(key, rows=4)["processedCount"] == 4
        assert admin.advance_bulk(key)["status"] == "Completed"
        before = admin.advance_clock(0)["offset"]
        assert admin.advance_clock(90)["offset"] == before + 90
