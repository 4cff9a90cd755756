"""The zuora-mock command as users run it: a real process on a free port, requests over a socket, clean stops,
and one-line errors with a non-zero exit for every start-up problem."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from tests.e2e.cli_server import CliServer
from zuora_mock import __version__

pytestmark = pytest.mark.emulator_only

RUN_TIMEOUT = 30
READY_LINE = re.compile(r"^zuora-mock \S+ listening on http://127\.0\.0\.1:(\d+)\n$")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without ZUORA_MOCK_* variables, plus the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZUORA_MOCK_")}
    env.update(extra)
    return env


def call(
    url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    """One request over a socket; returns status, headers and the parsed JSON body."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), json.loads(err.read())


def token(url: str) -> str:
    form = urllib.parse.urlencode(
        {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, "grant_type": "client_credentials"}
    ).encode()
    status, _, body = call(
        url + "/oauth/token", "POST", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200, body
    return body["access_token"]


def console_script() -> Path:
    return Path(sys.executable).parent / "zuora-mock"


# ---- serving ------------------------------------------------------------------------------------------


def test_serves_the_demo_tenant_over_a_socket() -> None:
    with CliServer() as server:
        status, headers, body = call(server.url + "/_mock/health")
        assert (status, headers["Content-Type"]) == (200, "application/json;charset=utf-8")
        assert body == {"status": "ok", "version": __version__, "tenants": 2, "dashboard": "/_mock/ui/"}
        auth = {"Authorization": f"Bearer {token(server.url)}"}
        status, _, body = call(server.url + "/objects/definitions/default", headers=auth)
        assert status == 200 and body["count"] >= 2
        assert server.stop() == 0


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/v1/no-such-resource",
            {
                "success": False,
                "reasons": [
                    {
                        "code": 50000040,
                        "message": "The requested resource was not found: /v1/no-such-resource",
                    }
                ],
            },
        ),
        (
            "/objects/no-such-resource",
            {"code": 71012540, "message": "The requested resource was not found: /objects/no-such-resource"},
        ),
        (
            "/_mock/no-such-resource",
            {
                "success": False,
                "reasons": [
                    {
                        "code": 50000040,
                        "message": "The requested resource was not found: /_mock/no-such-resource",
                    }
                ],
            },
        ),
    ],
)
def test_unknown_paths_answer_in_zuora_envelopes_not_html(path: str, expected: dict[str, Any]) -> None:
    with CliServer() as server:
        auth = {"Authorization": f"Bearer {token(server.url)}"}
        status, headers, body = call(server.url + path, headers=auth)
    assert (status, headers["Content-Type"]) == (404, "application/json;charset=utf-8")
    body.pop("processId", None)
    body.pop("requestId", None)
    assert body == expected


def test_reset_over_a_socket_restores_the_seed_records() -> None:
    with CliServer() as server:
        auth = {"Authorization": f"Bearer {token(server.url)}"}
        records = server.url + "/objects/records/default/Vehicle"
        _, _, before = call(records + "?pageSize=1000", headers=auth)
        victim = before["records"][0]["Id"]
        status, _, _ = call(f"{records}/{victim}", "DELETE", headers=auth)
        assert status == 200
        _, _, after_delete = call(records + "?pageSize=1000", headers=auth)
        assert after_delete["count"] == before["count"] - 1

        status, _, body = call(server.url + "/_mock/reset", "POST")
        assert (status, body) == (200, {"success": True, "reset": ["demo", "multi-entity"]})

        # The token issued before the reset still works, and every seed record is back unchanged.
        _, _, after_reset = call(records + "?pageSize=1000", headers=auth)
        assert after_reset == before


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_cleanly_with_exit_code_0(signum: signal.Signals) -> None:
    server = CliServer().start()
    try:
        server.process.send_signal(signum)
        assert server.process.wait(timeout=10) == 0
    finally:
        server.stop()
    assert server.stderr_lines == []


