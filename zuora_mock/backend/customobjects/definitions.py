"""Parse a create-definitions request: each definition checked in Zuora's order, system fields added."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.limits import (
    MAX_AUDITABLE,
    MAX_CUSTOM_FIELDS,
    MAX_DESCRIPTION,
    MAX_FILTERABLE,
    MAX_LABEL,
    MAX_UNIQUE,
    valid_name,
    valid_text,
)
from zuora_mock.backend.customobjects.messages import MSG_DEF_EXISTS, format_message
from zuora_mock.backend.customobjects.model import Definition, FieldSpec, Relationship
from zuora_mock.backend.customobjects.properties import parse_property
from zuora_mock.backend.customobjects.relationships import parse_relationships
from zuora_mock.backend.customobjects.system import (
    NAMESPACE,
    SYSTEM_FIELDS,
    SYSTEM_FILTERABLE,
    SYSTEM_PROPERTIES,
    SYSTEM_RELATIONSHIPS,
)
from zuora_mock.core.errors import InvalidValue, MissingField, RuleRestriction, UnknownField

DEFINITION_KEYS = frozenset(
    {
        "object",
        "label",
        "description",
        "properties",
        "required",
        "filterable",
        "unique",
        "auditable",
        "relationships",
        "enableCreateRecordAuditing",
        "enableDeleteRecordAuditing",
        "enableRecordMigration",
        "type",
    }
)
# A definition as GET returns it may be posted back: these wrapper keys are accepted and ignored.
WRAPPER_KEYS = frozenset({"Id", "type", "CreatedById", "UpdatedById", "CreatedDate", "UpdatedDate", "schema"})
# Fields whose values must be unique: text and number fields, not picklists.
UNIQUE_TYPES = ("string", "integer", "number")


def parse_definitions(body: Any, existing: Iterable[str]) -> list[Definition]:
    """Parse a create request `{"definitions": {...}}`; all of them are valid or the request fails."""
    if not isinstance(body, dict):
        raise InvalidValue(m.MSG_DEFINITIONS_REQUIRED)
    for key in body:
        if key != "definitions":
            raise UnknownField(m.MSG_BODY_UNKNOWN.format(field=str(key)[:100]))
    raw = body.get("definitions")
    if not isinstance(raw, dict):
        raise (
            MissingField(m.MSG_DEFINITIONS_REQUIRED)
            if raw is None
            else InvalidValue(m.MSG_DEFINITIONS_REQUIRED)
        )
    if not raw:
        raise InvalidValue(m.MSG_DEFINITIONS_EMPTY)
    known = set(existing)
    for key in raw:
        if key in known:
            raise RuleRestriction(format_message(MSG_DEF_EXISTS, object=key))
    pending = set(raw)
    return [
        parse_definition(key, value, lambda target: target in known or target in pending)
        for key, value in raw.items()
    ]


def parse_definition(key: str, raw: Any, known_objects: Callable[[str], bool]) -> Definition:
    """Check one definition of a create request against Zuora's rules and limits; raise its 400."""
    body = _unwrap(key, raw)
    name = _check_header(key, body)
    audit = (
        _bool_attr(body, "enableCreateRecordAuditing", name),
        _bool_attr(body, "enableDeleteRecordAuditing", name),
    )
    custom_raw = _custom_properties(name, body)
    filterable = _name_list(name, body, "filterable", custom_raw)
    properties: dict[str, Any] = {}
    fields: dict[str, FieldSpec] = {}
    for field, prop in custom_raw.items():
        properties[field], fields[field] = parse_property(name, field, prop, field in filterable)
    required = _name_list(name, body, "required", custom_raw)
    unique = _name_list(name, body, "unique", custom_raw)
    auditable = _name_list(name, body, "auditable", custom_raw)
    _check_list_limits(name, filterable, unique, auditable)
    _check_unique_types(name, unique, fields)
    relationships, links = parse_relationships(name, body.get("relationships"), fields, known_objects)
    all_filterable = _all_filterable(filterable, links)
    schema = _schema(
        body,
        audit=audit,
        properties=properties,
        required=required,
        filterable=all_filterable,
        unique=unique,
        auditable=auditable,
        relationships=relationships,
    )
    return Definition(
        name=name,
        schema=schema,
        fields=fields,
        required=tuple(required),
        filterable=frozenset(all_filterable),
        unique=tuple(unique),
        relationships=tuple(links),
        related_objects=frozenset(link.object for link in links if link.namespace == NAMESPACE),
    )


def _unwrap(name: str, raw: Any) -> dict[str, Any]:
    """The definition itself, also when it is posted back as GET returns it (inside `schema`)."""
    if not isinstance(raw, dict):
        raise InvalidValue(format_message(m.MSG_DEFINITION_NOT_OBJECT, object=name))
    schema = raw.get("schema")
    if isinstance(schema, dict) and set(raw) <= WRAPPER_KEYS:
        return schema
    return raw


