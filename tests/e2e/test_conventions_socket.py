"""Zuora's HTTP conventions over a real socket against the `zuora-mock` command (subprocess, stopped by
SIGTERM)."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from flask import Flask

from tests.api.probe import gzip_bomb
from tests.conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from tests.e2e.cli_server import CliServer
from zuora_mock.core.errors import (
    MSG_AUTHENTICATION,
    MSG_BODY_TOO_LARGE,
    MSG_CONCURRENCY_LIMIT,
    MSG_GZIP_TOO_LARGE,
    MSG_RATE_LIMIT,
    MSG_TRACK_ID,
)
from zuora_mock.server import BackgroundServer

WWW_AUTH = "Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API"
PROBE_DEFINITION = {
    "definitions": {
        "Probe": {
            "object": "Probe",
            "label": "Probe",
            "properties": {"Name__c": {"type": "string", "label": "Name", "maxLength": 80}},
        }
    }
}


class Reply:
    def __init__(self, status: int, headers: http.client.HTTPMessage, data: bytes) -> None:
        self.status, self.headers, self.data = status, headers, data

    def json(self):
        data = gzip.decompress(self.data) if self.headers.get("Content-Encoding") == "gzip" else self.data
        return json.loads(data)


def call(url: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def token(url: str, client_id: str = DEMO_CLIENT_ID, secret: str = DEMO_CLIENT_SECRET) -> dict[str, str]:
    form = f"client_id={client_id}&client_secret={secret}&grant_type=client_credentials".encode()
    reply = call(url, "POST", "/oauth/token", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 200, reply.data
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def post_json(url: str, path: str, body, headers: dict) -> Reply:
    return call(url, "POST", path, json.dumps(body).encode(), {**headers, "Content-Type": "application/json"})


@pytest.fixture(scope="module")
def server() -> Iterator[CliServer]:
    cli = CliServer(env={"ZUORA_MOCK_BULK_PROGRESSION": "manual"})
    cli.start()
    yield cli
    assert cli.stop() == 0


def test_token_over_socket(server):
    form = f"client_id={DEMO_CLIENT_ID}&client_secret={DEMO_CLIENT_SECRET}&grant_type=client_credentials"
    reply = call(
        server.url,
        "POST",
        "/oauth/token",
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Zuora-Track-Id": "job-42"},
    )
    assert reply.status == 200
    assert list(reply.json()) == ["access_token", "expires_in", "jti", "scope", "token_type"]
    assert reply.headers["Content-Type"] == "application/json;charset=utf-8"
    assert reply.headers["X-RateLimit-Limit-minute"] == "2000"
    assert reply.headers["Zuora-Track-Id"] == "job-42"
    assert len(reply.headers["Zuora-Request-Id"]) == 36
    wrong = call(
        server.url,
        "POST",
        "/oauth/token",
        b"grant_type=password",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert wrong.status == 400
    assert wrong.json()["path"] == "/oauth/token"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/bulk/ffffffffffffffffffffffffffffffff"), ("POST", "/objects/batch/default/Vehicle")],
)
def test_gateway_401_over_socket(server, method, path):
    reply = call(
        server.url,
        method,
        path,
        b'{"action":{}}' if method == "POST" else None,
        {"Content-Type": "application/json"},
    )
    assert reply.status == 401
    assert reply.json() == {"message": MSG_AUTHENTICATION}
    assert reply.headers["WWW-Authenticate"] == WWW_AUTH
    assert reply.headers["Zuora-Track-Id"] is None


def test_headers_over_socket(server):
    auth = token(server.url)
    v1 = call(
        server.url,
        "GET",
        "/v1/bulk/ffffffffffffffffffffffffffffffff",
        None,
        {**auth, "Zuora-Track-Id": "trace-1"},
    )
    assert v1.headers["Zuora-Track-Id"] == "trace-1"
    assert v1.headers["Concurrency-Limit-Type"] == "Default"
    assert v1.headers["Concurrency-Limit-Limit"] == "40"
    assert v1.headers["Concurrency-Limit-Remaining"] == "39"
    assert v1.headers["RateLimit-Limit"].endswith("50000;w=60, 2250000;w=3600, 27000000;w=86400")
    objects = call(server.url, "GET", "/objects/definitions/default", None, auth)
    assert objects.headers["RateLimit-Remaining"] is not None
    assert objects.headers["Concurrency-Limit-Type"] is None
    bad = call(server.url, "GET", "/objects/definitions/default", None, {**auth, "Zuora-Track-Id": "a;b"})
    assert (bad.status, bad.json()) == (400, {"code": 71012520, "message": MSG_TRACK_ID})


def test_gzip_both_ways_over_socket(server):
    auth = token(server.url)
    plain = call(server.url, "GET", "/objects/definitions/default", None, auth)
    assert len(plain.data) > 1000 and plain.headers["Content-Encoding"] is None
    zipped = call(
        server.url, "GET", "/objects/definitions/default", None, {**auth, "Accept-Encoding": "gzip"}
    )
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    small = call(
        server.url,
        "GET",
        "/objects/definitions/default?select=type",
        None,
        {**auth, "Accept-Encoding": "gzip"},
    )
    assert len(small.data) <= 1000 and small.headers["Content-Encoding"] is None
    assert post_json(server.url, "/objects/definitions/default", PROBE_DEFINITION, auth).status == 200
    body = gzip.compress(json.dumps({"records": [{"Name__c": "zipped"}]}).encode())
    created = call(
        server.url,
        "POST",
        "/objects/records/default/Probe",
        body,
        {**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert created.status == 200, created.data
    assert created.json()["records"][0]["Name__c"] == "zipped"


def test_gzip_bomb_over_socket_is_refused_fast_with_little_memory(server):
    auth = token(server.url)
    bomb = gzip_bomb(1024)
    rss_before = server.rss_kib()
    started = time.perf_counter()
    reply = call(
        server.url,
        "POST",
        "/objects/records/default/Vehicle",
        bomb,
        {**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    elapsed = time.perf_counter() - started
    assert reply.status == 413
    assert reply.json() == {"code": 71012520, "message": MSG_GZIP_TOO_LARGE.format(limit=8 * 1024 * 1024)}
    assert elapsed < 3.0
    assert server.rss_kib() - rss_before < 64 * 1024
    # The server is fine afterwards.
    assert call(server.url, "GET", "/_mock/health").status == 200


def test_unread_bodies_do_not_break_the_next_request(server):
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        for _ in range(3):
            # Refused before the view reads the 1 MB body: the pipeline drains it or closes the connection.
            connection.request(
                "POST",
                "/objects/records/default/Vehicle",
                body=b"x" * (1 << 20),
                headers={"Content-Type": "application/json"},
            )
            response = connection.getresponse()
            assert response.status == 401
            assert json.loads(response.read()) == {"message": MSG_AUTHENTICATION}
    finally:
        connection.close()


def test_oversize_body_is_answered_over_socket():
    with CliServer(env={"ZUORA_MOCK_MAX_BODY_BYTES": "1000"}) as cli:
        auth = token(cli.url)
        reply = call(
            cli.url,
            "POST",
            "/objects/records/default/Vehicle",
            b"{" + b" " * 200_000 + b"}",
            {**auth, "Content-Type": "application/json"},
        )
        assert reply.status == 413
        assert reply.json() == {"code": 71012520, "message": MSG_BODY_TOO_LARGE.format(limit=1000)}
        assert cli.stop() == 0


def test_concurrent_retries_over_socket_make_one_record(server):
    auth = token(server.url, str(uuid.uuid4()), "retry-secret")
    assert post_json(server.url, "/objects/definitions/default", PROBE_DEFINITION, auth).status == 200
    retries = 16
    barrier = threading.Barrier(retries)
    headers = {**auth, "Idempotency-Key": f"retry-{uuid.uuid4()}"}

    def send(_: int) -> Reply:
        barrier.wait()
        return post_json(
            server.url, "/objects/records/default/Probe", {"records": [{"Name__c": "once"}]}, headers
        )

    with ThreadPoolExecutor(retries) as pool:
        replies = list(pool.map(send, range(retries)))
    assert {r.status for r in replies} <= {200, 409}
    ok = [r for r in replies if r.status == 200]
    assert len({r.data for r in ok}) == 1
    assert len({r.headers["Zuora-Request-Id"] for r in ok}) == 1
    for conflict in (r for r in replies if r.status == 409):
        assert conflict.json()["code"] == 71012550
    listed = call(server.url, "GET", "/objects/records/default/Probe", None, auth).json()
    assert [record["Name__c"] for record in listed["records"]] == ["once"]
    replay = post_json(
        server.url, "/objects/records/default/Probe", {"records": [{"Name__c": "again"}]}, headers
    )
    if ok:
        assert replay.data == ok[0].data
    other_url = post_json(server.url, "/objects/definitions/default", PROBE_DEFINITION, headers)
    assert other_url.status == 422


def test_two_tenants_hammering_over_socket_never_leak(server):
    tenants = {name: token(server.url, str(uuid.uuid4()), name) for name in ("alpha", "beta")}
    for auth in tenants.values():
        assert post_json(server.url, "/objects/definitions/default", PROBE_DEFINITION, auth).status == 200
    per_thread, threads = 10, 4
    barrier = threading.Barrier(threads * len(tenants))

    def hammer(job: tuple[str, int]) -> list[str]:
        name, thread = job
        barrier.wait()
        problems = []
        for n in range(per_thread):
            reply = post_json(
                server.url,
                "/objects/records/default/Probe",
                {"records": [{"Name__c": f"{name}-{thread}-{n}"}]},
                tenants[name],
            )
            if reply.status != 200:
                problems.append(f"{reply.status} {reply.data[:200]!r}")
        return problems

    jobs = [(name, t) for name in tenants for t in range(threads)]
    with ThreadPoolExecutor(len(jobs)) as pool:
        assert [problem for problems in pool.map(hammer, jobs) for problem in problems] == []
    for name, auth in tenants.items():
        listed = call(server.url, "GET", "/objects/records/default/Probe?pageSize=100", None, auth).json()
        names = [record["Name__c"] for record in listed["records"]]
        assert len(names) == per_thread * threads
        assert all(n.startswith(name + "-") for n in names)


def _hold_route(app: Flask, release: threading.Event) -> None:
    """A /v1 route that stays in flight until `release` is set: it holds a concurrency slot meanwhile.

    Slow uploads used to hold slots (the old server streamed bodies into the view); the server now reads a
    request whole before a thread runs it, so a slow client holds no thread and no slot."""

    def hold() -> dict[str, bool]:
        release.wait(30)
        return {"success": True}

    app.add_url_rule("/v1/test-hold", "test_hold", hold)


def test_limits_over_socket(make_app):
    app = make_app(concurrency_limit=2, rate_limit_minute=300)
    release = threading.Event()
    _hold_route(app, release)
    with BackgroundServer(app) as running:
        auth = token(running.url)
        pool = ThreadPoolExecutor(2)
        held = [pool.submit(call, running.url, "GET", "/v1/test-hold", None, auth) for _ in range(2)]
        try:
            deadline = time.monotonic() + 10
            while True:
                # The two held requests take their slots as soon as the server's threads reach the view.
                refused = call(running.url, "GET", "/v1/bulk/ffffffffffffffffffffffffffffffff", None, auth)
                if refused.status == 429 or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            objects = call(running.url, "GET", "/objects/definitions/default?select=type", None, auth)
        finally:
            release.set()
            answers = [future.result(timeout=30) for future in held]
            pool.shutdown()
        assert refused.status == 429
        assert refused.json()["reasons"] == [{"code": 50000070, "message": MSG_CONCURRENCY_LIMIT}]
        assert refused.headers["Retry-After"] == "120"
        assert refused.headers["Concurrency-Limit-Remaining"] == "0"
        assert objects.status == 200
        assert [answer.status for answer in answers] == [200, 200]
        free = call(running.url, "GET", "/v1/bulk/ffffffffffffffffffffffffffffffff", None, auth)
        assert free.headers["Concurrency-Limit-Remaining"] == "1"
        for _ in range(700):  # the fixed minute window may roll over once meanwhile
            limited = call(running.url, "GET", "/objects/definitions/default?select=type", None, auth)
            if limited.status == 429:
                break
        assert limited.status == 429
        reset = int(limited.headers["RateLimit-Reset"])
        assert limited.json() == {
            "reasons": [{"code": 70, "message": MSG_RATE_LIMIT.format(window="minute", seconds=reset)}]
        }
        assert limited.headers["RateLimit-Remaining"] == "0"


def test_slow_uploads_hold_no_concurrency_slot():
    """Half-sent uploads wait in the server's reader, not in a view: the tenant's slots stay free."""
    with CliServer(env={"ZUORA_MOCK_CONCURRENCY_LIMIT": "2"}) as cli:
        auth = token(cli.url)
        parts = urlsplit(cli.url)
        head = (
            f"POST /v1/bulk HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: {auth['Authorization']}\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100\r\n\r\n--b\r\n"
        )
        slow = [socket.create_connection((parts.hostname, parts.port), timeout=30) for _ in range(3)]
        try:
            for sock in slow:
                sock.sendall(head.encode())
            reply = call(cli.url, "GET", "/v1/bulk/ffffffffffffffffffffffffffffffff", None, auth)
        finally:
            for sock in slow:
                sock.close()
        assert reply.status == 200
        assert reply.headers["Concurrency-Limit-Remaining"] == "1"
        assert cli.stop() == 0


@pytest.mark.parametrize(
    ("raw", "status_line", "reason"),
    [
        (b"GARBAGE\r\n\r\n", b"HTTP/1.1 400 Bad Request\r\n", "Start line is invalid"),
        (
            b"GET / HTTP/9.9\r\n\r\n",
            b"HTTP/1.1 505 HTTP Version Not Supported\r\n",
            "Invalid HTTP version (9.9)",
        ),
        (b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", b"HTTP/1.1 400 Bad Request\r\n", "Content-Length"),
        (
            b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            b"HTTP/1.1 414 URI Too Long\r\n",
            "request line longer than 65536 bytes",
        ),
        (
            b"GET /v1/x HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 200 + b"\r\n",
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
            "more than 100 headers",
        ),
    ],
)
def test_protocol_errors_have_a_status_line_and_zuora_envelope(server, raw, status_line, reason):
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(status_line)
    headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
    assert headers["Content-Type"] == "application/json;charset=utf-8"
    assert headers["Connection"] == "close"
    assert int(headers["Content-Length"]) == len(body)
    envelope = json.loads(body)
    assert list(envelope) == ["success", "processId", "reasons", "requestId"]
    assert envelope["requestId"] == headers["Zuora-Request-Id"]
    assert envelope["reasons"][0]["code"] == 50000090
    assert envelope["reasons"][0]["message"].startswith("Malformed request: ")
    assert reason in envelope["reasons"][0]["message"]
