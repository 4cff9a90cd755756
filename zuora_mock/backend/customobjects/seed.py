"""Load the seed definitions and records of custom objects, naming the file and record of any problem."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from zuora_mock.backend.customobjects.definitions import parse_definitions
from zuora_mock.backend.customobjects.records import Claims, ObjectData, check_relationships, new_record
from zuora_mock.core.errors import ZuoraError
from zuora_mock.core.fixtures import FixtureError, Seed, SeedFile
from zuora_mock.core.formats import is_uuid, valid_datetime

# Seeded definitions get the same Id in every tenant and on every start.
_SEED_NAMESPACE = uuid.UUID("0c4b1f4e-52a8-4b0e-9d55-2b8c3a6e7f10")
# Audit fields a seed record may set itself; the others are filled in.
_SEED_AUDIT_KEYS = ("CreatedById", "UpdatedById", "CreatedDate", "UpdatedDate")


def load_seed(objects: dict[str, ObjectData], seed: Seed, user_id: str, now: Callable[[], str]) -> None:
    """Fill `objects` with the seed definitions and records; raise FixtureError on bad seed data."""
    if seed.definitions is not None:
        _load_definitions(objects, seed.definitions, user_id, now)
    for name, seed_file in seed.records.items():
        _load_records(objects, name, seed_file, user_id, now)
    for name, seed_file in seed.records.items():
        _check_seed_relationships(objects, name, seed_file)


def _load_definitions(
    objects: dict[str, ObjectData], seed_file: SeedFile, user_id: str, now: Callable[[], str]
) -> None:
    try:
        parsed = parse_definitions(seed_file.data, ())
    except ZuoraError as err:
        raise FixtureError(seed_file.path, err.message) from None
    timestamp = now()
    for definition in parsed:
        definition.stamp(str(uuid.uuid5(_SEED_NAMESPACE, definition.name)), user_id, timestamp)
        objects[definition.name] = ObjectData(definition)


def _load_records(
    objects: dict[str, ObjectData], name: str, seed_file: SeedFile, user_id: str, now: Callable[[], str]
) -> None:
    path = seed_file.path
    data = objects.get(name)
    if data is None:
        raise FixtureError(path, f"no custom object definition named '{name}' in definitions.json")
    raw = seed_file.data
    if not isinstance(raw, dict) or not isinstance(raw.get("records"), list):
        raise FixtureError(path, "expected an object with a 'records' list")
    timestamp = now()
    claims = Claims(data)
    for index, record in enumerate(raw["records"]):
        record_id = _check_record(data, claims, path, f"records[{index}]", record)
        claims.accept(record_id, None, record)
        stored = new_record(data.definition, record_id, record, user_id, timestamp)
        for key in _SEED_AUDIT_KEYS:
            if isinstance(record.get(key), str):
                stored[key] = record[key]
        data.put(stored, None)


def _check_record(data: ObjectData, claims: Claims, path: str, where: str, record: Any) -> str:
    """A seed record passes the checks of a created record, with its own UUID and valid audit dates."""
    if not isinstance(record, dict):
        raise FixtureError(path, f"{where} must be an object")
    record_id = record.get("Id")
    if not isinstance(record_id, str) or not is_uuid(record_id):
        raise FixtureError(path, f"{where}.Id must be a UUID string, got {record_id!r}")
    if record_id in data.records:
        raise FixtureError(path, f"{where}.Id {record_id} is used twice")
    failure = data.definition.check_fields(record, full=True) or claims.conflict(record_id, record)
    if failure is not None:
        raise FixtureError(path, f"{where}: {failure.message}")
    for key in ("CreatedDate", "UpdatedDate"):
        if key in record and not (isinstance(record[key], str) and valid_datetime(record[key])):
            raise FixtureError(path, f"{where}.{key} must be an ISO-8601 date-time")
    return record_id


def _check_seed_relationships(objects: dict[str, ObjectData], name: str, seed_file: SeedFile) -> None:
    """Links between seeded custom objects must resolve; links to Zuora objects live in another store."""
    data = objects[name]
    for index, record in enumerate(seed_file.data["records"]):
        failure = check_relationships(data.definition, record, objects, lambda _o, _i: True)
        if failure is not None:
            raise FixtureError(seed_file.path, f"records[{index}]: {failure.message}")
