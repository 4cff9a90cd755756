"""What one save writes of a tenant: its skeleton row, and only the records, ids and files that changed.

An object's records are kept as a base (all of them in one row, as of its last full write) and delta rows
(one per record written or removed since: its body, or none for a removed one), with the creation order as
rows of ids and each result file as one row. A write to a tenant of 100,000 records commits the records it
changed, not all of them; a write that changes most of an object (a 1,000-record batch on 1,000 records), or
that would leave more delta rows than half the object, rewrites its base instead, which costs less than as
many rows. What was saved is known from each object's `changed` set (ids written or removed since the last
save, kept only once a save has seen the object) and from the objects and files this module saw last.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import orjson

from zuora_mock.backend.customobjects.records import ObjectData
from zuora_mock.backend.state.dump import export_tenant
from zuora_mock.backend.tenants import Tenant
from zuora_mock.core.clock import Clock

ObjectKey = tuple[str, str, str]  # tenant, entity id, object name
FileKey = tuple[str, str, str]  # tenant, entity id, file id

_KEYS = "tenant TEXT NOT NULL, entity TEXT NOT NULL"
_OBJECT = "object TEXT NOT NULL"
# A delta row's body is NULL for a record removed since the base was written.
_RECORDS = f"{_OBJECT}, id TEXT NOT NULL, body BLOB, PRIMARY KEY (tenant, entity, object, id)"
_BASES = f"{_OBJECT}, body BLOB NOT NULL, PRIMARY KEY (tenant, entity, object)"
_ORDERS = (
    f"{_OBJECT}, position INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (tenant, entity, object, position)"
)
_FILES = "id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (tenant, entity, id)"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS tenants (name TEXT PRIMARY KEY, body BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS bases ({_KEYS}, {_BASES})",
    f"CREATE TABLE IF NOT EXISTS records ({_KEYS}, {_RECORDS}) WITHOUT ROWID",
    f"CREATE TABLE IF NOT EXISTS orders ({_KEYS}, {_ORDERS}) WITHOUT ROWID",
    f"CREATE TABLE IF NOT EXISTS files ({_KEYS}, {_FILES}) WITHOUT ROWID",
)
_UPSERT_TENANT = (
    "INSERT INTO tenants (name, body) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET body = excluded.body"
)
_UPSERT_RECORD = "INSERT OR REPLACE INTO records (tenant, entity, object, id, body) VALUES (?, ?, ?, ?, ?)"
_UPSERT_BASE = "INSERT OR REPLACE INTO bases (tenant, entity, object, body) VALUES (?, ?, ?, ?)"
_DELETE_DELTAS = "DELETE FROM records WHERE tenant = ? AND entity = ? AND object = ?"
_INSERT_ORDER = "INSERT OR REPLACE INTO orders (tenant, entity, object, position, id) VALUES (?, ?, ?, ?, ?)"
_INSERT_FILE = "INSERT OR REPLACE INTO files (tenant, entity, id, body) VALUES (?, ?, ?, ?)"
_DELETE_FILE = "DELETE FROM files WHERE tenant = ? AND entity = ? AND id = ?"
_OBJECT_TABLES = ("bases", "records", "orders")
TABLES_BY_TENANT = ("tenants", "bases", "records", "orders", "files")


@dataclass
class ObjectWrite:
    """One object's rows to write: a new base (`base`, every record) or delta rows, and the new ids.

    `full` rewrites the order rows too (an object not saved before, or replaced); `deltas` counts the delta
    rows the object has once this write is committed.
    """

    key: ObjectKey
    data: ObjectData
    full: bool
    base: bytes | None
    upserts: list[tuple[str, dict[str, Any]]]
    deletes: list[str]
    order_start: int
    order_tail: list[str]
    deltas: int


@dataclass
class TenantWrite:
    """Everything one save of a tenant writes, gathered under the tenant's lock."""

    name: str
    skeleton: dict[str, Any]
    objects: list[ObjectWrite] = field(default_factory=list)
    gone_objects: list[ObjectKey] = field(default_factory=list)
    new_files: dict[FileKey, bytes] = field(default_factory=dict)
    files: set[FileKey] = field(default_factory=set)


