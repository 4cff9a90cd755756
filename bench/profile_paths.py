"""Where the server's CPU goes on each workload of bench/run.py: py-spy samples the real zuora-mock process.

    python bench/profile_paths.py [--seconds 8] [--path small|batch|upload] [--top 25]

Starts `zuora-mock` as bench/run.py does, drives one workload with the same load generator while
`py-spy record` (pip install py-spy) samples every thread of the server, and prints per workload the
functions with the most samples: inclusive (the function and what it calls) and self (the function alone).
Idle threads (the pool waiting for work, the loop in poll) are left out. bench/README.md summarises a run.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from loadgen import run_load
from run import UNLIMITED, Server, clean_env, token, workloads

IDLE = ("wait (threading.py", "poll (waitress/wasyncore.py", "handler_thread (waitress/task.py", "select")
NAMES = {"small": 0, "batch": 1, "upload": 2}


def start_emulator() -> Server:
    limits = [f"{name}={UNLIMITED}" for name in ("rate_limit_minute", "rate_limit_hour", "rate_limit_day")]
    command = [sys.executable, "-m", "zuora_mock", "--port", "0", "--bulk-progression", "manual"]
    return Server.start(
        "zuora-mock", command + [a for limit in limits for a in ("--set", limit)], clean_env()
    )


def busy_stacks(raw: Path) -> list[tuple[list[str], int]]:
    """py-spy's collapsed stacks, without the idle ones, outermost frame first."""
    stacks = []
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if any(marker in frames[-1] for marker in IDLE):
            continue
        stacks.append((frames, int(count)))
    return stacks


def summarise(stacks: list[tuple[list[str], int]], top: int) -> None:
    total = sum(count for _, count in stacks) or 1
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for frames, count in stacks:
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    print(f"  {total} busy samples")
    for title, counter in (("inclusive", inclusive), ("self", own)):
        print(f"  top {top} {title}:")
        for frame, count in counter.most_common(top):
            print(f"    {100 * count / total:5.1f}%  {frame[:150]}")


def profile(name: str, seconds: float, top: int) -> None:
    emulator = start_emulator()
    try:
        work = workloads(emulator, token(emulator.port))[NAMES[name]]
        make = work.requests["zuora-mock"]
        run_load(emulator.port, make, connections=work.connections, seconds=1.0, limit=work.limit)  # warm up
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "raw.txt"
            spy = subprocess.Popen(
                [
                    shutil.which("py-spy") or "py-spy",
                    "record",
                    "--pid",
                    str(emulator.proc.pid),
                    "--format",
                    "raw",
                    "--rate",
                    "500",
                    "--nonblocking",
                    "--duration",
                    str(int(seconds)),
                    "-o",
                    str(raw),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            result = run_load(emulator.port, make, connections=work.connections, seconds=seconds, limit=10**9)
            spy.wait()
            print(f"\n{work.name}: {result.requests} requests")
            summarise(busy_stacks(raw), top)
    finally:
        emulator.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--path", choices=sorted(NAMES), action="append")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    for name in args.path or list(NAMES):
        profile(name, args.seconds, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
