"""One real zuora-mock for the documentation tests, and one Python interpreter per document."""

from __future__ import annotations

import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.markdown import Block, blocks, documents
from tests.docs.runner import PythonSession
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


@pytest.fixture
def document_session(tmp_path: Path) -> Iterator[tuple[Path, PythonSession]]:
    """The document's working directory and its Python interpreter (started by its first Python block)."""
    session = PythonSession(tmp_path)
    yield tmp_path, session
    session.close()
    shutil.rmtree(tmp_path, ignore_errors=True)


def reset(server: CliServer) -> None:
    """Every document starts from the fixture state, whatever the previous one created."""
    request = urllib.request.Request(server.url + "/_mock/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
