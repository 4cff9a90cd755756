"""Parse and check custom object definitions, add Zuora's system fields, compile each record check once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.fields import FieldRule, compile_rule
from zuora_mock.backend.customobjects.messages import Failure
from zuora_mock.core.errors import InvalidValue, MissingField, RuleRestriction, UnknownField

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
SYSTEM_RELATIONSHIPS = tuple(
    {
        "cardinality": "manyToOne",
        "namespace": ZUORA_NAMESPACE,
        "object": "User",
        "fields": {field: "Id"},
        "recordConstraints": {"create": {"enforceValidMapping": True}},
    }
    for field in ("CreatedById", "UpdatedById")
)

# Zuora's documented definition limits.
MAX_NAME = 64
MAX_LABEL = 64
MAX_DESCRIPTION = 250
MAX_CUSTOM_FIELDS = 50
MAX_ENUM_VALUES = 250
DEFAULT_MAX_LENGTH = 512
MAX_MAX_LENGTH = 8192
MAX_FILTERABLE_MAX_LENGTH = 512
MAX_FILTERABLE = 10
MAX_UNIQUE = 5
MAX_AUDITABLE = 5
MAX_MANY_TO_ONE = 2

FIELD_TYPES = ("string", "integer", "number", "boolean")
STRING_FORMATS = ("date", "date-time", "uuid", "url")
CARDINALITIES = ("manyToOne", "oneToMany")
NAMESPACES = (NAMESPACE, ZUORA_NAMESPACE)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

_DEFINITION_KEYS = frozenset(
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
_WRAPPER_KEYS = frozenset(
    {"Id", "type", "CreatedById", "UpdatedById", "CreatedDate", "UpdatedDate", "schema"}
)
_PROPERTY_KEYS = frozenset(
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
_RELATIONSHIP_KEYS = frozenset({"cardinality", "namespace", "object", "fields", "recordConstraints"})

MSG_DEFINITIONS_REQUIRED = (
    "'definitions' is required and must be a JSON object of definitions keyed by API name."
)
MSG_DEFINITIONS_EMPTY = "'definitions' must contain at least one definition."
MSG_DEFINITION_NOT_OBJECT = "Definition [{object}] must be a JSON object."
MSG_DEF_REQUIRED = "Definition [{object}]: '{key}' is required."
MSG_DEF_UNKNOWN = "Definition [{object}]: unknown field '{key}'."
MSG_DEF_STRING = "Definition [{object}]: '{key}' must be a non-empty string of at most {limit} characters."
MSG_DEF_BOOL = "Definition [{object}]: '{key}' must be a boolean."
MSG_DEF_PROPERTIES = "Definition [{object}]: 'properties' must be a JSON object of fields keyed by API name."
MSG_DEF_NAME = (
    "Definition [{object}]: the API name must start with a letter, contain only letters, digits and "
    "underscores, and be at most 64 characters."
)
MSG_DEF_KEY_MISMATCH = "Definition key [{key}] does not match its 'object' value [{object}]."
MSG_DEF_EXISTS = "Custom object definition [{object}] already exists."
MSG_DEF_LIST = "Definition [{object}]: '{key}' must be a list of field names."
MSG_DEF_LIST_FIELD = (
    "Definition [{object}]: '{key}' names [{field}], which is not a custom field of the object."
)
MSG_DEF_TOO_MANY = "Definition [{object}]: at most {limit} {what} are allowed; got {count}."
MSG_FIELD_NAME = (
    "Definition [{object}]: field [{field}]: a field API name must start with a letter, contain only "
    "letters, digits and underscores, and be at most 64 characters."
)
MSG_FIELD_NOT_OBJECT = "Definition [{object}]: field [{field}] must be a JSON object."
MSG_FIELD_REQUIRED = "Definition [{object}]: field [{field}]: '{key}' is required."
MSG_FIELD_UNKNOWN = "Definition [{object}]: field [{field}]: unknown attribute '{key}'."
MSG_FIELD_SYSTEM = "Definition [{object}]: field [{field}] is a system field and cannot be defined."
MSG_FIELD_TYPE = (
    "Definition [{object}]: field [{field}]: 'type' must be one of string, integer, number, boolean."
)
MSG_FIELD_FORMAT = (
    "Definition [{object}]: field [{field}]: 'format' must be one of date, date-time, uuid, url."
)
MSG_FIELD_ATTRIBUTE = (
    "Definition [{object}]: field [{field}]: '{key}' does not apply to a field of type {type}."
)
MSG_FIELD_LABEL = (
    "Definition [{object}]: field [{field}]: '{key}' must be a non-empty string of at most {limit} "
    "characters."
)
MSG_FIELD_MAX_LENGTH = (
    "Definition [{object}]: field [{field}]: 'maxLength' must be an integer from 1 to {limit}."
)
MSG_FIELD_ENUM = (
    "Definition [{object}]: field [{field}]: 'enum' must be a list of 1 to 250 distinct non-empty strings."
)
MSG_FIELD_MULTISELECT = (
    "Definition [{object}]: field [{field}]: 'multiselect' needs an 'enum' and must be a boolean."
)
MSG_FIELD_BOUND = "Definition [{object}]: field [{field}]: '{key}' must be a number."
MSG_FIELD_DEFAULT = (
    "Definition [{object}]: field [{field}]: 'default' is not a valid value of the field: {problem}"
)
MSG_UNIQUE_TYPE = "Definition [{object}]: unique field [{field}] must be a text or number field."
MSG_REL_NOT_OBJECT = "Definition [{object}]: each relationship must be a JSON object."
MSG_REL_UNKNOWN = "Definition [{object}]: relationship: unknown field '{key}'."
MSG_REL_REQUIRED = "Definition [{object}]: relationship: '{key}' is required."
MSG_REL_CARDINALITY = "Definition [{object}]: relationship 'cardinality' must be manyToOne or oneToMany."
MSG_REL_NAMESPACE = "Definition [{object}]: relationship 'namespace' must be default or com_zuora."
MSG_REL_TARGET = "Definition [{object}]: relationship to custom object [{target}], which does not exist."
MSG_REL_FIELDS = (
    "Definition [{object}]: relationship 'fields' must map exactly one field of this object to the "
    'related object\'s Id, e.g. {{"Account__c": "Id"}}.'
)
MSG_REL_LOCAL = "Definition [{object}]: relationship field [{field}] is not a custom field of the object."
MSG_REL_LOCAL_TYPE = "Definition [{object}]: relationship field [{field}] must be a text field."
MSG_REL_ENFORCE = "Definition [{object}]: 'recordConstraints.create.enforceValidMapping' must be a boolean."


def apply_patch(record: dict[str, Any], values: Mapping[str, Any]) -> None:
    """JSON merge patch of custom fields into `record`: null clears a field; echoed system keys are ignored."""
    for name, value in values.items():
        if name in RECORD_SYSTEM_KEYS:
            continue
        if value is None:
            record.pop(name, None)
        else:
            record[name] = value


@dataclass(frozen=True)
class FieldSpec:
    """One custom field as the record check and the query engine need it."""

    name: str
    type: str
    format: str | None
    enum: tuple[str, ...] | None
    multiselect: bool
    default: Any
    rule: FieldRule


@dataclass(frozen=True)
class Relationship:
    """A manyToOne link whose values are verified on every record write when enforced."""

    field: str
    namespace: str
    object: str
    enforce: bool


class Definition:
    """A created definition: its wire JSON and everything compiled from it for record checks."""

    def __init__(
        self,
        *,
        name: str,
        schema: dict[str, Any],
        fields: dict[str, FieldSpec],
        required: tuple[str, ...],
        filterable: frozenset[str],
        unique: tuple[str, ...],
        relationships: tuple[Relationship, ...],
        related_objects: frozenset[str],
    ) -> None:
        self.name = name
        self.schema = schema
        self.fields = fields
        self.required = required
        self.required_set = frozenset(required)
        self.filterable = filterable
        self.unique = unique
        self.relationships = relationships
        self.related_objects = related_objects
        self.defaults = {f.name: f.default for f in fields.values() if f.default is not None}
        self.rules: dict[str, FieldRule] = {name: spec.rule for name, spec in fields.items()}
        # Bound once: the per-record loop calls these for every value.
        self.checks = {name: rule.check for name, rule in self.rules.items()}
        self.unique_set = frozenset(unique)
        self.relationship_fields = frozenset(link.field for link in relationships)
        # Fields whose values need the store (unique indexes, related records), not just the value.
        self.store_checked = self.unique_set | self.relationship_fields
        self.wire: dict[str, Any] = {}

    def stamp(self, definition_id: str, user_id: str, timestamp: str) -> None:
        """Give the definition its Id and audit fields, in Zuora's key order."""
        self.wire = {
            "Id": definition_id,
            "type": self.name,
            "CreatedById": user_id,
            "UpdatedById": user_id,
            "CreatedDate": timestamp,
            "UpdatedDate": timestamp,
            "schema": self.schema,
        }

    def merge(self, record: dict[str, Any], values: Mapping[str, Any]) -> Failure | None:
        """Check submitted fields, then write them into `record` (a private copy); null clears a field.

        Returns the first problem (nothing written). System keys a client echoes back are ignored.
        """
        result = self.check_values(values)
        if result is not True and result is not False:
            return result
        apply_patch(record, values)
        return None

    def check_values(self, values: Mapping[str, Any]) -> Failure | bool:
        """Check submitted fields without writing: the first problem, else whether merge() is needed.

        False: every field is a plain valid value (no null, no system key), so the caller may build the new
        version with one dict merge. True: the values are valid but need merge() (nulls clear fields).
        """
        checks = self.checks
        plain = True
        for name, value in values.items():
            check = checks.get(name)
            if check is None:
                if name in RECORD_SYSTEM_KEYS:
                    plain = False
                    continue
                return Failure(m.CODE_UNKNOWN_FIELD, m.MSG_UNKNOWN_FIELD.format(field=name))
            if value is None:
                if name in self.required_set:
                    return Failure(m.CODE_MISSING, m.MSG_REQUIRED_NULL.format(field=name))
                plain = False
                continue
            failure = check(value)
            if failure is not None:
                return failure
        return not plain

    def missing_required(self, record: Mapping[str, Any]) -> Failure | None:
        """A full record (create, PUT) must hold every required field."""
        missing = [name for name in self.required if name not in record]
        if missing:
            return Failure(
                m.CODE_MISSING, m.MSG_MISSING_REQUIRED.format(fields=orjson.dumps(missing).decode())
            )
        return None

    def check_fields(self, values: Mapping[str, Any], *, full: bool) -> Failure | None:
        """The first problem of submitted fields; `full` for create and PUT (required ones present)."""
        scratch: dict[str, Any] = dict(self.defaults) if full else {}
        failure = self.merge(scratch, values)
        if failure is None and full:
            failure = self.missing_required(scratch)
        return failure


