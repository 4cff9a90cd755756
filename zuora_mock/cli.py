"""The zuora-mock command: serve the emulator until Ctrl-C or SIGTERM, then exit 0."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from . import __version__

# How soon serve_forever() notices a shutdown request after SIGTERM or Ctrl-C.
SHUTDOWN_POLL_SECONDS = 0.1


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line, as every start-up error of the CLI is."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"zuora-mock: error: {message} (see zuora-mock --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zuora-mock", description="A local emulator of the Zuora REST API.")
    parser.add_argument("--host", help="interface to bind (default 127.0.0.1; env ZUORA_MOCK_HOST)")
    parser.add_argument("--port", type=_port,
                        help="TCP port, 0 picks a free one (default 8080; env ZUORA_MOCK_PORT)")
    parser.add_argument("--fixtures", metavar="DIR",
                        help="fixtures directory (default: bundled demo fixtures; env ZUORA_MOCK_FIXTURES)")
    parser.add_argument("--base-url", help="public base URL used in generated links such as outputURL")
    parser.add_argument("--strict-clients", action="store_true", default=None,
                        help="accept only the OAuth clients declared in the fixtures")
    parser.add_argument("--v1-error-status", choices=("200", "4xx"),
                        help="HTTP status of v1 business errors (default 200, classic Zuora)")
    parser.add_argument("--bulk-progression", choices=("immediate", "time", "manual"),
                        help="how mass actions advance (default time)")
    parser.add_argument("--log-requests", action="store_true", default=None, help="log one line per request")
    parser.add_argument("--set", dest="extra", action="append", default=[], metavar="NAME=VALUE",
                        type=_assignment,
                        help="any other setting of the README's configuration table, e.g. --set token_ttl=60")
    parser.add_argument("--version", action="version", version=f"zuora-mock {__version__}")
    return parser


def _assignment(raw: str) -> tuple[str, str]:
    name, sep, value = raw.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"invalid setting {raw!r}: expected NAME=VALUE")
    return name.strip().replace("-", "_"), value


def _port(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port {raw!r}: expected a number from 0 to 65535") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {raw!r}: expected a number from 0 to 65535")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    extra = dict(args.extra)
    del args.extra
    overrides = {**extra, **{key: value for key, value in vars(args).items() if value is not None}}

    from .app import create_app
    from .config import ConfigError
    from .domain.fixtures import FixtureError
    from .server import base_url, build_server

    try:
        app = create_app(overrides)
    except (ConfigError, FixtureError) as exc:
        print(f"zuora-mock: error: {exc}", file=sys.stderr)
        return 1
    settings = app.extensions["zuora_mock"].settings
    try:
        server = build_server(app, settings["host"], settings["port"], log_requests=settings["log_requests"])
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"zuora-mock: error: cannot listen on {settings['host']}:{settings['port']}: {reason}",
              file=sys.stderr)
        return 1

    def stop(signum: int, frame: object) -> None:
        # shutdown() waits for serve_forever() to return, so it cannot run on the serving thread itself.
        threading.Thread(target=server.shutdown, daemon=True).start()

    # Both handled explicitly: a shell starts background jobs with SIGINT ignored, and Ctrl-C must not
    # raise KeyboardInterrupt in the middle of a request.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"zuora-mock {__version__} listening on {base_url(server)}", flush=True)
    try:
        server.serve_forever(poll_interval=SHUTDOWN_POLL_SECONDS)
    finally:
        server.server_close()
        app.extensions["zuora_mock"].close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
