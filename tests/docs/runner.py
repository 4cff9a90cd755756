"""Run a document's blocks in order against a real server, as a user pasting them would.

Shell blocks run with bash (`set -eo pipefail`), one process each; the variables a block sets are carried to
the next block of the same document. Python blocks run in one interpreter per document (pyworker.py). Both run
in the document's own temporary directory with this virtual environment's bin/ first on PATH, and see the
documented `127.0.0.1:8080` as the real server's address.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.docs.markdown import PYTHON, SHELL, Block
from tests.docs.outputs import mismatch, normalise
from tests.docs.pyworker import REPLY

DOCUMENTED_PORT = 8080
SHELL_TIMEOUT = 60.0
PYTHON_TIMEOUT = 120.0
WORKER = Path(__file__).with_name("pyworker.py")


class DocError(AssertionError):
    """A documented example that failed: the message names the block and shows what happened."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def user_environment() -> dict[str, str]:
    """A user's shell: our virtual environment active, no ZUORA_MOCK_* settings leaking in from the tests."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ZUORA_MOCK_", "PYTEST_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(Path(sys.executable).parent.parent)
    return env


def with_port(text: str, port: int) -> str:
    return re.sub(rf"(127\.0\.0\.1|localhost):{DOCUMENTED_PORT}\b", rf"\g<1>:{port}", text).replace(
        f"--port {DOCUMENTED_PORT}", f"--port {port}"
    )


class ShellSession:
    """bash per block; variables persist through a state file; every block's process group is ours to stop."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.state = cwd / ".docs-test-shell-state"
        self.state.write_text("")
        self.groups: list[int] = []

    def run(self, block: Block, code: str) -> str:
        state = shlex.quote(str(self.state))
        script = (
            f"__docs_test_base=$'\\n'\"$(compgen -v)\"$'\\n'\n"
            f'__docs_test_save() {{ for __v in $(compgen -v); do case "$__docs_test_base" in '
            f"*$'\\n'\"$__v\"$'\\n'*|__docs_test*|__v) ;; "
            f'*) declare -p "$__v" 2>/dev/null;; esac; done > {state}; }}\n'
            f"source {state}\ntrap __docs_test_save EXIT\nset -eo pipefail\n{code}"
        )
        process = subprocess.Popen(
            ["bash", "-c", script, block.where],
            cwd=self.cwd,
            env=user_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.groups.append(process.pid)
        try:
            output, _ = process.communicate(timeout=SHELL_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._stop_group(process.pid)
            output, _ = process.communicate()
            raise DocError(f"{block.where}: still running after {SHELL_TIMEOUT:.0f} s\n{output}") from None
        if process.returncode != 0:
            raise DocError(f"{block.where}: exit status {process.returncode}\n{output}")
        return output

    def close(self) -> None:
        """Stop what a block left running in the background (a server it started), by process group id."""
        for group in self.groups:
            self._stop_group(group)

    @staticmethod
    def _stop_group(group: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGTERM)


class PythonSession:
    """One pyworker.py process for a document, started by its first Python block."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.process: subprocess.Popen[str] | None = None
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader: threading.Thread | None = None

    def _start(self) -> subprocess.Popen[str]:
        if self.process is None:
            self.process = subprocess.Popen(
                [sys.executable, str(WORKER)],
                cwd=self.cwd,
                env={**user_environment(), "PYTHONPATH": str(self.cwd)},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            self.reader = threading.Thread(target=self._read, args=(self.process,), daemon=True)
            self.reader.start()
        return self.process

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.put(line)
        self.lines.put("")

    def run(self, block: Block, code: str) -> str:
        process = self._start()
        assert process.stdin is not None
        process.stdin.write(json.dumps({"code": code, "name": block.where}) + "\n")
        process.stdin.flush()
        stray = []
        while True:
            try:
                line = self.lines.get(timeout=PYTHON_TIMEOUT)
            except queue.Empty:
                raise DocError(f"{block.where}: no answer after {PYTHON_TIMEOUT:.0f} s") from None
            if not line:
                raise DocError(f"{block.where}: the Python process exited\n{''.join(stray)}")
            if line.startswith(REPLY):
                reply = json.loads(line[len(REPLY) :])
                break
            stray.append(line)
        output = "".join(stray) + reply["stdout"]
        if reply["error"]:
            raise DocError(f"{block.where}: raised\n{output}{reply['error']}")
        return output

    def close(self) -> None:
        """End of input, a short wait, then kill (it is our own process)."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if self.reader is not None:
            self.reader.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


@dataclass
class Outcome:
    """What running one document did: blocks run, blocks skipped (with reasons), outputs compared."""

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    compared: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass
class DocumentRun:
    """Walks one document's blocks; `server_port` is where the documented 8080 points."""

    blocks: list[Block]
    cwd: Path
    server_port: int
    python: PythonSession
    outcome: Outcome = field(default_factory=Outcome)

    def run(self, tracks: bool = False, reset: Callable[[], None] = lambda: None) -> Outcome:
        """All blocks in order; with `tracks`, the shell walk-through, then the Python one after a reset."""
        if not tracks:
            self._walk(None)
            return self.outcome
        for number, language in enumerate((SHELL, PYTHON)):
            if number:
                reset()
            self._walk(language)
        return self.outcome

    def _walk(self, track: frozenset[str] | None) -> None:
        shell = ShellSession(self.cwd)
        last: Ran | None = None
        source: Block | None = None
        try:
            for block in self.blocks:
                if block.runnable:
                    source = block
                if track is not None and not self._in_track(block, source, track):
                    continue
                last = self._step(block, shell, last, first_pass=track in (None, SHELL))
        finally:
            shell.close()

    @staticmethod
    def _in_track(block: Block, source: Block | None, track: frozenset[str]) -> bool:
        if block.runnable:
            return block.language in track
        if block.marker == "output":
            return source is not None and source.language in track
        return True

    def _step(self, block: Block, shell: ShellSession, last: Ran | None, first_pass: bool) -> Ran | None:
        if block.marker == "skip":
            if first_pass:
                self.outcome.skipped.append(f"{block.where} ({block.argument})")
            return Ran(block, "", {})
        if block.marker == "file":
            self._write_file(block)
        elif block.marker == "output":
            self._compare(block, last)
        elif block.runnable:
            port = free_port() if block.marker == "fresh-port" else self.server_port
            session = shell if block.is_shell else self.python
            output = session.run(block, with_port(block.text, port))
            self.outcome.ran.append(block.where)
            return Ran(block, output, {port: DOCUMENTED_PORT})
        return last

    def _write_file(self, block: Block) -> None:
        name = block.argument
        first = block.text.splitlines()[0] if block.text else ""
        if name not in first:
            raise DocError(f"{block.where}: a file block names its file in its first line ({name})")
        target = self.cwd / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(with_port(block.text, self.server_port))
        if block.where not in self.outcome.files:
            self.outcome.files.append(block.where)

    def _compare(self, block: Block, last: Ran | None) -> None:
        if last is None:
            raise DocError(f"{block.where}: an output block with no runnable block before it")
        if last.block.marker == "skip":
            return  # the output of a block that runs elsewhere (its skip reason says where)
        problem = mismatch(block.text, normalise(last.output, last.ports), block.language)
        if problem is not None:
            raise DocError(f"{block.where}: the output of {last.block.where} differs\n{problem}")
        self.outcome.compared.append(block.where)


@dataclass(frozen=True)
class Ran:
    """A block that ran, what it printed, and which real ports stand for the documented one."""

    block: Block
    output: str
    ports: dict[int, int]
