"""What one write costs with --data-dir as a tenant grows: a one-record create at 0, 10,000, 50,000 records.

    python bench/bench_persistence.py [--sizes 0,10000,50000] [--writes 5]

Runs the emulator in process with a data directory in a temporary folder, grows the demo tenant's Vehicle
records 1,000 at a time, and prints the best of `--writes` one-record creates at each size (the request and
its durable SQLite commit, fsync included). A save writes what changed, so the figure should stay flat.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from _util import DEMO_TOKEN_FORM

from zuora_mock import create_app
from zuora_mock.app import emulator_of

UNLIMITED = 10**9
VEHICLES = "/objects/records/default/Vehicle"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,10000,50000", help="record counts to measure at")
    parser.add_argument("--writes", type=int, default=5, help="writes per size (best one printed)")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as data_dir:
        limits = {f"rate_limit_{w}": UNLIMITED for w in ("minute", "hour", "day")}
        app = create_app({"data_dir": data_dir, **limits}, environ={})
        client = app.test_client()
        form = {"content_type": "application/x-www-form-urlencoded"}
        token = client.post("/oauth/token", data=DEMO_TOKEN_FORM, **form).get_json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        for size in (int(s) for s in args.sizes.split(",")):
            count = client.get(f"{VEHICLES}?pageSize=1", headers=auth).get_json()["count"]
            while count < size:
                batch = [{"VIN__c": f"P{count + i:016d}", "Status__c": "Active"} for i in range(1000)]
                client.post(VEHICLES, json={"records": batch}, headers=auth)
                count += len(batch)
            times = []
            for n in range(args.writes):
                record = {"VIN__c": f"Q{size:08d}{n:08d}", "Status__c": "Active"}
                started = time.perf_counter()
                assert client.post(VEHICLES, json={"records": [record]}, headers=auth).status_code == 200
                times.append(time.perf_counter() - started)
            print(f"{count:7d} records: one-record create {min(times) * 1000:7.1f} ms, best of {args.writes}")
        emulator_of(app).close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
