"""What the request journal costs: zuora-mock with journal_size=1000 (the default) next to journal_size=0.

    python bench/bench_journal.py [--seconds 1.5] [--rounds 5] [--pairs 3] [--workload NAME] [--control]

Two measures. First, side by side: two `zuora-mock` CLI servers on 127.0.0.1 that differ only by
journal_size (both with manual mass action progression, as bench/run.py) take turns round by round under the
same load generator (bench/loadgen.py), so that other jobs on the machine slow both alike; then again with a
fresh pair of processes, `--pairs` times, since two processes of the same server differ by several percent of
CPU per request (hash seeds, memory layout), a bias one pair would read as the journal's cost. The servers
share the last core, the load generator the others. Per workload: the median requests per second and server
CPU time per request of each, and the median of the per-round ratios of CPU per request. `--control` runs
both servers with the journal off, to show how far apart two identical servers land (the noise floor).

Second, attributed: py-spy (pip install py-spy) samples the recording server's thread that holds the GIL, and
the share of samples inside the journal's code is its cost, free of that bias.

Workloads: the token request, a small record create on 16 connections, a 1,000-record batch update and a 1 MB
multipart upload (the bodies bench/run.py uses). Then the peak RSS of each server, to show the journal's
memory stays flat. Exits 1 when the journal's share reaches 5% on a workload (without py-spy: when the paired
CPU ratio does), or when a request got an answer it should not have (with --control: only then).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from _util import DEMO_TOKEN_FORM
from loadgen import http_request, run_load
from run import (
    FORM,
    UNLIMITED,
    Server,
    batch_bodies,
    clean_env,
    create_vehicles,
    loadavg,
    post_json,
    token,
    upload_body,
)

MAX_COST = 0.05
Factory = Callable[[int], bytes]
# Workloads: title, connections, most requests per round (the bodies are those of bench/run.py).
SHAPES = [
    ("token request, 8 connections", 8, 20_000),
    ("small POST (1 record), 16 connections", 16, 20_000),
    ("batch update of 1,000 records, 1 connection", 1, 400),
    ("1 MB multipart upload, 1 connection", 1, 40),
]
WORKLOADS = ["token", "small", "batch", "upload"]  # the names --workload takes, in SHAPES' order


def start(name: str, journal_size: int) -> Server:
    limits = [f"{name}={UNLIMITED}" for name in ("rate_limit_minute", "rate_limit_hour", "rate_limit_day")]
    args = [sys.executable, "-m", "zuora_mock", "--port", "0", "--set", f"journal_size={journal_size}"]
    # As bench/run.py: with time progression a background thread advances every uploaded job at 50 rows/s,
    # CPU that grows with the jobs accumulated and the wall time of a round, not with the requests measured.
    args += ["--bulk-progression", "manual"]
    for limit in [*limits, f"auth_rate_limit_minute={UNLIMITED}"]:
        args += ["--set", limit]
    return Server.start(name, args, env=clean_env())


def workloads(server: Server, bearer: str) -> list[tuple[str, int, int, Factory]]:
    counter = iter(range(10**9))

    def small(_: int) -> bytes:
        record = {"VIN__c": f"S{next(counter):016d}", "Status__c": "Active", "Notes__c": "x"}
        return post_json("/objects/records/default/Vehicle", orjson.dumps({"records": [record]}), bearer)

    bodies = batch_bodies(create_vehicles(server.port, bearer))
    body, content_type = upload_body()
    upload_headers = {"Content-Type": content_type, "Authorization": f"Bearer {bearer}"}
    token_request = http_request("POST", "/oauth/token", DEMO_TOKEN_FORM.encode(), FORM)

    def batch(n: int) -> bytes:
        return post_json("/objects/batch/default/Vehicle", bodies[n % len(bodies)], bearer)

    def upload(n: int) -> bytes:
        return http_request("POST", "/v1/bulk", body, upload_headers)

    factories: list[Factory] = [lambda n: token_request, small, batch, upload]
    return [(*shape, factory) for shape, factory in zip(SHAPES, factories, strict=True)]


def task_cpu(server: Server) -> float:
    """CPU seconds of the server's threads from the scheduler's nanosecond counters: /proc/PID/stat counts in
    10 ms ticks, 4% of the 40 uploads of a round."""
    total = 0
    for task in Path(f"/proc/{server.proc.pid}/task").iterdir():
        with contextlib.suppress(OSError):
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


@dataclass
class Samples:
    """One workload's figures over every round of every pair, per server, and the per-round CPU ratios."""

    rates: dict[str, list[float]] = field(default_factory=lambda: {"recording": [], "off": []})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {"recording": [], "off": []})
    ratios: list[float] = field(default_factory=list)
    unexpected: int = 0


def run_rounds(
    servers: list[Server], plans: dict[str, list[Factory]], samples: dict[int, Samples], args: Any
) -> None:
    """The chosen workloads on one pair of servers: both back to back each round, in alternating order."""
    for index, found in samples.items():
        _, connections, limit = SHAPES[index]
        for round_ in range(args.rounds):
            spent: dict[str, float] = {}
            for server in servers if round_ % 2 == 0 else servers[::-1]:
                before = task_cpu(server)
                result = run_load(
                    server.port,
                    plans[server.name][index],
                    connections=connections,
                    seconds=args.seconds,
                    limit=limit,
                )
                spent[server.name] = (task_cpu(server) - before) / max(result.requests, 1) * 1e6
                found.rates[server.name].append(result.rate)
                found.cpu[server.name].append(spent[server.name])
                found.unexpected += len(result.unexpected)
            found.ratios.append(spent["recording"] / spent["off"])


