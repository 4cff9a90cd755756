"""Custom object definitions (zuora-api.md section 6; section 11, cases 40-45)."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

from tests.contract.conftest import VEHICLE_PROPERTIES, purge_definition, unique_name
from zuora_mock.client import ZuoraAPIError, ZuoraClient

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ISO_MS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
SYSTEM_FIELDS = ("Id", "CreatedById", "UpdatedById", "CreatedDate", "UpdatedDate")


@pytest.mark.unverified
def test_created_definition_has_system_fields(api: ZuoraClient, make_definition: Callable[..., str]) -> None:
    name = make_definition()
    definition = api.get_definition(name)
    assert definition["type"] == name
    assert UUID_RE.match(definition["Id"])
    assert ISO_MS_RE.match(definition["CreatedDate"]) and ISO_MS_RE.match(definition["UpdatedDate"])
    schema = definition["schema"]
    assert (schema["object"], schema["label"]) == (name, name)
    properties = schema["properties"]
    assert properties["DeviceId__c"]["origin"] == "custom"
    assert (properties["DeviceId__c"]["type"], properties["DeviceId__c"]["label"]) == ("string", "Device ID")
    assert properties["DeviceId__c"]["maxLength"] == 20
    for system_field in SYSTEM_FIELDS:
        assert properties[system_field]["origin"] == "system"
    assert set(SYSTEM_FIELDS) <= set(schema["required"])


@pytest.mark.unverified
def test_create_response_contains_the_new_definition(api: ZuoraClient) -> None:
    name = unique_name()
    try:
        body = api.create_definitions(
            {name: {"object": name, "label": name, "properties": VEHICLE_PROPERTIES}}
        )
        # The SDK documents {count, definitions}; the 2026 reference sample shows a bare definition.
        created = body["definitions"][name] if "definitions" in body else body
        assert created["type"] == name
        assert UUID_RE.match(created["Id"])
    finally:
        purge_definition(api, name)


@pytest.mark.unverified
def test_list_contains_created_definitions_and_count(
    api: ZuoraClient, make_definition: Callable[..., str]
) -> None:
    names = {make_definition(), make_definition()}
    body = api.list_definitions()
    assert list(body) == ["definitions", "count"]
    assert names <= set(body["definitions"])
    assert body["count"] == len(body["definitions"])
    for name in names:
        assert body["definitions"][name]["type"] == name


@pytest.mark.unverified
def test_list_with_select_type_returns_only_types(
    api: ZuoraClient, make_definition: Callable[..., str]
) -> None:
    name = make_definition()
    body = api.list_definitions(select="type")
    assert body["definitions"][name] == {"type": name}
    assert all(list(definition) == ["type"] for definition in body["definitions"].values())


@pytest.mark.unverified
def test_definition_names_are_case_sensitive(api: ZuoraClient, make_definition: Callable[..., str]) -> None:
    name = make_definition()
    with pytest.raises(ZuoraAPIError) as info:
        api.get_definition(name.lower())
    assert info.value.status == 404
    assert isinstance(info.value.code, int) and isinstance(info.value.message, str)


@pytest.mark.unverified
def test_delete_without_records_returns_the_uri_string(
    api: ZuoraClient, make_definition: Callable[..., str]
) -> None:
    name = make_definition()
    assert api.delete_definition(name) == f"/objects/definitions/default/{name}"
    with pytest.raises(ZuoraAPIError) as info:
        api.get_definition(name)
    assert info.value.status == 404


@pytest.mark.unverified
def test_delete_with_records_is_refused(
    api: ZuoraClient, make_definition: Callable[..., str], make_records: Callable[..., list]
) -> None:
    name = make_definition()
    make_records(name, [{"DeviceId__c": "10101010"}])
    with pytest.raises(ZuoraAPIError) as info:
        api.delete_definition(name)
    assert info.value.status == 400
    assert api.get_definition(name)["type"] == name


@pytest.mark.unverified
@pytest.mark.parametrize(
    "field",
    [
        {"type": "string"},
        {"label": "No type"},
    ],
)
def test_property_without_label_or_type_is_refused(api: ZuoraClient, field: dict) -> None:
    name = unique_name()
    try:
        with pytest.raises(ZuoraAPIError) as info:
            api.create_definitions(
                {name: {"object": name, "label": name, "properties": {"Broken__c": field}}}
            )
        assert info.value.status == 400
    finally:
        purge_definition(api, name)


@pytest.mark.unverified
def test_definition_responses_are_json_with_zuora_headers(
    raw: httpx.Client, bearer: dict[str, str], make_definition: Callable[..., str]
) -> None:
    name = make_definition()
    response = raw.get(f"/objects/definitions/default/{name}", headers=bearer)
    assert response.status_code == 200
    assert response.headers["Content-Type"].replace(" ", "").lower().startswith("application/json")
    assert UUID_RE.match(response.headers["Zuora-Request-Id"])
    for header in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
        assert header in response.headers
    assert not any(h.lower().startswith("concurrency-limit-") for h in response.headers)
