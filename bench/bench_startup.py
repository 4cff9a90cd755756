"""Start-up benchmark: time to the first served response and idle RSS of zuora-mock next to a bare Flask app.

Both are launched N times as subprocesses in the same run (zuora-mock on its waitress server, the baseline on
Werkzeug's threaded server), and polled with the same first request (POST /oauth/token with the demo
credentials). Prints medians and ratios.
Targets (docs/performance.md): start-up <= 1.5x the bare Flask app (and under 0.4 s), idle RSS < 80 MiB.

    python bench/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from _util import ROOT, StartupRun, free_port, measure_startup, median

STARTUP_RATIO_TARGET = 1.5
STARTUP_SECONDS_TARGET = 0.4
RSS_MIB_TARGET = 80.0


def candidates() -> dict[str, Callable[[int], list[str]]]:
    """Commands to compare, each given the port to listen on."""
    commands: dict[str, Callable[[int], list[str]]] = {
        "bare Flask (baseline)": lambda port: [
            sys.executable,
            str(ROOT / "bench" / "bare_flask.py"),
            "--port",
            str(port),
        ],
        "python -m zuora_mock": lambda port: [sys.executable, "-m", "zuora_mock", "--port", str(port)],
    }
    script = Path(sys.executable).parent / "zuora-mock"
    if not script.exists():
        found = shutil.which("zuora-mock")
        script = Path(found) if found else script
    if script.exists():
        commands["zuora-mock (console script)"] = lambda port: [str(script), "--port", str(port)]
    return commands


def compile_package() -> None:
    """Write the package's bytecode as `pip install` does, so that a source checkout (or an environment with
    PYTHONDONTWRITEBYTECODE set) does not pay for compiling every module on every launch."""
    spec = importlib.util.find_spec("zuora_mock")
    for location in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(location, quiet=1)


def run(runs: int) -> dict[str, list[StartupRun]]:
    """Interleave the commands run by run so that machine noise hits them alike."""
    compile_package()
    commands = candidates()
    results: dict[str, list[StartupRun]] = {name: [] for name in commands}
    for command in commands.values():  # one warm-up each: page cache, .pyc files
        port = free_port()
        measure_startup(command(port), port)
    for _ in range(runs):
        for name, command in commands.items():
            port = free_port()
            results[name].append(measure_startup(command(port), port))
    return results


def report(results: dict[str, list[StartupRun]]) -> bool:
    """Print one line per command and the verdict; True when every target is met."""
    names = list(results)
    base = results[names[0]]
    base_time = median([r.seconds for r in base])
    base_cpu = median([r.cpu_seconds for r in base])
    base_rss = median([r.rss_mib for r in base])
    ok = True
    print(
        f"{'command':<30} {'first response':>15} {'min':>8} {'max':>8} {'CPU to it':>10} {'idle RSS':>10}"
        f" {'time ratio':>11} {'CPU ratio':>10} {'RSS ratio':>10}"
    )
    for name in names:
        times = [r.seconds for r in results[name]]
        cpu = median([r.cpu_seconds for r in results[name]])
        rss = median([r.rss_mib for r in results[name]])
        ratio = median(times) / base_time
        print(
            f"{name:<30} {median(times) * 1000:>12.0f} ms {min(times) * 1000:>5.0f} ms"
            f" {max(times) * 1000:>5.0f} ms {cpu * 1000:>7.0f} ms {rss:>6.1f} MiB {ratio:>10.2f}x"
            f" {cpu / base_cpu:>9.2f}x {rss / base_rss:>9.2f}x"
        )
        if name != names[0]:
            fast = ratio <= STARTUP_RATIO_TARGET and median(times) < STARTUP_SECONDS_TARGET
            ok &= fast and rss < RSS_MIB_TARGET
    print(
        "first response: median wall time from spawn to the first 200; CPU to it: user+system time the server"
    )
    print(
        "process had used by then (steadier than wall time on a busy machine);"
        " idle RSS after 5 more requests."
    )
    print(
        f"targets: first response <= {STARTUP_RATIO_TARGET}x baseline and"
        f" < {STARTUP_SECONDS_TARGET * 1000:.0f} ms, idle RSS < {RSS_MIB_TARGET:.0f} MiB:"
        f" {'met' if ok else 'NOT met'}"
    )
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured launches per command (default 7)")
    args = parser.parse_args(argv)
    print(f"{args.runs} launches per command, Python {sys.version.split()[0]}, {sys.executable}")
    return 0 if report(run(args.runs)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
