"""The custom-object store of one entity: every operation is one step under the tenant's lock."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from zuora_mock.backend.commands import BatchAction
from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.batch import check_delete_ids, plan_update
from zuora_mock.backend.customobjects.definitions import parse_definitions
from zuora_mock.backend.customobjects.query import compile_query
from zuora_mock.backend.customobjects.records import (
    Claims,
    ObjectData,
    check_relationships,
    failure_detail,
    merged_record,
    new_record,
    valid_id,
)
from zuora_mock.backend.customobjects.seed import load_seed
from zuora_mock.core import ids
from zuora_mock.core.clock import Clock
from zuora_mock.core.errors import InvalidValue, NotFound, PreconditionFailed, RuleRestriction, ZuoraError
from zuora_mock.core.fixtures import Seed

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 1000
# Records a filtered listing reads per hold of the lock, so that writers wait at most one chunk.
SCAN_CHUNK = 1000
MSG_DEFINITION_HAS_RECORDS = (
    "Custom object definition [{object}] cannot be deleted because records of this object exist."
)
MSG_DEFINITION_REFERENCED = (
    "Custom object definition [{object}] cannot be deleted because [{other}] has a relationship to it."
)


def etag(record: Mapping[str, Any]) -> str:
    """A strong ETag that changes whenever any field of the record changes."""
    return '"' + hashlib.md5(orjson.dumps(record), usedforsecurity=False).hexdigest() + '"'


def _batch_error(message: str, failures: list[dict[str, Any]]) -> ZuoraError:
    return InvalidValue(message, code=m.CODE_INVALID, details=failures)


class CustomObjectStore:
    """Definitions and records of one entity, guarded by the tenant's lock."""

    def __init__(
        self,
        *,
        clock: Clock,
        user_id: str,
        lock: threading.RLock,
        zuora_object_exists: Callable[[str, str], bool],
    ) -> None:
        self.clock = clock
        self.user_id = user_id
        self.lock = lock
        self.zuora_object_exists = zuora_object_exists
        self.objects: dict[str, ObjectData] = {}
        # Stopped with the store: background work over these records (the bulk jobs' progression).
        self.on_close: list[Callable[[], None]] = []

    # ----- seed -----

    @classmethod
    def from_seed(cls, seed: Seed, **kwargs: Any) -> CustomObjectStore:
        """Build the store and load the seed definitions and records; raise FixtureError on bad seed data."""
        store = cls(**kwargs)
        load_seed(store.objects, seed, store.user_id, lambda: ids.iso_millis(store.clock.now()))
        return store

    def close(self) -> None:
        """Stop what works over these records in the background (reset, shutdown)."""
        for stop in self.on_close:
            stop()

    # ----- definitions -----

    def _object(self, name: str) -> ObjectData:
        data = self.objects.get(name)
        if data is None:
            raise NotFound(m.MSG_OBJECT_NOT_FOUND.format(object=name[:100]))
        return data

    def require(self, name: str) -> None:
        """Refuse a request for an object that is not defined (404), before its body is looked at."""
        with self.lock:
            self._object(name)

    def create_definitions(self, body: Any) -> dict[str, Any]:
        """Create every definition of the request or none; answers them keyed by name."""
        with self.lock:
            parsed = parse_definitions(body, self.objects)
            timestamp = ids.iso_millis(self.clock.now())
            for definition in parsed:
                definition.stamp(ids.record_id(), self.user_id, timestamp)
                self.objects[definition.name] = ObjectData(definition)
            return {d.name: d.wire for d in parsed}

    def definitions(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            return {name: data.definition.wire for name, data in self.objects.items()}

    def definition(self, name: str) -> dict[str, Any]:
        with self.lock:
            data = self.objects.get(name)
            if data is None:
                raise NotFound(m.MSG_DEFINITION_NOT_FOUND)
            return data.definition.wire

    def delete_definition(self, name: str) -> None:
        """Refused while records of the object exist or another object links to it."""
        with self.lock:
            data = self.objects.get(name)
            if data is None:
                raise NotFound(m.MSG_DEFINITION_NOT_FOUND)
            if data.records:
                raise RuleRestriction(MSG_DEFINITION_HAS_RECORDS.format(object=name))
            for other in self.objects.values():
                if other is not data and name in other.definition.related_objects:
                    raise RuleRestriction(
                        MSG_DEFINITION_REFERENCED.format(object=name, other=other.definition.name)
                    )
            del self.objects[name]

    # ----- records -----

    def create_records(
        self, name: str, records: list[Any], allow_partial: bool
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Create records in one step; all-or-nothing unless allow_partial. Returns (created, failures)."""
        with self.lock:
            data = self._object(name)
            definition = data.definition
            claims = Claims(data)
            timestamp = ids.iso_millis(self.clock.now())
            created: list[dict[str, Any]] = []
            failures: list[dict[str, Any]] = []
            for values in records:
                if not isinstance(values, dict):
                    failures.append(
                        {"code": m.CODE_INVALID, "message": m.MSG_RECORD_NOT_OBJECT, "record": values}
                    )
                    continue
                failure = (
                    definition.check_fields(values, full=True)
                    or claims.conflict(None, values)
                    or check_relationships(definition, values, self.objects, self.zuora_object_exists)
                )
                if failure is not None:
                    failures.append(failure_detail(failure, values))
                    continue
                record = new_record(definition, ids.record_id(), values, self.user_id, timestamp)
                claims.accept(record["Id"], None, record)
                created.append(record)
            if failures and not allow_partial:
                raise _batch_error(m.MSG_CREATE_INVALID, failures)
            for record in created:
                data.put(record, None)
            return created, failures

    def list_records(
        self,
        name: str,
        *,
        q: str | None = None,
        record_ids: Iterable[str] = (),
        page_size: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
        page: int = 1,
    ) -> tuple[int, list[dict[str, Any]]]:
        """Matching records in creation order: (total matching, one page after the cursor)."""
        wanted = list(record_ids)
        for record_id in wanted:
            if not valid_id(record_id):
                raise InvalidValue(m.MSG_PATH_ID.format(id=record_id[:100]))
        skip = (page - 1) * page_size
        with self.lock:
            data = self._object(name)
            predicate = compile_query(q, data.definition) if q else None
            start = self._cursor_start(data, cursor)
            if not wanted and predicate is None:
                # The usual listing costs one page under the lock, whatever the object holds.
                return len(data.records), data.live_after(start, skip, page_size)
            candidates = self._by_ids(data, wanted) if wanted else None
        if candidates is None:
            return self._scan(name, predicate, start, skip, page_size)
        matching = [r for r in candidates if predicate is None or predicate(r)]
        positions = data.positions
        after = [r for r in matching if positions[r["Id"]] >= start]
        return len(matching), after[skip : skip + page_size]

    @staticmethod
    def _cursor_start(data: ObjectData, cursor: str | None) -> int:
        """The index in the creation order where a page after `cursor` starts."""
        if cursor is None:
            return 0
        position = data.positions.get(cursor)
        if position is None:
            raise InvalidValue(m.MSG_CURSOR.format(value=cursor[:100]))
        return position + 1

    @staticmethod
    def _by_ids(data: ObjectData, wanted: list[str]) -> list[dict[str, Any]]:
        """The stored records among the ids asked for, in creation order (a lookup, not a scan)."""
        found = (data.records.get(record_id) for record_id in set(wanted))
        return sorted((r for r in found if r is not None), key=lambda r: data.positions[r["Id"]])

    def _scan(
        self, name: str, predicate: Callable[[dict[str, Any]], bool] | None, start: int, skip: int, size: int
    ) -> tuple[int, list[dict[str, Any]]]:
        """A filtered listing: the count needs every record, so the lock is taken a chunk at a time."""
        found: list[dict[str, Any]] = []
        count = index = 0
        while True:
            with self.lock:
                data = self._object(name)
                chunk_ids = data.order[index : index + SCAN_CHUNK]
                chunk = [data.records.get(record_id) for record_id in chunk_ids]
            for offset, record in enumerate(chunk):
                if record is None or (predicate is not None and not predicate(record)):
                    continue
                count += 1
                if index + offset < start:
                    continue
                if skip:
                    skip -= 1
                elif len(found) < size:
                    found.append(record)
            index += len(chunk_ids)
            if len(chunk_ids) < SCAN_CHUNK:
                return count, found

    def get_record(self, name: str, record_id: str) -> dict[str, Any]:
        if not valid_id(record_id):
            raise InvalidValue(m.MSG_PATH_ID.format(id=record_id[:100]))
        with self.lock:
            record = self._object(name).records.get(record_id)
            if record is None:
                raise NotFound(m.MSG_RECORD_NOT_FOUND)
            return record

    def write_record(
        self, name: str, record_id: str, values: Any, *, replace: bool, if_match: str | None = None
    ) -> dict[str, Any]:
        """PUT (replace the custom fields) or PATCH (JSON merge patch) of one record."""
        if not valid_id(record_id):
            raise InvalidValue(m.MSG_PATH_ID.format(id=record_id[:100]))
        if not isinstance(values, dict):
            raise InvalidValue(m.MSG_RECORD_BODY)
        with self.lock:
            data = self._object(name)
            current = data.records.get(record_id)
            if current is None:
                raise NotFound(m.MSG_RECORD_NOT_FOUND)
            if if_match is not None and not _etag_matches(if_match, etag(current)):
                raise PreconditionFailed(m.MSG_PRECONDITION)
            definition = data.definition
            if replace:
                # Fields left out of a PUT are cleared, so the required ones must be sent.
                failure = definition.check_fields(values, full=True)
            else:
                failure = definition.check_fields(values, full=False)
            failure = (
                failure
                or (Claims(data).conflict(record_id, values) if data.unique else None)
                or check_relationships(definition, values, self.objects, self.zuora_object_exists)
            )
            if failure is not None:
                raise InvalidValue(failure.message, code=failure.code)
            record = merged_record(
                current, values, self.user_id, ids.iso_millis(self.clock.now()), replace=replace
            )
            data.put(record, current)
            return record

    def delete_record(self, name: str, record_id: str) -> None:
        """Deleting a record that does not exist is not an error (Zuora answers 200 too)."""
        if not valid_id(record_id):
            raise InvalidValue(m.MSG_PATH_ID.format(id=record_id[:100]))
        with self.lock:
            self._object(name).remove(record_id)

    # ----- batch -----

    def batch(self, name: str, action: BatchAction) -> list[dict[str, Any]]:
        """Apply a checked batch as one atomic step; returns the failures a partial success reports."""
        with self.lock:
            data = self._object(name)
            if action.type == "delete":
                failures = check_delete_ids(action.ids or [])
                if failures:
                    raise _batch_error(m.MSG_DELETE_INVALID, failures)
                for record_id in action.ids or []:
                    data.remove(record_id)
                return []
            timestamp = ids.iso_millis(self.clock.now())
            plan, failures = plan_update(
                data, action.records or {}, self.objects, self.zuora_object_exists, self.user_id, timestamp
            )
            if failures and not action.allow_partial:
                raise _batch_error(m.MSG_UPDATE_INVALID, failures)
            plan.apply(data)
            return failures


def _etag_matches(header: str, current: str) -> bool:
    candidates = [part.strip() for part in header.split(",")]
    return any(c == "*" or c.removeprefix("W/") == current for c in candidates)
