"""Whole-batch fast path: each field's values of an update gathered into a column its rule checks at once.

It only ever accepts batches whose every value the per-record checks accept as plain (no null, no system key,
no unknown field); anything else, or any doubt, answers False and the caller checks record by record, which
also finds the messages. A 1,000-record update is validated about twice as fast this way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

from zuora_mock.backend.customobjects.fields import FieldRule

_DICT_ONLY = {dict}


def all_plain_and_valid(rules: Mapping[str, FieldRule], records: Mapping[str, Any]) -> bool:
    """Whether every record of an update is an object of known, non-null fields whose values are all valid."""
    rows = list(records.values())
    if not rows:
        return True
    if set(map(type, rows)) != _DICT_ONLY:
        return False
    columns = _same_fields_columns(rows) or _mixed_fields_columns(rows)
    if any(name not in rules for name in columns):
        return False
    return all(rules[name].column_ok(column) for name, column in columns.items())


def _same_fields_columns(rows: list[dict[str, Any]]) -> Mapping[str, Sequence[Any]] | None:
    """The usual batch, every record sending the same fields: transposed by zip, without a loop per value."""
    names = list(rows[0])
    if not names or set(map(len, rows)) != {len(names)}:
        return None
    try:  # as many fields as the first record, and each of its fields: the same fields
        if len(names) == 1:
            return {names[0]: list(map(itemgetter(names[0]), rows))}
        return dict(zip(names, zip(*map(itemgetter(*names), rows), strict=True), strict=True))
    except KeyError:
        return None


def _mixed_fields_columns(rows: list[dict[str, Any]]) -> Mapping[str, Sequence[Any]]:
    """Records sending different fields: one pass, each value appended to its field's column."""
    columns: dict[str, list[Any]] = {}
    for values in rows:
        for name, value in values.items():
            column = columns.get(name)
            if column is None:
                column = columns[name] = []
            column.append(value)
    return columns
