"""Redaction: credentials and tokens become the placeholders the replay knows how to fill."""

from __future__ import annotations

import json
from typing import Any

from zuora_mock.recorder.redact import Redactor

CLIENT = "5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b"
SECRET = "demo-secret-2fQ9xLk7TzR4vW1p"
TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f7"


def token_exchange(client: str, secret: str, status: int = 200, token: str = TOKEN) -> dict[str, Any]:
    answer: Any = {
        "access_token": token,
        "expires_in": 3599,
        "jti": token[::-1],
        "scope": "x",
        "token_type": "bearer",
    }
    if status != 200:
        answer = {"status": status, "message": "Invalid client id", "path": "/oauth/token"}
    return {
        "request": {
            "method": "POST",
            "path": "/oauth/token",
            "query": [],
            "headers": [["content-type", "application/x-www-form-urlencoded"]],
            "body": {
                "kind": "form",
                "form": [
                    ["client_id", client],
                    ["client_secret", secret],
                    ["grant_type", "client_credentials"],
                ],
            },
        },
        "response": {"status": status, "headers": [], "body": {"kind": "json", "json": answer}},
    }


def call(authorization: str, body: Any = None) -> dict[str, Any]:
    return {
        "request": {
            "method": "GET",
            "path": "/objects/definitions/default",
            "query": [],
            "headers": [["authorization", authorization], ["cookie", "ZSession=abcdefgh1234"]],
            "body": {"kind": "json", "json": body} if body is not None else {"kind": "empty"},
        },
        "response": {
            "status": 200,
            "headers": [["set-cookie", "x=1"]],
            "body": {"kind": "json", "json": {"echo": TOKEN}},
        },
    }


def form(exchange: dict[str, Any]) -> list[list[str]]:
    return exchange["request"]["body"]["form"]


def test_the_working_client_and_its_token_become_placeholders() -> None:
    redactor = Redactor()
    issued = redactor.redact(token_exchange(CLIENT, SECRET))
    assert form(issued)[:2] == [["client_id", "<client-id>"], ["client_secret", "<client-secret>"]]
    answer = issued["response"]["body"]["json"]
    assert (answer["access_token"], answer["jti"]) == ("<access-token:1>", "<jti:1>")
    used = redactor.redact(call(f"Bearer {TOKEN}", {"note": "x", "password": "hunter2!"}))
    assert used["request"]["headers"] == [
        ["authorization", "Bearer <access-token:1>"],
        ["cookie", "<redacted>"],
    ]
    assert used["request"]["body"]["json"] == {"note": "x", "password": "<redacted>"}
    assert used["response"]["headers"] == [["set-cookie", "<redacted>"]]
    assert used["response"]["body"]["json"] == {"echo": "<access-token:1>"}, (
        "the last pass finds tokens anywhere"
    )


def test_wrong_and_unknown_credentials() -> None:
    redactor = Redactor()
    redactor.redact(token_exchange(CLIENT, SECRET))
    wrong = redactor.redact(token_exchange(CLIENT, "not-the-secret", status=401))
    assert form(wrong)[:2] == [["client_id", "<client-id>"], ["client_secret", "<wrong-client-secret>"]]
    stranger = redactor.redact(token_exchange("not-a-36-character-client-id", "whatever-secret", status=400))
    assert form(stranger)[:2] == [
        ["client_id", "not-a-36-character-client-id"],
        ["client_secret", "<redacted>"],
    ]
    second = redactor.redact(
        token_exchange("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "other-secret-1234", token="ab" * 16)
    )
    assert form(second)[:2] == [["client_id", "<client-id:2>"], ["client_secret", "<client-secret:2>"]]
    assert second["response"]["body"]["json"]["access_token"] == "<access-token:2>"


def test_bearers_not_issued_here_and_other_schemes() -> None:
    redactor = Redactor()
    assert redactor.redact(call("Bearer 0123456789abcdef0123456789abcdef"))["request"]["headers"][0] == [
        "authorization",
        "Bearer <unknown-token>",
    ]
    assert redactor.redact(call("Basic Zm9vOmJhcg=="))["request"]["headers"][0] == [
        "authorization",
        "Basic <redacted>",
    ]


def test_nothing_secret_is_left_in_the_text() -> None:
    redactor = Redactor()
    text = json.dumps(
        [
            redactor.redact(token_exchange(CLIENT, SECRET)),
            redactor.redact(call(f"Bearer {TOKEN}")),
            redactor.redact(token_exchange(CLIENT, SECRET + "x", status=401)),
        ]
    )
    for secret in (CLIENT, SECRET, TOKEN, TOKEN[::-1], "ZSession=abcdefgh1234"):
        assert secret not in text
