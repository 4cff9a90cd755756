"""What Zuora puts in every definition and record: the system fields and their User relationships."""

from __future__ import annotations

from typing import Any

NAMESPACE = "default"
ZUORA_NAMESPACE = "com_zuora"
SYSTEM_FIELDS = ("Id", "CreatedById", "UpdatedById", "CreatedDate", "UpdatedDate")
# Keys Zuora puts in every record and a client may echo back; writes ignore them.
RECORD_SYSTEM_KEYS = frozenset(SYSTEM_FIELDS) | {"type"}
SYSTEM_FILTERABLE = ("Id", "CreatedDate", "UpdatedDate")
SYSTEM_PROPERTIES: dict[str, dict[str, Any]] = {
    "Id": {"format": "uuid", "label": "Id", "origin": "system", "type": "string"},
    "CreatedById": {"label": "CreatedById", "origin": "system", "type": "string"},
    "UpdatedById": {"label": "UpdatedById", "origin": "system", "type": "string"},
    "CreatedDate": {"format": "date-time", "label": "CreatedDate", "origin": "system", "type": "string"},
    "UpdatedDate": {"format": "date-time", "label": "UpdatedDate", "origin": "system", "type": "string"},
}
# The relationship fields Zuora links to its User object itself.
USER_FIELDS = ("CreatedById", "UpdatedById")
SYSTEM_RELATIONSHIPS = tuple(
    {
        "cardinality": "manyToOne",
        "namespace": ZUORA_NAMESPACE,
        "object": "User",
        "fields": {field: "Id"},
        "recordConstraints": {"create": {"enforceValidMapping": True}},
    }
    for field in USER_FIELDS
)
