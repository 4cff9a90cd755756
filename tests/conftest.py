"""Shared fixtures: a fresh app per test, a Flask test client, and a token for the demo tenant."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conformance import session as conformance
from tests.conformance.recorder import SESSION as RECORDER
from zuora_mock import create_app
from zuora_mock.app import emulator_of

DEMO_CLIENT_ID = "5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b"
DEMO_CLIENT_SECRET = "demo-secret-2fQ9xLk7TzR4vW1p"
DEMO_ENTITY = "1a2b7a37-3e7d-4cb3-b0e2-883de9e766cc"
MULTI_CLIENT_ID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
MULTI_CLIENT_SECRET = "multi-secret-Hq3Zt8Yv2Nw6Rk"
MULTI_ENTITIES = ("c92ed977-510c-4c48-9b51-8d5e848671e9", "f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d")


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """Build apps with given settings (environment variables ignored); closes them after the test."""
    apps: list[Flask] = []

    def factory(**settings: Any) -> Flask:
        app = create_app(settings, environ={})
        app.config["TESTING"] = True
        RECORDER.install(app)  # every response is checked against Zuora's spec at the end of the session
        apps.append(app)
        return app

    yield factory
    for app in apps:
        emulator_of(app).close()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def fetch_token(
    client: FlaskClient, client_id: str = DEMO_CLIENT_ID, secret: str = DEMO_CLIENT_SECRET, **headers: str
) -> str:
    response = client.post(
        "/oauth/token",
        data={"client_id": client_id, "client_secret": secret, "grant_type": "client_credentials"},
        headers=headers,
    )
    assert response.status_code == 200, response.data
    return response.get_json()["access_token"]


@pytest.fixture
def token(client: FlaskClient) -> str:
    return fetch_token(client)


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    """Headers of an authenticated request to the demo tenant."""
    return {"Authorization": f"Bearer {token}"}


def pytest_sessionfinish(session: pytest.Session) -> None:
    conformance.finish(session)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options of the contract suite (tests/contract); they live here so that they work from any directory."""
    group = parser.getgroup("zuora-contract", "Zuora contract tests")
    group.addoption(
        "--target",
        default=None,
        help="where tests/contract runs: inprocess, server, tenant, or a comma-separated list "
        "(default: $ZUORA_CONTRACT_TARGET, else inprocess,server)",
    )
    group.addoption(
        "--server-url",
        default=None,
        help="base URL of a running emulator for --target server (default: $ZUORA_MOCK_URL, else the "
        "zuora-mock CLI is started on a free port for the session)",
    )
