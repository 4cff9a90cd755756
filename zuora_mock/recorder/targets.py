"""Where a replay sends its requests: the emulator in-process (default) or a running one, and the credentials
it authenticates with there."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from flask import Flask
from werkzeug.exceptions import HTTPException

from zuora_mock.app import create_app, emulator_of
from zuora_mock.client import INPROCESS_BASE_URL
from zuora_mock.core.fixtures import load_fixtures

TIMEOUT = 30.0
_CONVERTER = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")


@dataclass(frozen=True)
class Credentials:
    """The OAuth client the replay uses on the target instead of the recording's (which was redacted)."""

    client_id: str
    client_secret: str


def fixture_credentials(fixtures: str | None) -> Credentials:
    """The first client of the first tenant of a fixtures directory (the bundled demo client by default)."""
    first = load_fixtures(fixtures).tenants[0].clients[0]
    return Credentials(first.client_id, first.client_secret)


class Routes:
    """The emulator's URL map: which recorded requests it emulates, and their endpoint names."""

    def __init__(self, app: Flask) -> None:
        self.adapter = app.url_map.bind("localhost")

    def endpoint(self, method: str, path: str) -> str | None:
        """`GET /objects/records/default/{object_name}/{record_id}`, or None when the emulator lacks it."""
        try:
            rule, _ = self.adapter.match(path, method, return_rule=True)
        except HTTPException:
            return None
        if rule.endpoint == "static":  # Flask's own route for static files, no part of Zuora's API
            return None
        return method + " " + _CONVERTER.sub(r"{\1}", rule.rule)


class Target:
    """An emulator to replay against: an HTTP client for it, its routes, and its admin API."""

    def __init__(
        self, name: str, client: httpx.Client, app: Flask, *, owns_app: bool, admin_token: str | None = None
    ) -> None:
        self.name = name
        self.admin_headers = {"X-Mock-Admin-Token": admin_token} if admin_token else {}
        self.client = client
        self.routes = Routes(app)
        self._app = app
        self._owns_app = owns_app

    @classmethod
    def in_process(cls, settings: Mapping[str, Any], admin_token: str | None = None) -> Target:
        """A fresh emulator in this process; mass actions advance only when the replay says so."""
        app = create_app({**settings, "bulk_progression": "manual"}, environ={})
        client = httpx.Client(
            transport=httpx.WSGITransport(app=app), base_url=INPROCESS_BASE_URL, timeout=TIMEOUT
        )
        token = admin_token or settings.get("admin_token")
        return cls("the emulator in-process", client, app, owns_app=True, admin_token=token)

    @classmethod
    def at(cls, url: str, admin_token: str | None = None) -> Target:
        """A running emulator (started with --bulk-progression manual); routes are read from this version."""
        app = create_app({}, environ={})
        client = httpx.Client(base_url=url.rstrip("/"), timeout=TIMEOUT)
        return cls(f"the emulator at {url}", client, app, owns_app=True, admin_token=admin_token)

    def send(self, request: httpx.Request) -> httpx.Response:
        response = self.client.send(request)
        response.read()
        return response

    def url(self, path: str, params: list[tuple[str, str]] | None = None) -> httpx.URL:
        """The target's URL for a recorded path (a base URL's own path, if any, is kept in front)."""
        return httpx.URL(str(self.client.base_url).rstrip("/") + path, params=params or None)

    def admin(self, path: str, body: dict[str, Any]) -> Any:
        """POST to the emulator's own /_mock/ API; the answer's JSON, or None when it refused."""
        response = self.client.post(path, json=body, headers=self.admin_headers)
        return response.json() if response.status_code == 200 else None

    def close(self) -> None:
        self.client.close()
        if self._owns_app:
            emulator_of(self._app).close()
