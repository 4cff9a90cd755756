"""Fenced code blocks of the README and docs/, with the markers that say how the doc tests treat each one.

A marker is an HTML comment on the last non-blank line before a fence (GitHub does not render it):

- ``<!-- docs-test: skip: REASON -->``: not run; the reason is shown by the test run and must be given.
- ``<!-- docs-test: output -->``: the expected output of the nearest runnable block above it.
- ``<!-- docs-test: file NAME -->``: written to NAME in the document's working directory, not run.
- ``<!-- docs-test: fresh-port -->``: a runnable block that starts its own server; its 8080 becomes a free
  port.

A document whose text holds ``<!-- docs-test: tracks -->`` (on a line of its own, not before a fence) shows
each step twice, in the shell and in Python: its shell blocks run as one walk-through, then, from the fixture
state again, its Python blocks as another, each with its own outputs, as a reader of either one sees them.

Without a marker, ``sh``/``bash``/``shell`` and ``python`` blocks run; every other language is data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHELL = frozenset({"sh", "bash", "shell"})
PYTHON = frozenset({"python", "py"})
RUNNABLE = SHELL | PYTHON
# Blocks a reader would paste into a terminal although they are not run as they stand (prompts, sessions).
SESSIONS = frozenset({"console", "shell-session", "pycon"})
MARKER = re.compile(r"<!--\s*docs-test:\s*(?P<kind>[a-z-]+)(?::?\s*(?P<arg>.*?))?\s*-->")
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
KINDS = frozenset({"skip", "output", "file", "fresh-port"})


class MarkdownError(ValueError):
    """A documentation block the runner cannot classify; the message names the file and line."""


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language, its text, and the marker before it (if any)."""

    path: Path
    line: int
    language: str
    text: str
    marker: str = ""
    argument: str = ""

    @property
    def where(self) -> str:
        return f"{shown(self.path)}:{self.line}"

    @property
    def runnable(self) -> bool:
        return self.language in RUNNABLE and self.marker in ("", "fresh-port")

    @property
    def pasteable(self) -> bool:
        """Commands a reader would paste: they run, or carry a marker that says why not."""
        return self.language in RUNNABLE | SESSIONS

    @property
    def is_shell(self) -> bool:
        return self.language in SHELL


TRACKS = "<!-- docs-test: tracks -->"


def has_tracks(path: Path) -> bool:
    """Whether the document's shell and Python blocks are two separate walk-throughs of the same steps."""
    return TRACKS in path.read_text(encoding="utf-8").splitlines()


def shown(path: Path) -> str:
    """A path as a reader of the repository names it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def documents() -> list[Path]:
    """The user-facing documents: docs/*.md, then the README."""
    return [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]


def blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, in order, with its marker checked."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = _closing_line(lines, index, opening.group("fence"))
        body = "\n".join(line[len(opening.group("indent")) :] for line in lines[index + 1 : end])
        kind, argument = _marker_before(lines, index, path)
        language = opening.group("info").strip().split(" ")[0].lower()
        found.append(Block(path, index + 1, language, body + "\n" if body else "", kind, argument))
        index = end + 1
    return found


def _closing_line(lines: list[str], start: int, fence: str) -> int:
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            return index
    raise MarkdownError(f"unclosed code fence opened at line {start + 1}")


def _marker_before(lines: list[str], fence_index: int, path: Path) -> tuple[str, str]:
    """The docs-test marker on the last non-blank line before the fence, or ('', '')."""
    index = fence_index - 1
    while index >= 0 and not lines[index].strip():
        index -= 1
    if index < 0 or "docs-test" not in lines[index]:
        return "", ""
    match = MARKER.search(lines[index])
    where = f"{shown(path)}:{index + 1}"
    if match is None or match.group("kind") not in KINDS:
        raise MarkdownError(f"{where}: unknown docs-test marker {lines[index].strip()!r}")
    kind, argument = match.group("kind"), (match.group("arg") or "").strip()
    if kind in ("skip", "file") and not argument:
        raise MarkdownError(f"{where}: docs-test: {kind} needs {'a reason' if kind == 'skip' else 'a name'}")
    return kind, argument
