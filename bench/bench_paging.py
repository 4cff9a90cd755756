"""Paging benchmark: list 1,000,000 custom object records 1,000 at a time while a writer keeps writing.

Run: python bench/bench_paging.py [--records N] [--page-size P]. A real server on 127.0.0.1 (the CLI's
server), one tenant holding N records (default 1,000,000) of a 3-field object, created through the API 1,000
per call. Then one client walks every page with the cursor while a second client PATCHes a record every 20 ms.
Prints: the whole listing's time (target < 20 s), per-page p50/p99, and the writes' p50/p99/max latency next
to the p99 of one page (target: a write waits at most about one page). Bounded: stops after one full listing.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import threading
import time
from urllib.parse import urlencode, urlsplit

import orjson

from zuora_mock import create_app
from zuora_mock.server import BackgroundServer

DEMO_CLIENT = ("5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b", "demo-secret-2fQ9xLk7TzR4vW1p")
OBJECT = "Reading"
DEFINITION = {
    "definitions": {
        OBJECT: {
            "object": OBJECT,
            "label": "Meter reading",
            "properties": {
                "meter": {"type": "string", "label": "Meter", "maxLength": 32},
                "kwh": {"type": "number", "label": "kWh"},
                "read": {"type": "boolean", "label": "Read"},
            },
        }
    }
}
TARGET_SECONDS = 20.0
WRITE_EVERY = 0.02


class Client:
    """One keep-alive connection with a bearer token."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
        form = urlencode(
            {"client_id": DEMO_CLIENT[0], "client_secret": DEMO_CLIENT[1], "grant_type": "client_credentials"}
        )
        token = self.call("POST", "/oauth/token", form.encode(), "application/x-www-form-urlencoded")
        self.auth = f"Bearer {token['access_token']}"

    def call(
        self, method: str, path: str, body: bytes | None = None, ctype: str = "application/json"
    ) -> dict:
        """Send one request and return the parsed JSON answer; a non-200 stops the benchmark."""
        headers = {"Content-Type": ctype}
        if hasattr(self, "auth"):
            headers["Authorization"] = self.auth
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise SystemExit(f"{method} {path}: HTTP {response.status} {data[:300]!r}")
        return orjson.loads(data)


def load(client: Client, total: int) -> str:
    """Create the object and `total` records; returns the id of the first record (the writer's target)."""
    client.call("POST", "/objects/definitions/default", orjson.dumps(DEFINITION))
    first = ""
    for start in range(0, total, 1000):
        batch = [
            {"meter": f"M-{n:07d}", "kwh": n % 997 + 0.5, "read": n % 2 == 0}
            for n in range(start, start + 1000)
        ]
        created = client.call("POST", f"/objects/records/default/{OBJECT}", orjson.dumps({"records": batch}))
        first = first or created["records"][0]["Id"]
    return first


def list_all(client: Client, page_size: int) -> tuple[float, list[float], int]:
    """Walk every page with the cursor: (seconds, per-page seconds, records seen)."""
    pages: list[float] = []
    seen, cursor = 0, None
    began = time.perf_counter()
    while True:
        query = {"pageSize": page_size, **({"cursor": cursor} if cursor else {})}
        tick = time.perf_counter()
        body = client.call("GET", f"/objects/records/default/{OBJECT}?{urlencode(query)}")
        pages.append(time.perf_counter() - tick)
        records = body["records"]
        seen += len(records)
        if len(records) < page_size:
            return time.perf_counter() - began, pages, seen
        cursor = records[-1]["Id"]


def write_loop(client: Client, record_id: str, stop: threading.Event, latencies: list[float]) -> None:
    """PATCH one record every WRITE_EVERY seconds until told to stop, timing each write."""
    n = 0
    while not stop.is_set():
        n += 1
        tick = time.perf_counter()
        client.call(
            "PATCH", f"/objects/records/default/{OBJECT}/{record_id}", orjson.dumps({"kwh": n + 0.25})
        )
        latencies.append(time.perf_counter() - tick)
        stop.wait(WRITE_EVERY)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    app = create_app({"journal_size": 0, "rate_limit_minute": 10_000_000, "rate_limit_hour": 10_000_000})
    with BackgroundServer(app) as server:
        loader = Client(server.url)
        began = time.perf_counter()
        target = load(loader, args.records)
        print(f"loaded {args.records:,} records in {time.perf_counter() - began:.1f} s")
        stop, writes = threading.Event(), []
        writer = threading.Thread(target=write_loop, args=(Client(server.url), target, stop, writes))
        writer.start()
        try:
            seconds, pages, seen = list_all(Client(server.url), args.page_size)
        finally:
            stop.set()
            writer.join()
    ms = 1000.0
    print(
        f"listing: {seen:,} records in {len(pages):,} pages, {seconds:.1f} s "
        f"(target < {TARGET_SECONDS:.0f} s: {'met' if seconds < TARGET_SECONDS else 'MISSED'})"
    )
    print(f"page: p50 {statistics.median(pages) * ms:.1f} ms, p99 {percentile(pages, 0.99) * ms:.1f} ms")
    print(
        f"writes meanwhile ({len(writes)}): p50 {statistics.median(writes) * ms:.1f} ms, "
        f"p99 {percentile(writes, 0.99) * ms:.1f} ms, max {max(writes) * ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
