"""Multi-entity: Zuora-Entity-Ids picks the entity and each entity keeps its own data (zuora-api.md 1.2)."""

from __future__ import annotations

import pytest

from tests.conftest import MULTI_CLIENT_ID, MULTI_CLIENT_SECRET, MULTI_ENTITIES
from tests.contract.conftest import VEHICLE_PROPERTIES, Target, purge_definition, unique_name
from zuora_mock.client import ZuoraAPIError, ZuoraClient


def entity_client(target: Target, entity_id: str | None) -> ZuoraClient:
    return ZuoraClient(
        target.base_url, MULTI_CLIENT_ID, MULTI_CLIENT_SECRET, entity_id=entity_id, transport=target.transport
    )


@pytest.mark.emulator_only
def test_a_token_for_several_entities_needs_the_header(target: Target) -> None:
    with entity_client(target, None) as client:
        scope = client.token()["scope"]
        assert all(f"entity.{entity}" in scope for entity in MULTI_ENTITIES)
        with pytest.raises(ZuoraAPIError) as info:
            client.list_definitions()
    assert info.value.status == 400
    assert list(info.value.body)[:2] == ["code", "message"]


@pytest.mark.emulator_only
def test_each_entity_keeps_its_own_definitions(target: Target) -> None:
    first, second = (entity_client(target, entity) for entity in MULTI_ENTITIES)
    name = unique_name()
    try:
        first.create_definitions({name: {"object": name, "label": name, "properties": VEHICLE_PROPERTIES}})
        assert name in first.list_definitions()["definitions"]
        assert name not in second.list_definitions()["definitions"]
        with pytest.raises(ZuoraAPIError) as info:
            second.get_definition(name)
        assert info.value.status == 404
    finally:
        purge_definition(first, name)
        first.close()
        second.close()


@pytest.mark.emulator_only
def test_an_entity_outside_the_token_is_refused(target: Target) -> None:
    client = entity_client(target, "00000000-0000-4000-8000-000000000000")
    with client, pytest.raises(ZuoraAPIError) as info:
        client.token()
    assert info.value.status == 400
    assert info.value.body["path"] == "/oauth/token"
