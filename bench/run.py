"""zuora-mock next to the parse-only baseline, in one run: throughput ratios, latency, server CPU, memory.

    python bench/run.py [--seconds 3] [--rounds 3] [--launches 5]

Starts `zuora-mock` (its real CLI server) and bench/bare_flask.py (a Flask app on Werkzeug's threaded server
that only parses the same bodies) as two processes on 127.0.0.1, drives both with the same load generator,
taking turns round by round so that other jobs on the machine slow both alike, and prints per workload:
requests per second, p50 and p99 latency, server CPU time per request, TCP connections opened, and
zuora-mock's throughput as a multiple of the baseline's. Then the cold start of each (spawn to first
served response) and the servers' peak RSS. Every figure of one run comes from the same minutes on the same
machine; compare ratios, not absolute numbers, across runs. bench/README.md says how to read it. Exits 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from _util import DEMO_TOKEN_FORM, ROOT, batch_bodies, cpu_seconds, free_port, measure_startup
from bench_startup import compile_package
from loadgen import LoadResult, http_request, run_load

URL = re.compile(rb"listening on http://127\.0\.0\.1:(\d+)")
UNLIMITED = str(10**9)
RECORDS = 1000
UPLOAD_BYTES = 1024 * 1024
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MAX_START_RATIO = 1.3
MAX_IDLE_MIB = 60


@dataclass
class Server:
    """One server process we started, found by the port it printed."""

    name: str
    proc: subprocess.Popen[bytes]
    port: int

    @classmethod
    def start(cls, name: str, command: list[str], env: Mapping[str, str] | None = None) -> Server:
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env=env,
        )
        assert proc.stdout is not None
        match = URL.search(proc.stdout.readline())
        if match is None:
            proc.kill()
            raise RuntimeError(f"{name} printed no URL")
        return cls(name, proc, int(match.group(1)))

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def peak_rss_mib(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("VmHWM not found")

    def stop(self) -> int:
        self.proc.terminate()
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


@dataclass
class Figures:
    """What one server did over all rounds of one workload."""

    rates: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    cpu: float = 0.0
    requests: int = 0
    connections: int = 0
    unexpected: list[str] = field(default_factory=list)

    def add(self, result: LoadResult, cpu: float) -> None:
        self.rates.append(result.rate)
        self.latencies += result.latencies
        self.cpu += cpu
        self.requests += result.requests
        self.connections += result.connections
        self.unexpected += result.unexpected

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


@dataclass
class Workload:
    name: str
    connections: int
    limit: int  # requests per server per round, at most
    requests: dict[str, Callable[[int], bytes]]  # server name -> request bytes for the n-th request
    min_ratio: float
    max_p99_ms: float | None = None


def post_json(path: str, body: bytes, token: str | None) -> bytes:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return http_request("POST", path, body, headers)


def call(port: int, request: bytes) -> tuple[int, bytes]:
    """One request on its own connection, for the set-up steps: (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        found = re.search(rb"(?i)content-length: (\d+)", head)
        length = int(found.group(1)) if found else 0
        while len(body) < length:
            body += sock.recv(65536)
    return int(head.split(b" ")[1]), body


def token(port: int) -> str:
    status, body = call(port, http_request("POST", "/oauth/token", DEMO_TOKEN_FORM.encode(), FORM))
    assert status == 200, body
    return str(orjson.loads(body)["access_token"])


def create_vehicles(port: int, bearer: str) -> list[str]:
    records = [{"VIN__c": f"R{n:016d}", "Status__c": "Active", "ModelYear__c": 2020} for n in range(RECORDS)]
    status, body = call(
        port, post_json("/objects/records/default/Vehicle", orjson.dumps({"records": records}), bearer)
    )
    assert status == 200, body[:300]
    return [record["Id"] for record in orjson.loads(body)["records"]]


def upload_body() -> tuple[bytes, str]:
    """A 1 MB ImportFXRate CSV as multipart/form-data, and its content type."""
    lines = ["Group ID,Provider Exchange Rate Date,Currency (From),Currency (To),Exchange Rate,#Source"]
    index, size = 0, len(lines[0]) + 1
    while size < UPLOAD_BYTES - 64:
        day = f"{2000 + index // 336 % 100:04d}-{index // 28 % 12 + 1:02d}-{index % 28 + 1:02d}"
        lines.append(f"G{index % 97},{day},EUR,USD,1.{index % 9973:04d},ecb")
        size += len(lines[-1]) + 1
        index += 1
    csv = ("\n".join(lines) + "\n").encode()
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="params"\r\n\r\n'
            '{"actionType":"ImportFXRate"}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="fx.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + csv
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def workloads(emulator: Server, bearer: str) -> list[Workload]:
    counter = iter(range(10**9))

    def small(token_: str | None) -> Callable[[int], bytes]:
        def make(_: int) -> bytes:
            record = {
                "VIN__c": f"S{next(counter):016d}",
                "Status__c": "Active",
                "ModelYear__c": 2021,
                "Notes__c": "x",
            }
            return post_json("/objects/records/default/Vehicle", orjson.dumps({"records": [record]}), token_)

        return make

    bodies = batch_bodies(create_vehicles(emulator.port, bearer), variants=4)
    batch = {
        name: (lambda n, t=t: post_json("/objects/batch/default/Vehicle", bodies[n % len(bodies)], t))
        for name, t in (("baseline", None), ("zuora-mock", bearer))
    }
    body, content_type = upload_body()
    uploads = {
        name: (lambda n, h=h: http_request("POST", "/v1/bulk", body, h))
        for name, h in (
            ("baseline", {"Content-Type": content_type}),
            ("zuora-mock", {"Content-Type": content_type, "Authorization": f"Bearer {bearer}"}),
        )
    }
    return [
        Workload(
            "small POST (1 record), 16 connections",
            16,
            20_000,
            {"baseline": small(None), "zuora-mock": small(bearer)},
            2.0,
            50.0,
        ),
        Workload(f"batch update of {RECORDS:,} records, 1 connection", 1, 400, batch, 0.6),
        Workload("1 MB multipart upload (POST /v1/bulk), 1 connection", 1, 40, uploads, 0.9),
    ]


def measure(work: Workload, servers: list[Server], rounds: int, seconds: float) -> dict[str, Figures]:
    figures = {server.name: Figures() for server in servers}
    for round_ in range(rounds):
        order = servers if round_ % 2 == 0 else servers[::-1]
        for server in order:
            before = server.cpu()
            result = run_load(
                server.port,
                work.requests[server.name],
                connections=work.connections,
                seconds=seconds,
                limit=work.limit,
            )
            figures[server.name].add(result, server.cpu() - before)
    return figures


def report(work: Workload, figures: dict[str, Figures]) -> bool:
    base, ours = figures["baseline"], figures["zuora-mock"]
    print(f"\n{work.name}")
    for name, fig in figures.items():
        problems = f"  UNEXPECTED {sorted(set(fig.unexpected))}" if fig.unexpected else ""
        print(
            f"  {name:<11}{fig.rate:9.0f} req/s  p50 {fig.percentile_ms(0.5):7.2f} ms"
            f"  p99 {fig.percentile_ms(0.99):7.2f} ms"
            f"  CPU {fig.cpu / max(1, fig.requests) * 1e6:7.0f} us/req  {fig.requests:6d} requests"
            f" on {fig.connections} connections{problems}"
        )
    ratio = ours.rate / base.rate
    ok = ratio >= work.min_ratio and not ours.unexpected and not base.unexpected
    target = f">= {work.min_ratio}x"
    if work.max_p99_ms is not None:
        ok &= ours.percentile_ms(0.99) <= work.max_p99_ms
        target += f", p99 <= {work.max_p99_ms:.0f} ms"
    print(f"  zuora-mock / baseline: {ratio:.2f}x  (target {target}: {'met' if ok else 'MISSED'})")
    return ok


def cold_start(launches: int) -> bool:
    """Spawn each command `launches` times (alternating) to its first served response; median of each."""
    commands = {
        "baseline": lambda port: [sys.executable, str(ROOT / "bench" / "bare_flask.py"), "--port", str(port)],
        "zuora-mock": lambda port: [sys.executable, "-m", "zuora_mock", "--port", str(port)],
    }
    runs: dict[str, list] = {name: [] for name in commands}
    for command in commands.values():  # warm-up: page cache, bytecode
        port = free_port()
        measure_startup(command(port), port, env=clean_env())
    for _ in range(launches):
        for name, command in commands.items():
            port = free_port()
            runs[name].append(measure_startup(command(port), port, env=clean_env()))
    print(f"\ncold start: spawn to first served POST /oauth/token, median of {launches} launches each")
    medians = {}
    for name, found in runs.items():
        medians[name] = {
            key: statistics.median(getattr(r, key) for r in found)
            for key in ("seconds", "cpu_seconds", "rss_mib")
        }
        m = medians[name]
        print(
            f"  {name:<11}{m['seconds'] * 1000:7.0f} ms  ({m['cpu_seconds'] * 1000:.0f} ms of CPU)"
            f"  idle RSS {m['rss_mib']:5.1f} MiB"
        )
    ratio = medians["zuora-mock"]["seconds"] / medians["baseline"]["seconds"]
    cpu_ratio = medians["zuora-mock"]["cpu_seconds"] / medians["baseline"]["cpu_seconds"]
    rss = medians["zuora-mock"]["rss_mib"]
    ok = ratio <= MAX_START_RATIO and rss < MAX_IDLE_MIB
    print(
        f"  zuora-mock / baseline: {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU"
        f"  (target <= {MAX_START_RATIO}x: {'met' if ratio <= MAX_START_RATIO else 'MISSED'})"
    )
    print(
        f"  zuora-mock idle RSS {rss:.1f} MiB"
        f"  (target < {MAX_IDLE_MIB} MiB: {'met' if rss < MAX_IDLE_MIB else 'MISSED'})"
    )
    return ok


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ZUORA_MOCK_")}


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(seconds: float, rounds: int, launches: int) -> bool:
    compile_package()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {loadavg()} (1, 5, 15 min)")
    limits = [f"{name}={UNLIMITED}" for name in ("rate_limit_minute", "rate_limit_hour", "rate_limit_day")]
    emulator = Server.start(
        "zuora-mock",
        [
            sys.executable,
            "-m",
            "zuora_mock",
            "--port",
            "0",
            "--bulk-progression",
            "manual",
            *[arg for limit in limits for arg in ("--set", limit)],
        ],
        env=clean_env(),
    )
    baseline = Server.start("baseline", [sys.executable, str(ROOT / "bench" / "bare_flask.py")])
    ok = True
    try:
        work = workloads(emulator, token(emulator.port))
        for item in work:
            ok &= report(item, measure(item, [baseline, emulator], rounds, seconds))
        print(
            f"\npeak RSS: zuora-mock {emulator.peak_rss_mib():.1f} MiB,"
            f" baseline {baseline.peak_rss_mib():.1f} MiB"
        )
    finally:
        codes = {server.name: server.stop() for server in (emulator, baseline)}
    ok &= cold_start(launches)
    print(f"\nload average after: {loadavg()}; zuora-mock exited with {codes['zuora-mock']} on SIGTERM")
    print("all targets met" if ok else "TARGETS MISSED")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per server per round (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per workload (default 3)")
    parser.add_argument("--launches", type=int, default=5, help="cold-start launches per server (default 5)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    ok = run(args.seconds, max(1, args.rounds), max(1, args.launches))
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
