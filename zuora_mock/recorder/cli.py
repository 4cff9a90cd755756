"""`zuora-mock record` and `zuora-mock replay`: the recorder's two subcommands.

Exit codes: record exits 0 when stopped by Ctrl-C or SIGTERM; replay exits 0 when every difference is
accepted, 1 when one is not, 2 when it cannot replay (no cassettes, a bad file, no token from the target).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from zuora_mock.recorder import bodies
from zuora_mock.recorder.cassette import CassetteError
from zuora_mock.recorder.report import AcceptedError

DEFAULT_OUT = "cassettes"
DEFAULT_RECORD_PORT = 8081
REPORT_NAME = "fidelity-report"
EXIT_OK, EXIT_DIFFERS, EXIT_ERROR = 0, 1, 2
COMMANDS = ("record", "replay")


class _Parser(argparse.ArgumentParser):
    """One-line errors, like the emulator's own command."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _pair(raw: str) -> tuple[str, str]:
    name, sep, value = raw.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {raw!r}")
    return name.strip(), value


def _positive(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of bytes, got {raw!r}")
    return int(raw)


def _port(raw: str) -> int:
    if not raw.isdigit() or int(raw) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {raw!r}")
    return int(raw)


def record_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="zuora-mock record",
        description="A recording proxy: point a client at it; each exchange with the upstream is written "
        "to a cassette.",
    )
    parser.add_argument(
        "--upstream", required=True, help="base URL of the tenant, e.g. https://rest.apisandbox.zuora.com"
    )
    parser.add_argument(
        "--out", default=DEFAULT_OUT, help=f"directory of the cassettes (default: {DEFAULT_OUT})"
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_RECORD_PORT,
        help=f"0 picks a free one (default: {DEFAULT_RECORD_PORT})",
    )
    parser.add_argument(
        "--cassette", default="session", help="name of the cassette exchanges go to (default: session)"
    )
    parser.add_argument(
        "--tenant-kind", help="written into cassettes (default: SBX, CSBX or PROD from the host)"
    )
    parser.add_argument(
        "--max-body-bytes",
        type=_positive,
        default=bodies.DEFAULT_MAX_BYTES,
        help="uploads and result files larger than this are kept as a digest "
        f"(default: {bodies.DEFAULT_MAX_BYTES})",
    )
    return parser


def replay_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="zuora-mock replay",
        description="Replay cassettes against the emulator and write a fidelity report (Markdown and JSON).",
    )
    parser.add_argument("directory", help="directory of *.cassette.json files")
    parser.add_argument("--target", help="URL of a running emulator (default: a fresh one in this process)")
    parser.add_argument(
        "--client-id", help="OAuth client on the target (default: the fixtures' first client)"
    )
    parser.add_argument("--client-secret", help="its secret")
    parser.add_argument("--fixtures", help="fixtures directory of the in-process emulator (and its client)")
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        type=_pair,
        metavar="NAME=VALUE",
        help="a setting of the in-process emulator",
    )
    parser.add_argument(
        "--map",
        dest="id_map",
        action="append",
        default=[],
        type=_pair,
        metavar="UPSTREAM=EMULATOR",
        help="an id known in advance (e.g. an entity id)",
    )
    parser.add_argument("--admin-token", help="the target's admin_token, when its /_mock/ API asks for one")
    parser.add_argument(
        "--accepted", help="accepted differences (default: DIRECTORY/accepted.json if present)"
    )
    parser.add_argument("--report", help=f"report path without suffix (default: DIRECTORY/{REPORT_NAME})")
    return parser


def main(argv: Sequence[str]) -> int:
    """Dispatch `record ...` or `replay ...` (argv starts with the subcommand)."""
    command, rest = argv[0], list(argv[1:])
    return run_record(rest) if command == "record" else run_replay(rest)


def run_record(argv: Sequence[str]) -> int:
    from zuora_mock.recorder.proxy import RecordingProxy

    args = record_parser().parse_args(argv)
    try:
        proxy = RecordingProxy(
            args.upstream,
            args.out,
            host=args.host,
            port=args.port,
            tenant_kind=args.tenant_kind,
            cassette=args.cassette,
            max_body_bytes=args.max_body_bytes,
        )
    except OSError as exc:
        print(
            f"zuora-mock record: error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return EXIT_ERROR

    def stop(signum: int, frame: object) -> None:
        threading.Thread(target=proxy.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"zuora-mock record: {proxy.url} -> {proxy.upstream}, cassettes in {args.out}", flush=True)
    try:
        proxy.serve_forever()
    finally:
        proxy.stop()
    written = len(proxy.session.written)
    print(f"zuora-mock record: {proxy.session.recorded} exchanges in {written} cassettes", flush=True)
    return EXIT_OK


def run_replay(argv: Sequence[str]) -> int:
    import httpx

    from zuora_mock.core.fixtures import FixtureError
    from zuora_mock.core.settings import ConfigError
    from zuora_mock.recorder.replay import ReplayError, ReplayOptions, replay
    from zuora_mock.recorder.targets import Credentials

    parser = replay_parser()
    args = parser.parse_args(argv)
    if (args.client_id is None) != (args.client_secret is None):
        parser.error("--client-id and --client-secret go together")
    settings = dict(args.settings)
    if args.fixtures:
        settings["fixtures"] = args.fixtures
    options = ReplayOptions(
        target_url=args.target,
        credentials=Credentials(args.client_id, args.client_secret) if args.client_id else None,
        settings=settings,
        id_map=dict(args.id_map),
        accepted=Path(args.accepted) if args.accepted else None,
        admin_token=args.admin_token,
    )
    try:
        report = replay(args.directory, options)
    except (CassetteError, AcceptedError, ReplayError, ConfigError, FixtureError) as exc:
        print(f"zuora-mock replay: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except httpx.TransportError as exc:
        print(f"zuora-mock replay: error: cannot reach {args.target}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    markdown, data = report.write(Path(args.report) if args.report else Path(args.directory) / REPORT_NAME)
    print(f"zuora-mock replay: {report.summary_line()}")
    print(f"zuora-mock replay: report in {markdown} and {data}")
    return EXIT_OK if report.ok else EXIT_DIFFERS
