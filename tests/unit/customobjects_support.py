"""A small custom-object schema and store builder shared by the custom-object unit tests."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from typing import Any

from zuora_mock.backend.customobjects.store import CustomObjectStore
from zuora_mock.core.clock import Clock

USER_ID = "8ad084a67f9c7138017fab8a8b511b5a"
ACCOUNT_ID = "2c92c0f86a8dd422016a9e7a70116b0d"

GARAGE = {
    "object": "Garage",
    "label": "Garage",
    "properties": {
        "Name__c": {"type": "string", "label": "Name", "maxLength": 40},
        "AccountId__c": {"type": "string", "label": "Account", "maxLength": 32},
    },
    "required": ["Name__c"],
    "filterable": ["Name__c"],
    "unique": ["Name__c"],
    "relationships": [{"namespace": "com_zuora", "object": "Account", "fields": {"AccountId__c": "Id"}}],
}
CAR = {
    "object": "Car",
    "label": "Car",
    "properties": {
        "Plate__c": {"type": "string", "label": "Plate", "maxLength": 10},
        "Seats__c": {"type": "integer", "label": "Seats"},
        "Price__c": {"type": "number", "label": "Price"},
        "Electric__c": {"type": "boolean", "label": "Electric"},
        "Color__c": {"type": "string", "label": "Color", "enum": ["Red", "Blue", "Green"]},
        "Extras__c": {
            "type": "string",
            "label": "Extras",
            "enum": ["Roof", "Tow", "Heat"],
            "multiselect": True,
        },
        "Built__c": {"type": "string", "format": "date", "label": "Built"},
        "SeenAt__c": {"type": "string", "format": "date-time", "label": "Seen at"},
        "Ref__c": {"type": "string", "format": "uuid", "label": "Reference"},
        "Notes__c": {"type": "string", "label": "Notes"},
        "Owner__c": {"type": "string", "label": "Owner"},
        "GarageId__c": {"type": "string", "format": "uuid", "label": "Garage"},
    },
    "required": ["Plate__c", "Owner__c"],
    "filterable": ["Plate__c", "Seats__c", "Price__c", "Electric__c", "Color__c", "Extras__c", "Built__c"],
    "unique": ["Plate__c"],
    "relationships": [
        {
            "cardinality": "manyToOne",
            "namespace": "default",
            "object": "Garage",
            "fields": {"GarageId__c": "Id"},
        }
    ],
}


def definitions(*extra: dict[str, Any]) -> dict[str, Any]:
    """A create-definitions body with Garage and Car (deep copies, so tests may edit them)."""
    body = {"Garage": copy.deepcopy(GARAGE), "Car": copy.deepcopy(CAR)}
    for item in extra:
        body[item["object"]] = copy.deepcopy(item)
    return {"definitions": body}


def make_store(zuora_ids: Iterable[str] = (ACCOUNT_ID,), clock: Clock | None = None) -> CustomObjectStore:
    """A store holding the Garage and Car definitions and no records."""
    known = set(zuora_ids)
    store = CustomObjectStore(
        clock=clock or Clock(),
        user_id=USER_ID,
        lock=threading.RLock(),
        zuora_object_exists=lambda _object, key: key in known,
    )
    store.create_definitions(definitions())
    return store


def car(plate: str, **fields: Any) -> dict[str, Any]:
    return {"Plate__c": plate, "Owner__c": "Avery", **fields}


def add_cars(store: CustomObjectStore, *plates: str, **fields: Any) -> list[str]:
    created, failures = store.create_records("Car", [car(p, **fields) for p in plates], False)
    assert not failures
    return [r["Id"] for r in created]
