"""zuora-mock export / zuora-mock import: save a running server's state to a file, or load one into it."""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

DEFAULT_URL = "http://127.0.0.1:8080"
URL_ENV = "ZUORA_MOCK_URL"
TOKEN_ENV = "ZUORA_MOCK_ADMIN_TOKEN"
STATE_PATH = "/_mock/state"
TIMEOUT = 300.0
# The server is local: a proxy from the environment must not see (or refuse) the request.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line, like the main command's."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(command: str) -> argparse.ArgumentParser:
    """The flags of export or import: the server's URL, the admin token, the file (and a tenant)."""
    verb = "Save the state of" if command == "export" else "Replace the state of"
    parser = _Parser(
        prog=f"zuora-mock {command}", description=f"{verb} a running zuora-mock (GET/PUT /_mock/state)."
    )
    parser.add_argument(
        "file",
        help="the snapshot file" + (" to write ('-' for stdout)" if command == "export" else " to load"),
    )
    parser.add_argument("--tenant", help="only this tenant (by name)")
    parser.add_argument(
        "--url",
        default=os.environ.get(URL_ENV, DEFAULT_URL),
        help=f"the server (env {URL_ENV}; default {DEFAULT_URL})",
    )
    parser.add_argument(
        "--admin-token",
        default=os.environ.get(TOKEN_ENV),
        help=f"the server's admin_token, if it has one (env {TOKEN_ENV})",
    )
    return parser


def main(argv: Sequence[str]) -> int:
    """argv starts with 'export' or 'import'; returns the exit status (1 when the server refused)."""
    command, rest = argv[0], list(argv[1:])
    args = build_parser(command).parse_args(rest)
    url = args.url.rstrip("/") + STATE_PATH
    if args.tenant:
        url += "?" + urllib.parse.urlencode({"tenant": args.tenant})
    try:
        if command == "export":
            return _export(url, args.admin_token, args.file)
        return _import(url, args.admin_token, args.file)
    except OSError as exc:
        print(f"zuora-mock {command}: error: {exc}", file=sys.stderr)
        return 1


def _request(url: str, token: str | None, data: bytes | None = None) -> urllib.request.Request:
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["X-Mock-Admin-Token"] = token
    return urllib.request.Request(
        url, data=data, headers=headers, method="PUT" if data is not None else "GET"
    )


def _export(url: str, token: str | None, file: str) -> int:
    body = _send(_request(url, token))
    if body is None:
        return 1
    if file == "-":
        sys.stdout.buffer.write(body)
    else:
        Path(file).write_bytes(body)
    return 0


def _import(url: str, token: str | None, file: str) -> int:
    body = _send(_request(url, token, Path(file).read_bytes()))
    if body is None:
        return 1
    print(body.decode("utf-8", "replace"))
    return 0


def _send(request: urllib.request.Request) -> bytes | None:
    """The response body, or None after printing the server's refusal."""
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace")
        print(f"zuora-mock: the server answered {err.code}: {detail}", file=sys.stderr)
        return None
