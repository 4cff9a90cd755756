"""Custom object records (zuora-api.md section 7; section 11, cases 46-55)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.contract.conftest import Target
from zuora_mock.client import ZuoraAPIError, ZuoraClient

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ISO_MS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
EMPTY_STRING = "Field [DeviceId__c] cannot accept empty string."

MakeRecords = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def vehicle(make_definition: Callable[..., str]) -> str:
    return make_definition()


@pytest.mark.unverified
def test_create_returns_full_records(api: ZuoraClient, vehicle: str) -> None:
    body = api.create_records(vehicle, [{"DeviceId__c": "10101010", "Mileage__c": 12.5}])
    assert next(iter(body)) == "records" and "error" not in body
    (record,) = body["records"]
    assert UUID_RE.match(record["Id"])
    assert record["type"] == vehicle
    assert isinstance(record["CreatedById"], str) and isinstance(record["UpdatedById"], str)
    assert ISO_MS_RE.match(record["CreatedDate"]) and ISO_MS_RE.match(record["UpdatedDate"])
    assert (record["DeviceId__c"], record["Mileage__c"]) == ("10101010", 12.5)
    assert api.get_record(vehicle, record["Id"]) == record


@pytest.mark.unverified
def test_empty_string_fails_the_whole_create(api: ZuoraClient, vehicle: str) -> None:
    with pytest.raises(ZuoraAPIError) as info:
        api.create_records(vehicle, [{"DeviceId__c": "ok"}, {"DeviceId__c": ""}])
    err = info.value
    assert err.status == 400
    assert list(err.body)[:2] == ["code", "message"]
    assert [d["message"] for d in err.details] == [EMPTY_STRING]
    assert err.details[0]["record"]["DeviceId__c"] == ""
    assert api.list_records(vehicle)["records"] == []


@pytest.mark.unverified
def test_partial_success_create_reports_the_bad_record(api: ZuoraClient, vehicle: str) -> None:
    body = api.create_records(
        vehicle, [{"DeviceId__c": "good"}, {"DeviceId__c": 123}], allow_partial_success=True
    )
    assert [r["DeviceId__c"] for r in body["records"]] == ["good"]
    error = body["error"]
    assert isinstance(error["code"], int) and isinstance(error["message"], str)
    assert len(error["details"]) == 1
    assert error["details"][0]["record"]["DeviceId__c"] == 123
    assert [r["DeviceId__c"] for r in api.list_records(vehicle)["records"]] == ["good"]


@pytest.mark.unverified
def test_more_than_1000_records_is_refused(api: ZuoraClient, vehicle: str) -> None:
    with pytest.raises(ZuoraAPIError) as info:
        api.create_records(vehicle, [{"DeviceId__c": str(i)} for i in range(1001)])
    assert info.value.status == 400
    assert api.list_records(vehicle)["records"] == []


@pytest.mark.unverified
def test_paging_with_a_cursor_excludes_the_cursor_record(
    api: ZuoraClient, vehicle: str, make_records: MakeRecords
) -> None:
    created = make_records(vehicle, [{"DeviceId__c": f"D{i}"} for i in range(5)])
    first = api.list_records(vehicle, page_size=2)
    assert len(first["records"]) == 2
    assert isinstance(first["count"], int)
    second = api.list_records(vehicle, page_size=2, cursor=first["records"][-1]["Id"])
    assert len(second["records"]) == 2
    seen = [r["Id"] for r in first["records"] + second["records"]]
    assert len(set(seen)) == 4
    assert set(seen) <= {r["Id"] for r in created}


@pytest.mark.unverified
def test_list_by_ids_returns_exactly_those(api: ZuoraClient, vehicle: str, make_records: MakeRecords) -> None:
    a, _, c = make_records(vehicle, [{"DeviceId__c": "A"}, {"DeviceId__c": "B"}, {"DeviceId__c": "C"}])
    records = api.list_records(vehicle, ids=[a["Id"], c["Id"]])["records"]
    assert sorted(r["Id"] for r in records) == sorted([a["Id"], c["Id"]])


@pytest.mark.unverified
def test_unknown_record_is_404(api: ZuoraClient, vehicle: str) -> None:
    with pytest.raises(ZuoraAPIError) as info:
        api.get_record(vehicle, str(uuid.uuid4()))
    assert info.value.status == 404


@pytest.mark.unverified
def test_patch_with_null_clears_the_field(api: ZuoraClient, vehicle: str, make_records: MakeRecords) -> None:
    (record,) = make_records(vehicle, [{"DeviceId__c": "A", "Mileage__c": 3}])
    updated = api.patch_record(vehicle, record["Id"], {"Mileage__c": None})
    assert updated.get("Mileage__c") is None
    assert updated["DeviceId__c"] == "A"
    assert api.get_record(vehicle, record["Id"]).get("Mileage__c") is None


@pytest.mark.unverified
def test_put_with_a_stale_etag_is_412(api: ZuoraClient, vehicle: str, make_records: MakeRecords) -> None:
    (record,) = make_records(vehicle, [{"DeviceId__c": "A"}])
    with pytest.raises(ZuoraAPIError) as info:
        api.update_record(vehicle, record["Id"], {"DeviceId__c": "B"}, if_match='"not-the-current-etag"')
    assert info.value.status == 412
    assert api.get_record(vehicle, record["Id"])["DeviceId__c"] == "A"


@pytest.mark.unverified
def test_delete_returns_the_uri_string_even_when_missing(
    api: ZuoraClient, vehicle: str, make_records: MakeRecords
) -> None:
    (record,) = make_records(vehicle, [{"DeviceId__c": "A"}])
    assert api.delete_record(vehicle, record["Id"]) == f"/objects/records/default/{vehicle}/{record['Id']}"
    missing = str(uuid.uuid4())
    assert api.delete_record(vehicle, missing) == f"/objects/records/default/{vehicle}/{missing}"
    with pytest.raises(ZuoraAPIError) as info:
        api.get_record(vehicle, record["Id"])
    assert info.value.status == 404


@pytest.mark.unverified
def test_large_responses_are_gzipped_on_request(
    raw: httpx.Client, bearer: dict[str, str], vehicle: str, make_records: MakeRecords
) -> None:
    make_records(vehicle, [{"DeviceId__c": f"D{i}"} for i in range(20)])
    big = raw.get(
        f"/objects/records/default/{vehicle}?pageSize=20", headers={**bearer, "Accept-Encoding": "gzip"}
    )
    assert big.status_code == 200
    assert len(big.content) > 1000
    assert big.headers["Content-Encoding"] == "gzip"
    assert len(big.json()["records"]) == 20
    small = raw.get(
        f"/objects/records/default/{vehicle}?pageSize=1", headers={**bearer, "Accept-Encoding": "gzip"}
    )
    assert len(small.content) <= 1000
    assert "Content-Encoding" not in small.headers


@pytest.mark.unverified
def test_gzipped_request_bodies_are_accepted(target: Target, vehicle: str) -> None:
    with target.client(compress_requests=True) as client:
        created = client.create_records(vehicle, [{"DeviceId__c": f"Z{i}"} for i in range(50)])
        assert client.last_response is not None
        assert client.last_response.request.headers["Content-Encoding"] == "gzip"
    assert len(created["records"]) == 50
    assert {r["DeviceId__c"] for r in created["records"]} == {f"Z{i}" for i in range(50)}
