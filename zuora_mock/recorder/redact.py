"""Secrets never reach a cassette: credentials and tokens become placeholders the replay knows how to fill.

- `client_id` of a client that obtained a token during the recording: `<client-id>` (the first such client),
  `<client-id:2>`, ... (the others);
- `client_secret`: `<client-secret>` (`<client-secret:2>`, ...) when it is the one that obtained the token,
  `<wrong-client-secret>` (...) when it was sent with that client id but differs, `<redacted>` otherwise;
- `access_token` issued during the recording, in the token response and in `Authorization: Bearer ...`:
  `<access-token:N>` (the N-th issued); `jti` and `refresh_token`: `<jti:N>`, `<refresh-token:N>`;
- any other bearer token: `Bearer <unknown-token>`; any other credential scheme: `<scheme> <redacted>`;
- `Cookie`, `Set-Cookie`, `Proxy-Authorization`, `apiAccessKeyId`, `apiSecretAccessKey`: `<redacted>`;
- JSON or form members named `client_secret`, `password` or `secret`: `<redacted>`.

A last pass replaces every secret seen so far wherever it appears in the exchange (an error message that
echoes a token, a URL that carries one), so the tables above are not the only guard.
"""

from __future__ import annotations

import threading
from typing import Any

TOKEN_PATH = "/oauth/token"
CLIENT_ID = "<client-id>"
CLIENT_SECRET = "<client-secret>"
WRONG_SECRET = "<wrong-client-secret>"
REDACTED = "<redacted>"
UNKNOWN_TOKEN = "<unknown-token>"
SECRET_HEADERS = frozenset(
    {"cookie", "set-cookie", "proxy-authorization", "apiaccesskeyid", "apisecretaccesskey"}
)
SECRET_MEMBERS = frozenset({"client_secret", "password", "secret"})
# Token-like members of a JSON body -> the name of their numbered placeholder.
TOKEN_MEMBERS = {"access_token": "access-token", "jti": "jti", "refresh_token": "refresh-token"}
# Shorter values are not scrubbed everywhere: "x" must not turn every x of a cassette into a placeholder.
SCRUB_MIN_LENGTH = 8


class Redactor:
    """The placeholders of one recording session; thread-safe (the proxy records from several threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[
            str, tuple[str, str]
        ] = {}  # client id -> (its working secret, placeholder suffix)
        self._secrets: dict[str, str] = {}  # secret value -> placeholder, for the last pass
        self._counts: dict[str, int] = {}

    def redact(self, exchange: dict[str, Any]) -> dict[str, Any]:
        """The exchange without secrets (the argument is changed in place and returned)."""
        with self._lock:
            request, response = exchange["request"], exchange["response"]
            self._learn_client(request, response)
            self._redact_form(request["body"])
            self._redact_tokens(response["body"])
            for message in (request, response):
                message["headers"] = [[name, self._header(name, value)] for name, value in message["headers"]]
                self._redact_members(message["body"].get("json"))
            scrubbed: dict[str, Any] = self._scrub(exchange)
            return scrubbed

    # ---- credentials ---------------------------------------------------------------------------------------

    def _learn_client(self, request: dict[str, Any], response: dict[str, Any]) -> None:
        """A token request answered with a token: its client id and secret are the recording's credentials."""
        body = response["body"]
        if request["path"] != TOKEN_PATH or response["status"] != 200 or body.get("kind") != "json":
            return
        if not isinstance(body["json"], dict) or "access_token" not in body["json"]:
            return
        form = dict(_pairs(request["body"]))
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if client_id and secret and client_id not in self._clients:
            suffix = f":{len(self._clients) + 1}" if self._clients else ""
            self._clients[client_id] = (secret, suffix)
            self._secrets[client_id] = _numbered(CLIENT_ID, suffix)

    def _redact_form(self, body: dict[str, Any]) -> None:
        if body.get("kind") != "form":
            return
        form = dict(_pairs(body))
        client_id = form.get("client_id")
        redacted = []
        for name, value in body["form"]:
            if name == "client_id" and value in self._clients:
                value = _numbered(CLIENT_ID, self._clients[value][1])
            elif name in SECRET_MEMBERS:
                value = self._secret_placeholder(client_id, value)
            redacted.append([name, value])
        body["form"] = redacted

    def _secret_placeholder(self, client_id: str | None, secret: str) -> str:
        known = self._clients.get(client_id or "")
        if known is None:
            placeholder = REDACTED
        else:
            placeholder = _numbered(CLIENT_SECRET if known[0] == secret else WRONG_SECRET, known[1])
        if secret:
            self._secrets.setdefault(secret, placeholder)
        return placeholder

    # ---- tokens --------------------------------------------------------------------------------------------

    def _redact_tokens(self, body: dict[str, Any]) -> None:
        value = body.get("json")
        if body.get("kind") != "json" or not isinstance(value, dict):
            return
        for member, name in TOKEN_MEMBERS.items():
            token = value.get(member)
            if isinstance(token, str) and token:
                value[member] = self._numbered(token, name)

    def _numbered(self, token: str, name: str) -> str:
        found = self._secrets.get(token)
        if found is None:
            self._counts[name] = self._counts.get(name, 0) + 1
            found = self._secrets[token] = f"<{name}:{self._counts[name]}>"
        return found

    def _header(self, name: str, value: str) -> str:
        lower = name.lower()
        if lower == "authorization":
            scheme, _, credential = value.strip().partition(" ")
            if scheme.lower() != "bearer":
                return f"{scheme} {REDACTED}" if credential else REDACTED
            token = credential.strip()
            placeholder = self._secrets.get(token)
            if placeholder is None or not placeholder.startswith("<access-token:"):
                placeholder = UNKNOWN_TOKEN
                if token:
                    self._secrets.setdefault(token, UNKNOWN_TOKEN)
            return f"Bearer {placeholder}"
        if lower in SECRET_HEADERS:
            if value and lower != "set-cookie":
                self._secrets.setdefault(value, REDACTED)
            return REDACTED
        return value

    def _redact_members(self, value: Any) -> None:
        """JSON members that hold secrets, at any depth (a request body that carries a password)."""
        if isinstance(value, list):
            for item in value:
                self._redact_members(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key in SECRET_MEMBERS and isinstance(item, str):
                    if item:
                        self._secrets.setdefault(item, REDACTED)
                    value[key] = REDACTED
                else:
                    self._redact_members(item)

    # ---- the last pass -------------------------------------------------------------------------------------

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            for secret, placeholder in self._secrets.items():
                if len(secret) >= SCRUB_MIN_LENGTH and secret in value:
                    value = value.replace(secret, placeholder)
            return value
        if isinstance(value, list):
            return [self._scrub(item) for item in value]
        if isinstance(value, dict):
            return {self._scrub(key): self._scrub(item) for key, item in value.items()}
        return value


def _numbered(placeholder: str, suffix: str) -> str:
    """`<client-id>` with suffix ":2" -> `<client-id:2>`."""
    return placeholder[:-1] + suffix + ">"


def _pairs(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(pair[0]), str(pair[1])) for pair in body.get("form", [])]