def _str(value: Any, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


def _bool_attr(raw: Mapping[str, Any], key: str, name: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise InvalidValue(m_format(MSG_DEF_BOOL, object=name, key=key))
    return value


def m_format(template: str, **values: Any) -> str:
    """Format a message with values cut to a readable length (names in messages come from the request)."""
    return template.format(**{k: (v[:100] if isinstance(v, str) else v) for k, v in values.items()})


def _unwrap(name: str, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidValue(m_format(MSG_DEFINITION_NOT_OBJECT, object=name))
    if isinstance(raw.get("schema"), dict) and set(raw) <= _WRAPPER_KEYS:
        return raw["schema"]
    return raw


def _parse_property(obj: str, field: str, raw: Any, filterable: bool) -> tuple[dict[str, Any], FieldSpec]:
    if not isinstance(raw, dict):
        raise InvalidValue(m_format(MSG_FIELD_NOT_OBJECT, object=obj, field=field))
    for key in raw:
        if key not in _PROPERTY_KEYS:
            raise UnknownField(m_format(MSG_FIELD_UNKNOWN, object=obj, field=field, key=key))
    for key in ("type", "label"):
        if key not in raw:
            raise MissingField(m_format(MSG_FIELD_REQUIRED, object=obj, field=field, key=key))
    kind = raw["type"]
    if kind not in FIELD_TYPES:
        raise InvalidValue(m_format(MSG_FIELD_TYPE, object=obj, field=field))
    if not _str(raw["label"], MAX_LABEL):
        raise InvalidValue(m_format(MSG_FIELD_LABEL, object=obj, field=field, key="label", limit=MAX_LABEL))
    if "description" in raw and not _str(raw["description"], MAX_DESCRIPTION):
        raise InvalidValue(
            m_format(MSG_FIELD_LABEL, object=obj, field=field, key="description", limit=MAX_DESCRIPTION)
        )
    string_only = ("format", "maxLength", "enum", "multiselect", "displayName")
    number_only = ("minimum", "maximum")
    for key in raw:
        if (key in string_only and kind != "string") or (
            key in number_only and kind not in ("integer", "number")
        ):
            raise InvalidValue(m_format(MSG_FIELD_ATTRIBUTE, object=obj, field=field, key=key, type=kind))
    fmt = raw.get("format")
    if fmt is not None and fmt not in STRING_FORMATS:
        raise InvalidValue(m_format(MSG_FIELD_FORMAT, object=obj, field=field))
    enum = raw.get("enum")
    if enum is not None:
        if (
            not isinstance(enum, list)
            or not 0 < len(enum) <= MAX_ENUM_VALUES
            or len(set(map(str, enum))) != len(enum)
            or not all(isinstance(v, str) and v for v in enum)
            or fmt not in (None,)
        ):
            raise InvalidValue(m_format(MSG_FIELD_ENUM, object=obj, field=field))
        enum = tuple(enum)
    multiselect = raw.get("multiselect", False)
    if not isinstance(multiselect, bool) or (multiselect and enum is None):
        raise InvalidValue(m_format(MSG_FIELD_MULTISELECT, object=obj, field=field))
    if "displayName" in raw and not isinstance(raw["displayName"], bool):
        raise InvalidValue(m_format(MSG_DEF_BOOL, object=obj, key=f"{field}.displayName"))
    max_length = raw.get("maxLength")
    text_like = kind == "string" and fmt in (None, "url")
    if max_length is not None:
        limit = MAX_FILTERABLE_MAX_LENGTH if filterable else MAX_MAX_LENGTH
        if type(max_length) is not int or not 1 <= max_length <= limit or not text_like:
            raise InvalidValue(m_format(MSG_FIELD_MAX_LENGTH, object=obj, field=field, limit=limit))
    elif text_like:
        max_length = DEFAULT_MAX_LENGTH
    for key in number_only:
        if key in raw and (type(raw[key]) not in (int, float)):
            raise InvalidValue(m_format(MSG_FIELD_BOUND, object=obj, field=field, key=key))
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
            raise InvalidValue(m_format(MSG_FIELD_DEFAULT, object=obj, field=field, problem=failure.message))
    wire = {k: v for k, v in raw.items() if k != "origin"}
    if text_like and "maxLength" not in wire:
        wire["maxLength"] = max_length
    wire["origin"] = "custom"
    return wire, FieldSpec(field, kind, fmt, enum, multiselect, default, rule)


def _name_list(obj: str, raw: Mapping[str, Any], key: str, custom: Mapping[str, Any]) -> list[str]:
    """A required/filterable/unique/auditable list: custom names kept in order, system names dropped."""
    values = raw.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InvalidValue(m_format(MSG_DEF_LIST, object=obj, key=key))
    names: list[str] = []
    for value in values:
        if value in SYSTEM_PROPERTIES:
            continue
        if value not in custom:
            raise InvalidValue(m_format(MSG_DEF_LIST_FIELD, object=obj, key=key, field=value))
        if value not in names:
            names.append(value)
    return names


def _parse_relationships(
    obj: str, raw: Any, custom: Mapping[str, FieldSpec], known_objects: Callable[[str], bool]
) -> tuple[list[dict[str, Any]], list[Relationship]]:
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        raise InvalidValue(m_format(MSG_REL_NOT_OBJECT, object=obj))
    wire: list[dict[str, Any]] = []
    links: list[Relationship] = []
    for item in raw:
        if not isinstance(item, dict):
            raise InvalidValue(m_format(MSG_REL_NOT_OBJECT, object=obj))
        for key in item:
            if key not in _RELATIONSHIP_KEYS:
                raise UnknownField(m_format(MSG_REL_UNKNOWN, object=obj, key=key))
        fields = item.get("fields")
        if (
            isinstance(fields, dict)
            and len(fields) == 1
            and next(iter(fields)) in ("CreatedById", "UpdatedById")
        ):
            continue  # the system User relationships of a posted-back definition
        for key in ("namespace", "object", "fields"):
            if key not in item:
                raise MissingField(m_format(MSG_REL_REQUIRED, object=obj, key=key))
        cardinality = item.get("cardinality", "manyToOne")
        if cardinality not in CARDINALITIES:
            raise InvalidValue(m_format(MSG_REL_CARDINALITY, object=obj))
        namespace, target = item["namespace"], item["object"]
        if namespace not in NAMESPACES:
            raise InvalidValue(m_format(MSG_REL_NAMESPACE, object=obj))
        if (
            not isinstance(target, str)
            or not target
            or (namespace == NAMESPACE and not known_objects(target))
        ):
            raise InvalidValue(m_format(MSG_REL_TARGET, object=obj, target=str(target)))
        if not isinstance(fields, dict) or len(fields) != 1 or list(fields.values()) != ["Id"]:
            raise InvalidValue(m_format(MSG_REL_FIELDS, object=obj))
        local = next(iter(fields))
        enforce = True
        constraints = item.get("recordConstraints")
        if constraints is not None:
            create = constraints.get("create") if isinstance(constraints, dict) else None
            value = create.get("enforceValidMapping", True) if isinstance(create, dict) else None
            if (
                not isinstance(value, bool)
                or set(constraints) - {"create"}
                or set(create) - {"enforceValidMapping"}
            ):
                raise InvalidValue(m_format(MSG_REL_ENFORCE, object=obj))
            enforce = value
        if cardinality == "manyToOne":
            spec = custom.get(local)
            if spec is None:
                raise InvalidValue(m_format(MSG_REL_LOCAL, object=obj, field=local))
            if spec.type != "string" or spec.enum is not None:
                raise InvalidValue(m_format(MSG_REL_LOCAL_TYPE, object=obj, field=local))
            links.append(Relationship(local, namespace, target, enforce))
        wire.append(
            {
                "cardinality": cardinality,
                "namespace": namespace,
                "object": target,
                "fields": {local: "Id"},
                "recordConstraints": {"create": {"enforceValidMapping": enforce}},
            }
        )
    many = sum(1 for r in wire if r["cardinality"] == "manyToOne")
    if many > MAX_MANY_TO_ONE:
        raise InvalidValue(
            m_format(
                MSG_DEF_TOO_MANY,
                object=obj,
                limit=MAX_MANY_TO_ONE,
                what="manyToOne relationships",
                count=many,
            )
        )
    return wire, links


def parse_definition(key: str, raw: Any, known_objects: Callable[[str], bool]) -> Definition:
    """Check one definition of a create request against Zuora's rules and limits; raise its 400."""
    body = _unwrap(key, raw)
    name = body.get("object")
    for required_key in ("object", "label"):
        if required_key not in body:
            raise MissingField(m_format(MSG_DEF_REQUIRED, object=key, key=required_key))
    if not isinstance(name, str) or not _NAME.match(name) or len(name) > MAX_NAME:
        raise InvalidValue(m_format(MSG_DEF_NAME, object=str(name)))
    if name != key:
        raise InvalidValue(m_format(MSG_DEF_KEY_MISMATCH, key=key, object=name))
    for k in body:
        if k not in _DEFINITION_KEYS:
            raise UnknownField(m_format(MSG_DEF_UNKNOWN, object=name, key=k))
    if not _str(body["label"], MAX_LABEL):
        raise InvalidValue(m_format(MSG_DEF_STRING, object=name, key="label", limit=MAX_LABEL))
    if "description" in body and not _str(body["description"], MAX_DESCRIPTION):
        raise InvalidValue(m_format(MSG_DEF_STRING, object=name, key="description", limit=MAX_DESCRIPTION))
    create_audit = _bool_attr(body, "enableCreateRecordAuditing", name)
    delete_audit = _bool_attr(body, "enableDeleteRecordAuditing", name)
    raw_props = body.get("properties", {})
    if not isinstance(raw_props, dict):
        raise InvalidValue(m_format(MSG_DEF_PROPERTIES, object=name))
    custom_raw = {}
    for field, prop in raw_props.items():
        if field in SYSTEM_PROPERTIES:
            if isinstance(prop, dict) and prop.get("origin") == "system":
                continue
            raise InvalidValue(m_format(MSG_FIELD_SYSTEM, object=name, field=field))
        if not _NAME.match(field) or len(field) > MAX_NAME:
            raise InvalidValue(m_format(MSG_FIELD_NAME, object=name, field=field))
        custom_raw[field] = prop
    if len(custom_raw) > MAX_CUSTOM_FIELDS:
        raise InvalidValue(
            m_format(
                MSG_DEF_TOO_MANY,
                object=name,
                limit=MAX_CUSTOM_FIELDS,
                what="custom fields",
                count=len(custom_raw),
            )
        )
    filterable = _name_list(name, body, "filterable", custom_raw)
    properties: dict[str, Any] = {}
    fields: dict[str, FieldSpec] = {}
    for field, prop in custom_raw.items():
        properties[field], fields[field] = _parse_property(name, field, prop, field in filterable)
    required = _name_list(name, body, "required", custom_raw)
    unique = _name_list(name, body, "unique", custom_raw)
    auditable = _name_list(name, body, "auditable", custom_raw)
    for what, values, limit in (
        ("filterable fields", filterable, MAX_FILTERABLE),
        ("unique fields", unique, MAX_UNIQUE),
        ("auditable fields", auditable, MAX_AUDITABLE),
    ):
        if len(values) > limit:
            raise InvalidValue(
                m_format(MSG_DEF_TOO_MANY, object=name, limit=limit, what=what, count=len(values))
            )
    for field in unique:
        spec = fields[field]
        if spec.type not in ("string", "integer", "number") or spec.enum is not None:
            raise InvalidValue(m_format(MSG_UNIQUE_TYPE, object=name, field=field))
    rel_wire, links = _parse_relationships(name, body.get("relationships"), fields, known_objects)
    properties.update({k: dict(v) for k, v in SYSTEM_PROPERTIES.items()})
    all_filterable = list(filterable)
    for link in links:
        if link.field not in all_filterable:
            all_filterable.append(link.field)
    all_filterable.extend(SYSTEM_FILTERABLE)
    schema: dict[str, Any] = {"object": name, "label": body["label"]}
    if "description" in body:
        schema["description"] = body["description"]
    schema.update(
        {
            "enableCreateRecordAuditing": create_audit,
            "enableDeleteRecordAuditing": delete_audit,
            "properties": properties,
            "required": [*required, *SYSTEM_FIELDS],
            "filterable": all_filterable,
        }
    )
    if unique:
        schema["unique"] = unique
    if auditable:
        schema["auditable"] = auditable
    schema["relationships"] = [*rel_wire, *(dict(r) for r in SYSTEM_RELATIONSHIPS)]
    schema["enableRecordMigration"] = False
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


def parse_definitions(body: Any, existing: Iterable[str]) -> list[Definition]:
    """Parse a create request `{"definitions": {...}}`; all of them are valid or the request fails."""
    if not isinstance(body, dict):
        raise InvalidValue(MSG_DEFINITIONS_REQUIRED)
    for key in body:
        if key != "definitions":
            raise UnknownField(m.MSG_BODY_UNKNOWN.format(field=str(key)[:100]))
    raw = body.get("definitions")
    if not isinstance(raw, dict):
        raise (
            MissingField(MSG_DEFINITIONS_REQUIRED) if raw is None else InvalidValue(MSG_DEFINITIONS_REQUIRED)
        )
    if not raw:
        raise InvalidValue(MSG_DEFINITIONS_EMPTY)
    known = set(existing)
    for key in raw:
        if key in known:
            raise RuleRestriction(m_format(MSG_DEF_EXISTS, object=key))
    pending = set(raw)
    parsed = [
        parse_definition(key, value, lambda target: target in known or target in pending)
        for key, value in raw.items()
    ]
    return parsed
