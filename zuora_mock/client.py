"""A thin client for the Zuora operations zuora-mock emulates, usable against the emulator or a real tenant.

It deliberately shares no code with the server (only httpx and the standard library), so a contract test that
reads responses through it cannot pass because of a bug the server and the test would have in common.

- OAuth client credentials: the token is fetched lazily, refreshed shortly before it expires, and a request
  answered 401 is retried once with a fresh token.
- Zuora's headers: ``Zuora-Track-Id``, ``Idempotency-Key`` (POST/PATCH), ``Zuora-Entity-Ids``,
  ``Zuora-Org-Ids``, ``Zuora-Version``; ``Accept-Encoding: gzip`` decoded transparently; optional gzip bodies.
- One error type, :class:`ZuoraAPIError`, built from any of Zuora's error bodies (v1 ``reasons``, custom
  objects ``{code, message, details}``, gateway ``{message}``, OAuth ``{status, error, message, path}``);
  raised on every non-2xx response and on 200 bodies that say ``"success": false``.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Generator, Iterable, Mapping
from typing import Any, Self, cast

import httpx

DEFAULT_TIMEOUT = 30.0
# Refresh a token this many seconds before Zuora says it expires.
TOKEN_REFRESH_MARGIN = 60.0
TOKEN_PATH = "/oauth/token"
IDEMPOTENT_METHODS = ("POST", "PATCH")
TERMINAL_BULK_STATUSES = ("Completed", "Stopped", "Failed")
# Default base URL of an in-process app (WSGITransport ignores the host).
INPROCESS_BASE_URL = "http://zuora-mock.local"


class ZuoraAPIError(Exception):
    """A Zuora error response, whichever of Zuora's envelopes carried it."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = httpx.Headers(headers or {})
        self.code, self.message, self.details = _describe(body)
        self.request_id = self.headers.get("Zuora-Request-Id")
        super().__init__(
            f"HTTP {status}: {self.code} {self.message}"
            if self.code is not None
            else f"HTTP {status}: {self.message}"
        )

    @property
    def category(self) -> int | None:
        """Zuora's 2-digit error category (the last two digits of an 8-digit code, or a bare 2-digit code)."""
        return None if self.code is None else self.code % 100

    @classmethod
    def from_response(cls, response: httpx.Response) -> ZuoraAPIError:
        return cls(response.status_code, _body(response), response.headers)


def _describe(body: Any) -> tuple[int | None, str, list[Any]]:
    """(code, message, details) from any Zuora error body."""
    if not isinstance(body, dict):
        return None, str(body)[:500], []
    reasons = body.get("reasons")
    if isinstance(reasons, list) and reasons and isinstance(reasons[0], dict):
        first = reasons[0]
        return _int_or_none(first.get("code")), str(first.get("message", "")), reasons
    inner = body.get("error")
    if isinstance(inner, dict) and "code" in inner:
        return _describe(inner)
    details = body.get("details")
    return (
        _int_or_none(body.get("code")),
        str(body.get("message", "")),
        details if isinstance(details, list) else [],
    )


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _body(response: httpx.Response) -> Any:
    """The JSON body, or the text when the body is not JSON."""
    if not response.content:
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return response.text


class ClientCredentialsAuth(httpx.Auth):
    """OAuth client-credentials for Zuora: lazy token, refresh before expiry, one retry on 401."""

    requires_response_body = True

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        entity_id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.entity_id = entity_id
        self.clock = clock
        self.access_token: str | None = None
        self.expires_at = 0.0
        self.token_response: dict[str, Any] | None = None
        self.token_requests = 0
        self._lock = threading.Lock()

    def token_request(self, base: httpx.URL) -> httpx.Request:
        form = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "grant_type": "client_credentials",
        }
        headers = {"Accept": "application/json"}
        if self.entity_id:
            headers["Zuora-Entity-Ids"] = self.entity_id
        return httpx.Request("POST", base.join(TOKEN_PATH), data=form, headers=headers)

    def accept_token(self, response: httpx.Response) -> None:
        """Store a token response, or raise the OAuth error it carries."""
        body = _body(response)
        if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
            raise ZuoraAPIError(response.status_code, body, response.headers)
        with self._lock:
            self.token_requests += 1
            self.token_response = body
            self.access_token = str(body["access_token"])
            lifetime = float(body.get("expires_in", 3599))
            # Short-lived tokens (a test setting) are refreshed at half-life rather than on every call.
            self.expires_at = self.clock() + max(lifetime - TOKEN_REFRESH_MARGIN, lifetime / 2)

    def needs_token(self) -> bool:
        return self.access_token is None or self.clock() >= self.expires_at

    def invalidate(self) -> None:
        self.access_token = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        base = request.url.copy_with(path="/", query=None, fragment=None)
        if self.needs_token():
            self.accept_token((yield self.token_request(base)))
        request.headers["Authorization"] = f"Bearer {self.access_token}"
        response = yield request
        if response.status_code == 401:
            self.accept_token((yield self.token_request(base)))
            request.headers["Authorization"] = f"Bearer {self.access_token}"
            yield request


