"""What the request journal costs: zuora-mock with journal_size=1000 (the default) next to journal_size=0.

    python bench/bench_journal.py [--seconds 3] [--rounds 5]

Starts two `zuora-mock` CLI servers on 127.0.0.1 that differ only by journal_size, drives both with the same
load generator (bench/loadgen.py), taking turns round by round so that other jobs on the machine slow both
alike, and prints per workload the median requests per second and server CPU time per request of each, and
what recording costs in percent of each. On a shared machine throughput swings with the other jobs; CPU time
per request is the steady figure, and the one checked. Workloads: the token request, a small record create on
16 connections, a 1,000-record batch update and a 1 MB multipart upload (the bodies bench/run.py uses). Then
the peak RSS of each server, to show the journal's memory stays flat. Exits 1 when recording costs 5% or more
CPU per request on a workload.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

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


def start(name: str, journal_size: int) -> Server:
    limits = [f"{name}={UNLIMITED}" for name in ("rate_limit_minute", "rate_limit_hour", "rate_limit_day")]
    args = [sys.executable, "-m", "zuora_mock", "--port", "0", "--set", f"journal_size={journal_size}"]
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

    return [
        ("token request, 8 connections", 8, 20_000, lambda n: token_request),
        ("small POST (1 record), 16 connections", 16, 20_000, small),
        ("batch update of 1,000 records, 1 connection", 1, 400, batch),
        ("1 MB multipart upload, 1 connection", 1, 40, upload),
    ]


def measure(servers: list[Server], plans: dict[str, list[Factory]], rounds: int, seconds: float) -> bool:
    """Per workload: median throughput and server CPU per request of each server; False past MAX_COST."""
    ok = True
    for index, (title, connections, limit) in enumerate(workloads_shape[0]):
        rates: dict[str, list[float]] = {server.name: [] for server in servers}
        cpu: dict[str, list[float]] = {server.name: [] for server in servers}
        for round_ in range(rounds):
            for server in servers if round_ % 2 == 0 else servers[::-1]:
                before = server.cpu()
                result = run_load(
                    server.port,
                    plans[server.name][index],
                    connections=connections,
                    seconds=seconds,
                    limit=limit,
                )
                rates[server.name].append(result.rate)
                cpu[server.name].append((server.cpu() - before) / max(result.requests, 1) * 1e6)
        (on, off), (cpu_on, cpu_off) = (
            [statistics.median(found[server.name]) for server in servers] for found in (rates, cpu)
        )
        cost = cpu_on / cpu_off - 1
        ok = ok and cost < MAX_COST
        print(
            f"{title:46} req/s {on:7.1f} vs {off:7.1f} ({(1 - on / off) * 100:+5.1f}%)  "
            f"CPU/req {cpu_on:8.0f} vs {cpu_off:8.0f} us ({cost * 100:+5.1f}%)"
        )
    return ok


workloads_shape: list[list[tuple[str, int, int]]] = []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per server per round (default 3)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per workload (default 5)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"load average before: {loadavg()}")
    servers = [start("recording", 1000), start("off", 0)]
    try:
        plans = {}
        for server in servers:
            found = workloads(server, token(server.port))
            workloads_shape[:] = [[(title, conn, limit) for title, conn, limit, _ in found]]
            plans[server.name] = [factory for *_, factory in found]
        ok = measure(servers, plans, max(1, args.rounds), args.seconds)
        for server in servers:
            print(f"{server.name:9} peak RSS {server.peak_rss_mib():.1f} MiB")
    finally:
        for server in servers:
            server.stop()
    print(f"load average after: {loadavg()}  ({time.perf_counter() - started:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
