"""One real zuora-mock for the documentation tests, and one Python interpreter per document."""

from __future__ import annotations

import shutil
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.markdown import Block, blocks, documents
from tests.docs.runner import PythonSession, preload_modules
from tests.e2e.cli_server import CliServer

Sessions = dict[Path, tuple[Path, PythonSession]]
SESSIONS = pytest.StashKey[Sessions]()
EXAMPLES = Path(__file__).with_name("test_examples.py")


def start_sessions() -> Sessions:
    """Every document's interpreter, each in a working directory of its own; slow imports start now."""
    sessions = {}
    for path in documents():
        cwd = Path(tempfile.mkdtemp(prefix=f"docs-{path.stem}-"))
        sessions[path] = (cwd, PythonSession(cwd, preload_modules(blocks(path))))
    return sessions


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the interpreters as soon as the doc examples are selected: the README's zuora_sdk import (about
    20 s) then runs while the tests before them do."""
    if any(item.path == EXAMPLES for item in items):
        config.stash[SESSIONS] = start_sessions()


@pytest.fixture(scope="session")
def docs_server() -> Iterator[CliServer]:
    """`python -m zuora_mock --port 0` with default settings, as a user starts it; stopped by PID."""
    with CliServer() as server:
        yield server
        server.stop()


@pytest.fixture(scope="session")
def document_blocks() -> dict[Path, list[Block]]:
    return {path: blocks(path) for path in documents()}


@pytest.fixture(scope="session")
def python_sessions(pytestconfig: pytest.Config) -> Iterator[Sessions]:
    sessions = pytestconfig.stash.get(SESSIONS, None) or start_sessions()
    yield sessions
    for cwd, session in sessions.values():
        session.close()
        shutil.rmtree(cwd, ignore_errors=True)


def reset(server: CliServer) -> None:
    """Every document starts from the fixture state, whatever the previous one created."""
    request = urllib.request.Request(server.url + "/_mock/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
