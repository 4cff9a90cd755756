"""`zuora-mock record` and `zuora-mock replay` as users run them: real processes, a real upstream, exit
codes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.recorder.upstream import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Upstream
from zuora_mock.cli import main
from zuora_mock.client import ZuoraAPIError, ZuoraClient

READY = re.compile(r"^zuora-mock record: (http://127\.0\.0\.1:\d+) -> (\S+), cassettes in (.+)$")
TIMEOUT = 60


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "zuora_mock", *args]


def environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("ZUORA_")}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=TIMEOUT, env=environment())


def record(upstream: Upstream, out: Path) -> tuple[str, str]:
    """Start `zuora-mock record`, make a few calls through it, stop it with SIGTERM; (stdout, stderr)."""
    process = subprocess.Popen(
        command("record", "--upstream", upstream.url, "--port", "0", "--out", str(out)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    try:
        assert process.stdout is not None
        ready = READY.match(process.stdout.readline().strip())
        assert ready is not None and ready.group(2) == upstream.url
        with ZuoraClient(ready.group(1), DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as client:
            client.list_definitions()
            with pytest.raises(ZuoraAPIError):
                client.get_mass_action("f" * 32)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, stderr
    return stdout, stderr


@pytest.fixture(scope="module")
def cassettes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same calls recorded against a default upstream and one that answers v1 errors with a 4xx."""
    root = tmp_path_factory.mktemp("cli")
    recorded = {}
    for name, config in (("same", {}), ("v1-4xx", {"v1_error_status": "4xx"})):
        with Upstream(config) as upstream:
            stdout, _ = record(upstream, root / name)
        assert stdout.splitlines()[-1] == "zuora-mock record: 3 exchanges in 1 cassettes"
        recorded[name] = root / name
    return recorded


def test_record_writes_one_session_cassette(cassettes: dict[str, Path]) -> None:
    assert [path.name for path in cassettes["same"].iterdir()] == ["0001-session.cassette.json"]


def test_replay_exits_0_when_the_emulator_answers_as_recorded(cassettes: dict[str, Path]) -> None:
    done = run("replay", str(cassettes["same"]))
    assert done.returncode == 0, done.stderr
    summary, where = done.stdout.splitlines()
    assert re.fullmatch(
        r"zuora-mock replay: 3 exchanges replayed in \d+\.\d s: 3 match; no unaccepted difference", summary
    )
    assert where.endswith("fidelity-report.json")
    assert (cassettes["same"] / "fidelity-report.md").is_file()


def test_replay_exits_1_on_a_difference_and_reports_it(cassettes: dict[str, Path], tmp_path: Path) -> None:
    done = run("replay", str(cassettes["v1-4xx"]), "--report", str(tmp_path / "out"))
    assert done.returncode == 1, done.stderr
    assert "2 match, 1 differs; 1 exchange differs" in done.stdout
    markdown = (tmp_path / "out.md").read_text()
    assert "| `status` | exact | `404` | `200` |  |" in markdown


def test_replay_against_a_running_emulator(cassettes: dict[str, Path], tmp_path: Path) -> None:
    with Upstream({"bulk_progression": "manual"}) as target:
        done = run("replay", str(cassettes["same"]), "--target", target.url, "--report", str(tmp_path / "r"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"against the emulator at {target.url}" in (tmp_path / "r.md").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("replay", "no-such-dir"), "zuora-mock replay: error: no-such-dir: no such directory\n"),
        (("replay",), "zuora-mock replay: error: the following arguments are required: directory"),
        (("record",), "zuora-mock record: error: the following arguments are required: --upstream"),
        (("replay", ".", "--client-id", "x"), "--client-id and --client-secret go together"),
        (("record", "--upstream", "http://x", "--port", "70000"), "expected a port from 0 to 65535"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    args: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    stderr = capsys.readouterr().err
    assert code == 2
    assert message in stderr and len(stderr.splitlines()) == 1
