"""The CLI server's request log on stderr: an access-log line (text) or one JSON object per line (json), for
people and for log collectors. Only a text line on a terminal has a coloured status; a file or a pipe never
receives colour codes, nor does a terminal when NO_COLOR is set (no-color.org)."""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from typing import Any

import orjson

from zuora_mock.api.pipeline import TENANT_KEY

REQUEST_ID_HEADER = "zuora-request-id"
# ANSI colours of a status by its class: 1xx bold, 2xx green, 3xx cyan, 4xx yellow, 5xx red.
STATUS_COLOURS = {"1": "1", "2": "32", "3": "36", "4": "33", "5": "31"}


def log_line(task: Any, log_format: str) -> str:
    """One line (with its newline) for an answered request, in the format of the log_format setting."""
    if log_format == "json":
        return orjson.dumps(_fields(task)).decode() + "\n"
    return _text(task)


def _text(task: Any) -> str:
    """As Werkzeug's development server wrote it: address, time, request line, status, size."""
    request = task.request
    when = time.strftime("%d/%b/%Y %H:%M:%S", time.localtime(task.start_time))
    line = f"{request.command} {request.request_uri} HTTP/{request.version}"
    size = task.content_bytes_written or "-"
    return f'{task.channel.addr[0]} - - [{when}] "{line}" {_shown_status(task)} {size}\n'


def _fields(task: Any) -> dict[str, Any]:
    """time, method, path, status, durationMs, then tenant and requestId when the request has them."""
    request = task.request
    started = datetime.fromtimestamp(task.start_time, UTC)
    fields: dict[str, Any] = {
        "time": started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "method": request.command or "",
        "path": request.path or request.request_uri or "",
        "status": _status(task),
        "durationMs": round((time.time() - task.start_time) * 1000, 1),
    }
    tenant = (task.environ or {}).get(TENANT_KEY)
    if tenant:
        fields["tenant"] = tenant
    request_id = next(
        (value for name, value in task.response_headers if name.lower() == REQUEST_ID_HEADER), None
    )
    if request_id:
        fields["requestId"] = request_id
    return fields


def _shown_status(task: Any) -> str:
    """The status code, coloured by its class when stderr is a terminal (and NO_COLOR is not set)."""
    status = str(_status(task))
    colour = STATUS_COLOURS.get(status[:1])
    if colour is None or not colour_wanted():
        return status
    return f"\x1b[{colour}m{status}\x1b[0m"


def colour_wanted() -> bool:
    """Colour codes only for a person at a terminal: never into a file, a pipe or a log collector."""
    return not os.environ.get("NO_COLOR") and sys.stderr.isatty()


def _status(task: Any) -> int | str:
    code = str(task.status).split(" ", 1)[0]
    return int(code) if code.isdigit() else code