def _check_header(key: str, body: dict[str, Any]) -> str:
    """object and label present, the API name valid and equal to its key, known keys, valid texts."""
    name = body.get("object")
    for required_key in ("object", "label"):
        if required_key not in body:
            raise MissingField(format_message(m.MSG_DEF_REQUIRED, object=key, key=required_key))
    if not isinstance(name, str) or not valid_name(name):
        raise InvalidValue(format_message(m.MSG_DEF_NAME, object=str(name)))
    if name != key:
        raise InvalidValue(format_message(m.MSG_DEF_KEY_MISMATCH, key=key, object=name))
    for attribute in body:
        if attribute not in DEFINITION_KEYS:
            raise UnknownField(format_message(m.MSG_DEF_UNKNOWN, object=name, key=attribute))
    for attribute, limit in (("label", MAX_LABEL), ("description", MAX_DESCRIPTION)):
        if attribute in body and not valid_text(body[attribute], limit):
            raise InvalidValue(format_message(m.MSG_DEF_STRING, object=name, key=attribute, limit=limit))
    return name


def _bool_attr(raw: Mapping[str, Any], key: str, name: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise InvalidValue(format_message(m.MSG_DEF_BOOL, object=name, key=key))
    return value


def _custom_properties(name: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The custom fields by API name; system fields a posted-back definition echoes are dropped."""
    raw = body.get("properties", {})
    if not isinstance(raw, dict):
        raise InvalidValue(format_message(m.MSG_DEF_PROPERTIES, object=name))
    custom = {}
    for field, prop in raw.items():
        if field in SYSTEM_PROPERTIES:
            if isinstance(prop, dict) and prop.get("origin") == "system":
                continue
            raise InvalidValue(format_message(m.MSG_FIELD_SYSTEM, object=name, field=field))
        if not valid_name(field):
            raise InvalidValue(format_message(m.MSG_FIELD_NAME, object=name, field=field))
        custom[field] = prop
    if len(custom) > MAX_CUSTOM_FIELDS:
        raise _too_many(name, MAX_CUSTOM_FIELDS, "custom fields", len(custom))
    return custom


def _too_many(name: str, limit: int, what: str, count: int) -> InvalidValue:
    return InvalidValue(format_message(m.MSG_DEF_TOO_MANY, object=name, limit=limit, what=what, count=count))


def _name_list(obj: str, raw: Mapping[str, Any], key: str, custom: Mapping[str, Any]) -> list[str]:
    """A required/filterable/unique/auditable list: custom names kept in order, system names dropped."""
    values = raw.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InvalidValue(format_message(m.MSG_DEF_LIST, object=obj, key=key))
    names: list[str] = []
    for value in values:
        if value in SYSTEM_PROPERTIES:
            continue
        if value not in custom:
            raise InvalidValue(format_message(m.MSG_DEF_LIST_FIELD, object=obj, key=key, field=value))
        if value not in names:
            names.append(value)
    return names


def _check_list_limits(name: str, filterable: list[str], unique: list[str], auditable: list[str]) -> None:
    for what, values, limit in (
        ("filterable fields", filterable, MAX_FILTERABLE),
        ("unique fields", unique, MAX_UNIQUE),
        ("auditable fields", auditable, MAX_AUDITABLE),
    ):
        if len(values) > limit:
            raise _too_many(name, limit, what, len(values))


def _check_unique_types(name: str, unique: list[str], fields: Mapping[str, FieldSpec]) -> None:
    for field in unique:
        spec = fields[field]
        if spec.type not in UNIQUE_TYPES or spec.enum is not None:
            raise InvalidValue(format_message(m.MSG_UNIQUE_TYPE, object=name, field=field))


def _all_filterable(filterable: list[str], links: list[Relationship]) -> list[str]:
    """The filterable fields as declared, then the relationship fields, then the filterable system fields."""
    names = list(filterable)
    for link in links:
        if link.field not in names:
            names.append(link.field)
    names.extend(SYSTEM_FILTERABLE)
    return names


def _schema(
    body: Mapping[str, Any],
    *,
    audit: tuple[bool, bool],
    properties: dict[str, Any],
    required: list[str],
    filterable: list[str],
    unique: list[str],
    auditable: list[str],
    relationships: list[dict[str, Any]],
) -> dict[str, Any]:
    """The definition as Zuora answers it: keys in Zuora's order, system fields and relationships added."""
    schema: dict[str, Any] = {"object": body["object"], "label": body["label"]}
    if "description" in body:
        schema["description"] = body["description"]
    schema.update(
        {
            "enableCreateRecordAuditing": audit[0],
            "enableDeleteRecordAuditing": audit[1],
            "properties": {**properties, **{k: dict(v) for k, v in SYSTEM_PROPERTIES.items()}},
            "required": [*required, *SYSTEM_FIELDS],
            "filterable": filterable,
        }
    )
    if unique:
        schema["unique"] = unique
    if auditable:
        schema["auditable"] = auditable
    schema["relationships"] = [*relationships, *(dict(r) for r in SYSTEM_RELATIONSHIPS)]
    schema["enableRecordMigration"] = False
    return schema
