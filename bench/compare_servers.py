"""Which WSGI server: the emulator app under each one-process, threaded candidate, measured in one run.

    python bench/compare_servers.py [--seconds 3] [--rounds 2] [--threads 16]

Candidates: Werkzeug's development server (the old one), waitress, cheroot, and granian when it is installed
(it is not a dependency). Each serves the same emulator app (bench/serve_candidate.py, the servers as they
come, without zuora-mock's own hooks); the parse-only Flask app on Werkzeug is the baseline of the ratios.
Prints per server: small-POST throughput at 16 connections, p50/p99, server CPU per request (worker processes
included), TCP connections opened, time to the first served response; then, with 300 stalled connections
open (half stopped inside the headers, half after 1 byte of a 100-byte body), the server's thread count and
how long a normal request takes; and the first line answered to a malformed request line.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
from _util import ROOT, cpu_seconds, free_port, wait_until_served
from loadgen import run_load
from run import Figures, post_json, token

STALLED = 300


class Candidate:
    def __init__(self, server: str, app: str, threads: int, name: str | None = None) -> None:
        self.name = name or f"{app} on {server}"
        self.server, self.app = server, app
        self.port = free_port()
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "bench" / "serve_candidate.py"),
                server,
                app,
                str(self.port),
                str(threads),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT / "bench",
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(ROOT / "bench"), os.environ.get("PYTHONPATH")])
                ),
            },
        )
        self.start_seconds = wait_until_served(self.proc, self.port, started)

    def pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [self.proc.pid, *map(int, children)]

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids())

    def threads(self) -> int:
        return sum(len(list(Path(f"/proc/{pid}/task").iterdir())) for pid in self.pids())

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def small_post(bearer: str | None, tag: str):
    counter = iter(range(10**9))

    def make(_: int) -> bytes:
        record = {"VIN__c": f"{tag}{next(counter):016d}", "Status__c": "Active", "ModelYear__c": 2021}
        return post_json("/objects/records/default/Vehicle", orjson.dumps({"records": [record]}), bearer)

    return make


def stalled_check(candidate: Candidate) -> str:
    """Thread count before/after 300 stalled connections, and a normal request's time meanwhile."""
    before = candidate.threads()
    stalled = []
    try:
        for n in range(STALLED):
            sock = socket.create_connection(("127.0.0.1", candidate.port), timeout=5)
            if n % 2:
                sock.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nc")
            else:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            stalled.append(sock)
        time.sleep(1)
        started = time.perf_counter()
        try:
            token(candidate.port)
            normal = f"{(time.perf_counter() - started) * 1000:.0f} ms"
        except OSError as exc:
            normal = f"no answer ({exc.__class__.__name__})"
        return f"threads {before} -> {candidate.threads()}, normal request {normal}"
    except OSError as exc:
        return f"failed while opening connections: {exc}"
    finally:
        for sock in stalled:
            sock.close()


def malformed_answer(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except OSError:
            pass
    first = data.split(b"\r\n", 1)[0][:60]
    return repr(first)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=16, help="pool size of the pooled servers (default 16)"
    )
    args = parser.parse_args()
    servers = ["werkzeug", "waitress", "cheroot"]
    if importlib.util.find_spec("granian") is not None:
        servers.append("granian")
    print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}, threads {args.threads}")
    candidates = [Candidate("werkzeug", "baseline", args.threads)]
    candidates += [Candidate(server, "emulator", args.threads) for server in servers]
    try:
        makers = {
            c.name: small_post(None if c.app == "baseline" else token(c.port), c.server[:1].upper())
            for c in candidates
        }
        figures = {c.name: Figures() for c in candidates}
        for round_ in range(args.rounds):
            for c in candidates if round_ % 2 == 0 else candidates[::-1]:
                before = c.cpu()
                result = run_load(c.port, makers[c.name], connections=16, seconds=args.seconds, limit=50_000)
                figures[c.name].add(result, c.cpu() - before)
        base = figures[candidates[0].name].rate
        print("\nsmall POST (1 record), 16 connections; ratio = requests/s / the baseline's")
        for c in candidates:
            f = figures[c.name]
            print(
                f"  {c.name:<20}{f.rate:7.0f} req/s {f.rate / base:5.2f}x  p50 {f.percentile_ms(0.5):6.1f} ms"
                f"  p99 {f.percentile_ms(0.99):6.1f} ms  CPU {f.cpu / max(1, f.requests) * 1e6:5.0f} us/req"
                f"  {f.connections:5d} connections  first response {c.start_seconds * 1000:4.0f} ms"
            )
        print(f"\n{STALLED} stalled connections, then malformed request line")
        for c in candidates[1:]:
            print(f"  {c.name:<20}{stalled_check(c)}; GARBAGE -> {malformed_answer(c.port)}")
    finally:
        for c in candidates:
            c.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
