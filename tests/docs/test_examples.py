"""Every shell and Python block of the README and docs/ runs against a real server; shown outputs must match.

A block that is not meant to run carries a visible `<!-- docs-test: skip: reason -->` marker (markdown.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.conftest import reset
from tests.docs.markdown import ROOT, Block, blocks, documents, has_tracks
from tests.docs.runner import DocumentRun, PythonSession
from tests.e2e.cli_server import CliServer

pytestmark = pytest.mark.emulator_only


def acts(block: Block) -> bool:
    """A block the runner runs or writes to a file."""
    return block.runnable or block.marker == "file"


def with_examples() -> list[Path]:
    """Documents with a block to run or a file to write (the others hold only prose, tables and data)."""
    return [path for path in documents() if any(map(acts, blocks(path)))]


@pytest.mark.parametrize("path", with_examples(), ids=lambda path: str(path.relative_to(ROOT)))
def test_documented_examples_run_as_shown(
    path: Path,
    docs_server: CliServer,
    document_blocks: dict[Path, list[Block]],
    document_session: tuple[Path, PythonSession],
) -> None:
    document = document_blocks[path]
    reset(docs_server)
    cwd, python = document_session
    port = int(docs_server.url.rsplit(":", 1)[1])
    outcome = DocumentRun(document, cwd, port, python).run(has_tracks(path), lambda: reset(docs_server))
    assert outcome.ran
