"""The store's batch step: validation before any write, both partial-success modes, limits and atomicity."""

from __future__ import annotations

import itertools
import threading
import uuid

import pytest

from tests.unit.customobjects_support import ACCOUNT_ID, add_cars, car, make_store
from zuora_mock.api.commands import parse_batch
from zuora_mock.backend.commands import BatchAction
from zuora_mock.backend.customobjects import messages as m
from zuora_mock.core.clock import Clock
from zuora_mock.core.errors import InvalidValue, MissingField, RuleRestriction, UnknownField, ZuoraError

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def update(records, partial=False):
    return BatchAction("update", partial, records=records)


def snapshot(store):
    return {i: dict(r) for i, r in store.objects["Car"].records.items()}


def test_full_success_updates_every_record_and_its_audit_fields():
    clock = Clock()
    store = make_store(clock=clock)
    a, b = add_cars(store, "A", "B")
    before = store.get_record("Car", a)
    clock.advance(5)
    assert store.batch("Car", update({a: {"Seats__c": 4}, b: {"Notes__c": "n"}})) == []
    after = store.get_record("Car", a)
    assert after["Seats__c"] == 4 and store.get_record("Car", b)["Notes__c"] == "n"
    assert after["UpdatedDate"] > before["UpdatedDate"] and after["CreatedDate"] == before["CreatedDate"]
    assert list(after)[:6] == ["Id", "type", "CreatedById", "UpdatedById", "CreatedDate", "UpdatedDate"]


def test_null_clears_a_field_and_empty_string_is_refused():
    store = make_store()
    (a,) = add_cars(store, "A", Notes__c="keep")
    store.batch("Car", update({a: {"Notes__c": None}}))
    assert "Notes__c" not in store.get_record("Car", a)
    with pytest.raises(InvalidValue) as caught:
        store.batch("Car", update({a: {"Notes__c": ""}}))
    assert caught.value.details[0]["message"] == "Field [Notes__c] cannot accept empty string."


BAD = [
    ({"Seats__c": "4"}, m.CODE_TYPE),
    ({"Nope__c": 1}, m.CODE_UNKNOWN_FIELD),
    ({"Plate__c": None}, m.CODE_MISSING),
    ({"Plate__c": ""}, m.CODE_INVALID),
    ({"Plate__c": "B"}, m.CODE_LIMIT),  # taken by the other record
    ({"GarageId__c": UNKNOWN}, m.CODE_INVALID),
]


@pytest.mark.parametrize(("fields", "code"), BAD)
def test_all_or_nothing_refuses_the_whole_batch(fields, code):
    store = make_store()
    a, b = add_cars(store, "A", "B")
    before = snapshot(store)
    with pytest.raises(InvalidValue) as caught:
        store.batch("Car", update({b: {"Seats__c": 9}, a: fields}))
    err = caught.value
    assert (err.status, err.code_for(0), err.message) == (400, m.CODE_INVALID, m.MSG_UPDATE_INVALID)
    assert [(d["code"], d["record"]) for d in err.details] == [(code, {"Id": a, **fields})]
    assert snapshot(store) == before


@pytest.mark.parametrize(("fields", "code"), BAD)
def test_partial_success_applies_the_valid_records(fields, code):
    store = make_store()
    a, b = add_cars(store, "A", "B")
    failures = store.batch("Car", update({b: {"Seats__c": 9}, a: fields}, partial=True))
    assert [(f["code"], f["record"]["Id"]) for f in failures] == [(code, a)]
    assert store.get_record("Car", b)["Seats__c"] == 9
    assert "Seats__c" not in store.get_record("Car", a)


@pytest.mark.parametrize(
    ("record_id", "code", "message"),
    [
        (UNKNOWN, m.CODE_BATCH_RECORD_UNKNOWN, m.MSG_RECORD_NOT_FOUND),
        ("short", m.CODE_INVALID, m.MSG_BAD_RECORD_ID.format(id="short")),
    ],
)
def test_unknown_or_malformed_ids_fail_their_record(record_id, code, message):
    store = make_store()
    (a,) = add_cars(store, "A")
    failures = store.batch("Car", update({record_id: {"Seats__c": 1}, a: {"Seats__c": 2}}, partial=True))
    assert failures == [{"code": code, "message": message, "record": {"Id": record_id, "Seats__c": 1}}]


