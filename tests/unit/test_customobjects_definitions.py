"""Definitions: system fields added as Zuora does, the documented limits, and bad definitions refused."""

from __future__ import annotations

import copy

import pytest

from tests.unit.customobjects_support import CAR, definitions, make_store
from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.definitions import parse_definitions
from zuora_mock.backend.customobjects.system import SYSTEM_FIELDS
from zuora_mock.core.errors import InvalidValue, MissingField, RuleRestriction, UnknownField

VEHICLE = {
    "object": "Vehicle",
    "label": "Vehicle",
    "properties": {"DeviceId__c": {"type": "string", "label": "Device ID", "maxLength": 20}},
}


def _props(count: int, **extra):
    return {f"F{i}__c": {"type": "string", "label": f"F{i}", **extra} for i in range(count)}


def test_created_definition_has_zuoras_shape():
    store = make_store()
    created = store.create_definitions({"definitions": {"Vehicle": VEHICLE}})["Vehicle"]
    assert list(created) == [
        "Id",
        "type",
        "CreatedById",
        "UpdatedById",
        "CreatedDate",
        "UpdatedDate",
        "schema",
    ]
    assert created["type"] == "Vehicle" and len(created["Id"]) == 36
    schema = created["schema"]
    assert list(schema) == [
        "object",
        "label",
        "enableCreateRecordAuditing",
        "enableDeleteRecordAuditing",
        "properties",
        "required",
        "filterable",
        "relationships",
        "enableRecordMigration",
    ]
    assert schema["properties"]["DeviceId__c"] == {
        "type": "string",
        "label": "Device ID",
        "maxLength": 20,
        "origin": "custom",
    }
    assert schema["properties"]["Id"] == {
        "format": "uuid",
        "label": "Id",
        "origin": "system",
        "type": "string",
    }
    assert list(schema["properties"]) == ["DeviceId__c", *SYSTEM_FIELDS]
    assert schema["required"] == list(SYSTEM_FIELDS)
    assert schema["filterable"] == ["Id", "CreatedDate", "UpdatedDate"]
    assert [r["fields"] for r in schema["relationships"]] == [{"CreatedById": "Id"}, {"UpdatedById": "Id"}]


def test_text_field_without_max_length_gets_512_and_relationship_field_is_filterable():
    schema = make_store().definition("Car")["schema"]
    assert schema["properties"]["Notes__c"]["maxLength"] == 512
    assert "maxLength" not in schema["properties"]["Built__c"]
    assert schema["filterable"][-4:] == ["GarageId__c", "Id", "CreatedDate", "UpdatedDate"]
    assert schema["relationships"][0] == {
        "cardinality": "manyToOne",
        "namespace": "default",
        "object": "Garage",
        "fields": {"GarageId__c": "Id"},
        "recordConstraints": {"create": {"enforceValidMapping": True}},
    }


def test_a_listed_definition_can_be_posted_back_as_is():
    store = make_store()
    listed = store.definitions()
    fresh = make_store(zuora_ids=())
    fresh.delete_definition("Car")
    fresh.delete_definition("Garage")
    created = fresh.create_definitions({"definitions": listed})
    assert {n: c["schema"] for n, c in created.items()} == {n: c["schema"] for n, c in listed.items()}


def _with(changes: dict, *, remove: tuple[str, ...] = ()) -> dict:
    body = copy.deepcopy(VEHICLE)
    body.update(changes)
    for key in remove:
        body.pop(key)
    return body


