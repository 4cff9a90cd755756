"""Mass-action benchmark: processing rate of a 4 MB CSV, and POST /v1/bulk latency next to a parse-only floor.

Run: python bench/bench_bulk.py [--rounds N]. Prints figures; compares only numbers measured in this run.
1. Processing (in process, `immediate` progression: the whole job runs in submit): rows/s per action for a
   4 MB CSV, and the peak memory traced while one job runs, as a multiple of the file size.
2. Upload latency (real threaded servers on 127.0.0.1): a 1 MB CSV posted to the emulator (`manual`
   progression, so only validation and job creation are timed) next to a bare Flask endpoint that only
   parses the multipart body, on the same kind of server. Both servers are stopped before the script ends.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable

import httpx
from flask import Flask, request

from zuora_mock import create_app
from zuora_mock.backend.massactions.store import MassActionStore
from zuora_mock.backend.massactions.upload import validate_upload
from zuora_mock.core.clock import Clock
from zuora_mock.core.fixtures import load_fixtures
from zuora_mock.server import BackgroundServer

MB = 1024 * 1024
TARGET_ROWS_PER_SECOND = 50_000
DEMO_CLIENT = ("5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b", "demo-secret-2fQ9xLk7TzR4vW1p")


def fx_csv(size: int) -> bytes:
    """ImportFXRate rows that all succeed (distinct dates, so every row is a new rate)."""
    lines = ["Group ID,Provider Exchange Rate Date,Currency (From),Currency (To),Exchange Rate,#Source"]
    total, index = len(lines[0]) + 1, 0
    while True:
        day = f"{2000 + index // 336 % 100:04d}-{index // 28 % 12 + 1:02d}-{index % 28 + 1:02d}"
        line = f"G{index % 97},{day},EUR,USD,1.{index % 9973:04d},ecb"
        if total + len(line) + 1 > size:
            break
        lines.append(line)
        total += len(line) + 1
        index += 1
    return ("\n".join(lines) + "\n").encode()


def delete_csv(size: int) -> bytes:
    """DeleteRevenueSchedule rows naming schedules that do not exist (every row fails with a message)."""
    header = "Revenue Schedule Number\n"
    count = (size - len(header)) // len("RS-00000000\n")
    return (header + "".join(f"RS-{90000000 + i:08d}\n" for i in range(count))).encode()


def mpu_csv(size: int) -> bytes:
    """MPU rows: unassigned payments with an external payment method (all succeed)."""
    lines = ["Billing Account ID,Payment Invoice,Payment Amount,Currency,Payment Date,Payment Method ID"]
    row = ",,12.50,USD,2025-12-01,2c92c0f96b1e2a4b016b2f0c3a600001"
    count = (size - len(lines[0]) - 1) // (len(row) + 1)
    return ("\n".join(lines + [row] * count) + "\n").encode()


def new_store() -> MassActionStore:
    settings = {"bulk_progression": "immediate", "bulk_start_delay": 0.0, "bulk_rows_per_second": 0.0}
    return MassActionStore.from_seed(
        load_fixtures().seed,
        clock=Clock(),
        user_id="0" * 32,
        user_email="bench@example.com",
        lock=threading.RLock(),
        settings=settings,
    )


def process_once(action: str, data: bytes) -> tuple[float, int]:
    store = new_store()
    started = time.perf_counter()
    key = store.submit(validate_upload("bench.csv", data, action, None, 4 * MB))
    elapsed = time.perf_counter() - started
    status = store.status(key)
    assert status.status == "Completed", status
    store.close()
    return elapsed, status.total or 0


def csv_floor(data: bytes) -> float:
    """Seconds for the least any implementation does: decode, read every row, write it back with two
    columns."""
    started = time.perf_counter()
    out = io.StringIO()
    writer = csv.writer(out)
    for row in csv.reader(io.StringIO(data.decode("utf-8"))):
        writer.writerow([*row, "Y", ""])
    return time.perf_counter() - started


def bench_processing(rounds: int) -> None:
    print("1. Processing a 4 MB CSV (immediate progression, in process; validation + rows + result zip)")
    print("   floor = csv.reader + csv.writer over the same file in this run (no validation, no zip)")
    print(
        f"   {'action':<24}{'rows':>9}{'median s':>10}{'rows/s':>11}{'vs target':>11}{'floor s':>9}"
        f"{'vs floor':>10}"
    )
    cases: list[tuple[str, Callable[[int], bytes]]] = [
        ("ImportFXRate", fx_csv),
        ("DeleteRevenueSchedule", delete_csv),
        ("MPU", mpu_csv),
    ]
    for action, build in cases:
        data = build(4 * MB)
        timings, floors = [], []
        for _ in range(rounds):
            floors.append(csv_floor(data))
            elapsed, rows = process_once(action, data)
            timings.append(elapsed)
        median, floor = statistics.median(timings), statistics.median(floors)
        rate = rows / median
        ratio = rate / TARGET_ROWS_PER_SECOND
        print(
            f"   {action:<24}{rows:>9,}{median:>10.3f}{rate:>11,.0f}{ratio:>10.2f}x{floor:>9.3f}"
            f"{median / floor:>9.1f}x"
        )
    # DeleteRevenueSchedule keeps nothing per row in the ledger, so the peak is the job's own footprint
    # (input text, result CSV, zip); actions that create objects add the objects they create.
    data = delete_csv(4 * MB)
    tracemalloc.start()
    process_once("DeleteRevenueSchedule", data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"   peak traced memory of one 4 MB DeleteRevenueSchedule job: {peak / MB:.1f} MiB "
        f"= {peak / len(data):.1f}x the file"
    )


def baseline_app() -> Flask:
    """The floor: a bare Flask endpoint that parses the multipart body and reads the file, nothing else."""
    app = Flask("baseline")
    app.config["MAX_CONTENT_LENGTH"] = 8 * MB

    @app.post("/v1/bulk")
    def upload() -> dict[str, object]:
        size = len(request.files["file"].read())
        return {"success": True, "size": size, "params": request.form["params"]}

    return app


def time_uploads(url: str, headers: dict[str, str], data: bytes, rounds: int) -> list[float]:
    files = {"file": ("bench.csv", data, "text/csv")}
    form = {"params": '{"actionType":"ImportFXRate"}'}
    timings = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for _ in range(rounds + 2):
            started = time.perf_counter()
            response = client.post("/v1/bulk", files=files, data=form, headers=headers)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text[:300]
            assert response.json()["success"] is True, response.text[:300]
    return timings[2:]  # the first two warm up connections and imports


def bench_upload(rounds: int) -> None:
    print("2. POST /v1/bulk with a 1 MB CSV (both apps on zuora-mock's server, 127.0.0.1, one connection)")
    data = fx_csv(1 * MB)
    app = create_app({"bulk_progression": "manual"}, environ={})
    with BackgroundServer(baseline_app()) as baseline, BackgroundServer(app) as emulator:
        token = httpx.post(
            f"{emulator.url}/oauth/token",
            data={
                "client_id": DEMO_CLIENT[0],
                "client_secret": DEMO_CLIENT[1],
                "grant_type": "client_credentials",
            },
        ).json()["access_token"]
        base = time_uploads(baseline.url, {}, data, rounds)
        ours = time_uploads(emulator.url, {"Authorization": f"Bearer {token}"}, data, rounds)
    base_ms, ours_ms = statistics.median(base) * 1000, statistics.median(ours) * 1000
    print(f"   parse-only baseline: median {base_ms:7.1f} ms")
    print(f"   zuora-mock upload:   median {ours_ms:7.1f} ms   ({ours_ms / base_ms:.2f}x the baseline)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="repetitions per measurement (median is shown)")
    args = parser.parse_args()
    bench_processing(max(1, args.rounds))
    bench_upload(max(3, args.rounds * 4))


if __name__ == "__main__":
    main()
