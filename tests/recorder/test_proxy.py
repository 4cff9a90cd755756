"""The recording proxy over real sockets: requests and answers pass unchanged, every exchange is on disk when
the client gets its answer, and the proxy's own /_recorder/ path is never forwarded."""

from __future__ import annotations

import gzip
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.recorder.upstream import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Upstream
from zuora_mock.client import ZuoraClient
from zuora_mock.recorder import RecordingProxy
from zuora_mock.recorder.cassette import load, load_directory


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream() as server:
        yield server


@pytest.fixture
def proxy(upstream: Upstream, tmp_path: Path) -> Iterator[RecordingProxy]:
    with RecordingProxy(upstream.url, tmp_path / "cassettes") as recording:
        yield recording


def exchanges(proxy: RecordingProxy) -> list[dict]:
    return [exchange for item in load_directory(proxy.session.directory) for exchange in item.exchanges]


def token(client: httpx.Client) -> str:
    form = {
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "grant_type": "client_credentials",
    }
    return str(client.post("/oauth/token", data=form).json()["access_token"])


def test_a_gzipped_answer_passes_as_it_came_and_is_recorded_decoded(proxy: RecordingProxy) -> None:
    with httpx.Client(base_url=proxy.url) as raw:
        bearer = {"Authorization": f"Bearer {token(raw)}", "Accept-Encoding": "gzip"}
        with raw.stream("GET", "/objects/records/default/Vehicle?pageSize=20", headers=bearer) as response:
            wire = b"".join(response.iter_raw())
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) == len(wire)
    records = json.loads(gzip.decompress(wire))["records"]
    (_, recorded) = exchanges(proxy)
    assert recorded["request"]["query"] == [["pageSize", "20"]]
    assert ["authorization", "Bearer <access-token:1>"] in recorded["request"]["headers"]
    assert ["content-encoding", "gzip"] in recorded["response"]["headers"]
    assert recorded["response"]["body"]["json"]["records"] == records
    assert ["zuora-request-id", response.headers["Zuora-Request-Id"]] in recorded["response"]["headers"]


def test_gzipped_and_multipart_requests_reach_the_upstream_unchanged(proxy: RecordingProxy) -> None:
    with ZuoraClient(proxy.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, compress_requests=True) as client:
        client.create_definitions(
            {"Gz": {"object": "Gz", "label": "Gz", "properties": {"N__c": {"type": "string", "label": "N"}}}}
        )
        key = client.create_mass_action("DeleteRevenueSchedule", b"Revenue Schedule Number\nRS-NOPE-1\n")[
            "bulkKey"
        ]
        client.delete_definition("Gz")
    _, definition, upload, _ = exchanges(proxy)
    assert ["content-encoding", "gzip"] in definition["request"]["headers"]
    assert definition["request"]["body"]["json"]["definitions"]["Gz"]["label"] == "Gz"
    assert definition["response"]["status"] == 200
    params, file = upload["request"]["body"]["parts"]
    assert json.loads(params["text"]) == {"actionType": "DeleteRevenueSchedule"}
    assert file["text"] == "Revenue Schedule Number\nRS-NOPE-1\n"
    assert upload["response"]["body"]["json"] == {"success": True, "bulkKey": key}


def test_a_chunked_request_body_is_forwarded(proxy: RecordingProxy) -> None:
    with httpx.Client(base_url=proxy.url) as raw:
        bearer = {"Authorization": f"Bearer {token(raw)}", "Content-Type": "application/json"}
        chunks = iter([b'{"action":{"type":"delete",', b'"ids":[]}}'])
        response = raw.post("/objects/batch/default/Vehicle", content=chunks, headers=bearer)
    assert response.status_code == 200, response.text
    assert exchanges(proxy)[-1]["request"]["body"]["json"] == {"action": {"type": "delete", "ids": []}}


def test_cassettes_are_named_over_http_and_the_control_path_is_not_forwarded(proxy: RecordingProxy) -> None:
    with httpx.Client(base_url=proxy.url) as raw:
        started = raw.put("/_recorder/cassette", json={"name": "checkout flow", "case": {"test": "t1"}})
        token(raw)
        ended = raw.request("DELETE", "/_recorder/cassette", json={"outcome": "passed"})
        refused = raw.put("/_recorder/cassette", json={"nameless": True})
    assert (started.status_code, ended.status_code, refused.status_code) == (200, 200, 400)
    (path,) = proxy.session.directory.glob("*.cassette.json")
    assert path.name == "0001-checkout_flow.cassette.json"
    item = load(path)
    assert item.case == {"test": "t1", "outcome": "passed"}
    assert [exchange["request"]["path"] for exchange in item.exchanges] == ["/oauth/token"]


def test_an_unreachable_upstream_is_a_502_and_nothing_is_recorded(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with RecordingProxy(f"http://127.0.0.1:{closed_port}", tmp_path / "c") as proxy, httpx.Client() as raw:
        response = raw.get(proxy.url + "/objects/definitions/default")
    assert response.status_code == 502
    assert response.json()["message"].startswith("zuora-mock record: upstream unreachable")
    assert not (tmp_path / "c").exists()


def test_an_unreadable_request_is_a_400_not_a_stack_trace(
    proxy: RecordingProxy, capfd: pytest.CaptureFixture[str]
) -> None:
    host, port = proxy.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /objects/batch/default/V HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
        )
        answer = b"".join(iter(lambda: sock.recv(65536), b"")).decode()  # the proxy closes the connection
    status, _, rest = answer.partition("\r\n")
    assert status == "HTTP/1.1 400 Bad Request"
    assert json.loads(rest.split("\r\n\r\n", 1)[1])["message"].startswith(
        "zuora-mock record: unreadable request"
    )
    assert "Traceback" not in capfd.readouterr().err
    assert not proxy.session.directory.exists()
