"""Seed data: the bundled demo loads, and bad seed files raise FixtureError naming the file and the
problem."""

from __future__ import annotations

import threading

import pytest

from tests.unit.customobjects_support import CAR, GARAGE, USER_ID
from zuora_mock.backend.customobjects.store import CustomObjectStore
from zuora_mock.core.clock import Clock
from zuora_mock.core.fixtures import FixtureError, Seed, SeedFile, load_fixtures

DEFS = "seed/custom_objects/definitions.json"
CARS = "seed/custom_objects/records/Car.json"
GARAGE_ID = "6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
CAR_ID = "0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a"


def _load(definitions, records):
    seed = Seed(
        definitions=SeedFile(DEFS, definitions),
        records={
            name: SeedFile(f"seed/custom_objects/records/{name}.json", data) for name, data in records.items()
        },
    )
    return CustomObjectStore.from_seed(
        seed, clock=Clock(), user_id=USER_ID, lock=threading.RLock(), zuora_object_exists=lambda _o, _i: False
    )


GOOD_DEFS = {"definitions": {"Garage": GARAGE, "Car": CAR}}


def _car(**fields):
    return {"Id": CAR_ID, "Plate__c": "P1", "Owner__c": "Avery", **fields}


def test_seed_records_keep_their_ids_and_dates():
    store = _load(
        GOOD_DEFS,
        {
            "Garage": {
                "records": [
                    {"Id": GARAGE_ID, "Name__c": "North", "AccountId__c": "2c92c0f86a8dd422016a9e7a70116b0d"}
                ]
            },
            "Car": {"records": [_car(GarageId__c=GARAGE_ID, CreatedDate="2025-01-02T03:04:05.678Z")]},
        },
    )
    record = store.get_record("Car", CAR_ID)
    assert record["CreatedDate"] == "2025-01-02T03:04:05.678Z" and record["GarageId__c"] == GARAGE_ID
    assert record["CreatedById"] == USER_ID


@pytest.mark.parametrize(
    ("definitions", "records", "path", "problem"),
    [
        ({"definitions": {"Car": {"object": "Car"}}}, {}, DEFS, "Definition [Car]: 'label' is required."),
        (
            GOOD_DEFS,
            {"Boat": {"records": []}},
            "seed/custom_objects/records/Boat.json",
            "no custom object definition named 'Boat' in definitions.json",
        ),
        (GOOD_DEFS, {"Car": []}, CARS, "expected an object with a 'records' list"),
        (GOOD_DEFS, {"Car": {"records": ["x"]}}, CARS, "records[0] must be an object"),
        (
            GOOD_DEFS,
            {"Car": {"records": [_car(Id="42")]}},
            CARS,
            "records[0].Id must be a UUID string, got '42'",
        ),
        (
            GOOD_DEFS,
            {"Car": {"records": [_car(), _car(Plate__c="P2")]}},
            CARS,
            f"records[1].Id {CAR_ID} is used twice",
        ),
        (
            GOOD_DEFS,
            {"Car": {"records": [_car(Seats__c="4")]}},
            CARS,
            (
                "records[0]: Json input does not match schema. Error: Field [Seats__c] should be integer "
                "type but received string."
            ),
        ),
        (
            GOOD_DEFS,
            {"Car": {"records": [_car(CreatedDate="yesterday")]}},
            CARS,
            "records[0].CreatedDate must be an ISO-8601 date-time",
        ),
        (
            GOOD_DEFS,
            {"Car": {"records": [_car(GarageId__c=GARAGE_ID)]}},
            CARS,
            (
                "records[0]: Field [GarageId__c] refers to a default.Garage record that does not exist: "
                f"{GARAGE_ID}"
            ),
        ),
    ],
)
def test_bad_seed_data_names_the_file(definitions, records, path, problem):
    with pytest.raises(FixtureError) as caught:
        _load(definitions, records)
    assert (caught.value.path, caught.value.problem) == (path, problem)


def test_bundled_demo_seed_loads_with_related_records():
    fixtures = load_fixtures()
    store = CustomObjectStore.from_seed(
        fixtures.seed,
        clock=Clock(),
        user_id=USER_ID,
        lock=threading.RLock(),
        zuora_object_exists=lambda _o, _i: True,
    )
    fleets = store.objects["Fleet"].records
    vehicles = list(store.objects["Vehicle"].records.values())
    assert len(fleets) >= 5 and len(vehicles) >= 25
    assert all(v["FleetId__c"] in fleets for v in vehicles)
    kinds = {spec.type for spec in store.objects["Vehicle"].definition.fields.values()}
    assert kinds == {"string", "integer", "number", "boolean"}
