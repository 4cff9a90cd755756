"""GET /_mock/openapi.json documents every route the app serves, and nothing it does not serve."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from zuora_mock.api.openapi import document

pytestmark = pytest.mark.emulator_only

# Flask's own static route of the app (no folder behind it): not an endpoint of the emulator.
UNDOCUMENTED_ENDPOINTS = frozenset({"static"})
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def served(app: Flask) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every rule of the URL map."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDOCUMENTED_ENDPOINTS:
            continue
        path = _CONVERTER.sub(r"{\1}", rule.rule)
        found.update((method.lower(), path) for method in (rule.methods or set()) - IGNORED_METHODS)
    return found


def documented(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for path, methods in doc["paths"].items() for method in methods}


def test_every_served_route_is_documented(app: Flask) -> None:
    missing = served(app) - documented(document())
    assert not missing, f"describe these routes in zuora_mock/api/openapi_spec.py: {sorted(missing)}"


def test_every_documented_operation_is_served(app: Flask) -> None:
    extra = documented(document()) - served(app)
    assert not extra, f"documented but not served: {sorted(extra)}"


def test_served_at_mock_openapi_json(client: Any) -> None:
    response = client.get("/_mock/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["openapi"].startswith("3.")
    assert body == document()


def test_open_even_with_an_admin_token(make_app: Any) -> None:
    guarded = make_app(admin_token="s3cret")
    assert guarded.test_client().get("/_mock/openapi.json").status_code == 200


def test_refs_resolve_and_every_operation_has_a_summary_tag_and_responses() -> None:
    doc = document()
    schemas = doc["components"]["schemas"]
    tags = {tag["name"] for tag in doc["tags"]}
    ids = []
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            assert operation["summary"] and operation["responses"], (method, path)
            assert operation["tags"][0] in tags
            ids.append(operation["operationId"])
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert names == set(re.findall(r"{([a-z_]+)}", path)), (method, path)
    assert len(ids) == len(set(ids))
    refs = re.findall(r"#/components/schemas/(\w+)", str(doc))
    assert refs and all(ref in schemas for ref in refs)


def test_admin_bodies_have_the_documented_keys(client: Any, auth: dict[str, str]) -> None:
    """The schemas of the toolkit's answers list exactly the keys the endpoints send."""
    schemas = document()["components"]["schemas"]
    rule = client.post("/_mock/faults", json={"fault": "delay", "path": "/nowhere", "delayMs": 1}).get_json()
    assert list(rule) == list(schemas["FaultRule"]["properties"])
    client.get("/objects/definitions/default", headers=auth)
    entry = client.get("/_mock/requests").get_json()["requests"][-1]
    assert list(entry) == list(schemas["Journal"]["properties"]["requests"]["items"]["properties"])
    health = client.get("/_mock/health").get_json()
    assert list(health) == list(schemas["Health"]["properties"])
