"""Rows of a custom object bulk job: CSV cells typed by the definition, then the batch field rules."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import Any

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.fields import FieldRule
from zuora_mock.backend.customobjects.messages import Failure
from zuora_mock.backend.customobjects.model import Definition
from zuora_mock.backend.customobjects.records import (
    ID_LENGTH,
    Claims,
    ObjectData,
    check_relationships,
    merged_record,
    new_record,
)

CREATE, UPDATE, DELETE = "create", "update", "delete"
ID_COLUMNS = ("id", "Id")
_INTEGER = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
_BOOLEANS = {"true": True, "false": False}

Converter = Callable[[str], Any]
Refusal = tuple[int, Failure, list[str]]  # (CSV row number, why, the row's cells)


def _to_number(text: str) -> Any:
    """A JSON-like number from a cell (an integer when it has no fraction), else the text for the rule."""
    if text.isdigit() and text.isascii():
        return int(text)
    if _INTEGER.match(text):
        return int(text)
    if _NUMBER.match(text):
        return float(text)
    return text


def _to_integer(text: str) -> Any:
    return int(text) if text.isdigit() and text.isascii() else _to_number(text)


def _to_boolean(text: str) -> Any:
    return _BOOLEANS.get(text.lower(), text)


def _keep(text: str) -> Any:
    return text


_CONVERTERS: dict[str, Converter] = {"number": _to_number, "integer": _to_integer, "boolean": _to_boolean}


def converters(definition: Definition, header: list[str]) -> list[Converter]:
    """One converter per column: a cell is typed as the field's JSON type; unknown columns stay text."""
    found = []
    for name in header:
        spec = definition.fields.get(name)
        found.append(_CONVERTERS.get(spec.type, _keep) if spec is not None else _keep)
    return found


def uuid4_strings(count: int) -> list[str]:
    """`count` random (version 4) UUIDs as text, drawn at once: ids.record_id() one by one costs 3x more."""
    raw = bytearray(os.urandom(16 * count))
    for offset in range(0, 16 * count, 16):
        raw[offset + 6] = (raw[offset + 6] & 0x0F) | 0x40
        raw[offset + 8] = (raw[offset + 8] & 0x3F) | 0x80
    text = raw.hex()
    return [
        f"{text[i : i + 8]}-{text[i + 8 : i + 12]}-{text[i + 12 : i + 16]}-"
        f"{text[i + 16 : i + 20]}-{text[i + 20 : i + 32]}"
        for i in range(0, 32 * count, 32)
    ]


def _column_valid(rule: FieldRule, values: list[Any]) -> bool:
    """The rule's whole-column test, else its value test on each value (formats have no column test)."""
    if rule.column_ok(values):
        return True
    check = rule.check
    return all(check(value) is None for value in values)


