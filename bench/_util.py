"""Shared by the benchmarks: start a server process, wait for its first answer, read its memory, stop it."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
DEMO_TOKEN_FORM = (
    "client_id=5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b&client_secret=demo-secret-2fQ9xLk7TzR4vW1p"
    "&grant_type=client_credentials"
)


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(
    port: int,
    method: str,
    path: str,
    body: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 5.0,
) -> tuple[int, bytes]:
    """One HTTP request over a fresh connection to 127.0.0.1."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def token_request(port: int) -> tuple[int, bytes]:
    """POST /oauth/token with the demo credentials: the first call every Zuora client makes."""
    return request(
        port, "POST", "/oauth/token", DEMO_TOKEN_FORM, {"Content-Type": "application/x-www-form-urlencoded"}
    )


def wait_until_served(
    proc: subprocess.Popen, port: int, started: float, timeout: float = 30.0, poll: float = 0.002
) -> float:
    """Poll until the first 200 to the token request; return seconds since `started`."""
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before answering")
        try:
            status, _ = token_request(port)
        except OSError:
            time.sleep(poll)
            continue
        if status == 200:
            return time.perf_counter() - started
        raise RuntimeError(f"first answer was HTTP {status}")
    raise TimeoutError(f"no answer on port {port} within {timeout} s")


def rss_mib(pid: int) -> float:
    """Resident memory of a process from /proc (Linux), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux), in seconds; less sensitive to load than wall
    time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> int:
    """SIGTERM the process we started and wait for it; kill it if it does not stop."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


@dataclass
class StartupRun:
    seconds: float
    cpu_seconds: float
    rss_mib: float


def measure_startup(
    command: Sequence[str], port: int, settle: float = 0.3, env: Mapping[str, str] | None = None
) -> StartupRun:
    """Spawn `command`, time it to its first served response, read its idle RSS, stop it."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(command),
            stdout=subprocess.DEVNULL,
            stderr=errors,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            cwd=ROOT,
        )
        try:
            seconds = wait_until_served(proc, port, started)
            cpu = cpu_seconds(proc.pid)
            for _ in range(5):
                token_request(port)
            time.sleep(settle)
            memory = rss_mib(proc.pid)
        except BaseException:
            stop(proc)
            errors.seek(0)
            sys.stderr.write(errors.read().decode(errors="replace"))
            raise
        code = stop(proc)
    if code != 0:
        raise RuntimeError(f"{command[0]} exited with code {code} on SIGTERM")
    return StartupRun(seconds, cpu, memory)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def batch_bodies(ids: list[str], variants: int = 8) -> list[bytes]:
    """Update bodies of 5 fields per record, with changing values so every request really writes."""
    bodies = []
    for v in range(variants):
        records = {
            record_id: {
                "Notes__c": f"Route {v}-{n % 97}",
                "OdometerKm__c": 10000.5 + n + v,
                "ModelYear__c": 2015 + (n + v) % 10,
                "Status__c": ("Active", "Maintenance")[v % 2],
                "LastPingAt__c": f"2026-11-{v + 1:02d}T08:{n % 60:02d}:00.000Z",
            }
            for n, record_id in enumerate(ids)
        }
        bodies.append(orjson.dumps({"action": {"type": "update", "records": records}}))
    return bodies
