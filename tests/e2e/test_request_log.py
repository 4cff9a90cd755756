"""The CLI server's request log (log_requests, log_format) as a real process writes it to a pipe."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys

import pytest

from tests.e2e.cli_server import CliServer
from tests.e2e.test_cli import READY_LINE, call, clean_env, token

pytestmark = pytest.mark.emulator_only

TEXT_LINE = re.compile(r'^127\.0\.0\.1 - - \[[^]]+\] "GET /_mock/health HTTP/1\.1" 200 \d+\n$')
REQUEST_ID = re.compile(r"^[0-9a-f-]{36}$")


def test_text_lines_have_no_colour_codes_on_a_pipe() -> None:
    with CliServer("--log-requests") as server:
        call(server.url + "/_mock/health")
        assert server.stop() == 0
    # The first line is the start-up health check of CliServer itself; every line is the same shape.
    assert server.stderr_lines and all(TEXT_LINE.match(line) for line in server.stderr_lines)
    assert not any("\x1b" in line for line in server.stderr_lines)


def test_json_lines_carry_method_path_status_duration_tenant_and_request_id() -> None:
    with CliServer("--log-requests", "--log-format", "json") as server:
        auth = {"Authorization": f"Bearer {token(server.url)}"}
        status, headers, _ = call(server.url + "/objects/definitions/default?x=1", headers=auth)
        assert status == 200
        assert server.stop() == 0
    entries = [json.loads(line) for line in server.stderr_lines]
    assert all(line.endswith("\n") and "\x1b" not in line for line in server.stderr_lines)
    last = entries[-1]
    assert list(last) == ["time", "method", "path", "status", "durationMs", "tenant", "requestId"], entries
    assert (last["method"], last["path"], last["status"], last["tenant"]) == (
        "GET",
        "/objects/definitions/default",
        200,
        "demo",
    )
    assert last["requestId"] == headers["Zuora-Request-Id"] and REQUEST_ID.match(last["requestId"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", last["time"])
    assert isinstance(last["durationMs"], float) and last["durationMs"] >= 0
    token_entry = next(entry for entry in entries if entry["path"] == "/oauth/token")
    assert token_entry["status"] == 200 and token_entry["method"] == "POST"
    # CliServer's own start-up checks: no tenant, since /_mock/health needs no token.
    health = [entry for entry in entries if entry["path"] == "/_mock/health"]
    assert health and all(entry["status"] == 200 and "tenant" not in entry for entry in health), entries


def test_no_log_lines_without_log_requests() -> None:
    with CliServer("--log-format", "json") as server:
        call(server.url + "/_mock/health")
        assert server.stop() == 0
    assert server.stderr_lines == []


def serve_on_a_terminal(extra_env: dict[str, str]) -> str:
    """The CLI with stderr on a pseudo-terminal: one request, then what the server wrote to the terminal."""
    controller, terminal = pty.openpty()
    env = clean_env(**extra_env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "zuora_mock", "--port", "0", "--log-requests"],
        stdout=subprocess.PIPE,
        stderr=terminal,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    os.close(terminal)
    try:
        assert proc.stdout is not None
        match = READY_LINE.match(proc.stdout.readline())
        assert match is not None
        call(f"http://127.0.0.1:{match.group(1)}/_mock/health")
        return read_until(controller, b"/_mock/health")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
        os.close(controller)


def read_until(fd: int, wanted: bytes) -> str:
    """Read a pseudo-terminal until a line holding `wanted` has arrived whole."""
    seen = b""
    while not (wanted in seen and seen.endswith(b"\n")):
        ready, _, _ = select.select([fd], [], [], 10)
        assert ready, seen
        seen += os.read(fd, 4096)
    return seen.decode()


def test_a_terminal_gets_the_status_coloured_unless_no_color() -> None:
    assert '"GET /_mock/health HTTP/1.1" \x1b[32m200\x1b[0m ' in serve_on_a_terminal({})
    plain = serve_on_a_terminal({"NO_COLOR": "1"})
    assert '"GET /_mock/health HTTP/1.1" 200 ' in plain and "\x1b" not in plain