@pytest.mark.parametrize("launcher", ["python -m zuora_mock", "console script"])
def test_port_0_prints_one_ready_line_with_the_real_port(launcher: str) -> None:
    if launcher == "python -m zuora_mock":
        command = [sys.executable, "-m", "zuora_mock"]
    else:
        command = [str(console_script())]
    if not Path(command[0]).exists():
        pytest.skip("the zuora-mock console script is not installed next to this interpreter")
    proc = subprocess.Popen(
        [*command, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=clean_env(),
    )
    try:
        line = proc.stdout.readline()
        match = READY_LINE.match(line)
        assert match is not None, line
        port = int(match.group(1))
        assert port != 0
        assert proc.stdout.readline() == f"dashboard: http://127.0.0.1:{port}/_mock/ui/\n"
        status, _, _ = call(f"http://127.0.0.1:{port}/_mock/health")
        assert status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert (proc.returncode, out, err) == (0, "", "")


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "zuora_mock", "--version"],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        env=clean_env(),
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, f"zuora-mock {__version__}\n", "")


def test_settings_from_flags_and_environment_reach_the_server() -> None:
    with CliServer("--set", "token_ttl=77", env={"ZUORA_MOCK_V1_ERROR_STATUS": "4xx"}) as server:
        form = urllib.parse.urlencode(
            {
                "client_id": DEMO_CLIENT_ID,
                "client_secret": DEMO_CLIENT_SECRET,
                "grant_type": "client_credentials",
            }
        ).encode()
        _, _, body = call(
            server.url + "/oauth/token", "POST", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert body["expires_in"] == 77


# ---- start-up errors: one line on stderr, nothing on stdout, non-zero exit ------------------------------


def write_fixtures(root: Path, tenants: str | None = None, files: dict[str, str] | None = None) -> Path:
    """A fixtures directory: the demo tenants.json (or the given text) plus extra files."""
    root.mkdir(parents=True, exist_ok=True)
    text = (FIXTURES / "tenants.json").read_text() if tenants is None else tenants
    (root / "tenants.json").write_text(text)
    for name, content in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


ONE_TENANT = json.dumps(
    {
        "tenants": [
            {
                "name": "t",
                "tenantId": "1",
                "user": {"id": "0" * 32, "email": "a@b.example"},
                "entities": [{"id": "00000000-0000-4000-8000-000000000000", "name": "E"}],
                "clients": [{"clientId": "00000000-0000-4000-8000-000000000001", "clientSecret": "s"}],
            }
        ]
    }
)

# (case, argv with {dir} for the fixtures dir, tenants.json text or None for the demo one, extra files, env,
#  expected exit code, expected stderr with {dir})
ERROR_CASES = [
    (
        "unknown flag",
        ["--colour"],
        None,
        {},
        {},
        2,
        "zuora-mock: error: unrecognized arguments: --colour (see zuora-mock --help)",
    ),
    (
        "port not a number",
        ["--port", "http"],
        None,
        {},
        {},
        2,
        (
            "zuora-mock: error: argument --port: invalid port 'http': expected a number from 0 to 65535 "
            "(see zuora-mock --help)"
        ),
    ),
    (
        "port out of range",
        ["--port", "70000"],
        None,
        {},
        {},
        2,
        (
            "zuora-mock: error: argument --port: invalid port '70000': expected a number from 0 to 65535 "
            "(see zuora-mock --help)"
        ),
    ),
    (
        "bad choice",
        ["--bulk-progression", "fast"],
        None,
        {},
        {},
        2,
        (
            "zuora-mock: error: argument --bulk-progression: invalid choice: 'fast' "
            "(choose from 'immediate', 'time', 'manual') (see zuora-mock --help)"
        ),
    ),
    (
        "--set without =",
        ["--set", "token_ttl"],
        None,
        {},
        {},
        2,
        (
            "zuora-mock: error: argument --set: invalid setting 'token_ttl': expected NAME=VALUE "
            "(see zuora-mock --help)"
        ),
    ),
    (
        "--set unknown setting",
        ["--set", "colour=red"],
        None,
        {},
        {},
        1,
        "zuora-mock: error: unknown setting 'colour'",
    ),
    (
        "--set bad value",
        ["--set", "token_ttl=0"],
        None,
        {},
        {},
        1,
        "zuora-mock: error: token_ttl: expected a positive integer, got '0'",
    ),
    (
        "bad environment variable",
        [],
        None,
        {},
        {"ZUORA_MOCK_STRICT_CLIENTS": "maybe"},
        1,
        "zuora-mock: error: ZUORA_MOCK_STRICT_CLIENTS: expected true or false, got 'maybe'",
    ),
    (
        "flag bad value names the flag",
        ["--token-ttl", "0"],
        None,
        {},
        {},
        1,
        "zuora-mock: error: --token-ttl: expected a positive integer, got '0'",
    ),
    (
        "empty host flag",
        ["--host", ""],
        None,
        {},
        {},
        1,
        (
            "zuora-mock: error: --host: expected an IP address or host name (0.0.0.0 for every interface), "
            "got ''"
        ),
    ),
    (
        "empty host variable",
        [],
        None,
        {},
        {"ZUORA_MOCK_HOST": ""},
        1,
        (
            "zuora-mock: error: ZUORA_MOCK_HOST: expected an IP address or host name (0.0.0.0 for every "
            "interface), got ''"
        ),
    ),
    (
        "base url not absolute",
        ["--base-url", "zuora.example.com"],
        None,
        {},
        {},
        1,
        (
            "zuora-mock: error: --base-url: expected an absolute http:// or https:// URL (no query or "
            "fragment), got 'zuora.example.com'"
        ),
    ),
    (
        "base url variable not http",
        [],
        None,
        {},
        {"ZUORA_MOCK_BASE_URL": "ftp://zuora.example.com"},
        1,
        (
            "zuora-mock: error: ZUORA_MOCK_BASE_URL: expected an absolute http:// or https:// URL (no query "
            "or fragment), got 'ftp://zuora.example.com'"
        ),
    ),
    (
        "fixtures dir missing",
        ["--fixtures", "{dir}/absent"],
        None,
        {},
        {},
        1,
        "zuora-mock: error: {dir}/absent: fixtures directory not found",
    ),
    (
        "no tenants.json",
        ["--fixtures", "{dir}/empty"],
        None,
        {"empty/README": "x"},
        {},
        1,
        (
            "zuora-mock: error: {dir}/empty/tenants.json: file not found "
            "(every fixtures directory needs tenants.json)"
        ),
    ),
    (
        "tenants.json syntax error",
        ["--fixtures", "{dir}"],
        '{"tenants": [}',
        {},
        {},
        1,
        "zuora-mock: error: {dir}/tenants.json: invalid JSON at line 1 column 14: Expecting value",
    ),
    (
        "tenants.json missing key",
        ["--fixtures", "{dir}"],
        ONE_TENANT.replace('"name": "t", ', ""),
        {},
        {},
        1,
        "zuora-mock: error: {dir}/tenants.json: tenants[0]: missing 'name'",
    ),
    (
        "tenants.json bad entity id",
        ["--fixtures", "{dir}"],
        ONE_TENANT.replace("00000000-0000-4000-8000-000000000000", "E1"),
        {},
        {},
        1,
        "zuora-mock: error: {dir}/tenants.json: tenants[0].entities[0].id must be a lowercase UUID, got 'E1'",
    ),
    (
        "seed file syntax error",
        ["--fixtures", "{dir}"],
        ONE_TENANT,
        {"seed/custom_objects/definitions.json": '{"definitions": {\n  "A": ,\n}}'},
        {},
        1,
        (
            "zuora-mock: error: {dir}/seed/custom_objects/definitions.json: invalid JSON at line 2 column 8: "
            "Expecting value"
        ),
    ),
    (
        "seed dir named but missing",
        ["--fixtures", "{dir}"],
        ONE_TENANT.replace('{"tenants"', '{"seed": "data", "tenants"'),
        {},
        {},
        1,
        "zuora-mock: error: {dir}/data: seed directory not found (named by 'seed' in tenants.json)",
    ),
    ("bad host", ["--host", "no-such-host.invalid"], None, {}, {}, 1, None),
]


@pytest.mark.parametrize(
    ("argv", "tenants", "files", "env", "code", "expected"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_start_up_errors_are_one_line_and_exit_non_zero(
    tmp_path: Path,
    argv: list[str],
    tenants: str | None,
    files: dict[str, str],
    env: dict[str, str],
    code: int,
    expected: str | None,
) -> None:
    write_fixtures(tmp_path, tenants, files)
    args = [arg.format(dir=tmp_path) for arg in argv]
    result = subprocess.run(
        [sys.executable, "-m", "zuora_mock", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        env=clean_env(**env),
        stdin=subprocess.DEVNULL,
    )
    assert (result.returncode, result.stdout) == (code, "")
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    if expected is None:
        assert result.stderr.startswith("zuora-mock: error: cannot listen on no-such-host.invalid:0: ")
    else:
        assert result.stderr == expected.format(dir=tmp_path) + "\n"


def test_port_in_use_is_one_line_and_exit_1() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "zuora_mock", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            env=clean_env(),
            stdin=subprocess.DEVNULL,
        )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"zuora-mock: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_unknown_variables_warn_with_the_closest_known_name() -> None:
    """A typo in a variable name is one warning line; the project's own test variables get none."""
    env = {"ZUORA_MOCK_TOKEN_TL": "60", "ZUORA_MOCK_XYZZY": "1", "ZUORA_MOCK_REGEN_CORPUS": "0"}
    with CliServer(env=env) as server:
        status, _, _ = call(server.url + "/_mock/health")
        assert status == 200
        server.stop()
    assert server.stderr_lines == [
        "zuora-mock: warning: unknown variable ZUORA_MOCK_TOKEN_TL (did you mean ZUORA_MOCK_TOKEN_TTL?)\n",
        "zuora-mock: warning: unknown variable ZUORA_MOCK_XYZZY\n",
    ]


# ---- the README's install, run and test commands --------------------------------------------------------


def readme_lines(section: str) -> list[str]:
    """The shell lines of the first code block of a README section."""
    text = (FIXTURES.parent / "README.md").read_text()
    block = re.search(rf"^## {section}\n.*?```sh\n(.*?)```", text, re.S | re.M)
    assert block is not None, section
    return [line for line in block.group(1).splitlines() if line.strip()]


def readme_command(section: str) -> str:
    """The one shell command in the code block of a README section."""
    lines = readme_lines(section)
    assert len(lines) == 1, lines
    return lines[0]


def test_readme_run_command_starts_the_cli_the_install_lines_installed() -> None:
    """Run starts the console script that the Install lines put in .venv-run (test_packaging runs them)."""
    assert readme_lines("Install") == ["python3 -m venv .venv-run", ".venv-run/bin/pip install ."]
    assert readme_command("Run") == ".venv-run/bin/zuora-mock"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    """.ci/run runs the README's three steps in order, in its own venv, plus the dev extra and the checks."""
    command = readme_command("Test")
    assert command == (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    )
    ci = (FIXTURES.parent / ".ci" / "run").read_text()
    venv, install, tests = (
        part.replace("python3 -m venv .venv", '"$PYTHON" -m venv "$VENV"')
        .replace(".venv/bin/pip ", '"$VENV/bin/pip" ')
        .replace(".venv/bin/python ", '"$VENV/bin/python" ')
        for part in command.split(" && ")
    )
    steps = [
        venv + "\n",
        install.replace("'.[test]'", "'.[test,dev]'") + "\n",
        *(f"\ncheck {tool}\n" for tool in ("ruff check .", "ruff format --check .", "lint-imports", "mypy")),
        tests + ' "$@" </dev/null\n',
    ]
    positions = [ci.find(step) for step in steps]
    assert -1 not in positions, [step for step, at in zip(steps, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    assert ci.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in ci and '"$status" -eq 5' in ci
