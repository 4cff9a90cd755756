"""Custom objects of a state document: definitions with their stamps, records with their positions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zuora_mock.backend.customobjects.definitions import parse_definitions
from zuora_mock.backend.customobjects.records import Claims, ObjectData, check_relationships
from zuora_mock.backend.state.checks import need, need_key, only_keys, refuse
from zuora_mock.core.errors import ZuoraError
from zuora_mock.core.formats import is_uuid, valid_datetime

STAMP_KEYS = ("Id", "type", "CreatedById", "UpdatedById", "CreatedDate", "UpdatedDate")
OBJECT_KEYS = ("definition", "order", "records")


def load_objects(
    raw: Any, where: str, zuora_object_exists: Callable[[str, str], bool]
) -> dict[str, ObjectData]:
    """Every definition and record checked as the API checks them; links must resolve inside the document."""
    entries = need(raw, list, where)
    bodies = [need(entry, dict, f"{where}[{index}]") for index, entry in enumerate(entries)]
    for index, body in enumerate(bodies):
        only_keys(body, OBJECT_KEYS, f"{where}[{index}]")
    wires = [
        _stamped(need_key(body, "definition", dict, f"{where}[{i}]"), f"{where}[{i}]")
        for i, body in enumerate(bodies)
    ]
    objects = _definitions(wires, where)
    for index, body in enumerate(bodies):
        _load_records(objects[wires[index]["type"]], body, f"{where}[{index}]")
    for index, wire in enumerate(wires):
        data = objects[wire["type"]]
        _check_links(data, objects, zuora_object_exists, f"{where}[{index}].records")
    return objects


def _stamped(wire: dict[str, Any], where: str) -> dict[str, Any]:
    """A definition as GET answers it: its stamps and its schema, nothing else."""
    where = f"{where}.definition"
    only_keys(wire, (*STAMP_KEYS, "schema"), where)
    for key in STAMP_KEYS:
        need_key(wire, key, str, where)
    need_key(wire, "schema", dict, where)
    return {key: wire[key] for key in (*STAMP_KEYS, "schema")}


def _definitions(wires: list[dict[str, Any]], where: str) -> dict[str, ObjectData]:
    names = [wire["type"] for wire in wires]
    if len(set(names)) != len(names):
        refuse(where, "a custom object is defined twice")
    if not wires:
        return {}
    try:
        parsed = parse_definitions({"definitions": {wire["type"]: wire["schema"] for wire in wires}}, ())
    except ZuoraError as err:
        refuse(where, err.message)
    objects: dict[str, ObjectData] = {}
    for definition, wire in zip(parsed, wires, strict=True):
        definition.wire = wire
        objects[definition.name] = ObjectData(definition)
    return objects


def _load_records(data: ObjectData, body: dict[str, Any], where: str) -> None:
    """Records in creation order; `order` lists every id ever stored, so cursors of deleted ones work."""
    order = [
        need(item, str, f"{where}.order[{i}]") for i, item in enumerate(need_key(body, "order", list, where))
    ]
    positions = {record_id: index for index, record_id in enumerate(order)}
    if len(positions) != len(order):
        refuse(f"{where}.order", "an id is listed twice")
    records = need_key(body, "records", list, where)
    claims = Claims(data)
    live: dict[str, dict[str, Any]] = {}
    last = -1
    for index, raw in enumerate(records):
        record = _record(data, claims, raw, f"{where}.records[{index}]")
        record_id = record["Id"]
        position = positions.get(record_id)
        if position is None or record_id in live:
            refuse(f"{where}.records[{index}]", f"Id {record_id} is not listed once in 'order'")
        if position < last:
            refuse(f"{where}.records[{index}]", "records must be in the order of 'order'")
        last = position
        live[record_id] = record
    for record_id in order:
        # A deleted id keeps its position: it is stored and removed again.
        data.put(live.get(record_id) or {"Id": record_id}, None)
        if record_id not in live:
            data.remove(record_id)


def _record(data: ObjectData, claims: Claims, raw: Any, where: str) -> dict[str, Any]:
    """A stored record: its stamps, then custom fields that pass the definition's checks."""
    record = need(raw, dict, where)
    for key in STAMP_KEYS:
        need_key(record, key, str, where)
    if not is_uuid(record["Id"]):
        refuse(f"{where}.Id", "must be a UUID")
    if record["type"] != data.definition.name:
        refuse(f"{where}.type", f"must be '{data.definition.name}'")
    for key in ("CreatedDate", "UpdatedDate"):
        if not valid_datetime(record[key]):
            refuse(f"{where}.{key}", "must be an ISO-8601 date-time")
    failure = data.definition.check_fields(record, full=True) or claims.conflict(record["Id"], record)
    if failure is not None:
        refuse(where, failure.message)
    claims.accept(record["Id"], None, record)
    return dict(record)


def _check_links(
    data: ObjectData,
    objects: dict[str, ObjectData],
    zuora_object_exists: Callable[[str, str], bool],
    where: str,
) -> None:
    if not data.definition.relationships:
        return
    for index, record in enumerate(data.records.values()):
        failure = check_relationships(data.definition, record, objects, zuora_object_exists)
        if failure is not None:
            refuse(f"{where}[{index}]", failure.message)
