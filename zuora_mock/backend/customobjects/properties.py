"""Parse one custom field of a definition: check its attributes in Zuora's order, then compile its rule."""

from __future__ import annotations

from typing import Any

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.fields import compile_rule
from zuora_mock.backend.customobjects.limits import (
    DEFAULT_MAX_LENGTH,
    MAX_DESCRIPTION,
    MAX_ENUM_VALUES,
    MAX_FILTERABLE_MAX_LENGTH,
    MAX_LABEL,
    MAX_MAX_LENGTH,
    valid_text,
)
from zuora_mock.backend.customobjects.messages import format_message
from zuora_mock.backend.customobjects.model import FieldSpec
from zuora_mock.core.errors import InvalidValue, MissingField, UnknownField

FIELD_TYPES = ("string", "integer", "number", "boolean")
NUMBER_TYPES = ("integer", "number")
STRING_FORMATS = ("date", "date-time", "uuid", "url")
PROPERTY_KEYS = frozenset(
    {
        "type",
        "label",
        "format",
        "maxLength",
        "multiselect",
        "displayName",
        "enum",
        "default",
        "minimum",
        "maximum",
        "description",
        "origin",
    }
)
# Attributes that apply to one kind of field only.
STRING_ONLY = ("format", "maxLength", "enum", "multiselect", "displayName")
NUMBER_ONLY = ("minimum", "maximum")


def parse_property(obj: str, field: str, raw: Any, filterable: bool) -> tuple[dict[str, Any], FieldSpec]:
    """One field of a definition: its wire JSON (origin custom, maxLength filled in) and its FieldSpec."""
    _check_keys(obj, field, raw)
    kind = _check_kind(obj, field, raw)
    fmt = raw.get("format")
    if fmt is not None and fmt not in STRING_FORMATS:
        raise _invalid(m.MSG_FIELD_FORMAT, obj, field)
    enum = _enum(obj, field, raw.get("enum"), fmt)
    multiselect = _flags(obj, field, raw, enum)
    text_like = kind == "string" and fmt in (None, "url")
    max_length = _max_length(obj, field, raw.get("maxLength"), text_like, filterable)
    for key in NUMBER_ONLY:
        if key in raw and (type(raw[key]) not in (int, float)):
            raise _invalid(m.MSG_FIELD_BOUND, obj, field, key=key)
    rule = compile_rule(
        field,
        kind,
        fmt=fmt,
        max_length=max_length,
        enum=enum,
        multiselect=multiselect,
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
    )
    default = raw.get("default")
    if default is not None:
        failure = rule.check(default)
        if failure is not None:
            raise _invalid(m.MSG_FIELD_DEFAULT, obj, field, problem=failure.message)
    wire = {k: v for k, v in raw.items() if k != "origin"}
    if text_like and "maxLength" not in wire:
        wire["maxLength"] = max_length
    wire["origin"] = "custom"
    return wire, FieldSpec(field, kind, fmt, enum, multiselect, default, rule)


def _invalid(template: str, obj: str, field: str, **values: Any) -> InvalidValue:
    return InvalidValue(format_message(template, object=obj, field=field, **values))


def _check_keys(obj: str, field: str, raw: Any) -> None:
    """An object of known attributes, with a type and a label."""
    if not isinstance(raw, dict):
        raise _invalid(m.MSG_FIELD_NOT_OBJECT, obj, field)
    for key in raw:
        if key not in PROPERTY_KEYS:
            raise UnknownField(format_message(m.MSG_FIELD_UNKNOWN, object=obj, field=field, key=key))
    for key in ("type", "label"):
        if key not in raw:
            raise MissingField(format_message(m.MSG_FIELD_REQUIRED, object=obj, field=field, key=key))


def _check_kind(obj: str, field: str, raw: dict[str, Any]) -> str:
    """The field's type, its texts, and no attribute of another type (a maxLength on a number, ...)."""
    kind: str = raw["type"]
    if kind not in FIELD_TYPES:
        raise _invalid(m.MSG_FIELD_TYPE, obj, field)
    for key, limit in (("label", MAX_LABEL), ("description", MAX_DESCRIPTION)):
        if key in raw and not valid_text(raw[key], limit):
            raise _invalid(m.MSG_FIELD_LABEL, obj, field, key=key, limit=limit)
    for key in raw:
        if (key in STRING_ONLY and kind != "string") or (key in NUMBER_ONLY and kind not in NUMBER_TYPES):
            raise _invalid(m.MSG_FIELD_ATTRIBUTE, obj, field, key=key, type=kind)
    return kind


def _enum(obj: str, field: str, enum: Any, fmt: str | None) -> tuple[str, ...] | None:
    """1 to 250 distinct non-empty strings, on a field without a format."""
    if enum is None:
        return None
    if (
        not isinstance(enum, list)
        or not 0 < len(enum) <= MAX_ENUM_VALUES
        or len(set(map(str, enum))) != len(enum)
        or not all(isinstance(v, str) and v for v in enum)
        or fmt not in (None,)
    ):
        raise _invalid(m.MSG_FIELD_ENUM, obj, field)
    return tuple(enum)


def _flags(obj: str, field: str, raw: dict[str, Any], enum: tuple[str, ...] | None) -> bool:
    """multiselect (only on a picklist) and displayName are booleans; returns multiselect."""
    multiselect = raw.get("multiselect", False)
    if not isinstance(multiselect, bool) or (multiselect and enum is None):
        raise _invalid(m.MSG_FIELD_MULTISELECT, obj, field)
    if "displayName" in raw and not isinstance(raw["displayName"], bool):
        raise InvalidValue(format_message(m.MSG_DEF_BOOL, object=obj, key=f"{field}.displayName"))
    return multiselect


def _max_length(obj: str, field: str, value: Any, text_like: bool, filterable: bool) -> int | None:
    """Text and url fields take a maxLength (512 unless given, at most 512 when filterable); others none."""
    if value is None:
        return DEFAULT_MAX_LENGTH if text_like else None
    limit = MAX_FILTERABLE_MAX_LENGTH if filterable else MAX_MAX_LENGTH
    if type(value) is not int or not 1 <= value <= limit or not text_like:
        raise _invalid(m.MSG_FIELD_MAX_LENGTH, obj, field, limit=limit)
    return value