def test_details_follow_request_order():
    store = make_store()
    ids = add_cars(store, "A", "B", "C")
    records = {ids[2]: {"Seats__c": "x"}, ids[0]: {"Nope__c": 1}, ids[1]: {"Seats__c": 3}}
    failures = store.batch("Car", update(records, partial=True))
    assert [f["record"]["Id"] for f in failures] == [ids[2], ids[0]]


def test_unique_values_can_move_between_records_in_one_batch():
    store = make_store()
    a, b = add_cars(store, "A", "B")
    assert store.batch("Car", update({a: {"Plate__c": "Z"}, b: {"Plate__c": "A"}})) == []
    assert store.get_record("Car", b)["Plate__c"] == "A"
    with pytest.raises(InvalidValue):
        store.batch("Car", update({a: {"Plate__c": "N"}, b: {"Plate__c": "N"}}))


def test_relationships_are_checked_against_the_store():
    store = make_store()
    created, _ = store.create_records("Garage", [{"Name__c": "North", "AccountId__c": ACCOUNT_ID}], False)
    (a,) = add_cars(store, "A")
    assert store.batch("Car", update({a: {"GarageId__c": created[0]["Id"]}})) == []
    failures = store.create_records(
        "Garage", [{"Name__c": "South", "AccountId__c": "2c92c0f8" + "0" * 24}], True
    )[1]
    assert failures[0]["message"] == (
        "Field [AccountId__c] refers to a com_zuora.Account record that does not "
        "exist: 2c92c0f8000000000000000000000000"
    )


def test_delete_removes_known_ids_and_ignores_unknown_ones():
    store = make_store()
    a, b = add_cars(store, "A", "B")
    assert store.batch("Car", BatchAction("delete", False, ids=[a, UNKNOWN])) == []
    assert list(store.objects["Car"].records) == [b]
    created = store.create_records("Car", [car("A")], False)[0]
    assert created[0]["Plate__c"] == "A"  # the unique value was freed by the delete


def test_delete_with_a_malformed_id_deletes_nothing():
    store = make_store()
    (a,) = add_cars(store, "A")
    with pytest.raises(InvalidValue) as caught:
        store.batch("Car", BatchAction("delete", False, ids=[a, "x"]))
    assert caught.value.message == m.MSG_DELETE_INVALID
    assert caught.value.details == [
        {"code": m.CODE_INVALID, "message": m.MSG_BAD_RECORD_ID.format(id="x"), "record": {"Id": "x"}}
    ]
    assert list(store.objects["Car"].records) == [a]


