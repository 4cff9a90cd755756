"""Browser fixtures: a real zuora-mock server, one headless Chromium per session, a screenshot per test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from tests.e2e.cli_server import CliServer
from tests.ui.webdriver import Browser, artifacts_dir, find_browser

SKIP_REASON = (
    "no Chromium and chromedriver on PATH: apt-get install chromium chromium-driver "
    "(.ci/run installs them) to run the dashboard's browser tests"
)
# Slow enough to watch the bar move, fast enough for a test: 60 rows take about three seconds.
SERVER_ARGS = ("--bulk-progression", "time", "--bulk-rows-per-second", "20", "--bulk-start-delay", "0.3")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    found = find_browser()
    if found is None:
        pytest.skip(SKIP_REASON)
    session = Browser(*found)
    yield session
    session.close()


@pytest.fixture(scope="session")
def server() -> Iterator[CliServer]:
    with CliServer(*SERVER_ARGS) as running:
        yield running


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Browser]:
    """The browser, and after the test (passed or failed) a PNG of what it showed, kept in artifacts/ui/."""
    yield browser
    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    try:
        browser.screenshot(artifacts_dir() / f"{name}.png")
    except Exception as exc:  # a screenshot must never hide the test's own outcome
        print(f"screenshot failed: {exc}")


class Api:
    """The demo tenant over HTTP, as a test or an SDK would call it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=30)
        form = {
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
            "grant_type": "client_credentials",
        }
        token = self.http.post("/oauth/token", data=form).json()["access_token"]
        self.auth = {"Authorization": f"Bearer {token}"}

    def create_vehicles(self, records: list[dict[str, Any]]) -> list[str]:
        response = self.http.post(
            "/objects/records/default/Vehicle", json={"records": records}, headers=self.auth
        )
        assert response.status_code == 200, response.text
        return [record["Id"] for record in response.json()["records"]]

    def upload(self, action: str, csv: bytes) -> str:
        response = self.http.post(
            "/v1/bulk",
            files={"file": ("upload.csv", csv, "text/csv")},
            data={"params": json.dumps({"actionType": action})},
            headers=self.auth,
        )
        body = response.json()
        assert body.get("success") is True, body
        return str(body["bulkKey"])

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def api(server: CliServer) -> Iterator[Api]:
    client = Api(server.url)
    yield client
    client.close()
