"""Cassette files: one readable JSON file per cassette (a test, or a whole session), versioned and stable.

The format is specified in docs/recording.md. Files are named `NNNN-<slug>.cassette.json`; the number orders
them for the replay, in the order they were recorded.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CASSETTE_VERSION = 1
SUFFIX = ".cassette.json"
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_ORDINAL = re.compile(r"^(\d+)-")
SLUG_LENGTH = 100
# Top-level keys in the order they are written, so that files diff well.
TOP_KEYS = ("version", "name", "recorded", "case", "exchanges")
INLINE_WIDTH = 110


class CassetteError(ValueError):
    """A cassette file that cannot be read; the message names the file."""


@dataclass(frozen=True)
class Cassette:
    """One loaded cassette file."""

    path: Path
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.data.get("name") or self.path.name)

    @property
    def exchanges(self) -> list[dict[str, Any]]:
        exchanges: list[dict[str, Any]] = self.data["exchanges"]
        return exchanges

    @property
    def case(self) -> dict[str, Any] | None:
        case = self.data.get("case")
        return case if isinstance(case, dict) else None

    @property
    def recorded(self) -> dict[str, Any]:
        recorded = self.data.get("recorded")
        return recorded if isinstance(recorded, dict) else {}


def slug(name: str) -> str:
    """A file-name-safe form of a cassette name (a pytest node id, usually)."""
    text = _SLUG_UNSAFE.sub("_", name.replace("::", "--")).strip("._-")
    return text[:SLUG_LENGTH] or "cassette"


def next_ordinal(directory: Path) -> int:
    """The number the next cassette file gets: after every file already in the directory."""
    numbers = [
        int(match.group(1)) for path in directory.glob(f"*{SUFFIX}") if (match := _ORDINAL.match(path.name))
    ]
    return max(numbers, default=0) + 1


def file_name(ordinal: int, name: str) -> str:
    return f"{ordinal:04d}-{slug(name)}{SUFFIX}"


def dumps(data: dict[str, Any], rendered: list[str] | None = None) -> str:
    """A cassette as text: indented, non-ASCII kept, top-level keys in a fixed order, short lists of plain
    values (a header, a query parameter) on one line. `rendered` holds exchanges already rendered by
    render_exchange, so that a growing cassette is not rendered again for every exchange."""
    exchanges = rendered if rendered is not None else [render_exchange(item) for item in data["exchanges"]]
    head = {key: data[key] for key in TOP_KEYS if key in data and key != "exchanges"}
    lines = [f"  {json.dumps(key)}: {_pretty(value, '  ')}" for key, value in head.items()]
    lines.append('  "exchanges": ' + ("[\n" + ",\n".join(exchanges) + "\n  ]" if exchanges else "[]"))
    return "{\n" + ",\n".join(lines) + "\n}\n"


def render_exchange(exchange: dict[str, Any]) -> str:
    """One exchange as it appears in the file's exchanges list."""
    return "    " + _pretty(exchange, "    ")


def _pretty(value: Any, indent: str) -> str:
    inner = indent + "  "
    if isinstance(value, dict) and value:
        members = [
            f"{inner}{json.dumps(key, ensure_ascii=False)}: {_pretty(item, inner)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(members) + "\n" + indent + "}"
    if isinstance(value, list) and value:
        flat = json.dumps(value, ensure_ascii=False)
        if (
            all(not isinstance(item, (dict, list)) for item in value)
            and len(flat) + len(inner) <= INLINE_WIDTH
        ):
            return flat
        return "[\n" + ",\n".join(inner + _pretty(item, inner) for item in value) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def write(path: Path, data: dict[str, Any], rendered: list[str] | None = None) -> None:
    """Write atomically: a reader (or a crash) never sees half a cassette."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".cassette-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(dumps(data, rendered))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path) -> Cassette:
    """Read and check one cassette file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CassetteError(f"{path}: not a readable JSON file ({exc})") from None
    if not isinstance(data, dict):
        raise CassetteError(f"{path}: expected a JSON object")
    if data.get("version") != CASSETTE_VERSION:
        raise CassetteError(
            f"{path}: cassette version {data.get('version')!r} is not supported (this replay reads version "
            f"{CASSETTE_VERSION})"
        )
    exchanges = data.get("exchanges")
    if not isinstance(exchanges, list):
        raise CassetteError(f"{path}: 'exchanges' must be a list")
    for index, exchange in enumerate(exchanges):
        problem = _exchange_problem(exchange)
        if problem:
            raise CassetteError(f"{path}: exchange {index}: {problem}")
    return Cassette(path, data)


def _exchange_problem(exchange: Any) -> str | None:
    if not isinstance(exchange, dict):
        return "expected an object"
    for side, keys in (
        ("request", ("method", "path", "headers", "body")),
        ("response", ("status", "headers", "body")),
    ):
        message = exchange.get(side)
        if not isinstance(message, dict):
            return f"'{side}' must be an object"
        missing = [key for key in keys if key not in message]
        if missing:
            return f"'{side}' lacks {', '.join(missing)}"
    return None


def load_directory(directory: Path) -> list[Cassette]:
    """Every cassette of a directory, in file-name order (the order they were recorded)."""
    if not directory.is_dir():
        raise CassetteError(f"{directory}: no such directory")
    paths = sorted(directory.glob(f"*{SUFFIX}"))
    if not paths:
        raise CassetteError(f"{directory}: no *{SUFFIX} files")
    return [load(path) for path in paths]
