"""The zuora-mock command: serve the emulator until Ctrl-C or SIGTERM, then exit 0."""

from __future__ import annotations

import argparse
import gc
import ipaddress
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

from zuora_mock import __version__
from zuora_mock.core.settings import SETTINGS, Setting, unknown_variables

if TYPE_CHECKING:
    from zuora_mock.backend.emulator import Emulator
    from zuora_mock.server import ZuoraWSGIServer

PORT = next(setting for setting in SETTINGS if setting.name == "port")
BY_NAME = {setting.name: setting for setting in SETTINGS}
MSG_OPEN_ADMIN = (
    "zuora-mock: warning: listening on {host} without an admin token: anyone reaching the port can reset "
    "tenants, move the clock and read the request journal; set ZUORA_MOCK_ADMIN_TOKEN (see docs/testing.md)"
)


def _loopback(host: str) -> bool:
    """Whether the server is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line, as every start-up error of the CLI is."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"zuora-mock: error: {message} (see zuora-mock --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """One flag per setting, generated from Settings, plus --set for any of them and --version."""
    parser = _Parser(
        prog="zuora-mock",
        description="A local emulator of the Zuora REST API.",
        epilog="zuora-mock record --help and zuora-mock replay --help: record exchanges with a real tenant, "
        "replay them against the emulator. zuora-mock export --help and zuora-mock import --help: save a "
        "running server's state to a file, or load one into it.",
    )
    for setting in SETTINGS:
        _add_flag(parser, setting)
    parser.add_argument(
        "--set",
        dest="extra",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        type=_assignment,
        help="any setting of the README's configuration table, e.g. --set token_ttl=60",
    )
    parser.add_argument("--version", action="version", version=f"zuora-mock {__version__}")
    return parser


def _add_flag(parser: argparse.ArgumentParser, setting: Setting) -> None:
    """The flag of one setting: a switch for booleans, a choice list, or a value parsed by load_settings."""
    help_text = f"{setting.help} (env {setting.env})"
    if isinstance(setting.default, bool):
        parser.add_argument(setting.flag, action="store_true", default=None, help=help_text)
    elif setting.choices is not None:
        parser.add_argument(setting.flag, choices=setting.choices, help=help_text)
    elif setting.name == "port":
        parser.add_argument(setting.flag, type=_port, help=help_text)
    else:
        parser.add_argument(setting.flag, metavar=setting.name.upper(), help=help_text)


def _assignment(raw: str) -> tuple[str, str]:
    name, sep, value = raw.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"invalid setting {raw!r}: expected NAME=VALUE")
    return name.strip().replace("-", "_"), value


def _port(raw: str) -> int:
    """--port, checked by the setting's own parser but reported in argparse's words."""
    try:
        return int(PORT.parse(raw))
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port {raw!r}: expected a number from 0 to 65535") from None


def _flag_values(args: argparse.Namespace) -> dict[str, object]:
    """The flags given, each parsed by its setting's parser; a bad value raises ValueError naming the flag."""
    values: dict[str, object] = {}
    for name, value in vars(args).items():
        if value is None:
            continue
        setting = BY_NAME[name]
        if isinstance(value, str):
            try:
                value = setting.parse(value)
            except ValueError as exc:
                raise ValueError(f"{setting.flag}: {exc}") from None
        values[name] = value
    return values


def _warn_unknown_variables() -> None:
    """One line per ZUORA_MOCK_* variable that no setting reads (most often a typo)."""
    for warning in unknown_variables():
        print(f"zuora-mock: warning: {warning}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] in (["record"], ["replay"]):
        # Record exchanges with a real tenant / replay them against the emulator (docs/recording.md).
        from zuora_mock.recorder.cli import main as recorder_main

        return recorder_main(words)
    if words[:1] in (["export"], ["import"]):
        # Save a running server's state to a file, or load one into it (docs/state.md).
        from zuora_mock.state_cli import main as state_main

        return state_main(words)
    with _collector_paused():
        started = _start(argv)
    if isinstance(started, int):
        return started
    return _serve(*started)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Start-up (Flask, the emulator, the fixtures) makes some 40,000 lasting objects and little garbage: the
    collector's ~100 passes over them during start-up free almost nothing; later passes skip what it made."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


def _start(argv: Sequence[str] | None) -> tuple[ZuoraWSGIServer, Emulator] | int:
    """Settings, the app and the bound server; an exit code when one of them cannot be made."""
    args = build_parser().parse_args(argv)
    extra = dict(args.extra)
    del args.extra
    _warn_unknown_variables()
    try:
        # Flag values are checked here so that an error names the flag; --set values keep the setting's name.
        overrides = {**extra, **_flag_values(args)}
    except ValueError as exc:
        print(f"zuora-mock: error: {exc}", file=sys.stderr)
        return 1

    from zuora_mock.app import create_app, emulator_of
    from zuora_mock.core.fixtures import FixtureError
    from zuora_mock.core.settings import ConfigError
    from zuora_mock.server import build_server

    try:
        app = create_app(overrides)
    except (ConfigError, FixtureError) as exc:
        print(f"zuora-mock: error: {exc}", file=sys.stderr)
        return 1
    emulator = emulator_of(app)
    settings = emulator.settings
    try:
        return build_server(app, settings.host, settings.port), emulator
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(
            f"zuora-mock: error: cannot listen on {settings.host}:{settings.port}: {reason}", file=sys.stderr
        )
        return 1


def _serve(server: ZuoraWSGIServer, emulator: Emulator) -> int:
    """Serve until SIGTERM or Ctrl-C, then close the emulator; 0 when it stopped as asked."""
    import threading

    from zuora_mock.api.admin import DASHBOARD_PATH
    from zuora_mock.backend.files import remove_stale_spills
    from zuora_mock.server import base_url

    settings = emulator.settings

    def stop(signum: int, frame: object) -> None:
        server.stop()

    # Both handled explicitly: a shell starts background jobs with SIGINT ignored, and Ctrl-C must not
    # raise KeyboardInterrupt in the middle of a request.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # The first line is what tools wait for; the dashboard's address follows on a line of its own.
    print(f"zuora-mock {__version__} listening on {base_url(server)}", flush=True)
    print(f"dashboard: {base_url(server)}{DASHBOARD_PATH}", flush=True)
    if settings.admin_token is None and not _loopback(settings.host):
        print(MSG_OPEN_ADMIN.format(host=settings.host), file=sys.stderr, flush=True)
    # Upload and result files a killed server left on disk: removed while this one starts serving.
    threading.Thread(target=remove_stale_spills, name="zuora-mock-cleanup", daemon=True).start()
    try:
        server.serve_forever()
    finally:
        emulator.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
