"""One real zuora-mock for the documentation tests, and one Python interpreter per document."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.markdown import Block, blocks, documents
from tests.docs.runner import PythonSession, preload_modules
from tests.e2e.cli_server import CliServer


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
def python_sessions(
    document_blocks: dict[Path, list[Block]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[Path, tuple[Path, PythonSession]]]:
    """Started together, so the README's zuora_sdk import runs while the other documents are tested."""
    sessions = {}
    for path, document in document_blocks.items():
        cwd = tmp_path_factory.mktemp(path.stem)
        sessions[path] = (cwd, PythonSession(cwd, preload_modules(document)))
    yield sessions
    for _, session in sessions.values():
        session.close()


def reset(server: CliServer) -> None:
    """Every document starts from the fixture state, whatever the previous one created."""
    request = urllib.request.Request(server.url + "/_mock/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
