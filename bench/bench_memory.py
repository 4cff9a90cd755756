"""Memory of a real zuora-mock server: idle, after many mass action uploads, and holding many records.

    python bench/bench_memory.py [--uploads 1000] [--records 100000] [--progression immediate]

Starts `zuora-mock` (its CLI server) on a free port, reads its resident memory (VmRSS) idle with the demo
fixtures, after --uploads mass action uploads of 1 MiB each (finished, their result files kept), and in a
fresh server holding --records custom object records in one tenant. Prints each figure with the machine's
load average, and exits 1 when a target is missed: idle under 60 MiB, uploads under 150 MiB, records under
300 MiB. A benchmark, not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from _util import DEMO_TOKEN_FORM, ROOT, rss_mib, stop

URL = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
TARGETS = {"idle": 60.0, "uploads": 150.0, "records": 300.0}
UPLOAD_BYTES = 1024 * 1024
ROW_NOTE = 480  # an informational column that makes each row about half a KiB
TAG = {
    "object": "BenchTag",
    "label": "Bench tag",
    "properties": {
        "Name__c": {"type": "string", "label": "Name", "maxLength": 64},
        "Size__c": {"type": "integer", "label": "Size"},
    },
    "required": ["Name__c"],
}


@contextmanager
def server(*flags: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`python -m zuora_mock --port 0 FLAGS` with the environment cleared of ZUORA_MOCK_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZUORA_MOCK_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "zuora_mock", "--port", "0", "--quota-profile", "unlimited", *flags],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    match = URL.search(proc.stdout.readline())
    if match is None:
        stop(proc)
        raise RuntimeError("the server did not print its URL")
    try:
        yield proc, int(match.group(1))
    finally:
        stop(proc)


def call(
    port: int, method: str, path: str, body: bytes | str = b"", headers: dict[str, str] | None = None
) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: HTTP {response.status} {data[:300]!r}")
        return data
    finally:
        conn.close()


def bearer(port: int) -> dict[str, str]:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    token = json.loads(call(port, "POST", "/oauth/token", DEMO_TOKEN_FORM, form))["access_token"]
    return {"Authorization": f"Bearer {token}"}


def upload_file(index: int) -> bytes:
    """A DeleteRevenueSchedule CSV of about 1 MiB: unknown numbers (each row fails) and a note column."""
    out = io.StringIO()
    out.write("Revenue Schedule Number,Note\n")
    row = 0
    while out.tell() < UPLOAD_BYTES - 600:
        note = uuid.uuid4().hex * (ROW_NOTE // 32)
        out.write(f"RS-{index:04d}{row:06d},{note}\n")
        row += 1
    return out.getvalue().encode()


def multipart(file: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="rs.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode(),
        file,
        f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="params"\r\n\r\n'
        '{"actionType": "DeleteRevenueSchedule"}\r\n'
        f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def measure_uploads(count: int, progression: str) -> float:
    with server("--bulk-progression", progression, "--bulk-rows-per-second", "0") as (proc, port):
        auth = bearer(port)
        for index in range(count):
            body, content_type = multipart(upload_file(index))
            call(port, "POST", "/v1/bulk", body, {**auth, "Content-Type": content_type})
        if progression != "immediate":
            time.sleep(2)
        return rss_mib(proc.pid)


def measure_records(count: int) -> float:
    with server() as (proc, port):
        auth = {**bearer(port), "Content-Type": "application/json"}
        call(
            port, "POST", "/objects/definitions/default", json.dumps({"definitions": {"BenchTag": TAG}}), auth
        )
        for start in range(0, count, 1000):
            records = [{"Name__c": f"tag-{n}", "Size__c": n} for n in range(start, min(count, start + 1000))]
            call(port, "POST", "/objects/records/default/BenchTag", json.dumps({"records": records}), auth)
        return rss_mib(proc.pid)


def measure_idle() -> float:
    with server() as (proc, port):
        bearer(port)
        time.sleep(0.5)
        return rss_mib(proc.pid)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=1000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--progression", default="immediate", choices=("immediate", "time"))
    args = parser.parse_args(argv)
    figures = {
        "idle": measure_idle(),
        "uploads": measure_uploads(args.uploads, args.progression),
        "records": measure_records(args.records),
    }
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    missed = 0
    for name, rss in figures.items():
        ok = rss < TARGETS[name]
        missed += not ok
        print(f"{name:8} {rss:7.1f} MiB RSS  (target < {TARGETS[name]:.0f})  {'ok' if ok else 'MISSED'}")
    print(
        f"uploads: {args.uploads} x 1 MiB ({args.progression}); records: {args.records}; load average {load}"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