@dataclass
class SavedRows:
    """What the database holds, as far as the rows kept apart go (known after each commit)."""

    # data, order length, delta rows over its base
    objects: dict[ObjectKey, tuple[ObjectData, int, int]] = field(default_factory=dict)
    files: set[FileKey] = field(default_factory=set)

    def gather(self, name: str, tenant: Tenant, clock: Clock) -> TenantWrite:
        """The tenant's skeleton and its changed rows; each object's change set starts afresh."""
        with tenant.lock:
            write = TenantWrite(name, export_tenant(tenant, clock, bulky=False))
            present: set[ObjectKey] = set()
            for entity in tenant.entities:
                data = tenant.data(entity.id)
                for object_name, objects in data.objects.objects.items():
                    key = (name, entity.id, object_name)
                    present.add(key)
                    write.objects.append(self._object_write(key, objects))
                for file_id in data.bulk.files:  # ids only: a spilled file is read from disk when new
                    file_key = (name, entity.id, file_id)
                    found = data.bulk.files.get(file_id) if file_key not in self.files else None
                    if found is not None:
                        write.new_files[file_key] = found[1]
                    write.files.add(file_key)
        write.gone_objects = [key for key in self.objects if key[0] == name and key not in present]
        return write

    def _object_write(self, key: ObjectKey, data: ObjectData) -> ObjectWrite:
        saved = self.objects.get(key)
        changed, data.changed = data.changed, set()
        records = data.records
        if saved is None or saved[0] is not data or changed is None:
            return ObjectWrite(key, data, True, _base(records), [], [], 0, list(data.order), deltas=0)
        _, start, deltas = saved
        deltas += len(changed)  # an upper bound: a record changed twice has one row
        if deltas > len(records) // 2:  # more rows than a new base would cost
            return ObjectWrite(key, data, False, _base(records), [], [], start, data.order[start:], deltas=0)
        upserts = [(record_id, records[record_id]) for record_id in changed if record_id in records]
        deletes = [record_id for record_id in changed if record_id not in records]
        return ObjectWrite(key, data, False, None, upserts, deletes, start, data.order[start:], deltas)

    def write(self, cursor: Any, write: TenantWrite) -> None:
        """Write one tenant's rows inside the caller's transaction."""
        cursor.execute(_UPSERT_TENANT, (write.name, orjson.dumps(write.skeleton)))
        for key in write.gone_objects:
            _delete_object(cursor, key)
        for change in write.objects:
            key = change.key
            if change.full:
                _delete_object(cursor, key)
            elif change.base is not None:
                cursor.execute(_DELETE_DELTAS, key)  # the new base holds them
            if change.base is not None:
                cursor.execute(_UPSERT_BASE, (*key, change.base))
            cursor.executemany(_UPSERT_RECORD, [(*key, i, orjson.dumps(r)) for i, r in change.upserts])
            cursor.executemany(_UPSERT_RECORD, [(*key, record_id, None) for record_id in change.deletes])
            positions = enumerate(change.order_tail, start=change.order_start)
            cursor.executemany(_INSERT_ORDER, [(*key, n, record_id) for n, record_id in positions])
        cursor.executemany(_INSERT_FILE, [(*key, content) for key, content in write.new_files.items()])
        old_files = [key for key in self.files if key[0] == write.name and key not in write.files]
        cursor.executemany(_DELETE_FILE, old_files)

    def committed(self, write: TenantWrite) -> None:
        """The transaction holding `write` is durable: remember what the database now holds."""
        for key in write.gone_objects:
            self.objects.pop(key, None)
        for change in write.objects:
            order_length = change.order_start + len(change.order_tail)
            self.objects[change.key] = (change.data, order_length, change.deltas)
        self.files = {key for key in self.files if key[0] != write.name} | write.files

    def failed(self, write: TenantWrite) -> None:
        """The transaction was rolled back: the next save of these objects writes them in full."""
        for change in write.objects:
            self.objects.pop(change.key, None)

    def forget(self, name: str) -> None:
        """A tenant removed from the database."""
        self.objects = {key: value for key, value in self.objects.items() if key[0] != name}
        self.files = {key for key in self.files if key[0] != name}


def _base(records: dict[str, dict[str, Any]]) -> bytes:
    """Every record of an object as one row's body: a JSON object of the records by id."""
    return orjson.dumps(records)


def _delete_object(cursor: Any, key: ObjectKey) -> None:
    for table in _OBJECT_TABLES:
        cursor.execute(f"DELETE FROM {table} WHERE tenant = ? AND entity = ? AND object = ?", key)


def assemble_tenant(connection: Any, name: str, body: dict[str, Any]) -> dict[str, Any]:
    """A kept tenant as a snapshot document has it: the skeleton with its rows put back.

    A tenant saved whole (by an earlier version of the emulator) has no rows apart and is returned as kept.
    """
    entities = body.get("entities")
    if not isinstance(entities, dict):
        return body  # the load's checks name the problem
    for entity_id, entity in entities.items():
        if not isinstance(entity, dict):
            continue
        for kept in entity.get("objects") or []:
            _assemble_object(connection, (name, entity_id, _object_name(kept)), kept)
        for job in entity.get("jobs") or []:
            _assemble_file(connection, (name, entity_id), job)
    return body


def _object_name(kept: Any) -> str:
    definition = kept.get("definition") if isinstance(kept, dict) else None
    found = definition.get("type") if isinstance(definition, dict) else None
    return found if isinstance(found, str) else ""


def _assemble_object(connection: Any, key: ObjectKey, kept: Any) -> None:
    where = "WHERE tenant = ? AND entity = ? AND object = ?"
    order = [row[0] for row in connection.execute(f"SELECT id FROM orders {where} ORDER BY position", key)]
    if not order or not isinstance(kept, dict):
        return
    base = connection.execute(f"SELECT body FROM bases {where}", key).fetchone()
    records: dict[str, Any] = orjson.loads(base[0]) if base is not None else {}
    for record_id, body in connection.execute(f"SELECT id, body FROM records {where}", key):
        if body is None:
            records.pop(record_id, None)
        else:
            records[record_id] = orjson.loads(body)
    kept["order"] = order
    kept["records"] = [records[record_id] for record_id in order if record_id in records]


def _assemble_file(connection: Any, entity: tuple[str, str], job: Any) -> None:
    file = job.get("file") if isinstance(job, dict) else None
    if not isinstance(file, dict) or file.get("data") != "" or not isinstance(file.get("id"), str):
        return
    row = connection.execute(
        "SELECT body FROM files WHERE tenant = ? AND entity = ? AND id = ?", (*entity, file["id"])
    ).fetchone()
    if row is not None:
        file["data"] = base64.b64encode(row[0]).decode("ascii")
