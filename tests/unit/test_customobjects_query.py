"""The q filter: Zuora's Lucene-like syntax over filterable fields."""

from __future__ import annotations

import pytest

from tests.unit.customobjects_support import car, make_store
from zuora_mock.backend.customobjects.query import MSG_Q_NOT_FILTERABLE, MSG_Q_SYNTAX, MSG_Q_VALUE
from zuora_mock.core.errors import InvalidValue

CARS = [
    car(
        "A1",
        Seats__c=2,
        Price__c=10.5,
        Electric__c=True,
        Color__c="Red",
        Extras__c="Roof;Tow",
        Built__c="2020-01-01",
    ),
    car(
        "A2",
        Seats__c=5,
        Price__c=20,
        Electric__c=False,
        Color__c="Blue",
        Extras__c="Heat",
        Built__c="2021-06-30",
    ),
    car("B1", Seats__c=7, Price__c=30, Color__c="Blue", Built__c="2022-12-31"),
    car("John Smith", Seats__c=4),
]


@pytest.fixture(scope="module")
def store():
    store = make_store()
    store.create_records("Car", CARS, False)
    return store


def plates(store, q):
    count, records = store.list_records("Car", q=q, page_size=100)
    assert count == len(records)
    return [r["Plate__c"] for r in records]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Plate__c:A1", ["A1"]),
        ('Plate__c:"John Smith"', ["John Smith"]),
        ("Plate__c:John\\ Smith", ["John Smith"]),
        ("Plate__c:A*", ["A1", "A2"]),
        ("Plate__c:?1", ["A1", "B1"]),
        ("Seats__c:5", ["A2"]),
        ("Seats__c:5.0", ["A2"]),
        ("Price__c:10.5", ["A1"]),
        ("Seats__c:>4", ["A2", "B1"]),
        ("Seats__c:>=4", ["A2", "B1", "John Smith"]),
        ("Seats__c:<4", ["A1"]),
        ("Seats__c:<=4", ["A1", "John Smith"]),
        ("Electric__c:true", ["A1"]),
        ("Electric__c:false", ["A2"]),
        ("Color__c:Blue", ["A2", "B1"]),
        ("Extras__c:Tow", ["A1"]),
        ("Built__c:>=2021-01-01", ["A2", "B1"]),
        ("Built__c:<2021-06-30", ["A1"]),
        ("_exists_:Electric__c", ["A1", "A2"]),
        ("NOT _exists_:Color__c", ["John Smith"]),
        ("!_exists_:Built__c", ["John Smith"]),
        ("Color__c:Blue AND Seats__c:>5", ["B1"]),
        ("Color__c:Blue && Seats__c:>5", ["B1"]),
        ("Color__c:Red OR Seats__c:7", ["A1", "B1"]),
        ("Color__c:Red || Seats__c:7", ["A1", "B1"]),
        ("Color__c:Red Seats__c:7", ["A1", "B1"]),
        ("Color__c:Blue AND NOT Plate__c:B1", ["A2"]),
        ("(Color__c:Red OR Color__c:Blue) AND Seats__c:<7", ["A1", "A2"]),
        ("Color__c:Red OR Color__c:Blue AND Seats__c:7", ["A1", "B1"]),
        ("CreatedDate:>2000-01-01T00\\:00\\:00Z", ["A1", "A2", "B1", "John Smith"]),
        ("Plate__c:a1", []),
    ],
)
def test_query(store, q, expected):
    assert plates(store, q) == expected


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("Owner__c:Avery", MSG_Q_NOT_FILTERABLE.format(field="Owner__c")),
        ("Nope__c:1", MSG_Q_NOT_FILTERABLE.format(field="Nope__c")),
        ("Seats__c:many", MSG_Q_VALUE.format(field="Seats__c", value="many")),
        ("Seats__c:nan", MSG_Q_VALUE.format(field="Seats__c", value="nan")),
        ("Seats__c:>inf", MSG_Q_VALUE.format(field="Seats__c", value="inf")),
        ("Seats__c:1e999", MSG_Q_VALUE.format(field="Seats__c", value="1e999")),
        ("Seats__c:1_0", MSG_Q_VALUE.format(field="Seats__c", value="1_0")),
        ("Seats__c:٥", MSG_Q_VALUE.format(field="Seats__c", value="٥")),
        ("Electric__c:yes", MSG_Q_VALUE.format(field="Electric__c", value="yes")),
        ("Plate__c", MSG_Q_SYNTAX.format(detail="expected field:value, got 'Plate__c'")),
        ('Plate__c:"open', MSG_Q_SYNTAX.format(detail="unterminated quoted value")),
        ("(Plate__c:A1", MSG_Q_SYNTAX.format(detail="missing ')'")),
        ("Plate__c:A1)", MSG_Q_SYNTAX.format(detail="unexpected ')'")),
        ("Plate__c:A1 AND", MSG_Q_SYNTAX.format(detail="unexpected end of query")),
        ("Plate__c:", MSG_Q_SYNTAX.format(detail="field 'Plate__c' has no value")),
        (":x", MSG_Q_SYNTAX.format(detail="a term is missing its field name")),
        ("x" * 4097, MSG_Q_SYNTAX.format(detail="the query is longer than 4096 characters")),
    ],
)
def test_bad_queries_are_refused(store, q, message):
    with pytest.raises(InvalidValue) as caught:
        store.list_records("Car", q=q)
    assert caught.value.message == message
