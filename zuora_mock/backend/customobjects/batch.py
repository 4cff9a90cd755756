"""`POST /objects/batch/default/{object}`: the validate-then-apply step (api.commands checks the envelope)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.columns import all_plain_and_valid
from zuora_mock.backend.customobjects.messages import Failure
from zuora_mock.backend.customobjects.records import (
    ID_LENGTH,
    Claims,
    ObjectData,
    check_relationships,
    failure_detail,
    merged_record,
    valid_id,
)


@dataclass(frozen=True)
class Plan:
    """New versions of the valid records of an update, ready to store in one step."""

    records: dict[str, dict[str, Any]]
    # (new, previous) versions of the records whose unique fields were sent: their indexes need updating.
    unique_changes: list[tuple[dict[str, Any], dict[str, Any]]]

    def apply(self, data: ObjectData) -> None:
        for record, previous in self.unique_changes:
            data.reindex(record, previous)
        data.put_many(self.records)


def plan_update(
    data: ObjectData,
    records: Mapping[str, Any],
    objects: Mapping[str, ObjectData],
    zuora_object_exists: Callable[[str, str], bool],
    user_id: str,
    timestamp: str,
) -> tuple[Plan, list[dict[str, Any]]]:
    """Validate every record, in request order, against the current state (caller holds the lock).

    Writes nothing; returns the new record versions to store and the failures as `details`.
    """
    definition = data.definition
    stored = data.records
    check_values = definition.check_values
    store_checked = definition.store_checked
    claims = Claims(data) if definition.unique_set else None
    planned: dict[str, dict[str, Any]] = {}
    planned_unique: list[tuple[dict[str, Any], dict[str, Any]]] = []
    failures: list[dict[str, Any]] = []
    # One column-wise pass settles the usual all-valid batch; otherwise each record is checked on its own.
    columns_valid = all_plain_and_valid(definition.rules, records)
    if columns_valid and (not store_checked or all(map(store_checked.isdisjoint, records.values()))):
        plain = _plain_plan(stored, records, user_id, timestamp)
        if plain is not None:
            return plain, []
    # Keys of a JSON object are unique, so each record appears once and is checked against the stored state.
    for record_id, values in records.items():
        if values.__class__ is not dict:
            failures.append(failure_detail(Failure(m.CODE_INVALID, m.MSG_RECORD_NOT_OBJECT), {}, record_id))
            continue
        current = stored.get(record_id)
        if current is None:
            missing = (
                Failure(m.CODE_INVALID, m.MSG_BAD_RECORD_ID.format(id=record_id[:100]))
                if len(record_id) != ID_LENGTH
                else Failure(m.CODE_BATCH_RECORD_UNKNOWN, m.MSG_RECORD_NOT_FOUND)
            )
            failures.append(failure_detail(missing, values, record_id))
            continue
        result = False if columns_valid else check_values(values)
        failure = None if result is True or result is False else result
        needs_store = failure is None and store_checked and not store_checked.isdisjoint(values)
        if needs_store:
            if claims is not None:
                failure = claims.conflict(record_id, values)
            if failure is None:
                failure = check_relationships(definition, values, objects, zuora_object_exists)
        if failure is not None:
            failures.append(failure_detail(failure, values, record_id))
            continue
        if result is False:
            # Plain values: the new version is one dict merge, in the stored key order.
            record = {**current, **values, "UpdatedById": user_id, "UpdatedDate": timestamp}
        else:
            record = merged_record(current, values, user_id, timestamp, replace=False)
        if needs_store and claims is not None:
            claims.accept(record_id, current, values)
            planned_unique.append((record, current))
        planned[record_id] = record
    return Plan(planned, planned_unique), failures


def _plain_plan(
    stored: Mapping[str, dict[str, Any]], records: Mapping[str, Any], user_id: str, timestamp: str
) -> Plan | None:
    """Every record known, every value valid, none a unique or lookup field: one dict merge per record."""
    if not stored.keys() >= records.keys():
        return None
    stamp = {"UpdatedById": user_id, "UpdatedDate": timestamp}
    return Plan(
        {record_id: {**stored[record_id], **values, **stamp} for record_id, values in records.items()}, []
    )


def check_delete_ids(ids: list[Any]) -> list[dict[str, Any]]:
    """Ids that are not 36-character strings, as `details`; unknown ids are fine (nothing to delete)."""
    failures = []
    for record_id in ids:
        if not valid_id(record_id):
            shown = record_id[:100] if isinstance(record_id, str) else repr(record_id)[:100]
            failures.append(
                {
                    "code": m.CODE_INVALID,
                    "message": m.MSG_BAD_RECORD_ID.format(id=shown),
                    "record": {"Id": record_id},
                }
            )
    return failures
