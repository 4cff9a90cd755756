"""POST /objects/batch/default/{object} (zuora-api.md section 8; section 11, cases 56-69)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from zuora_mock.client import ZuoraAPIError, ZuoraClient

EMPTY_STRING = "Field [DeviceId__c] cannot accept empty string."

MakeRecords = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def vehicle(make_definition: Callable[..., str]) -> str:
    return make_definition()


@pytest.fixture
def two(vehicle: str, make_records: MakeRecords) -> tuple[dict[str, Any], dict[str, Any]]:
    first, second = make_records(vehicle, [{"DeviceId__c": "A0", "Mileage__c": 1}, {"DeviceId__c": "B0"}])
    return first, second


def fields(api: ZuoraClient, vehicle: str, record: dict[str, Any]) -> tuple[Any, Any]:
    current = api.get_record(vehicle, record["Id"])
    return current.get("DeviceId__c"), current.get("Mileage__c")


@pytest.mark.unverified
def test_update_all_is_an_empty_object(api: ZuoraClient, vehicle: str, two: tuple) -> None:
    a, b = two
    body = api.batch_update(vehicle, {a["Id"]: {"DeviceId__c": "A"}, b["Id"]: {"DeviceId__c": "B"}})
    assert body == {}
    assert fields(api, vehicle, a) == ("A", 1)
    assert fields(api, vehicle, b)[0] == "B"
    assert api.get_record(vehicle, a["Id"])["UpdatedDate"] >= a["UpdatedDate"]


@pytest.mark.unverified
def test_update_with_null_clears_the_field(api: ZuoraClient, vehicle: str, two: tuple) -> None:
    a, _ = two
    assert api.batch_update(vehicle, {a["Id"]: {"Mileage__c": None}}) == {}
    assert fields(api, vehicle, a) == ("A0", None)


@pytest.mark.unverified
def test_one_bad_record_fails_the_whole_update(api: ZuoraClient, vehicle: str, two: tuple) -> None:
    a, b = two
    with pytest.raises(ZuoraAPIError) as info:
        api.batch_update(vehicle, {a["Id"]: {"DeviceId__c": "A"}, b["Id"]: {"Mileage__c": "not a number"}})
    err = info.value
    assert err.status == 400
    assert list(err.body)[:2] == ["code", "message"] and "error" not in err.body
    assert [d["record"]["Id"] for d in err.details] == [b["Id"]]
    assert all(isinstance(d["code"], int) and d["message"] for d in err.details)
    assert fields(api, vehicle, a) == ("A0", 1)
    assert fields(api, vehicle, b)[1] is None


@pytest.mark.unverified
def test_partial_success_updates_the_good_records(api: ZuoraClient, vehicle: str, two: tuple) -> None:
    a, b = two
    body = api.batch_update(
        vehicle,
        {a["Id"]: {"DeviceId__c": "A"}, b["Id"]: {"Mileage__c": "not a number"}},
        allow_partial_success=True,
    )
    assert list(body) == ["error"]
    error = body["error"]
    assert isinstance(error["code"], int) and isinstance(error["message"], str)
    assert [d["record"]["Id"] for d in error["details"]] == [b["Id"]]
    assert fields(api, vehicle, a) == ("A", 1)
    assert fields(api, vehicle, b) == ("B0", None)


@pytest.mark.unverified
@pytest.mark.parametrize("allow_partial_success", [None, True])
def test_empty_string_is_a_record_error(
    api: ZuoraClient, vehicle: str, two: tuple, allow_partial_success: bool | None
) -> None:
    a, _ = two
    update = {a["Id"]: {"DeviceId__c": ""}}
    if allow_partial_success:
        details = api.batch_update(vehicle, update, allow_partial_success=True)["error"]["details"]
    else:
        with pytest.raises(ZuoraAPIError) as info:
            api.batch_update(vehicle, update)
        assert info.value.status == 400
        details = info.value.details
    assert [d["message"] for d in details] == [EMPTY_STRING]
    assert fields(api, vehicle, a) == ("A0", 1)


@pytest.mark.unverified
@pytest.mark.parametrize("bad_key", ["not-a-36-character-id", str(uuid.uuid4())])
def test_unknown_or_malformed_id_is_a_record_error(
    api: ZuoraClient, vehicle: str, two: tuple, bad_key: str
) -> None:
    a, _ = two
    body = api.batch_update(
        vehicle, {a["Id"]: {"DeviceId__c": "A"}, bad_key: {"DeviceId__c": "X"}}, allow_partial_success=True
    )
    assert len(body["error"]["details"]) == 1
    assert fields(api, vehicle, a)[0] == "A"


@pytest.mark.unverified
def test_unknown_field_is_a_record_error(api: ZuoraClient, vehicle: str, two: tuple) -> None:
    a, _ = two
    with pytest.raises(ZuoraAPIError) as info:
        api.batch_update(vehicle, {a["Id"]: {"NoSuchField__c": "X"}})
    assert info.value.status == 400
    assert len(info.value.details) == 1


@pytest.mark.unverified
@pytest.mark.parametrize("allow_partial_success", [None, True])
def test_delete_removes_the_records(
    api: ZuoraClient, vehicle: str, two: tuple, allow_partial_success: bool | None
) -> None:
    a, b = two
    body: dict[str, Any] = {"action": {"type": "delete", "ids": [a["Id"], b["Id"]]}}
    if allow_partial_success:
        body["action"]["allowPartialSuccess"] = True
    assert api.call("POST", f"/objects/batch/default/{vehicle}", json_body=body) == {}
    for record in (a, b):
        with pytest.raises(ZuoraAPIError) as info:
            api.get_record(vehicle, record["Id"])
        assert info.value.status == 404


def _batch(api: ZuoraClient, vehicle: str, action_type: str, ids: list[str]) -> None:
    """One batch call of the given type over the ids (updates set DeviceId__c)."""
    if action_type == "update":
        api.batch_update(vehicle, {i: {"DeviceId__c": "X"} for i in ids})
    else:
        api.batch_delete(vehicle, ids)


@pytest.mark.unverified
@pytest.mark.parametrize("action_type", ["update", "delete"])
def test_more_than_1000_entries_is_refused(
    api: ZuoraClient, vehicle: str, two: tuple, action_type: str
) -> None:
    a, _ = two
    ids = [a["Id"]] + [str(uuid.uuid4()) for _ in range(1000)]
    with pytest.raises(ZuoraAPIError) as info:
        _batch(api, vehicle, action_type, ids)
    assert info.value.status == 400
    assert fields(api, vehicle, a) == ("A0", 1)


@pytest.mark.unverified
@pytest.mark.parametrize(
    "body",
    [
        {},
        {"action": {"type": "upsert", "records": {}}},
        {"action": {"records": {}}},
    ],
)
def test_malformed_actions_are_400(api: ZuoraClient, vehicle: str, body: dict[str, Any]) -> None:
    with pytest.raises(ZuoraAPIError) as info:
        api.call("POST", f"/objects/batch/default/{vehicle}", json_body=body)
    assert info.value.status == 400
    assert isinstance(info.value.code, int) and info.value.message


@pytest.mark.unverified
def test_unknown_object_is_an_error_with_code_and_message(api: ZuoraClient) -> None:
    with pytest.raises(ZuoraAPIError) as info:
        api.batch_delete(f"NoSuchObject{uuid.uuid4().hex[:8]}", [str(uuid.uuid4())])
    assert info.value.status in (400, 404)
    assert isinstance(info.value.code, int) and info.value.message


@pytest.mark.unverified
def test_repeated_idempotency_key_replays_without_reapplying(
    api: ZuoraClient, vehicle: str, two: tuple
) -> None:
    a, _ = two
    key = f"contract-{uuid.uuid4().hex}"
    assert api.batch_update(vehicle, {a["Id"]: {"DeviceId__c": "A1"}}, idempotency_key=key) == {}
    first_request_id = api.last_response.headers["Zuora-Request-Id"] if api.last_response else None
    after_first = api.get_record(vehicle, a["Id"])
    api.patch_record(vehicle, a["Id"], {"DeviceId__c": "changed"})
    assert api.batch_update(vehicle, {a["Id"]: {"DeviceId__c": "A1"}}, idempotency_key=key) == {}
    assert api.last_response is not None
    assert api.last_response.headers["Zuora-Request-Id"] == first_request_id
    assert api.get_record(vehicle, a["Id"])["DeviceId__c"] == "changed"
    assert after_first["DeviceId__c"] == "A1"


@pytest.mark.unverified
def test_batch_of_1000_updates_is_all_or_nothing(
    api: ZuoraClient, vehicle: str, make_records: MakeRecords
) -> None:
    records = make_records(vehicle, [{"DeviceId__c": f"D{i}"} for i in range(1000)])
    update = {r["Id"]: {"DeviceId__c": f"E{i}"} for i, r in enumerate(records)}
    update[records[500]["Id"]] = {"DeviceId__c": ""}
    with pytest.raises(ZuoraAPIError):
        api.batch_update(vehicle, update)
    assert api.get_record(vehicle, records[0]["Id"])["DeviceId__c"] == "D0"
    update[records[500]["Id"]] = {"DeviceId__c": "E500"}
    assert api.batch_update(vehicle, update) == {}
    assert api.get_record(vehicle, records[999]["Id"])["DeviceId__c"] == "E999"
