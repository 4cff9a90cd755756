"""Run the real `zuora-mock` command as a subprocess on a free port, for end-to-end tests over a socket."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Self

URL_LINE = re.compile(r"listening on (http://\S+)")
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


class CliServer:
    """`python -m zuora_mock --port 0 ...`: reads the printed URL, waits for health, stops by PID with
    SIGTERM."""

    def __init__(self, *args: str, env: Mapping[str, str] | None = None) -> None:
        self.args: Sequence[str] = args
        self.env = env or {}
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self.returncode: int | None = None
        self.stderr_lines: list[str] = []
        self._stderr_reader: threading.Thread | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> Self:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("ZUORA_MOCK_")}
        environ.update(self.env)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zuora_mock", "--port", "0", *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environ,
        )
        stderr = self.process.stderr
        assert stderr is not None
        # Drained continuously so a chatty server never blocks on a full pipe.
        self._stderr_reader = threading.Thread(
            target=lambda: self.stderr_lines.extend(iter(stderr.readline, "")), daemon=True
        )
        self._stderr_reader.start()
        try:
            self.url = self._read_url()
            self._wait_healthy()
        except BaseException:
            self.kill()
            raise
        return self

    def _read_url(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            raise RuntimeError("zuora-mock printed no URL line in time") from None
        match = URL_LINE.search(line)
        if match is None:
            time.sleep(0.2)
            raise RuntimeError(
                f"unexpected first line from zuora-mock: {line!r} {''.join(self.stderr_lines)}"
            )
        return match.group(1)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(self.url + "/_mock/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.02)

    def rss_kib(self) -> int:
        """Resident memory of the server process (Linux), in KiB."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("VmRSS not found")

    def stop(self) -> int:
        """SIGTERM to our own process only; returns its exit code."""
        if self.process is None:
            return self.returncode or 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
        self.returncode = self.process.returncode
        self._close_pipes()
        self.process = None
        return self.returncode

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)
        self._close_pipes()

    def _close_pipes(self) -> None:
        """Close our ends once the process is gone (the stderr reader ends at EOF first)."""
        if self.process is None:
            return
        if self._stderr_reader is not None:
            self._stderr_reader.join(STOP_TIMEOUT)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.kill()
