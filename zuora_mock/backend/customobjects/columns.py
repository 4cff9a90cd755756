"""Whole-batch fast path: check each field's column of values with C-speed builtins, not value by value.

It only ever accepts batches whose every value the per-record checks accept as plain (no null, no system key,
no unknown field); anything else, or any doubt, answers False and the caller checks record by record, which
also finds the messages. A 1,000-record update is validated about twice as fast this way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from zuora_mock.backend.customobjects.fields import (
    FAST_BOOLEAN,
    FAST_DATETIME,
    FAST_ENUM,
    FAST_INTEGER,
    FAST_NUMBER,
    FAST_TEXT,
    FRACTION_SCALE,
)

_CANONICAL_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z"
).fullmatch
_STR, _INT, _BOOL = frozenset({str}), frozenset({int}), frozenset({bool})
_NUMERIC = frozenset({int, float})


def _column_ok(spec: tuple[Any, ...], column: list[Any]) -> bool:
    kind = spec[0]
    classes = set(map(type, column))
    if kind == FAST_TEXT:
        if classes != _STR:
            return False
        lengths = list(map(len, column))
        return min(lengths) > 0 and max(lengths) <= spec[1]
    if kind == FAST_ENUM:
        if classes != _STR:
            return False
        distinct = set(column)
        return distinct <= spec[2] and max(map(len, distinct)) <= spec[1]
    if kind == FAST_INTEGER:
        return classes == _INT and spec[1] <= min(column) and max(column) <= spec[2]
    if kind == FAST_NUMBER:
        if not classes <= _NUMERIC:
            return False
        if float in classes:
            # is_integer() is also False for NaN and infinity, which min/max could otherwise hide.
            floats = [value * FRACTION_SCALE for value in column if value.__class__ is float]
            if not all(map(float.is_integer, floats)):
                return False
        return spec[1] <= min(column) and max(column) <= spec[2]
    if kind == FAST_BOOLEAN:
        return classes == _BOOL
    if kind == FAST_DATETIME:
        if classes != _STR or spec[1] < 24 or not all(map(_CANONICAL_DATETIME, column)):
            return False
        try:
            all(map(datetime.fromisoformat, column))
        except ValueError:
            return False
        return True
    return False


def all_plain_and_valid(fast: Mapping[str, tuple[Any, ...]], records: Mapping[str, Any]) -> bool:
    """Whether every record of an update is an object of known, non-null fields whose values are all valid."""
    columns: dict[str, list[Any]] = {}
    for values in records.values():
        if values.__class__ is not dict:
            return False
        for name, value in values.items():
            column = columns.get(name)
            if column is None:
                if name not in fast:
                    return False
                column = columns[name] = []
            column.append(value)
    return all(_column_ok(fast[name], column) for name, column in columns.items())
