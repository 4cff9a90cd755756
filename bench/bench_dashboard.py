"""Dashboard render times with 10,000 records in a tenant: every page, the record table paged and filtered.

Run: python bench/bench_dashboard.py [--records N] [--repeat N]. Prints, for each page, the median and the
worst time of `repeat` renders through Flask's test client (the HTTP server is not part of what is measured),
and fails (exit 1) when a median is over the budget of 200 ms. The records go in through the records API,
1,000 per request, with odd values among them: long strings, unicode, HTML.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from flask.testing import FlaskClient

from zuora_mock import create_app
from zuora_mock.app import emulator_of

DEMO_CLIENT = ("5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b", "demo-secret-2fQ9xLk7TzR4vW1p")
BUDGET_MS = 200.0
PER_REQUEST = 1000
PAGES = (
    "/_mock/ui/",
    "/_mock/ui/objects?tenant=demo",
    "/_mock/ui/objects/demo/Vehicle",
    "/_mock/ui/objects/demo/Vehicle?size=200&page=40",
    "/_mock/ui/objects/demo/Vehicle?q=Status__c:Maintenance AND ModelYear__c:>2020",
    "/_mock/ui/objects/demo/Vehicle?q=VIN__c:BENCH00000000*",
    "/_mock/ui/jobs",
    "/_mock/ui/requests",
    "/_mock/ui/faults",
    "/_mock/ui/api",
)
ODD = '<script>alert("x")</script> ünïcødé 日本語 ' + "long " * 300


def fill(client: FlaskClient, count: int) -> None:
    """`count` Vehicle records through POST /objects/records, one in ten with odd notes."""
    form = {"client_id": DEMO_CLIENT[0], "client_secret": DEMO_CLIENT[1], "grant_type": "client_credentials"}
    token = client.post("/oauth/token", data=form).get_json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    statuses = ("Active", "Maintenance", "Retired")
    for start in range(0, count, PER_REQUEST):
        records = [
            {
                "VIN__c": f"BENCH{i:012d}",
                "Status__c": statuses[i % 3],
                "ModelYear__c": 2000 + i % 30,
                "Make__c": "Make ✓ <b>" + str(i % 7),
                "Notes__c": ODD if i % 10 == 0 else f"note {i}",
            }
            for i in range(start, min(count, start + PER_REQUEST))
        ]
        response = client.post("/objects/records/default/Vehicle", json={"records": records}, headers=auth)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]


def measure(client: FlaskClient, path: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    app = create_app({"journal_size": 1000}, environ={})
    client = app.test_client()
    fill(client, args.records)
    print(f"{args.records} extra Vehicle records in tenant demo; {args.repeat} renders per page")
    print(f"{'page':<72} {'median ms':>10} {'worst ms':>9}")
    over = []
    for path in PAGES:
        times = measure(client, path, args.repeat)
        median = statistics.median(times)
        print(f"{path:<72} {median:>10.1f} {max(times):>9.1f}")
        if median > BUDGET_MS:
            over.append(path)
    emulator_of(app).close()
    if over:
        print(f"over the {BUDGET_MS:.0f} ms budget: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
