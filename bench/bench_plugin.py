"""What the pytest plugin costs a test suite: starting and stopping the emulator its fixtures run.

Each run is a fresh Python process (as a pytest session is) that starts the plugin's server, waits for its
first served response, stops it, then starts and stops it again several times. The first start includes
importing Flask and the emulator; the later ones are what `zuora_mock_scope = module` pays per module. Prints
medians.

    python bench/bench_plugin.py [--runs 5] [--restarts 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections.abc import Sequence

from _util import ROOT

# Runs inside the measured process: only the standard library and the plugin's own class.
PROBE = """
import json, sys, time, urllib.request
started, started_cpu = time.perf_counter(), time.process_time()
from zuora_mock.pytest_plugin import RunningEmulator

def cycle(begin, begin_cpu):
    server = RunningEmulator({})
    with urllib.request.urlopen(server.url + "/_mock/health", timeout=10) as response:
        response.read()
    served, served_cpu = time.perf_counter(), time.process_time()
    server.stop()
    return served - begin, served_cpu - begin_cpu, time.perf_counter() - served

first = cycle(started, started_cpu)
later = [cycle(time.perf_counter(), time.process_time()) for _ in range(int(sys.argv[1]))]
print(json.dumps({"first": first, "later": later}))
"""


def one_run(restarts: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(restarts)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    figures = json.loads(result.stdout)
    later = figures["later"]
    return {
        "first_start": figures["first"][0],
        "first_start_cpu": figures["first"][1],
        "start": statistics.median(run[0] for run in later),
        "start_cpu": statistics.median(run[1] for run in later),
        "stop": statistics.median(run[2] for run in later),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes (default 5)")
    parser.add_argument("--restarts", type=int, default=5, help="later start/stop cycles per process")
    args = parser.parse_args(argv)
    print(f"{args.runs} processes, {args.restarts} restarts each, Python {sys.version.split()[0]}")
    runs = [one_run(args.restarts) for _ in range(args.runs)]
    for name, label in (
        ("first_start", "first start in a process (imports Flask), to the first served response"),
        ("first_start_cpu", "  CPU time the process used for it (steadier on a busy machine)"),
        ("start", "later starts, to the first served response"),
        ("start_cpu", "  CPU time used for each"),
        ("stop", "stop"),
    ):
        values = [run[name] * 1000 for run in runs]
        spread = f"(min {min(values):.0f}, max {max(values):.0f})"
        print(f"{label:<75} {statistics.median(values):>6.0f} ms {spread}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
