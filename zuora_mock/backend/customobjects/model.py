"""A created definition and what record writes are checked against: field rules, required, unique, links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.fields import FieldRule
from zuora_mock.backend.customobjects.messages import Failure
from zuora_mock.backend.customobjects.system import RECORD_SYSTEM_KEYS


def apply_patch(record: dict[str, Any], values: Mapping[str, Any]) -> None:
    """JSON merge patch of custom fields into `record`: null clears a field, system keys are left alone."""
    for name, value in values.items():
        if name in RECORD_SYSTEM_KEYS:
            continue
        if value is None:
            record.pop(name, None)
        else:
            record[name] = value


@dataclass(frozen=True)
class FieldSpec:
    """One custom field as the record check and the query engine need it."""

    name: str
    type: str
    format: str | None
    enum: tuple[str, ...] | None
    multiselect: bool
    default: Any
    rule: FieldRule


@dataclass(frozen=True)
class Relationship:
    """A manyToOne link whose values are verified on every record write when enforced."""

    field: str
    namespace: str
    object: str
    enforce: bool


class Definition:
    """A created definition: its wire JSON and everything compiled from it for record checks."""

    def __init__(
        self,
        *,
        name: str,
        schema: dict[str, Any],
        fields: dict[str, FieldSpec],
        required: tuple[str, ...],
        filterable: frozenset[str],
        unique: tuple[str, ...],
        relationships: tuple[Relationship, ...],
        related_objects: frozenset[str],
    ) -> None:
        self.name = name
        self.schema = schema
        self.fields = fields
        self.required = required
        self.required_set = frozenset(required)
        self.filterable = filterable
        self.unique = unique
        self.relationships = relationships
        self.related_objects = related_objects
        self.defaults = {f.name: f.default for f in fields.values() if f.default is not None}
        self.rules: dict[str, FieldRule] = {name: spec.rule for name, spec in fields.items()}
        # Bound once: the per-record loop calls these for every value.
        self.checks = {name: rule.check for name, rule in self.rules.items()}
        self.unique_set = frozenset(unique)
        self.relationship_fields = frozenset(link.field for link in relationships)
        # Fields whose values need the store (unique indexes, related records), not just the value.
        self.store_checked = self.unique_set | self.relationship_fields
        self.wire: dict[str, Any] = {}

    def stamp(self, definition_id: str, user_id: str, timestamp: str) -> None:
        """Give the definition its Id and audit fields, in Zuora's key order."""
        self.wire = {
            "Id": definition_id,
            "type": self.name,
            "CreatedById": user_id,
            "UpdatedById": user_id,
            "CreatedDate": timestamp,
            "UpdatedDate": timestamp,
            "schema": self.schema,
        }

    def merge(self, record: dict[str, Any], values: Mapping[str, Any]) -> Failure | None:
        """Check submitted fields, then write them into `record` (a private copy); null clears a field.

        Returns the first problem (nothing written). System keys a client echoes back are ignored.
        """
        result = self.check_values(values)
        if result is not True and result is not False:
            return result
        apply_patch(record, values)
        return None

    def check_values(self, values: Mapping[str, Any]) -> Failure | bool:
        """Check submitted fields without writing: the first problem, else whether merge() is needed.

        False: every field is a plain valid value (no null, no system key), so the caller may build the new
        version with one dict merge. True: the values are valid but need merge() (nulls clear fields).
        """
        checks = self.checks
        plain = True
        for name, value in values.items():
            check = checks.get(name)
            if check is None:
                if name in RECORD_SYSTEM_KEYS:
                    plain = False
                    continue
                return Failure(m.CODE_UNKNOWN_FIELD, m.MSG_UNKNOWN_FIELD.format(field=name))
            if value is None:
                if name in self.required_set:
                    return Failure(m.CODE_MISSING, m.MSG_REQUIRED_NULL.format(field=name))
                plain = False
                continue
            failure = check(value)
            if failure is not None:
                return failure
        return not plain

    def missing_required(self, record: Mapping[str, Any]) -> Failure | None:
        """A full record (create, PUT) must hold every required field."""
        missing = [name for name in self.required if name not in record]
        if missing:
            return Failure(
                m.CODE_MISSING, m.MSG_MISSING_REQUIRED.format(fields=orjson.dumps(missing).decode())
            )
        return None

    def check_fields(self, values: Mapping[str, Any], *, full: bool) -> Failure | None:
        """The first problem of submitted fields; `full` for create and PUT (required ones present)."""
        scratch: dict[str, Any] = dict(self.defaults) if full else {}
        failure = self.merge(scratch, values)
        if failure is None and full:
            failure = self.missing_required(scratch)
        return failure
