"""One Python interpreter per document: its blocks run in order in one namespace, as a user's REPL would.

Started as `python pyworker.py [module ...]`: it imports the named modules first (slow ones, like zuora_sdk,
warm up while other documents run), then reads one JSON request per line on stdin, `{"code": ..., "name":
...}`, runs the code and answers on stdout with a line that starts with REPLY: `{"stdout": ..., "error":
traceback or null}`.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import sys
import traceback
from typing import Any

REPLY = "\x00docs-test-reply\x00"


def run(code: str, name: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """Run one block; what it prints and the traceback of an exception, if any."""
    captured = io.StringIO()
    error = None
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
        try:
            exec(compile(code, name, "exec"), namespace)
        except BaseException:
            error = traceback.format_exc()
    return {"stdout": captured.getvalue(), "error": error}


def main() -> None:
    for module in sys.argv[1:]:
        importlib.import_module(module)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    protocol = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        reply = run(request["code"], request["name"], namespace)
        protocol.write(REPLY + json.dumps(reply) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
