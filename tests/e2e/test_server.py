"""The HTTP server over real sockets: keep-alive, Zuora's status lines, a bounded pool that stalled clients
cannot take hostage, timeouts that close them, and clean stops with exit code 0."""

from __future__ import annotations

import http.client
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from tests.e2e.cli_server import CliServer
from zuora_mock import create_app
from zuora_mock.server import BackgroundServer

pytestmark = pytest.mark.emulator_only

POOL = 4
STALLED = 300
FORM = "Content-Type: application/x-www-form-urlencoded"
TOKEN_FORM = f"client_id={DEMO_CLIENT_ID}&client_secret={DEMO_CLIENT_SECRET}&grant_type=client_credentials"


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def read_response(sock: socket.socket, buffer: bytearray) -> tuple[bytes, dict[str, str], bytes]:
    """One response from a socket that may carry more: (status line, headers, body); keeps the rest."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    length = int(headers["Content-Length"])
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        rest += chunk
    buffer[:] = rest[length:]
    return status.encode(), headers, rest[:length]


def threads_of(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


@pytest.fixture
def cli() -> Iterator[CliServer]:
    server = CliServer("--set", f"server_threads={POOL}").start()
    yield server
    assert server.stop() == 0


def test_many_requests_share_one_tcp_connection(cli: CliServer) -> None:
    with socket.create_connection(address(cli.url), timeout=10) as sock:
        buffer = bytearray()
        port = sock.getsockname()[1]
        for _ in range(50):
            sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
            status, headers, _ = read_response(sock, buffer)
            assert status == b"HTTP/1.1 200 OK"
            assert headers["Connection"] == "keep-alive"
        # Two requests in one write (pipelining) are answered in order on the same connection.
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n" * 2)
        assert [read_response(sock, buffer)[0] for _ in range(2)] == [b"HTTP/1.1 200 OK"] * 2
        assert sock.getsockname()[1] == port


def test_http_client_reuses_its_connection_for_every_kind_of_answer(cli: CliServer) -> None:
    connection = http.client.HTTPConnection(*address(cli.url), timeout=10)
    try:
        connection.request(
            "POST", "/oauth/token", TOKEN_FORM, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        first = connection.getresponse()
        first.read()
        sock = connection.sock
        answers = []
        for method, path in [
            ("GET", "/v1/nope"),
            ("GET", "/objects/definitions/default"),
            ("POST", "/_mock/reset"),
        ]:
            connection.request(method, path)
            response = connection.getresponse()
            response.read()
            answers.append((response.status, response.reason, response.getheader("Connection")))
        assert connection.sock is sock  # http.client reconnects silently when a server closes
    finally:
        connection.close()
    assert first.status == 200
    assert answers == [
        (404, "Not Found", "keep-alive"),
        (401, "Unauthorized", "keep-alive"),
        (200, "OK", "keep-alive"),
    ]


def test_headers_keep_the_apps_spelling_and_order(cli: CliServer) -> None:
    with socket.create_connection(address(cli.url), timeout=10) as sock:
        sock.sendall(b"GET /objects/definitions/default HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers, _ = read_response(sock, bytearray())
    assert status == b"HTTP/1.1 401 Unauthorized"
    names = list(headers)
    assert names[0] == "Date" and names[-1] == "Connection"
    assert "RateLimit-Limit" in names and "WWW-Authenticate" in names
    assert "Server" not in names


def test_the_client_or_http_1_0_closes_the_connection(cli: CliServer) -> None:
    for request in (
        b"GET /_mock/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /_mock/health HTTP/1.0\r\n\r\n",
    ):
        with socket.create_connection(address(cli.url), timeout=10) as sock:
            sock.sendall(request)
            _, headers, _ = read_response(sock, bytearray())
            assert headers["Connection"] == "close"
            assert sock.recv(1) == b""


def _stall(url: str, count: int) -> list[socket.socket]:
    """Half the clients stop inside the headers (slowloris), half after 1 byte of a 100-byte body."""
    sockets = []
    for n in range(count):
        sock = socket.create_connection(address(url), timeout=10)
        if n % 2:
            sock.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nc")
        else:
            sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sockets.append(sock)
    return sockets


def test_stalled_clients_take_no_thread_and_do_not_delay_others(cli: CliServer) -> None:
    before = threads_of(cli.pid)
    stalled = _stall(cli.url, STALLED)
    try:
        with socket.create_connection(address(cli.url), timeout=5) as sock:
            buffer = bytearray()
            for _ in range(20):  # a normal client is answered at once, POOL times over
                sock.sendall(
                    f"POST /oauth/token HTTP/1.1\r\nHost: x\r\n{FORM}\r\n"
                    f"Content-Length: {len(TOKEN_FORM)}\r\n\r\n{TOKEN_FORM}".encode()
                )
                assert read_response(sock, buffer)[0] == b"HTTP/1.1 200 OK"
        assert threads_of(cli.pid) <= before
    finally:
        for sock in stalled:
            sock.close()


def test_read_and_idle_timeouts_close_stalled_and_idle_connections() -> None:
    with CliServer("--set", "read_timeout=1", "--set", "idle_timeout=1.5") as server:
        stalled = _stall(server.url, 2)
        idle = socket.create_connection(address(server.url), timeout=10)
        try:
            idle.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_response(idle, bytearray())[0] == b"HTTP/1.1 200 OK"
            # Each is closed by the server (recv returns b"" well within the socket's 10 s timeout).
            assert [sock.recv(65536) for sock in stalled] == [b"", b""]
            assert idle.recv(65536) == b""
        finally:
            for sock in [*stalled, idle]:
                sock.close()
        assert server.stop() == 0


def test_a_body_over_the_limit_is_read_dropped_and_refused_in_the_apps_envelope() -> None:
    with (
        CliServer("--max-body-bytes", "1000") as server,
        socket.create_connection(address(server.url), 10) as sock,
    ):
        body = b"{" + b" " * 3_000_000 + b"}"
        sock.sendall(
            b"POST /objects/records/default/Vehicle HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        status, headers, answer = read_response(sock, bytearray())
        assert status == b"HTTP/1.1 413 Payload Too Large"
        assert headers["Connection"] == "close"
        assert answer.startswith(b'{"code":')


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stop_signals_exit_0_with_open_idle_and_stalled_connections(signum: signal.Signals) -> None:
    server = CliServer().start()
    try:
        stalled = _stall(server.url, 10)
        idle = socket.create_connection(address(server.url), timeout=10)
        idle.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
        read_response(idle, bytearray())
        assert server.process is not None
        server.process.send_signal(signum)
        assert server.process.wait(timeout=10) == 0
        assert idle.recv(1) == b""
        for sock in [*stalled, idle]:
            sock.close()
    finally:
        server.stop()
    assert server.stderr_lines == []


def test_background_server_serves_and_stops_quickly() -> None:
    app = create_app(environ={})
    with BackgroundServer(app) as running:
        assert running.url.startswith("http://127.0.0.1:")
        connection = http.client.HTTPConnection(*address(running.url), timeout=10)
        connection.request("GET", "/_mock/health")
        assert connection.getresponse().status == 200
        connection.close()
    assert not running._thread.is_alive()
    # Never started: stop() still closes its socket.
    unused = BackgroundServer(create_app(environ={}))
    unused.stop()
    with pytest.raises(OSError):
        socket.create_connection(address(unused.url), timeout=2)
