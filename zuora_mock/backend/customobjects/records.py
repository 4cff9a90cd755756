"""One object's records, and the checks a write needs beyond field values: unique values, relationships."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.messages import Failure
from zuora_mock.backend.customobjects.model import Definition, apply_patch
from zuora_mock.backend.customobjects.system import NAMESPACE, RECORD_SYSTEM_KEYS

ID_LENGTH = 36


class ObjectData:
    """A definition with its records: id -> record dict, never mutated in place (writers replace the dict)."""

    __slots__ = ("changed", "definition", "order", "positions", "records", "unique")

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.records: dict[str, dict[str, Any]] = {}
        # Every id ever stored (deleted ones too) in creation order, and its index there: a cursor survives
        # the deletion of its record, and a page after a cursor starts at a known index instead of a scan.
        self.order: list[str] = []
        self.positions: dict[str, int] = {}
        self.unique: dict[str, dict[Any, str]] = {field: {} for field in definition.unique}
        # Ids written or removed since persistence last saved this object; None when nothing keeps track
        # (no data directory, or a save is due in full), so that without persistence nothing accumulates.
        self.changed: set[str] | None = None

    def put(self, record: dict[str, Any], previous: dict[str, Any] | None) -> None:
        """Store a new version of a record and keep the unique indexes in step."""
        record_id = record["Id"]
        self.reindex(record, previous)
        if previous is None and record_id not in self.positions:
            self.positions[record_id] = len(self.order)
            self.order.append(record_id)
        self.records[record_id] = record
        if self.changed is not None:
            self.changed.add(record_id)

    def put_many(self, records: dict[str, dict[str, Any]]) -> None:
        """Store new versions of existing records whose unique values the caller has reindexed."""
        self.records.update(records)
        if self.changed is not None:
            self.changed.update(records)

    def live_after(self, start: int, skip: int, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` stored records from index `start` of the creation order, after skipping `skip`."""
        page: list[dict[str, Any]] = []
        records = self.records
        for record_id in itertools.islice(self.order, start, None):
            record = records.get(record_id)
            if record is None:
                continue
            if skip:
                skip -= 1
                continue
            page.append(record)
            if len(page) >= limit:
                break
        return page

    def reindex(self, record: dict[str, Any], previous: dict[str, Any] | None) -> None:
        """Move the unique values of a record from its previous version to the new one."""
        record_id = record["Id"]
        for field, index in self.unique.items():
            old = previous.get(field) if previous is not None else None
            new = record.get(field)
            if old == new:
                continue
            if old is not None and index.get(old) == record_id:
                del index[old]
            if new is not None:
                index[new] = record_id

    def remove(self, record_id: str) -> bool:
        record = self.records.pop(record_id, None)
        if record is None:
            return False
        if self.changed is not None:
            self.changed.add(record_id)
        for field, index in self.unique.items():
            value = record.get(field)
            if value is not None and index.get(value) == record_id:
                del index[value]
        return True


class Claims:
    """Unique values taken and released by the records of one request that were accepted so far."""

    __slots__ = ("data", "overlay")

    def __init__(self, data: ObjectData) -> None:
        self.data = data
        self.overlay: dict[str, dict[Any, str | None]] = {field: {} for field in data.unique}

    def owner(self, field: str, value: Any) -> str | None:
        overlay = self.overlay[field]
        if value in overlay:
            return overlay[value]
        return self.data.unique[field].get(value)

    def conflict(self, record_id: str | None, values: Mapping[str, Any]) -> Failure | None:
        for field in self.overlay:
            value = values.get(field)
            if value is None:
                continue
            owner = self.owner(field, value)
            if owner is not None and owner != record_id:
                return Failure(m.CODE_LIMIT, m.MSG_NOT_UNIQUE.format(field=field, value=value))
        return None

    def accept(self, record_id: str, previous: Mapping[str, Any] | None, values: Mapping[str, Any]) -> None:
        for field, overlay in self.overlay.items():
            if field not in values:
                continue
            old = previous.get(field) if previous is not None else None
            new = values[field]
            if old is not None and old != new:
                overlay[old] = None
            if new is not None:
                overlay[new] = record_id


def check_relationships(
    definition: Definition,
    values: Mapping[str, Any],
    objects: Mapping[str, ObjectData],
    zuora_object_exists: Callable[[str, str], bool],
) -> Failure | None:
    """Relationship fields must name an existing related record (when the definition enforces the mapping)."""
    for link in definition.relationships:
        value = values.get(link.field)
        if value is None or not link.enforce:
            continue
        if link.namespace == NAMESPACE:
            target = objects.get(link.object)
            found = target is not None and value in target.records
        else:
            found = zuora_object_exists(link.object, value)
        if not found:
            return Failure(
                m.CODE_INVALID,
                m.MSG_BROKEN_RELATIONSHIP.format(
                    field=link.field, namespace=link.namespace, object=link.object, value=value
                ),
            )
    return None


def valid_id(record_id: Any) -> bool:
    return type(record_id) is str and len(record_id) == ID_LENGTH


def new_record(
    definition: Definition, record_id: str, values: Mapping[str, Any], user_id: str, timestamp: str
) -> dict[str, Any]:
    """A created record: system fields in Zuora's order, defaults, then the non-null custom fields sent."""
    record: dict[str, Any] = {
        "Id": record_id,
        "type": definition.name,
        "CreatedById": user_id,
        "UpdatedById": user_id,
        "CreatedDate": timestamp,
        "UpdatedDate": timestamp,
    }
    for name, value in definition.defaults.items():
        if name not in values:
            record[name] = value
    for name, value in values.items():
        if value is not None and name not in RECORD_SYSTEM_KEYS:
            record[name] = value
    return record


def merged_record(
    previous: Mapping[str, Any], values: Mapping[str, Any], user_id: str, timestamp: str, *, replace: bool
) -> dict[str, Any]:
    """A new version of a record: merge patch (null clears), or a full replace of the custom fields."""
    if replace:
        record = {
            key: previous[key]
            for key in ("Id", "type", "CreatedById", "UpdatedById", "CreatedDate", "UpdatedDate")
        }
    else:
        record = dict(previous)
    apply_patch(record, values)
    record["UpdatedById"] = user_id
    record["UpdatedDate"] = timestamp
    return record


def failure_detail(failure: Failure, record: Mapping[str, Any], record_id: Any = None) -> dict[str, Any]:
    """One `details` entry: code, message and the submitted record (with its Id first when it has one)."""
    echoed: dict[str, Any] = {}
    if record_id is not None:
        echoed["Id"] = record_id
    for key, value in record.items():
        if key != "Id" or record_id is None:
            echoed[key] = value
    return {"code": failure.code, "message": failure.message, "record": echoed}
