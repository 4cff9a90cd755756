"""Parse the relationships of a definition: manyToOne links to custom or Zuora objects, checked on writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.limits import MAX_MANY_TO_ONE
from zuora_mock.backend.customobjects.messages import format_message
from zuora_mock.backend.customobjects.model import FieldSpec, Relationship
from zuora_mock.backend.customobjects.system import NAMESPACE, USER_FIELDS, ZUORA_NAMESPACE
from zuora_mock.core.errors import InvalidValue, MissingField, UnknownField

CARDINALITIES = ("manyToOne", "oneToMany")
NAMESPACES = (NAMESPACE, ZUORA_NAMESPACE)
RELATIONSHIP_KEYS = frozenset({"cardinality", "namespace", "object", "fields", "recordConstraints"})


def parse_relationships(
    obj: str, raw: Any, custom: Mapping[str, FieldSpec], known_objects: Callable[[str], bool]
) -> tuple[list[dict[str, Any]], list[Relationship]]:
    """The wire form of every relationship, and the manyToOne links record writes check."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        raise InvalidValue(format_message(m.MSG_REL_NOT_OBJECT, object=obj))
    wire: list[dict[str, Any]] = []
    links: list[Relationship] = []
    for item in raw:
        parsed = _parse_relationship(obj, item, custom, known_objects)
        if parsed is None:
            continue
        wire.append(parsed[0])
        if parsed[1] is not None:
            links.append(parsed[1])
    if len(links) > MAX_MANY_TO_ONE:
        raise InvalidValue(
            format_message(
                m.MSG_DEF_TOO_MANY,
                object=obj,
                limit=MAX_MANY_TO_ONE,
                what="manyToOne relationships",
                count=len(links),
            )
        )
    return wire, links


def _is_user_link(fields: Any) -> bool:
    """The system User relationships of a posted-back definition: skipped, Zuora adds them anyway."""
    return isinstance(fields, dict) and len(fields) == 1 and next(iter(fields)) in USER_FIELDS


def _parse_relationship(
    obj: str, item: Any, custom: Mapping[str, FieldSpec], known_objects: Callable[[str], bool]
) -> tuple[dict[str, Any], Relationship | None] | None:
    """One relationship in Zuora's order of checks; None for a system User relationship."""
    if not isinstance(item, dict):
        raise InvalidValue(format_message(m.MSG_REL_NOT_OBJECT, object=obj))
    for key in item:
        if key not in RELATIONSHIP_KEYS:
            raise UnknownField(format_message(m.MSG_REL_UNKNOWN, object=obj, key=key))
    if _is_user_link(item.get("fields")):
        return None
    for key in ("namespace", "object", "fields"):
        if key not in item:
            raise MissingField(format_message(m.MSG_REL_REQUIRED, object=obj, key=key))
    cardinality = item.get("cardinality", "manyToOne")
    if cardinality not in CARDINALITIES:
        raise InvalidValue(format_message(m.MSG_REL_CARDINALITY, object=obj))
    namespace, target = _target(obj, item["namespace"], item["object"], known_objects)
    fields = item["fields"]
    if not isinstance(fields, dict) or len(fields) != 1 or list(fields.values()) != ["Id"]:
        raise InvalidValue(format_message(m.MSG_REL_FIELDS, object=obj))
    local: str = next(iter(fields))
    enforce = _enforce(obj, item.get("recordConstraints"))
    link = None
    if cardinality == "manyToOne":
        _check_local_field(obj, custom.get(local), local)
        link = Relationship(local, namespace, target, enforce)
    wire = {
        "cardinality": cardinality,
        "namespace": namespace,
        "object": target,
        "fields": {local: "Id"},
        "recordConstraints": {"create": {"enforceValidMapping": enforce}},
    }
    return wire, link


def _target(obj: str, namespace: Any, target: Any, known_objects: Callable[[str], bool]) -> tuple[str, str]:
    """A known namespace, and an object name; a custom object must exist (or be created alongside)."""
    if namespace not in NAMESPACES:
        raise InvalidValue(format_message(m.MSG_REL_NAMESPACE, object=obj))
    if not isinstance(target, str) or not target or (namespace == NAMESPACE and not known_objects(target)):
        raise InvalidValue(format_message(m.MSG_REL_TARGET, object=obj, target=str(target)))
    return namespace, target


def _enforce(obj: str, constraints: Any) -> bool:
    """recordConstraints is absent (enforced) or exactly {"create": {"enforceValidMapping": <bool>}}."""
    if constraints is None:
        return True
    create = constraints.get("create") if isinstance(constraints, dict) else None
    if isinstance(create, dict) and set(constraints) == {"create"} and set(create) <= {"enforceValidMapping"}:
        value = create.get("enforceValidMapping", True)
        if isinstance(value, bool):
            return value
    raise InvalidValue(format_message(m.MSG_REL_ENFORCE, object=obj))


def _check_local_field(obj: str, spec: FieldSpec | None, local: str) -> None:
    """The linking field of a manyToOne relationship is a custom text field (no picklist)."""
    if spec is None:
        raise InvalidValue(format_message(m.MSG_REL_LOCAL, object=obj, field=local))
    if spec.type != "string" or spec.enum is not None:
        raise InvalidValue(format_message(m.MSG_REL_LOCAL_TYPE, object=obj, field=local))
