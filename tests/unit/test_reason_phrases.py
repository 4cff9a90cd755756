"""Reason phrases of the status line: RFC 9110's, in the wording Zuora's guides use where they name one."""

from __future__ import annotations

import pytest

from zuora_mock.server.wire import status_line

pytestmark = pytest.mark.emulator_only


@pytest.mark.parametrize(
    ("status", "line"),
    [
        ("409 CONFLICT", "HTTP/1.1 409 Conflict"),  # idempotency guide: "409 Conflict"
        ("422 UNPROCESSABLE ENTITY", "HTTP/1.1 422 Unprocessable Content"),  # "422 Unprocessable Content"
        ("429 TOO MANY REQUESTS", "HTTP/1.1 429 Too Many Requests"),  # rate-limits guide
        ("401 UNAUTHORIZED", "HTTP/1.1 401 Unauthorized"),
    ],
)
def test_status_lines(status: str, line: str) -> None:
    assert status_line("1.1", status) == line
