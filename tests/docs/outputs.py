"""Compare what a documented command printed with the output the document shows.

Both sides are normalised first: ids, keys and timestamps differ on every run, so each becomes a
placeholder (`<uuid>`, `<hex32>`, `<hex16>`, `<datetime>`, `<duration>`), and the server's real port becomes
the documented 8080. Beyond that the comparison is exact, with one wildcard: `...`.

- Text: a line that is only `...` matches any number of lines; `...` inside a line matches any text.
- JSON (the expected block's language is `json`): the printed text must parse as JSON and match
  structurally, key order included. The string `"..."` matches any value; as the last item of a list it
  matches any further items; a key `"..."` in an object allows keys that the document leaves out.
"""

from __future__ import annotations

import json
import re
from typing import Any

ELLIPSIS = "..."
PLACEHOLDERS = (
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "<hex32>"),
    (re.compile(r"\b[0-9A-F]{16}\b"), "<hex16>"),
    (re.compile(r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"), "<datetime>"),
    (re.compile(r"\bin \d+(?:\.\d+)?s\b"), "in <duration>"),
)


def normalise(text: str, ports: dict[int, int] | None = None) -> str:
    """Placeholders for run-specific values; real ports back to the documented ones."""
    for real, documented in (ports or {}).items():
        text = re.sub(rf"(127\.0\.0\.1|localhost):{real}\b", rf"\g<1>:{documented}", text)
    for pattern, placeholder in PLACEHOLDERS:
        text = pattern.sub(placeholder, text)
    return text


def mismatch(expected: str, actual: str, language: str) -> str | None:
    """None when `actual` matches the documented `expected` output, else a readable explanation."""
    if language == "json":
        return _json_mismatch(expected, actual)
    return _text_mismatch(expected, actual)


def _text_mismatch(expected: str, actual: str) -> str | None:
    want = [line.rstrip() for line in normalise(expected).strip("\n").splitlines()]
    got = [line.rstrip() for line in normalise(actual).strip("\n").splitlines()]
    if _lines_match(want, got):
        return None
    return "expected output:\n" + "\n".join(want) + "\n\nactual output (normalised):\n" + "\n".join(got)


def _lines_match(want: list[str], got: list[str]) -> bool:
    if not want:
        return not got
    if want[0] == ELLIPSIS:
        return any(_lines_match(want[1:], got[skip:]) for skip in range(len(got) + 1))
    return bool(got) and _line_matches(want[0], got[0]) and _lines_match(want[1:], got[1:])


def _line_matches(want: str, got: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in want.split(ELLIPSIS))
    return re.fullmatch(pattern, got) is not None


def _json_mismatch(expected: str, actual: str) -> str | None:
    want = json.loads(normalise(expected))
    try:
        got = json.loads(normalise(actual))
    except ValueError:
        return f"expected JSON, the command printed:\n{actual}"
    problem = _value_mismatch(want, got, "$")
    if problem is None:
        return None
    return f"{problem}\n\nactual output (normalised):\n{json.dumps(got, indent=2)}"


def _value_mismatch(want: Any, got: Any, path: str) -> str | None:
    if want == ELLIPSIS:
        return None
    if isinstance(want, dict) and isinstance(got, dict):
        return _object_mismatch(want, got, path)
    if isinstance(want, list) and isinstance(got, list):
        return _list_mismatch(want, got, path)
    if type(want) is not type(got) or want != got:
        return f"at {path}: expected {json.dumps(want)}, got {json.dumps(got)}"
    return None


def _object_mismatch(want: dict[str, Any], got: dict[str, Any], path: str) -> str | None:
    keys = [key for key in want if key != ELLIPSIS]
    present = [key for key in got if key in keys] if ELLIPSIS in want else list(got)
    if present != keys:
        return f"at {path}: expected keys {keys}, got {list(got)}"
    for key in keys:
        problem = _value_mismatch(want[key], got[key], f"{path}.{key}")
        if problem is not None:
            return problem
    return None


def _list_mismatch(want: list[Any], got: list[Any], path: str) -> str | None:
    open_ended = bool(want) and want[-1] == ELLIPSIS
    items = want[:-1] if open_ended else want
    if len(got) < len(items) or (not open_ended and len(got) != len(items)):
        return f"at {path}: expected {len(items)}{' or more' if open_ended else ''} items, got {len(got)}"
    for index, item in enumerate(items):
        problem = _value_mismatch(item, got[index], f"{path}[{index}]")
        if problem is not None:
            return problem
    return None