CASES = [
    (_with({}, remove=("label",)), MissingField, "Definition [Vehicle]: 'label' is required."),
    (
        _with({"object": "Truck"}),
        InvalidValue,
        "Definition key [Vehicle] does not match its 'object' value [Truck].",
    ),
    (_with({"object": "1Vehicle"}), InvalidValue, m.MSG_DEF_NAME.format(object="1Vehicle")),
    (
        _with({"label": "L" * 65}),
        InvalidValue,
        "Definition [Vehicle]: 'label' must be a non-empty string of at most 64 characters.",
    ),
    (
        _with({"description": "D" * 251}),
        InvalidValue,
        "Definition [Vehicle]: 'description' must be a non-empty string of at most 250 characters.",
    ),
    (_with({"colour": 1}), UnknownField, "Definition [Vehicle]: unknown field 'colour'."),
    (_with({"properties": ["A__c"]}), InvalidValue, m.MSG_DEF_PROPERTIES.format(object="Vehicle")),
    (
        _with({"properties": {"A__c": {"label": "A"}}}),
        MissingField,
        "Definition [Vehicle]: field [A__c]: 'type' is required.",
    ),
    (
        _with({"properties": {"A__c": {"type": "string"}}}),
        MissingField,
        "Definition [Vehicle]: field [A__c]: 'label' is required.",
    ),
    (
        _with({"properties": {"A__c": {"type": "text", "label": "A"}}}),
        InvalidValue,
        m.MSG_FIELD_TYPE.format(object="Vehicle", field="A__c"),
    ),
    (
        _with({"properties": {"A__c": {"type": "string", "label": "A", "format": "email"}}}),
        InvalidValue,
        m.MSG_FIELD_FORMAT.format(object="Vehicle", field="A__c"),
    ),
    (
        _with({"properties": {"A__c": {"type": "string", "label": "A", "colour": 1}}}),
        UnknownField,
        "Definition [Vehicle]: field [A__c]: unknown attribute 'colour'.",
    ),
    (
        _with({"properties": {"A__c": {"type": "integer", "label": "A", "maxLength": 5}}}),
        InvalidValue,
        "Definition [Vehicle]: field [A__c]: 'maxLength' does not apply to a field of type integer.",
    ),
    (
        _with({"properties": {"A__c": {"type": "string", "label": "A", "maxLength": 8193}}}),
        InvalidValue,
        m.MSG_FIELD_MAX_LENGTH.format(object="Vehicle", field="A__c", limit=8192),
    ),
    (
        _with(
            {
                "properties": {"A__c": {"type": "string", "label": "A", "maxLength": 513}},
                "filterable": ["A__c"],
            }
        ),
        InvalidValue,
        m.MSG_FIELD_MAX_LENGTH.format(object="Vehicle", field="A__c", limit=512),
    ),
    (
        _with({"properties": {"A__c": {"type": "string", "label": "A", "enum": []}}}),
        InvalidValue,
        m.MSG_FIELD_ENUM.format(object="Vehicle", field="A__c"),
    ),
    (
        _with(
            {"properties": {"A__c": {"type": "string", "label": "A", "enum": [f"v{i}" for i in range(251)]}}}
        ),
        InvalidValue,
        m.MSG_FIELD_ENUM.format(object="Vehicle", field="A__c"),
    ),
    (
        _with({"properties": {"A__c": {"type": "string", "label": "A", "enum": ["x", "x"]}}}),
        InvalidValue,
        m.MSG_FIELD_ENUM.format(object="Vehicle", field="A__c"),
    ),
    (
        _with({"properties": {"A__c": {"type": "string", "label": "A", "multiselect": True}}}),
        InvalidValue,
        m.MSG_FIELD_MULTISELECT.format(object="Vehicle", field="A__c"),
    ),
    (
        _with({"properties": {"A__c": {"type": "integer", "label": "A", "default": "x"}}}),
        InvalidValue,
        (
            "Definition [Vehicle]: field [A__c]: 'default' is not a valid value of the field: Json input "
            "does not match schema. Error: Field [A__c] should be integer type but received string."
        ),
    ),
    (
        _with({"properties": {"Id": {"type": "string", "label": "Id"}}}),
        InvalidValue,
        m.MSG_FIELD_SYSTEM.format(object="Vehicle", field="Id"),
    ),
    (
        _with({"properties": {"Bad-Name": {"type": "string", "label": "A"}}}),
        InvalidValue,
        m.MSG_FIELD_NAME.format(object="Vehicle", field="Bad-Name"),
    ),
    (
        _with({"properties": _props(51)}),
        InvalidValue,
        "Definition [Vehicle]: at most 50 custom fields are allowed; got 51.",
    ),
    (
        _with({"properties": _props(11), "filterable": [f"F{i}__c" for i in range(11)]}),
        InvalidValue,
        "Definition [Vehicle]: at most 10 filterable fields are allowed; got 11.",
    ),
    (
        _with({"properties": _props(6), "unique": [f"F{i}__c" for i in range(6)]}),
        InvalidValue,
        "Definition [Vehicle]: at most 5 unique fields are allowed; got 6.",
    ),
    (
        _with({"properties": _props(6), "auditable": [f"F{i}__c" for i in range(6)]}),
        InvalidValue,
        "Definition [Vehicle]: at most 5 auditable fields are allowed; got 6.",
    ),
    (
        _with({"required": ["Nope__c"]}),
        InvalidValue,
        "Definition [Vehicle]: 'required' names [Nope__c], which is not a custom field of the object.",
    ),
    (
        _with({"properties": {"B__c": {"type": "boolean", "label": "B"}}, "unique": ["B__c"]}),
        InvalidValue,
        m.MSG_UNIQUE_TYPE.format(object="Vehicle", field="B__c"),
    ),
    (
        _with(
            {"relationships": [{"namespace": "default", "object": "Nope", "fields": {"DeviceId__c": "Id"}}]}
        ),
        InvalidValue,
        "Definition [Vehicle]: relationship to custom object [Nope], which does not exist.",
    ),
    (
        _with(
            {"relationships": [{"namespace": "other", "object": "Account", "fields": {"DeviceId__c": "Id"}}]}
        ),
        InvalidValue,
        m.MSG_REL_NAMESPACE.format(object="Vehicle"),
    ),
    (
        _with(
            {"relationships": [{"namespace": "com_zuora", "object": "Account", "fields": {"Nope__c": "Id"}}]}
        ),
        InvalidValue,
        m.MSG_REL_LOCAL.format(object="Vehicle", field="Nope__c"),
    ),
    (
        _with(
            {
                "relationships": [
                    {"namespace": "com_zuora", "object": "Account", "fields": {"DeviceId__c": "Name"}}
                ]
            }
        ),
        InvalidValue,
        m.MSG_REL_FIELDS.format(object="Vehicle"),
    ),
    (
        _with({"relationships": [{"namespace": "com_zuora", "object": "Account"}]}),
        MissingField,
        "Definition [Vehicle]: relationship: 'fields' is required.",
    ),
    (
        _with(
            {
                "properties": _props(3),
                "relationships": [
                    {"namespace": "com_zuora", "object": "Account", "fields": {f"F{i}__c": "Id"}}
                    for i in range(3)
                ],
            }
        ),
        InvalidValue,
        "Definition [Vehicle]: at most 2 manyToOne relationships are allowed; got 3.",
    ),
]


