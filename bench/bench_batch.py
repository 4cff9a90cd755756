"""Batch-update benchmark: POST /objects/batch/default/Vehicle, 1,000 records, against a parse-only baseline.

Run: python bench/bench_batch.py [--seconds S] [--rss-records N] [--data-dir DIR]. Prints figures; compares
only numbers measured in this run, on this machine.
With --data-dir the emulator keeps its state in DIR (docs/state.md): every batch is committed durably before
it is answered; the target is then throughput >= 0.3x the baseline's (time <= 1 / 0.3), and the memory part
is skipped.
1. Latency (real threaded servers on 127.0.0.1, one keep-alive connection each): a 1,000-record update of
   5 fields (about 170 KB with realistic values) posted to the emulator (bearer auth, validation of every
   record, one atomic apply) next to a bare Flask endpoint on the same kind of server that only parses the
   same JSON body with Flask's get_json and answers {} (and, for comparison, the same parse with orjson, the
   emulator's parser). Requests alternate between the endpoints.
   Targets: emulator time per request <= 2x the baseline's, p50 < 40 ms.
2. Memory: RSS of the process once one tenant holds N records (default 100,000; target < 300 MB).
Both servers are stopped before the script ends; the measuring is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import http.client
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

import orjson
from _util import batch_bodies
from flask import Flask, Response, request

from zuora_mock import create_app
from zuora_mock.server import BackgroundServer

RECORDS = 1000
DEMO_CLIENT = ("5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b", "demo-secret-2fQ9xLk7TzR4vW1p")
TARGET_RATIO = 2.0
TARGET_RATIO_PERSISTED = 1 / 0.3
TARGET_P50_MS = 40.0
TARGET_RSS_MB = 300.0


def rss_mb() -> float:
    """Current resident set size (Linux /proc), else the peak reported by getrusage."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Connection:
    """One keep-alive HTTP/1.1 connection to a server on 127.0.0.1."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        self.conn.request(method, path, body=body, headers=headers or {})
        response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.conn.close()


def baseline_app() -> Flask:
    """The baselines: a bare Flask endpoint that parses the body (Flask's own get_json) and answers {},
    and the same with orjson, the parser the emulator uses (a stricter floor, reported for comparison)."""
    app = Flask("baseline")

    @app.post("/objects/batch/default/<name>")
    def batch(name: str) -> Response:
        request.get_json()
        return Response(b"{}", content_type="application/json;charset=utf-8")

    @app.post("/orjson/objects/batch/default/<name>")
    def batch_orjson(name: str) -> Response:
        orjson.loads(request.get_data())
        return Response(b"{}", content_type="application/json;charset=utf-8")

    return app


def token(conn: Connection) -> str:
    form = urlencode(
        {"client_id": DEMO_CLIENT[0], "client_secret": DEMO_CLIENT[1], "grant_type": "client_credentials"}
    ).encode()
    status, body = conn.request(
        "POST", "/oauth/token", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200, body
    return orjson.loads(body)["access_token"]


def create_vehicles(conn: Connection, headers: dict[str, str], count: int, tag: str) -> list[str]:
    """Create `count` Vehicle records, 1,000 per request; returns their ids."""
    ids: list[str] = []
    for start in range(0, count, RECORDS):
        records = [
            {
                "VIN__c": f"{tag}{i:012d}",
                "Status__c": "Active",
                "ModelYear__c": 2020,
                "Notes__c": "Benchmark vehicle",
            }
            for i in range(start, min(start + RECORDS, count))
        ]
        status, body = conn.request(
            "POST", "/objects/records/default/Vehicle", orjson.dumps({"records": records}), headers
        )
        assert status == 200, body[:300]
        ids.extend(r["Id"] for r in orjson.loads(body)["records"])
    return ids


def measure(
    senders: dict[str, Callable[[bytes], int]], bodies: list[bytes], seconds: float, max_requests: int
) -> dict[str, list[float]]:
    """Alternate one request to each server for at most `seconds` (after a warm-up).

    Alternating makes both see the same machine load (other processes share the cores).
    Returns latencies in ms.
    """
    for send in senders.values():
        for body in bodies[:3]:
            assert send(body) == 200
    latencies: dict[str, list[float]] = {name: [] for name in senders}
    deadline = time.perf_counter() + seconds
    count = 0
    while time.perf_counter() < deadline and count < max_requests:
        body = bodies[count % len(bodies)]
        for name, send in senders.items():
            start = time.perf_counter()
            status = send(body)
            latencies[name].append((time.perf_counter() - start) * 1000)
            assert status == 200, (name, status)
        count += 1
    return latencies


def summary(name: str, latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    mean = statistics.fmean(ordered)
    figures = {"rps": 1000 / mean, "mean": mean, "p50": p50, "p99": p99, "n": len(ordered)}
    print(
        f"  {name:<28} {figures['rps']:8.1f} req/s   mean {mean:6.2f} ms   p50 {p50:6.2f} ms   "
        f"p99 {p99:6.2f} ms   ({len(ordered)} requests)"
    )
    return figures


def run(seconds: float, max_requests: int, rss_records: int, data_dir: str | None = None) -> int:
    config: dict[str, object] = {
        "rate_limit_minute": 10**9,
        "rate_limit_hour": 10**9,
        "rate_limit_day": 10**9,
    }
    if data_dir:
        config["data_dir"] = data_dir
    target = TARGET_RATIO_PERSISTED if data_dir else TARGET_RATIO
    app = create_app(config, environ={})
    ok = True
    with BackgroundServer(app) as emulator, BackgroundServer(baseline_app()) as floor:
        conn = Connection(emulator.url)
        headers = {"Authorization": f"Bearer {token(conn)}", "Content-Type": "application/json"}
        ids = create_vehicles(conn, headers, RECORDS, "BENCH")
        bodies = batch_bodies(ids)
        size = len(bodies[0])
        print(
            f"Batch update of {RECORDS} records x 5 fields, body {size / 1024:.0f} KiB, one connection each:"
        )
        base_conn = Connection(floor.url)
        latencies = measure(
            {
                "baseline": lambda body: base_conn.request(
                    "POST", "/objects/batch/default/Vehicle", body, {"Content-Type": "application/json"}
                )[0],
                "orjson": lambda body: base_conn.request(
                    "POST",
                    "/orjson/objects/batch/default/Vehicle",
                    body,
                    {"Content-Type": "application/json"},
                )[0],
                "emulator": lambda body: conn.request(
                    "POST", "/objects/batch/default/Vehicle", body, headers
                )[0],
            },
            bodies,
            seconds,
            max_requests,
        )
        base = summary("baseline (Flask get_json)", latencies["baseline"])
        floor_ = summary("floor (orjson parse only)", latencies["orjson"])
        emu = summary("emulator (full batch)", latencies["emulator"])
        ratio = emu["p50"] / base["p50"]
        ok &= ratio <= target and (data_dir is not None or emu["p50"] < TARGET_P50_MS)
        print(
            f"  time per request vs baseline (p50/p50): {ratio:.2f}x (target <= {target:.2f}x); "
            f"throughput {1 / ratio:.2f}x the baseline's; "
            f"vs the orjson floor {emu['p50'] / floor_['p50']:.2f}x; "
            f"p50 {emu['p50']:.1f} ms (target < {TARGET_P50_MS:.0f} ms)"
        )
        base_conn.close()
        if data_dir:
            conn.close()
            print("targets met" if ok else "TARGETS MISSED")
            return 0 if ok else 1

        before = rss_mb()
        start = time.perf_counter()
        create_vehicles(conn, headers, rss_records - RECORDS, "RSS")
        elapsed = time.perf_counter() - start
        after = rss_mb()
        _, body = conn.request("GET", "/objects/records/default/Vehicle?pageSize=1", headers=headers)
        count = orjson.loads(body)["count"]
        conn.close()
        ok &= after < TARGET_RSS_MB
        print(
            f"Memory: {count} Vehicle records in one tenant: RSS {after:.0f} MB "
            f"(+{after - before:.0f} MB for {rss_records - RECORDS} records, created in {elapsed:.1f} s; "
            f"target < {TARGET_RSS_MB:.0f} MB)"
        )
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=15.0, help="measuring time, both servers (default 15)"
    )
    parser.add_argument("--max-requests", type=int, default=1000, help="cap on measured requests per server")
    parser.add_argument("--rss-records", type=int, default=100_000, help="records held for the RSS figure")
    parser.add_argument("--data-dir", help="keep the emulator's state in this directory (persistence on)")
    args = parser.parse_args(argv)
    return run(args.seconds, args.max_requests, max(args.rss_records, RECORDS), args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
