"""The emulator's own API (/_mock/) from Python: verify requests, inject Zuora's failures, reset, move time.

Like zuora_mock.client it uses only httpx and the standard library, never the server's code, so it works
against any running zuora-mock (the CLI, the Docker image, the pytest plugin's server).

    admin = MockAdmin("http://127.0.0.1:8080", admin_token=None)
    with admin.fault("throttled-records", method="POST", path="/objects/batch/*"):
        ...  # the first matching request gets Zuora's 500 with the records to retry
    admin.assert_requested("POST", "/objects/batch/default/Vehicle", times=2)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Self

import httpx

ADMIN_TOKEN_HEADER = "X-Mock-Admin-Token"
_NO_JSON = object()


class MockAdmin:
    """A client of /_mock/ on one emulator, with `admin_token` (or a tenant's bearer `token`) if needed."""

    def __init__(
        self,
        base_url: str,
        *,
        admin_token: str | None = None,
        token: str | None = None,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
    ) -> None:
        headers: dict[str, str] = {}
        if admin_token is not None:
            headers[ADMIN_TOKEN_HEADER] = admin_token
        elif token is not None:
            headers["Authorization"] = f"Bearer {token}"
        self._own = http is None
        self.http = http or httpx.Client(base_url=base_url, timeout=timeout)
        self._headers = headers
        self._added: list[str] = []  # rules this client added and has not removed

    def close(self) -> None:
        if self._own:
            self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, f"/_mock{path}", headers=self._headers, **kwargs)
        if response.status_code >= 400:
            raise MockAdminError(response.status_code, response.text)
        return response.json()

    # ---- the request journal -----------------------------------------------------------------------------

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """Journal entries, oldest first; filters: method, path (exact or glob), tenant, status, limit."""
        params = {name: str(value) for name, value in filters.items() if value is not None}
        return list(self._call("GET", "/requests", params=params)["requests"])

    def clear_requests(self, tenant: str | None = None) -> int:
        """Forget the journal (or one tenant's entries); returns how many entries went."""
        params = {"tenant": tenant} if tenant is not None else {}
        return int(self._call("DELETE", "/requests", params=params)["deleted"])

    def assert_requested(
        self,
        method: str,
        path: str,
        *,
        times: int | None = None,
        json: Any = _NO_JSON,
        tenant: str | None = None,
        status: int | None = None,
    ) -> list[dict[str, Any]]:
        """Assert the emulator received such requests (`times` of them, when given); returns them."""
        found = self.requests(method=method, path=path, tenant=tenant, status=status)
        if json is not _NO_JSON:
            found = [entry for entry in found if entry["body"] == json]
        if (times is None and not found) or (times is not None and len(found) != times):
            wanted = "at least once" if times is None else f"{times} time(s)"
            seen = [f"{e['method']} {e['path']} -> {e['status']}" for e in self.requests(limit=20)]
            raise AssertionError(
                f"expected {method} {path} {wanted}, found {len(found)}; last requests: {seen}"
            )
        return found

    # ---- fault rules -------------------------------------------------------------------------------------

    def add_fault(self, fault: str, **rule: Any) -> dict[str, Any]:
        """Add a rule (method, path, tenant, times, after, probability, delayMs, status, body, ...)."""
        created: dict[str, Any] = self._call("POST", "/faults", json={"fault": fault, **rule})
        self._added.append(created["id"])
        return created

    def faults(self) -> list[dict[str, Any]]:
        """Every rule with its counters (`matched`, `fired`)."""
        return list(self._call("GET", "/faults")["faults"])

    def get_fault(self, rule_id: str) -> dict[str, Any] | None:
        """One rule as it stands now, or None once it is removed."""
        return next((rule for rule in self.faults() if rule["id"] == rule_id), None)

    def remove_fault(self, rule_id: str) -> None:
        if rule_id in self._added:
            self._added.remove(rule_id)
        self._call("DELETE", f"/faults/{rule_id}")

    def remove_added_faults(self) -> None:
        """Remove every rule this client added and still has (the pytest fixture does it after each test)."""
        for rule_id in list(self._added):
            try:
                self.remove_fault(rule_id)
            except MockAdminError as exc:
                if exc.status != 404:
                    raise

    def clear_faults(self) -> int:
        return int(self._call("DELETE", "/faults")["deleted"])

    @contextmanager
    def fault(self, fault: str, **rule: Any) -> Iterator[dict[str, Any]]:
        """A rule for the duration of a with-block, removed on exit (unless already gone)."""
        created = self.add_fault(fault, **rule)
        try:
            yield created
        finally:
            try:
                self.remove_fault(created["id"])
            except MockAdminError as exc:
                if exc.status != 404:
                    raise

    # ---- state and time ----------------------------------------------------------------------------------

    def reset(self, tenant: str | None = None) -> list[str]:
        """Back to the fixture state (one tenant or all); returns the tenants reset."""
        params = {"tenant": tenant} if tenant is not None else {}
        return list(self._call("POST", "/reset", params=params)["reset"])

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the emulator's clock forward (tokens and idempotency keys expire) without sleeping."""
        moved: dict[str, Any] = self._call("POST", "/clock", json={"advance": seconds})
        return moved

    def advance_bulk(self, bulk_key: str, rows: int | None = None) -> dict[str, Any]:
        """Drive a mass action (bulk_progression=manual): start it and apply `rows` rows, or all of them."""
        body: Mapping[str, Any] = {} if rows is None else {"rows": rows}
        status: dict[str, Any] = self._call("POST", f"/bulk/{bulk_key}/advance", json=body)
        return status


class MockAdminError(Exception):
    """A /_mock/ call the emulator refused (401/403 without the right token, 400 for a bad rule, 404)."""

    def __init__(self, status: int, text: str) -> None:
        self.status = status
        self.text = text
        super().__init__(f"HTTP {status}: {text[:300]}")