@pytest.mark.parametrize(("definition", "error", "message"), CASES)
def test_bad_definitions_are_refused(definition, error, message):
    with pytest.raises(error) as caught:
        parse_definitions({"definitions": {"Vehicle": definition}}, ())
    assert type(caught.value) is error
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ({}, MissingField, m.MSG_DEFINITIONS_REQUIRED),
        ({"definitions": []}, InvalidValue, m.MSG_DEFINITIONS_REQUIRED),
        ({"definitions": {}}, InvalidValue, m.MSG_DEFINITIONS_EMPTY),
        ({"definitions": {"Vehicle": VEHICLE}, "x": 1}, UnknownField, "Unknown field 'x'."),
        ({"definitions": {"Vehicle": "nope"}}, InvalidValue, "Definition [Vehicle] must be a JSON object."),
    ],
)
def test_bad_envelopes_are_refused(body, error, message):
    with pytest.raises(error) as caught:
        parse_definitions(body, ())
    assert caught.value.message == message


def test_limits_are_inclusive():
    body = _with(
        {
            "properties": _props(50),
            "filterable": [f"F{i}__c" for i in range(10)],
            "unique": [f"F{i}__c" for i in range(5)],
        }
    )
    (parsed,) = parse_definitions({"definitions": {"Vehicle": body}}, ())
    assert len(parsed.fields) == 50 and len(parsed.unique) == 5


def test_existing_name_is_refused_and_nothing_is_created():
    store = make_store()
    with pytest.raises(RuleRestriction) as caught:
        store.create_definitions({"definitions": {"Vehicle": VEHICLE, "Car": copy.deepcopy(CAR)}})
    assert caught.value.message == "Custom object definition [Car] already exists."
    assert "Vehicle" not in store.definitions()


def test_definitions_of_one_request_may_refer_to_each_other():
    parsed = parse_definitions(definitions(), ())
    assert [p.name for p in parsed] == ["Garage", "Car"]
    assert parsed[1].related_objects == frozenset({"Garage"})


def test_delete_is_refused_while_records_exist_or_another_object_links_to_it():
    store = make_store()
    with pytest.raises(RuleRestriction) as caught:
        store.delete_definition("Garage")
    assert (
        caught.value.message
        == "Custom object definition [Garage] cannot be deleted because [Car] has a relationship to it."
    )
    store.create_records("Car", [{"Plate__c": "P1", "Owner__c": "A"}], False)
    with pytest.raises(RuleRestriction) as caught:
        store.delete_definition("Car")
    assert (
        caught.value.message
        == "Custom object definition [Car] cannot be deleted because records of this object exist."
    )