class RowApplier:
    """Applies one job's rows to one object, each row checked like a record of the batch endpoint."""

    def __init__(
        self,
        operation: str,
        data: ObjectData,
        header: list[str],
        objects: Mapping[str, ObjectData],
        zuora_object_exists: Callable[[str, str], bool],
        user_id: str,
    ) -> None:
        self.operation = operation
        self.data = data
        self.definition = data.definition
        self.header = header
        self.id_index = next((i for i, name in enumerate(header) if name in ID_COLUMNS), None)
        self.converters = converters(self.definition, header)
        self.objects = objects
        self.exists = zuora_object_exists
        self.user_id = user_id
        self.claims = Claims(data)  # never given claims: records are stored row by row, the index is current
        definition = self.definition
        required = definition.required_set - set(definition.defaults)
        # Column-wise checks need a header of custom fields only, holding every required one without default.
        self.columnar = (
            operation == CREATE
            and all(name in definition.rules for name in header)
            and required <= set(header)
        )
        self.required_columns = [i for i, name in enumerate(header) if name in required]

    def create_chunk(
        self, rows: list[tuple[int, list[str]]], new_id: Callable[[], str], timestamp: str
    ) -> list[Refusal]:
        """Create the records of a chunk of rows; when every column passes its rule at once (the usual
        import), each row only meets the checks that need the store, else each row is checked on its own."""
        columns = self.typed_columns(rows) if self.columnar else None
        if columns is None:
            refused = []
            for number, cells in rows:
                failure = self._create(cells, new_id(), timestamp)
                if failure is not None:
                    refused.append((number, failure, cells))
            return refused
        return self._create_checked(rows, columns, new_id, timestamp)

    def typed_columns(self, rows: list[tuple[int, list[str]]]) -> list[list[Any]] | None:
        """Each column typed ("" for empty cells), or None when a value or a missing one needs a row check."""
        width = len(self.header)
        if any(len(cells) != width for _, cells in rows):
            return None
        rules = self.definition.rules
        typed_columns = []
        for index, raw in enumerate(zip(*(cells for _, cells in rows), strict=True)):
            convert = self.converters[index]
            # "" marks an empty cell in a typed column too: a converter never turns a cell into "".
            typed = list(raw) if convert is _keep else [convert(cell) if cell else "" for cell in raw]
            present = [value for value in typed if value != ""]
            if len(present) != len(typed) and index in self.required_columns:
                return None
            if present and not _column_valid(rules[self.header[index]], present):
                return None
            typed_columns.append(typed)
        return typed_columns

    def _create_checked(
        self,
        rows: list[tuple[int, list[str]]],
        columns: list[list[Any]],
        new_id: Callable[[], str],
        timestamp: str,
    ) -> list[Refusal]:
        definition, data, header = self.definition, self.data, self.header
        store_checked = bool(definition.store_checked)
        unique = bool(definition.unique_set)
        refused: list[Refusal] = []
        audit = {"type": definition.name, "CreatedById": self.user_id, "UpdatedById": self.user_id}
        audit.update(CreatedDate=timestamp, UpdatedDate=timestamp)
        defaults = definition.defaults
        put, conflict, objects, exists = data.put, self.claims.conflict, self.objects, self.exists
        fresh_ids = uuid4_strings(len(rows))
        for position, values_row in enumerate(zip(*columns, strict=True)):
            values = {name: value for name, value in zip(header, values_row, strict=True) if value != ""}
            if store_checked:
                failure = (conflict(None, values) if unique else None) or check_relationships(
                    definition, values, objects, exists
                )
                if failure is not None:
                    number, cells = rows[position]
                    refused.append((number, failure, cells))
                    continue
            if defaults:
                put(new_record(definition, fresh_ids[position], values, self.user_id, timestamp), None)
            else:
                put({"Id": fresh_ids[position], **audit, **values}, None)
        return refused

    def values(self, cells: list[str]) -> dict[str, Any]:
        """The non-empty cells of a row as typed field values (the id column left out)."""
        skip = self.id_index
        return {
            self.header[i]: convert(cell)
            for i, (convert, cell) in enumerate(zip(self.converters, cells, strict=False))
            if cell != "" and i != skip
        }

    def apply(self, cells: list[str], record_id: str, timestamp: str) -> Failure | None:
        """Store the row's change, or return why it was refused (nothing stored then)."""
        if self.operation == CREATE:
            return self._create(cells, record_id, timestamp)
        key = cells[self.id_index] if self.id_index is not None and self.id_index < len(cells) else ""
        if len(key) != ID_LENGTH:
            return Failure(m.CODE_INVALID, m.MSG_BAD_RECORD_ID.format(id=key[:100]))
        if self.operation == DELETE:
            self.data.remove(key)
            return None
        return self._update(cells, key, timestamp)

    def _create(self, cells: list[str], record_id: str, timestamp: str) -> Failure | None:
        values = self.values(cells)
        definition = self.definition
        failure = (
            definition.check_fields(values, full=True)
            or (self.claims.conflict(None, values) if definition.unique_set else None)
            or check_relationships(definition, values, self.objects, self.exists)
        )
        if failure is None:
            self.data.put(new_record(definition, record_id, values, self.user_id, timestamp), None)
        return failure

    def _update(self, cells: list[str], key: str, timestamp: str) -> Failure | None:
        current = self.data.records.get(key)
        if current is None:
            return Failure(m.CODE_BATCH_RECORD_UNKNOWN, m.MSG_RECORD_NOT_FOUND)
        values = self.values(cells)
        definition = self.definition
        result = definition.check_values(values)
        if result is not True and result is not False:
            return result
        if definition.store_checked and not definition.store_checked.isdisjoint(values):
            failure = (self.claims.conflict(key, values) if definition.unique_set else None) or (
                check_relationships(definition, values, self.objects, self.exists)
            )
            if failure is not None:
                return failure
        self.data.put(merged_record(current, values, self.user_id, timestamp, replace=False), current)
        return None

    def echo(self, cells: list[str]) -> dict[str, str]:
        """The row as an error record shows it: header name to cell text."""
        return dict(zip(self.header, cells, strict=False))