def report(samples: dict[int, Samples]) -> bool:
    """Per workload: median throughput and CPU per request of each server, and the median of the per-round
    ratios of CPU per request (each round runs both servers back to back, so a change of load in the middle of
    the run moves both figures of a ratio alike); False when that median is MAX_COST or more."""
    ok = True
    for index, found in samples.items():
        title = SHAPES[index][0]
        on, off = (statistics.median(found.rates[name]) for name in ("recording", "off"))
        cpu_on, cpu_off = (statistics.median(found.cpu[name]) for name in ("recording", "off"))
        cost = statistics.median(found.ratios) - 1
        ok = ok and cost < MAX_COST and not found.unexpected
        print(
            f"{title:46} req/s {on:7.1f} vs {off:7.1f} ({(1 - on / off) * 100:+5.1f}%)  "
            f"CPU/req {cpu_on:8.0f} vs {cpu_off:8.0f} us, paired {cost * 100:+5.1f}%"
            + (f"  {found.unexpected} unexpected answers" if found.unexpected else "")
        )
    return ok


def start_pair(control: bool) -> list[Server]:
    """Both servers, on the last core when there are two or more (the load generator takes the others)."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    size = 0 if control else 1000
    if len(cores) < 2:
        return [start("recording", size), start("off", 0)]
    os.sched_setaffinity(0, cores[-1:])  # inherited by the servers started now
    try:
        return [start("recording", size), start("off", 0)]
    finally:
        os.sched_setaffinity(0, cores[:-1])


JOURNAL_FRAMES = ("zuora_mock/api/journaling.py", "zuora_mock/backend/journal.py")


def journal_share(samples: dict[int, Samples], seconds: float) -> bool | None:
    """Per workload, the share of the recording server's GIL-holding samples (py-spy --gil) in the journal's
    code: its cost attributed directly, free of the bias between processes. None without py-spy."""
    spy = shutil.which("py-spy")
    if spy is None:
        print("py-spy is not installed (pip install py-spy): no attribution, the paired figures decide")
        return None
    ok = True
    server = start("recording", 1000)
    try:
        plans = workloads(server, token(server.port))
        for index in samples:
            title, connections, _, make = plans[index]
            run_load(server.port, make, connections=connections, seconds=3.0, limit=1000)  # fill the journal
            with tempfile.TemporaryDirectory() as tmp:
                raw = Path(tmp) / "raw.txt"
                command = [
                    spy,
                    "record",
                    "--pid",
                    str(server.proc.pid),
                    "--gil",
                    "--nonblocking",
                    "--rate",
                    "500",
                ]
                sampler = subprocess.Popen(
                    [*command, "--format", "raw", "--duration", str(max(1, round(seconds))), "-o", str(raw)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                run_load(server.port, make, connections=connections, seconds=seconds, limit=10**9)
                sampler.wait()
                held, inside = gil_samples(raw)
            share = inside / max(held, 1)
            ok = ok and share < MAX_COST
            print(f"{title:46} journal code {share * 100:5.2f}% of {held} GIL-holding samples")
    finally:
        server.stop()
    return ok


def gil_samples(raw: Path) -> tuple[int, int]:
    """(samples, samples with a journal frame on the stack) in py-spy's collapsed output."""
    held = inside = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        held += int(count)
        if any(frame in stack for frame in JOURNAL_FRAMES):
            inside += int(count)
    return held, inside


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=1.5, help="seconds per server per round (default 1.5)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds per workload and pair (default 5)")
    parser.add_argument("--pairs", type=int, default=3, help="fresh pairs of server processes (default 3)")
    parser.add_argument("--workload", choices=WORKLOADS, action="append", help="only these (repeatable)")
    parser.add_argument(
        "--control",
        action="store_true",
        help="both servers with journal_size=0: the noise floor of the figures",
    )
    parser.add_argument(
        "--profile-seconds", type=float, default=8.0, help="py-spy sampling per workload (default 8)"
    )
    args = parser.parse_args(argv)
    args.rounds = max(1, args.rounds)
    started = time.perf_counter()
    print(f"load average before: {loadavg()}")
    chosen = args.workload or list(WORKLOADS)
    samples = {WORKLOADS.index(name): Samples() for name in WORKLOADS if name in chosen}
    peak = {"recording": 0.0, "off": 0.0}
    for _ in range(max(1, args.pairs)):
        servers = start_pair(args.control)
        try:
            plans = {
                server.name: [factory for *_, factory in workloads(server, token(server.port))]
                for server in servers
            }
            run_rounds(servers, plans, samples, args)
            for server in servers:
                peak[server.name] = max(peak[server.name], server.peak_rss_mib())
        finally:
            for server in servers:
                server.stop()
    paired_ok = report(samples)
    for name, rss in peak.items():
        print(f"{name:9} peak RSS {rss:.1f} MiB")
    answered = not any(found.unexpected for found in samples.values())
    if args.control:  # two identical servers: the figures are the noise floor, not a cost to check
        ok = answered
    else:
        attributed = journal_share(samples, args.profile_seconds)
        ok = (paired_ok if attributed is None else attributed) and answered
    print(f"load average after: {loadavg()}  ({time.perf_counter() - started:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
