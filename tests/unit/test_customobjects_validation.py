"""Record validation against a compiled definition: one case per rule, exact codes and messages."""

from __future__ import annotations

import pytest

from tests.unit.customobjects_support import make_store
from zuora_mock.backend.customobjects import messages as m

LONG = "X" * 11
ENUM = '["Red","Blue","Green"]'
EXTRAS = '["Roof","Tow","Heat"]'


@pytest.fixture(scope="module")
def definition():
    return make_store().objects["Car"].definition


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"Plate__c": "AB-1"}, None),
        ({"Seats__c": 5, "Price__c": 19999.99, "Electric__c": True}, None),
        ({"Price__c": 7}, None),
        ({"Color__c": "Red", "Extras__c": "Roof;Tow"}, None),
        ({"Built__c": "2024-02-29", "SeenAt__c": "2024-07-09T06:41:17.377Z"}, None),
        ({"SeenAt__c": "2024-07-09T06:41:17+02:00"}, None),
        ({"Ref__c": "c086028c-5df8-427d-a3c8-7a7fb5d32d3d"}, None),
        ({"Notes__c": None}, None),
        ({"Id": "ignored", "type": "Car", "CreatedDate": "x"}, None),
        ({"Nope__c": 1}, (m.CODE_UNKNOWN_FIELD, m.MSG_UNKNOWN_FIELD.format(field="Nope__c"))),
        ({"Plate__c": ""}, (m.CODE_INVALID, "Field [Plate__c] cannot accept empty string.")),
        ({"Seats__c": ""}, (m.CODE_INVALID, "Field [Seats__c] cannot accept empty string.")),
        ({"Plate__c": None}, (m.CODE_MISSING, "Field [Plate__c] is required and cannot be null.")),
        (
            {"Seats__c": "5"},
            (
                m.CODE_TYPE,
                (
                    "Json input does not match schema. Error: Field [Seats__c] should be integer type but "
                    "received string."
                ),
            ),
        ),
        (
            {"Seats__c": 5.5},
            (
                m.CODE_TYPE,
                (
                    "Json input does not match schema. Error: Field [Seats__c] should be integer type but "
                    "received number."
                ),
            ),
        ),
        (
            {"Seats__c": True},
            (
                m.CODE_TYPE,
                (
                    "Json input does not match schema. Error: Field [Seats__c] should be integer type but "
                    "received boolean."
                ),
            ),
        ),
        (
            {"Price__c": "12"},
            (
                m.CODE_TYPE,
                (
                    "Json input does not match schema. Error: Field [Price__c] should be number type but "
                    "received string."
                ),
            ),
        ),
        ({"Price__c": 10**13}, (m.CODE_INVALID, m.MSG_NUMBER_DIGITS.format(field="Price__c"))),
        ({"Price__c": 0.1234567891}, (m.CODE_INVALID, m.MSG_NUMBER_DIGITS.format(field="Price__c"))),
        (
            {"Electric__c": "true"},
            (
                m.CODE_TYPE,
                (
                    "Json input does not match schema. Error: Field [Electric__c] should be boolean type "
                    "but received string."
                ),
            ),
        ),
        (
            {"Plate__c": 7},
            (
                m.CODE_TYPE,
                (
                    "Json input does not match schema. Error: Field [Plate__c] should be string type but "
                    "received integer."
                ),
            ),
        ),
        (
            {"Plate__c": ["A"]},
            (
                m.CODE_TYPE,
                (
                    "Json input does not match schema. Error: Field [Plate__c] should be string type but "
                    "received array."
                ),
            ),
        ),
        (
            {"Plate__c": {"a": 1}},
            (
                m.CODE_TYPE,
                (
                    "Json input does not match schema. Error: Field [Plate__c] should be string type but "
                    "received object."
                ),
            ),
        ),
        (
            {"Plate__c": LONG},
            (
                m.CODE_INVALID,
                (
                    f'Json input does not match schema. Error(s): string "{LONG}" is too long (length: 11, '
                    "maximum allowed: 10)"
                ),
            ),
        ),
        (
            {"Notes__c": "n" * 513},
            (
                m.CODE_INVALID,
                (
                    f'Json input does not match schema. Error(s): string "{"n" * 513}" is too long (length: '
                    "513, maximum allowed: 512)"
                ),
            ),
        ),
        (
            {"Color__c": "red"},
            (
                m.CODE_INVALID,
                (
                    'Json input does not match schema. Error(s): instance value ("red") not found in enum '
                    f"(possible values: {ENUM})"
                ),
            ),
        ),
        (
            {"Extras__c": "Roof;Wings"},
            (
                m.CODE_INVALID,
                (
                    'Json input does not match schema. Error(s): instance value ("Wings") not found in enum '
                    f"(possible values: {EXTRAS})"
                ),
            ),
        ),
        (
            {"Built__c": "2024-02-30"},
            (
                m.CODE_INVALID,
                (
                    'Json input does not match schema. Error(s): string "2024-02-30" is invalid against '
                    "requested date format(s) [yyyy-MM-dd]"
                ),
            ),
        ),
        (
            {"Built__c": "07/09/2024"},
            (
                m.CODE_INVALID,
                (
                    'Json input does not match schema. Error(s): string "07/09/2024" is invalid against '
                    "requested date format(s) [yyyy-MM-dd]"
                ),
            ),
        ),
        (
            {"SeenAt__c": "2024-07-09 06:41:17"},
            (
                m.CODE_INVALID,
                (
                    'Json input does not match schema. Error(s): string "2024-07-09 06:41:17" is invalid '
                    "against requested date format(s) [yyyy-MM-dd'T'HH:mm:ss.SSSZ]"
                ),
            ),
        ),
        (
            {"SeenAt__c": "2024-07-09T06:41:17."},
            (
                m.CODE_INVALID,
                (
                    'Json input does not match schema. Error(s): string "2024-07-09T06:41:17." is invalid '
                    "against requested date format(s) [yyyy-MM-dd'T'HH:mm:ss.SSSZ]"
                ),
            ),
        ),
        (
            {"Ref__c": "not-a-uuid"},
            (
                m.CODE_INVALID,
                'Json input does not match schema. Error(s): string "not-a-uuid" is not a valid UUID',
            ),
        ),
    ],
)
def test_patch_fields(definition, fields, expected):
    assert definition.check_fields(fields, full=False) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"Plate__c": "AB-1", "Owner__c": "Avery"}, None),
        (
            {"Plate__c": "AB-1"},
            (
                m.CODE_MISSING,
                (
                    "Json input does not match schema. Error(s): object has missing required properties "
                    '(["Owner__c"])'
                ),
            ),
        ),
        (
            {},
            (
                m.CODE_MISSING,
                (
                    "Json input does not match schema. Error(s): object has missing required properties "
                    '(["Plate__c","Owner__c"])'
                ),
            ),
        ),
        (
            {"Plate__c": "AB-1", "Owner__c": None},
            (m.CODE_MISSING, "Field [Owner__c] is required and cannot be null."),
        ),
    ],
)
def test_full_record_needs_required_fields(definition, fields, expected):
    assert definition.check_fields(fields, full=True) == expected


def test_first_problem_in_submitted_order_wins(definition):
    failure = definition.check_fields({"Seats__c": "x", "Plate__c": ""}, full=False)
    assert failure is not None and failure.code == m.CODE_TYPE


@pytest.mark.parametrize("cut", range(len("2024-07-09T06:41:17.377+02:00") + 1))
def test_every_truncated_datetime_is_answered_not_raised(definition, cut):
    value = "2024-07-09T06:41:17.377+02:00"[:cut]
    result = definition.check_fields({"SeenAt__c": value}, full=False)
    assert result is None or result.code == m.CODE_INVALID