def _ids(n):
    return [str(uuid.UUID(int=i)) for i in range(n)]


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ({"action": {"type": "update", "records": {i: {} for i in _ids(1000)}}}, None, None),
        (
            {"action": {"type": "update", "records": {i: {} for i in _ids(1001)}}},
            RuleRestriction,
            m.MSG_TOO_MANY_RECORDS.format(count=1001),
        ),
        ({"action": {"type": "delete", "ids": _ids(1000)}}, None, None),
        (
            {"action": {"type": "delete", "ids": _ids(1001)}},
            RuleRestriction,
            m.MSG_TOO_MANY_IDS.format(count=1001),
        ),
        ({}, MissingField, m.MSG_ACTION_REQUIRED),
        ({"action": None}, MissingField, m.MSG_ACTION_REQUIRED),
        ({"action": []}, InvalidValue, m.MSG_ACTION_NOT_OBJECT),
        ({"action": {}}, MissingField, m.MSG_ACTION_TYPE_REQUIRED),
        ({"action": {"type": "upsert"}}, InvalidValue, m.MSG_ACTION_TYPE_INVALID.format(value="upsert")),
        ({"action": {"type": 1}}, InvalidValue, m.MSG_ACTION_TYPE_INVALID.format(value="1")),
        (
            {"action": {"type": "update", "records": {}, "extra": 1}},
            UnknownField,
            m.MSG_ACTION_UNKNOWN.format(field="extra"),
        ),
        (
            {"action": {"type": "update", "records": {}}, "other": 1},
            UnknownField,
            m.MSG_BODY_UNKNOWN.format(field="other"),
        ),
        ({"action": {"type": "update"}}, MissingField, m.MSG_UPDATE_NEEDS_RECORDS),
        ({"action": {"type": "update", "records": []}}, InvalidValue, m.MSG_RECORDS_MAP),
        ({"action": {"type": "update", "records": {}, "ids": []}}, InvalidValue, m.MSG_UPDATE_WITH_IDS),
        (
            {"action": {"type": "update", "records": {}, "allowPartialSuccess": "yes"}},
            InvalidValue,
            m.MSG_PARTIAL_BOOL.format(field="action.allowPartialSuccess"),
        ),
        ({"action": {"type": "delete"}}, MissingField, m.MSG_DELETE_NEEDS_IDS),
        ({"action": {"type": "delete", "ids": "a"}}, InvalidValue, m.MSG_IDS_LIST),
        ({"action": {"type": "delete", "ids": [], "records": {}}}, InvalidValue, m.MSG_DELETE_WITH_RECORDS),
    ],
)
def test_envelope(body, error, message):
    if error is None:
        assert parse_batch(body).type == body["action"]["type"]
        return
    with pytest.raises(error) as caught:
        parse_batch(body)
    assert caught.value.message == message and caught.value.details == []


def test_delete_ignores_allow_partial_success():
    action = parse_batch({"action": {"type": "delete", "ids": [], "allowPartialSuccess": True}})
    assert action.allow_partial is False


def test_over_the_limit_changes_nothing_even_when_records_are_valid():
    store = make_store()
    ids = add_cars(store, *(f"P{i}" for i in range(3)))
    records = {i: {"Seats__c": 1} for i in ids} | {i: {"Seats__c": 1} for i in _ids(998)}
    before = snapshot(store)
    with pytest.raises(RuleRestriction):
        store.batch("Car", parse_batch({"action": {"type": "update", "records": records}}))
    assert snapshot(store) == before


def test_readers_never_see_half_a_batch():
    store = make_store()
    ids = add_cars(store, *(f"P{i}" for i in range(200)))
    stop = threading.Event()
    torn: list[set] = []

    def reader():
        while not stop.is_set():
            _, records = store.list_records("Car", page_size=1000)
            values = {r.get("Seats__c") for r in records}
            if len(values) > 1:
                torn.append(values)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for round_ in range(1, 60):
            store.batch("Car", update({i: {"Seats__c": round_} for i in ids}))
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert torn == []


def test_concurrent_overlapping_batches_end_in_a_serial_order():
    store = make_store()
    ids = add_cars(store, *(f"P{i}" for i in range(6)))
    # Batch k sets Seats__c=k on an overlapping window of records; batch 3 is invalid and must leave no trace.
    batches = {k: {ids[j]: {"Seats__c": k} for j in range(k - 1, k + 2) if j < len(ids)} for k in range(1, 6)}
    batches[3][ids[2]] = {"Seats__c": "bad"}
    outcomes: dict[int, bool] = {}
    start = threading.Barrier(len(batches))

    def run(k):
        start.wait()
        for _ in range(50):
            try:
                store.batch("Car", update(batches[k]))
                outcomes[k] = True
            except ZuoraError:
                outcomes[k] = False

    threads = [threading.Thread(target=run, args=(k,)) for k in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = {i: r.get("Seats__c") for i, r in store.objects["Car"].records.items()}
    succeeded = [k for k, ok in outcomes.items() if ok]
    assert outcomes[3] is False and len(succeeded) == 4

    def serial(order):
        state = dict.fromkeys(ids)
        for k in order:
            for i, fields in batches[k].items():
                state[i] = fields["Seats__c"]
        return state

    assert any(serial(order) == final for order in itertools.permutations(succeeded))
