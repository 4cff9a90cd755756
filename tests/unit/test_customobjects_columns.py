"""The column-wise fast path accepts a batch only when every record passes the per-record checks as plain."""

from __future__ import annotations

import random

import pytest

from tests.unit.customobjects_support import make_store
from zuora_mock.backend.customobjects.columns import all_plain_and_valid

# Values that probe each field kind's edges: types, lengths, bounds, enum members, calendar, NaN and infinity.
CANDIDATES = {
    "Plate__c": ["AB-1", "", "X" * 10, "X" * 11, 7, None, ["A"], True],
    "Seats__c": [0, 5, -3, 10**13 - 1, 10**13, 5.0, "5", True, None],
    "Price__c": [
        7,
        19999.99,
        0.123456789,
        0.1234567891,
        1e13,
        -1e13 + 1,
        float("nan"),
        float("inf"),
        "1",
        False,
    ],
    "Electric__c": [True, False, 0, 1, "true", None],
    "Color__c": ["Red", "Blue", "red", "", "Purple", 3, None],
    "SeenAt__c": [
        "2024-07-09T06:41:17.377Z",
        "2024-02-30T06:41:17.377Z",
        "2024-07-09T06:41:17Z",
        "2024-07-09T06:41:17.377+02:00",
        "2024-07-09T06:41:17.",
        "２024-07-09T06:41:17.377Z",
        "2024-07-09T25:41:17.377Z",
        "",
        1,
        None,
    ],
    "Notes__c": ["note", "n" * 512, "n" * 513, "", None],
    "Built__c": ["2024-02-29", "2024-02-30"],
    "Nope__c": ["x"],
    "Id": ["ignored"],
}
VALID_PLAIN = {
    "Plate__c": ["AB-1", "X" * 10],
    "Seats__c": [0, 5, -3],
    "Price__c": [7, 19999.99, 0.123456789],
    "Electric__c": [True, False],
    "Color__c": ["Red", "Blue"],
    "SeenAt__c": ["2024-07-09T06:41:17.377Z"],
    "Notes__c": ["note", "n" * 512],
}


@pytest.fixture(scope="module")
def definition():
    return make_store().objects["Car"].definition


def _batch(rng: random.Random, pool: dict[str, list], size: int) -> dict[str, dict]:
    return {
        f"{n:036d}": {name: rng.choice(pool[name]) for name in rng.sample(sorted(pool), rng.randint(0, 4))}
        for n in range(size)
    }


@pytest.mark.parametrize("seed", range(40))
def test_accepted_batches_pass_every_per_record_check(definition, seed):
    rng = random.Random(seed)
    for _ in range(50):
        records = _batch(rng, CANDIDATES, rng.randint(1, 6))
        if all_plain_and_valid(definition.rules, records):
            assert all(definition.check_values(values) is False for values in records.values()), records


@pytest.mark.parametrize("seed", range(10))
def test_plain_valid_batches_take_the_fast_path(definition, seed):
    records = _batch(random.Random(seed), VALID_PLAIN, 20)
    assert all(definition.check_values(values) is False for values in records.values())
    assert all_plain_and_valid(definition.rules, records)


@pytest.mark.parametrize(
    "values",
    [
        {"Plate__c": None},
        {"Id": "x"},
        {"Nope__c": "x"},
        {"Built__c": "2024-02-29"},
        {"Price__c": float("nan")},
        {"SeenAt__c": "2024-02-30T06:41:17.377Z"},
    ],
)
def test_anything_unusual_falls_back_to_per_record_checks(definition, values):
    assert not all_plain_and_valid(definition.rules, {"0" * 36: values})


def _same_fields_batch(rng: random.Random, pool: dict[str, list], size: int) -> dict[str, dict]:
    """Every record sends the same fields (each in its own order): the batch the zip transposition takes."""
    names = rng.sample(sorted(pool), rng.randint(1, 4))
    return {
        f"{n:036d}": {name: rng.choice(pool[name]) for name in rng.sample(names, len(names))}
        for n in range(size)
    }


@pytest.mark.parametrize("seed", range(40))
def test_same_field_batches_pass_every_per_record_check(definition, seed):
    rng = random.Random(seed)
    for _ in range(50):
        records = _same_fields_batch(rng, CANDIDATES, rng.randint(1, 6))
        if all_plain_and_valid(definition.rules, records):
            assert all(definition.check_values(values) is False for values in records.values()), records
    assert all_plain_and_valid(definition.rules, _same_fields_batch(rng, VALID_PLAIN, 20))


def test_as_many_fields_but_other_names_is_not_one_column(definition):
    records = {"0" * 36: {"Plate__c": "AB-1", "Seats__c": 2}, "1" * 36: {"Plate__c": "AB-2", "Nope__c": 2}}
    assert not all_plain_and_valid(definition.rules, records)
    records["1" * 36] = {"Plate__c": "AB-2", "Color__c": "Red"}
    assert all_plain_and_valid(definition.rules, records)