class ZuoraClient:
    """The emulated Zuora operations over HTTP; ``transport`` (or :meth:`for_app`) skips the socket."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        entity_id: str | None = None,
        org_ids: str | None = None,
        track_id: str | None = None,
        zuora_version: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        compress_requests: bool = False,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.auth = ClientCredentialsAuth(client_id, client_secret, entity_id=entity_id, clock=clock)
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}
        for name, value in (
            ("Zuora-Entity-Ids", entity_id),
            ("Zuora-Org-Ids", org_ids),
            ("Zuora-Track-Id", track_id),
            ("Zuora-Version", zuora_version),
        ):
            if value is not None:
                headers[name] = value
        self.compress_requests = compress_requests
        self.last_response: httpx.Response | None = None
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )

    @classmethod
    def for_app(cls, app: Any, client_id: str, client_secret: str, **kwargs: Any) -> ZuoraClient:
        """A client that calls a WSGI app in-process (no socket)."""
        return cls(
            INPROCESS_BASE_URL, client_id, client_secret, transport=httpx.WSGITransport(app=app), **kwargs
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport -------------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Any = None,
        data: Mapping[str, str] | None = None,
        files: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        authenticate: bool = True,
        check: bool = True,
    ) -> httpx.Response:
        """Send one request; with ``check`` raise ZuoraAPIError on errors, else return any response."""
        sent = dict(headers or {})
        if idempotency_key is not None:
            if method.upper() not in IDEMPOTENT_METHODS:
                raise ValueError(f"Idempotency-Key applies to POST and PATCH only, not {method}")
            sent["Idempotency-Key"] = idempotency_key
        content: bytes | None = None
        if json_body is not None:
            content = json.dumps(json_body, separators=(",", ":")).encode()
            sent.setdefault("Content-Type", "application/json")
            if self.compress_requests:
                content = gzip.compress(content)
                sent["Content-Encoding"] = "gzip"
        response = self.http.request(
            method,
            path,
            content=content,
            params=params,
            data=data,
            files=files,
            headers=sent,
            auth=self.auth if authenticate else None,
        )
        self.last_response = response
        if check:
            raise_for_zuora(response)
        return response

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request and return its decoded JSON body."""
        return _body(self.request(method, path, **kwargs))

    def _call_object(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """call() for the operations below, whose success bodies are JSON objects in Zuora's API."""
        return cast(dict[str, Any], self.call(method, path, **kwargs))

    # -- OAuth -----------------------------------------------------------------------------------------------

    def token(self) -> dict[str, Any]:
        """Fetch a new token now and return Zuora's token response."""
        response = self.http.send(self.auth.token_request(self.http.base_url))
        self.last_response = response
        self.auth.accept_token(response)
        return dict(self.auth.token_response or {})

    # -- mass actions (/v1/bulk) -----------------------------------------------------------------------------

    def create_mass_action(
        self,
        action_type: str,
        file: bytes,
        *,
        filename: str = "upload.csv",
        checksum: str | None = None,
        idempotency_key: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """POST /v1/bulk: upload a CSV (or zip) and return ``{"success": true, "bulkKey": ...}``."""
        fields: dict[str, Any] = dict(params) if params is not None else {"actionType": action_type}
        if checksum is not None:
            fields["checksum"] = checksum
        content_type = "application/zip" if filename.endswith(".zip") else "text/csv"
        return self._call_object(
            "POST",
            "/v1/bulk",
            data={"params": json.dumps(fields)},
            files={"file": (filename, file, content_type)},
            idempotency_key=idempotency_key,
        )

    def get_mass_action(self, bulk_key: str) -> dict[str, Any]:
        return self._call_object("GET", f"/v1/bulk/{bulk_key}")

    def stop_mass_action(self, bulk_key: str) -> dict[str, Any]:
        return self._call_object("PUT", f"/v1/bulk/{bulk_key}/stop")

    def wait_for_mass_action(
        self,
        bulk_key: str,
        *,
        timeout: float = 60.0,
        interval: float = 0.05,
        statuses: Iterable[str] = TERMINAL_BULK_STATUSES,
    ) -> dict[str, Any]:
        """Poll until the mass action reaches one of ``statuses``; TimeoutError otherwise."""
        wanted = set(statuses)
        deadline = time.monotonic() + timeout
        while True:
            result = self.get_mass_action(bulk_key)
            if result.get("status") in wanted:
                return result
            if time.monotonic() >= deadline:
                raise TimeoutError(f"mass action {bulk_key} still {result.get('status')} after {timeout}s")
            time.sleep(interval)

    def download(self, url: str) -> bytes:
        """GET a result file (an ``outputURL``, absolute or relative) and return its bytes."""
        path = httpx.URL(url).raw_path.decode() if url.startswith(("http://", "https://")) else url
        return self.request("GET", path).content

    # -- custom object definitions ---------------------------------------------------------------------------

    def create_definitions(self, definitions: Mapping[str, Any], **kwargs: Any) -> Any:
        return self.call(
            "POST", "/objects/definitions/default", json_body={"definitions": definitions}, **kwargs
        )

    def list_definitions(self, *, select: str | None = None) -> dict[str, Any]:
        return self._call_object(
            "GET", "/objects/definitions/default", params={"select": select} if select else None
        )

    def get_definition(self, object_name: str) -> dict[str, Any]:
        return self._call_object("GET", f"/objects/definitions/default/{object_name}")

    def delete_definition(self, object_name: str) -> Any:
        return self.call("DELETE", f"/objects/definitions/default/{object_name}")

    # -- custom object records -------------------------------------------------------------------------------

    def create_records(
        self,
        object_name: str,
        records: list[Mapping[str, Any]],
        *,
        allow_partial_success: bool | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if allow_partial_success is not None:
            body["allowPartialSuccess"] = allow_partial_success
        body["records"] = records
        return self._call_object("POST", f"/objects/records/default/{object_name}", json_body=body, **kwargs)

    def list_records(
        self,
        object_name: str,
        *,
        page_size: int | None = None,
        cursor: str | None = None,
        ids: Iterable[str] | None = None,
        q: str | None = None,
    ) -> dict[str, Any]:
        params: list[tuple[str, str]] = [("ids", i) for i in ids or ()]
        for name, value in (("q", q), ("pageSize", page_size), ("cursor", cursor)):
            if value is not None:
                params.append((name, str(value)))
        return self._call_object("GET", f"/objects/records/default/{object_name}", params=params or None)

    def get_record(self, object_name: str, record_id: str) -> dict[str, Any]:
        return self._call_object("GET", f"/objects/records/default/{object_name}/{record_id}")

    def update_record(
        self, object_name: str, record_id: str, fields: Mapping[str, Any], *, if_match: str | None = None
    ) -> dict[str, Any]:
        headers = {"If-Match": if_match} if if_match is not None else None
        return self._call_object(
            "PUT",
            f"/objects/records/default/{object_name}/{record_id}",
            json_body=dict(fields),
            headers=headers,
        )

    def patch_record(self, object_name: str, record_id: str, fields: Mapping[str, Any], **kwargs: Any) -> Any:
        return self.call(
            "PATCH", f"/objects/records/default/{object_name}/{record_id}", json_body=dict(fields), **kwargs
        )

    def delete_record(self, object_name: str, record_id: str) -> Any:
        return self.call("DELETE", f"/objects/records/default/{object_name}/{record_id}")

    # -- batch -----------------------------------------------------------------------------------------------

    def batch_update(
        self,
        object_name: str,
        records: Mapping[str, Mapping[str, Any]],
        *,
        allow_partial_success: bool | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Batch update; 200 bodies (``{}`` or a partial ``{"error": ...}``) are returned, not raised."""
        action: dict[str, Any] = {"type": "update"}
        if allow_partial_success is not None:
            action["allowPartialSuccess"] = allow_partial_success
        action["records"] = {key: dict(value) for key, value in records.items()}
        return self._call_object(
            "POST", f"/objects/batch/default/{object_name}", json_body={"action": action}, **kwargs
        )

    def batch_delete(self, object_name: str, ids: Iterable[str], **kwargs: Any) -> dict[str, Any]:
        action = {"type": "delete", "ids": list(ids)}
        return self._call_object(
            "POST", f"/objects/batch/default/{object_name}", json_body={"action": action}, **kwargs
        )

    # -- v1 reads of what mass actions change ----------------------------------------------------------------

    def get_revenue_schedule(self, rs_number: str) -> dict[str, Any]:
        return self._call_object("GET", f"/v1/revenue-schedules/{rs_number}")

    def list_revenue_schedules_of_charge(self, charge_key: str) -> dict[str, Any]:
        return self._call_object("GET", f"/v1/revenue-schedules/subscription-charges/{charge_key}")

    def get_revenue_schedule_of_invoice_item(self, invoice_item_id: str) -> dict[str, Any]:
        return self._call_object("GET", f"/v1/revenue-schedules/invoice-items/{invoice_item_id}")

    def get_payment(self, payment_key: str) -> dict[str, Any]:
        return self._call_object("GET", f"/v1/payments/{payment_key}")

    def list_payments(
        self, *, page: int | None = None, page_size: int | None = None, **filters: str
    ) -> dict[str, Any]:
        """GET /v1/payments; filters by accountId, number, status or currency (keyword arguments)."""
        params = {**filters, **_paging(page, page_size)}
        return self._call_object("GET", "/v1/payments", params=params or None)

    def list_accounting_codes(
        self, *, page: int | None = None, page_size: int | None = None
    ) -> dict[str, Any]:
        return self._call_object("GET", "/v1/accounting-codes", params=_paging(page, page_size) or None)

    def get_accounting_code(self, code_id: str) -> dict[str, Any]:
        return self._call_object("GET", f"/v1/accounting-codes/{code_id}")

    def get_account(self, account_key: str) -> dict[str, Any]:
        return self._call_object("GET", f"/v1/accounts/{account_key}")

    def get_account_summary(self, account_key: str) -> dict[str, Any]:
        return self._call_object("GET", f"/v1/accounts/{account_key}/summary")

    def get_custom_exchange_rates(
        self, currency: str, start_date: str, end_date: str, *, rate_set_name: str | None = None
    ) -> dict[str, Any]:
        params = {"startDate": start_date, "endDate": end_date}
        if rate_set_name is not None:
            params["rateSetName"] = rate_set_name
        return self._call_object("GET", f"/v1/custom-exchange-rates/{currency}", params=params)

    # -- custom object bulk jobs (/objects/jobs) -------------------------------------------------------------

    def create_object_job(self, object_name: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        """POST /objects/jobs: a pending create, update or delete job for one object."""
        body = {"namespace": "default", "object": object_name, "operation": operation}
        return self._call_object("POST", "/objects/jobs", json_body=body, **kwargs)

    def upload_object_job_file(
        self, job_id: str, file: bytes, *, filename: str = "records.csv", **kwargs: Any
    ) -> dict[str, Any]:
        """POST /objects/jobs/{id}/files: the job's one CSV file (sent as a multipart file part)."""
        files = {"file": (filename, file, "text/csv")}
        return self._call_object("POST", f"/objects/jobs/{job_id}/files", files=files, **kwargs)

    def get_object_job(self, job_id: str) -> dict[str, Any]:
        return self._call_object("GET", f"/objects/jobs/{job_id}")

    def list_object_jobs(
        self, *, status: str | None = None, page_size: int | None = None, cursor: str | None = None
    ) -> dict[str, Any]:
        params = {"status": status, "pageSize": page_size, "cursor": cursor}
        sent = {name: str(value) for name, value in params.items() if value is not None}
        return self._call_object("GET", "/objects/jobs", params=sent or None)

    def list_object_job_errors(self, job_id: str) -> dict[str, Any]:
        return self._call_object("GET", f"/objects/jobs/{job_id}/errors")

    def cancel_object_job(self, job_id: str, **kwargs: Any) -> dict[str, Any]:
        return self._call_object("PATCH", f"/objects/jobs/{job_id}/cancel", **kwargs)

    def wait_for_object_job(
        self, job_id: str, *, timeout: float = 60.0, interval: float = 0.1
    ) -> dict[str, Any]:
        """Poll GET /objects/jobs/{id} until the job is completed, failed or cancelled (or the timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.get_object_job(job_id)
            if job.get("status") in ("completed", "failed", "cancelled") or time.monotonic() >= deadline:
                return job
            time.sleep(interval)


def _paging(page: int | None, page_size: int | None) -> dict[str, str]:
    """The page and pageSize query parameters of a v1 list read, when given."""
    found = {}
    if page is not None:
        found["page"] = str(page)
    if page_size is not None:
        found["pageSize"] = str(page_size)
    return found


def raise_for_zuora(response: httpx.Response) -> None:
    """Raise ZuoraAPIError for a non-2xx response or a 2xx body with ``"success": false``."""
    if not 200 <= response.status_code < 300:
        raise ZuoraAPIError.from_response(response)
    if (
        response.headers.get("Content-Type", "").startswith("application/json")
        and response.content[:1] == b"{"
    ):
        body = _body(response)
        if isinstance(body, dict) and body.get("success") is False:
            raise ZuoraAPIError(response.status_code, body, response.headers)
