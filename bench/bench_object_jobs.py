"""Custom object bulk job benchmark: a 100,000-row Vehicle import, validated and stored row by row.

Run: python bench/bench_object_jobs.py [--rows N]. Prints figures measured in this run, on this machine:
1. validation alone: the CSV cells typed and checked by the batch endpoint's field rules, column by column,
   next to a floor: a bare csv.reader pass over the same file. Target: >= 50,000 rows/s.
2. manual progression: the upload (the CSV read into rows) and then the job run by one advance: validation,
   the unique VIN index, the Fleet relationship and storage of every record.
3. time progression (bulk_rows_per_second=0): from the upload to `completed`, polled through GET.
The app runs in-process (Flask's test client): the HTTP server is not part of what is measured.
"""

from __future__ import annotations

import argparse
import csv
import io
import time
from typing import Any

from flask.testing import FlaskClient

from zuora_mock import create_app
from zuora_mock.app import emulator_of
from zuora_mock.backend.customobjects.job_rows import CREATE, RowApplier
from zuora_mock.backend.customobjects.jobs import read_csv
from zuora_mock.backend.massactions.store import CHUNK_ROWS

DEMO_CLIENT = ("5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b", "demo-secret-2fQ9xLk7TzR4vW1p")
FLEET = "f189dba4-de79-4620-89dd-c2f808683ba1"
HEADER = (
    "VIN__c,FleetId__c,Make__c,Model__c,ModelYear__c,OdometerKm__c,Status__c,Electric__c,LastServiceDate__c"
)
TARGET_ROWS_PER_SECOND = 50_000


def vehicles_csv(rows: int) -> bytes:
    """A Vehicle import of `rows` valid rows (unique VINs, an existing fleet)."""
    lines = [HEADER]
    for i in range(rows):
        lines.append(
            f"BENCH{i:012d},{FLEET},Ford,Transit,{2015 + i % 10},{i * 1.5},Active,{i % 2 == 0},2025-06-01"
        )
    return ("\n".join(lines) + "\n").encode()


def auth(client: FlaskClient) -> dict[str, str]:
    form = {"client_id": DEMO_CLIENT[0], "client_secret": DEMO_CLIENT[1], "grant_type": "client_credentials"}
    return {"Authorization": "Bearer " + client.post("/oauth/token", data=form).get_json()["access_token"]}


def submit_and_upload(client: FlaskClient, headers: dict[str, str], data: bytes) -> tuple[str, float]:
    job = client.post("/objects/jobs", headers=headers, json={"object": "Vehicle", "operation": "create"})
    job_id = job.get_json()["Id"]
    started = time.perf_counter()
    uploaded = client.post(
        f"/objects/jobs/{job_id}/files", headers={**headers, "Content-Type": "text/csv"}, data=data
    )
    assert uploaded.status_code == 200, uploaded.data
    return job_id, time.perf_counter() - started


def manual_run(data: bytes, rows: int) -> dict[str, Any]:
    app = create_app({"bulk_progression": "manual", "max_body_bytes": 64 * 1024 * 1024}, environ={})
    try:
        client = app.test_client()
        headers = auth(client)
        job_id, upload_s = submit_and_upload(client, headers, data)
        started = time.perf_counter()
        done = client.post(f"/_mock/objects/jobs/{job_id}/advance", json={}).get_json()
        run_s = time.perf_counter() - started
        assert (done["status"], done["recordsProcessed"]) == ("completed", rows), done
        errors = client.get(f"/objects/jobs/{job_id}/errors", headers=headers).get_json()["errors"]
        assert errors == [], errors[:3]
        return {"upload_s": upload_s, "run_s": run_s}
    finally:
        emulator_of(app).close()


def time_run(data: bytes, rows: int) -> float:
    settings = {"bulk_progression": "time", "bulk_rows_per_second": 0, "max_body_bytes": 64 * 1024 * 1024}
    app = create_app(settings, environ={})
    try:
        client = app.test_client()
        headers = auth(client)
        job_id, _ = submit_and_upload(client, headers, data)
        started = time.perf_counter()
        deadline = started + 120
        while time.perf_counter() < deadline:
            body = client.get(f"/objects/jobs/{job_id}", headers=headers).get_json()
            if body["status"] in ("completed", "failed"):
                assert body["recordsProcessed"] == rows, body
                break
            time.sleep(0.02)
        return time.perf_counter() - started
    finally:
        emulator_of(app).close()


def validation_s(data: bytes) -> float:
    """The column-wise validation alone (CSV cells typed and checked by the field rules), chunk by chunk."""
    app = create_app({}, environ={})
    try:
        registry = emulator_of(app).registry
        tenant = next(iter(registry.tenants.values()))
        objects = tenant.data(tenant.entities[0].id).objects
        vehicle = objects.objects["Vehicle"]
        header, rows = read_csv(data, CREATE, len(data))  # type: ignore[misc]
        applier = RowApplier(CREATE, vehicle, header, objects.objects, objects.zuora_object_exists, "bench")
        started = time.perf_counter()
        for start in range(0, len(rows), CHUNK_ROWS):
            assert applier.typed_columns(rows[start : start + CHUNK_ROWS]) is not None
        return time.perf_counter() - started
    finally:
        emulator_of(app).close()


def floor_s(data: bytes) -> float:
    started = time.perf_counter()
    for _ in csv.reader(io.StringIO(data.decode())):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    data = vehicles_csv(rows)
    floor = floor_s(data)
    validation = rows / validation_s(data)
    manual = manual_run(data, rows)
    elapsed = time_run(data, rows)
    rate = rows / manual["run_s"]
    print(f"file: {rows:,} rows, {len(data) / 1e6:.1f} MB")
    print(f"floor (csv.reader pass):          {rows / floor:>10,.0f} rows/s")
    upload_s = manual["upload_s"]
    print(f"upload (read the CSV into rows):  {rows / upload_s:>10,.0f} rows/s ({upload_s:.2f} s)")
    print(f"validation alone (field rules):   {validation:>10,.0f} rows/s")
    print(f"manual: validate and store:       {rate:>10,.0f} rows/s ({manual['run_s']:.2f} s)")
    print(f"time progression, upload to completed: {elapsed:.2f} s")
    verdict = "meets" if validation >= TARGET_ROWS_PER_SECOND else "misses"
    print(f"target >= {TARGET_ROWS_PER_SECOND:,} rows/s of validation: {verdict}")


if __name__ == "__main__":
    main()
