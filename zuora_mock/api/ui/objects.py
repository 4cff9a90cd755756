"""Custom objects: each tenant's definitions with their fields, a paged filterable record table, a record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request

from zuora_mock.api.ui.paging import Page, clamp, requested_number, requested_size
from zuora_mock.api.ui.tenancy import Scope, all_tenants, selected_scope
from zuora_mock.core.errors import ZuoraError

# Property keys shown as a field's constraints, in this order.
CONSTRAINT_KEYS = ("format", "enum", "maxLength", "minLength", "minimum", "maximum", "pattern", "default")
SYSTEM_COLUMNS = ("CreatedDate", "UpdatedDate")


@dataclass(frozen=True)
class FieldRow:
    """One field of a definition as the definitions page lists it."""

    name: str
    label: str
    type: str
    origin: str
    required: bool
    filterable: bool
    unique: bool
    constraints: list[tuple[str, Any]]


def field_rows(schema: dict[str, Any]) -> list[FieldRow]:
    """The fields of a definition's schema, custom ones first, with their flags and constraints."""
    required = set(schema.get("required", ()))
    filterable = set(schema.get("filterable", ()))
    unique = set(schema.get("unique", ()))
    rows = [
        FieldRow(
            name=name,
            label=str(spec.get("label", "")),
            type=str(spec.get("type", "")),
            origin=str(spec.get("origin", "")),
            required=name in required,
            filterable=name in filterable,
            unique=name in unique,
            constraints=[(key, spec[key]) for key in CONSTRAINT_KEYS if key in spec],
        )
        for name, spec in schema.get("properties", {}).items()
    ]
    return sorted(rows, key=lambda row: row.origin != "custom")


def record_columns(schema: dict[str, Any]) -> list[str]:
    """The record table's columns after Id: the custom fields in definition order, then the dates."""
    properties = schema.get("properties", {})
    custom = [name for name, spec in properties.items() if spec.get("origin") == "custom"]
    return [*custom, *SYSTEM_COLUMNS]


def filter_example(schema: dict[str, Any]) -> str:
    """A q the object accepts, for the filter box's placeholder: its first filterable custom field."""
    properties = schema.get("properties", {})
    filterable = schema.get("filterable", [])
    custom = [name for name in filterable if properties.get(name, {}).get("origin") == "custom"]
    field = (custom or filterable or ["Id"])[0]
    kind = properties.get(field, {}).get("type")
    value = {"integer": ">10", "number": ">10", "boolean": "true"}.get(kind or "", "A*")
    return f"{field}:{value}"


def objects() -> str:
    """Every definition of the selected tenant and entity, with its fields."""
    scope = selected_scope()
    definitions = scope.data.objects.definitions() if scope is not None else {}
    counts = _record_counts(scope)
    return render_template(
        "ui/objects.html",
        scope=scope,
        tenants=all_tenants(),
        definitions=[
            (name, wire["schema"], field_rows(wire["schema"]), counts.get(name, 0))
            for name, wire in definitions.items()
        ],
    )


def _record_counts(scope: Scope | None) -> dict[str, int]:
    if scope is None:
        return {}
    store = scope.data.objects
    with store.lock:
        return {name: len(found.records) for name, found in store.objects.items()}


def records(tenant_name: str, object_name: str) -> str:
    """One page of an object's records, filtered with the API's q syntax; a bad filter is shown."""
    scope = _scope(tenant_name)
    store = scope.data.objects
    schema = store.definition(object_name)["schema"]
    q = request.args.get("q", "").strip()
    size, number = requested_size(), requested_number()
    error: str | None = None
    try:
        total, rows = store.list_records(object_name, q=q or None, page_size=size, page=number)
        page = clamp(number, size, total)
        if page.number != number:
            total, rows = store.list_records(object_name, q=q or None, page_size=size, page=page.number)
    except ZuoraError as err:
        error, rows, page = err.message, [], Page(1, size, 0)
    return render_template(
        "ui/records.html",
        scope=scope,
        object_name=object_name,
        columns=record_columns(schema),
        rows=rows,
        page=page,
        q=q,
        error=error,
        example=filter_example(schema),
    )


def record(tenant_name: str, object_name: str, record_id: str) -> str:
    """One record, every field, as the API returns it."""
    scope = _scope(tenant_name)
    found = scope.data.objects.get_record(object_name, record_id)
    return render_template("ui/record.html", scope=scope, object_name=object_name, record=found)


def _scope(tenant_name: str) -> Scope:
    scope = selected_scope(tenant_name)
    assert scope is not None  # a named tenant is found or NotFound is raised
    return scope
