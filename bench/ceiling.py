"""How far a server alone gets: the parse-only app under each server, next to zuora-mock, in one run.

    python bench/ceiling.py [--seconds 3] [--rounds 3]

bench/run.py divides zuora-mock's throughput by that of the parse-only Flask app on Werkzeug. This script
serves that same parse-only app (bench/bare_flask.py: it parses the body and answers a small JSON body, with
no auth, validation or store) on plain waitress and on zuora-mock's own server (waitress with zuora-mock's
wire and pool, zuora_mock.server), and prints, for the small POST and the 1 MB upload of bench/run.py, each
server's requests per second and CPU per request with its ratio to the Werkzeug baseline. The parse-only app
on a server is the most any emulator on that server can reach: where it lands under a target of bench/run.py,
no work taken out of zuora-mock's requests can meet that target on that server.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from compare_servers import Candidate
from run import ROOT, UNLIMITED, Figures, Server, clean_env, loadavg, measure, token, workloads


def start_all() -> list[Any]:
    limits = [f"{name}={UNLIMITED}" for name in ("rate_limit_minute", "rate_limit_hour", "rate_limit_day")]
    emulator = [sys.executable, "-m", "zuora_mock", "--port", "0", "--bulk-progression", "manual"]
    emulator += [arg for limit in limits for arg in ("--set", limit)]
    return [
        Server.start("baseline", [sys.executable, str(ROOT / "bench" / "bare_flask.py")]),
        Candidate("waitress", "baseline", 16, name="parse-only on waitress"),
        Candidate("zuora", "baseline", 16, name="parse-only on ours"),
        Server.start("zuora-mock", emulator, clean_env()),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per server per round (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per workload (default 3)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"load average before: {loadavg()}")
    servers = start_all()
    try:
        work = workloads(servers[-1], token(servers[-1].port))
        for item in (work[0], work[2]):  # the small POST and the upload: the targets a server can cap
            # Every parse-only server is sent the baseline's requests (no token), zuora-mock its own.
            item.requests.update({server.name: item.requests["baseline"] for server in servers[1:-1]})
            figures = measure(item, servers, max(1, args.rounds), args.seconds)
            print(f"\n{item.name} (zuora-mock's target: {item.min_ratio}x the baseline)")
            base = figures["baseline"].rate
            for server in servers:
                found: Figures = figures[server.name]
                cpu = found.cpu / max(1, found.requests) * 1e6
                problems = f"  UNEXPECTED {sorted(set(found.unexpected))}" if found.unexpected else ""
                print(
                    f"  {server.name:<24}{found.rate:8.0f} req/s  {found.rate / base:5.2f}x"
                    f"  CPU {cpu:6.0f} us/req{problems}"
                )
    finally:
        for server in servers:
            server.stop()
    print(f"\nload average after: {loadavg()}  ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
