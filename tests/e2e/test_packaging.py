"""The release artefacts as a user gets them: `python -m build` makes a clean sdist and wheel from the
repository's tracked files, `twine check` passes, the wheel installs into a fresh virtual environment and
serves from there, and the README's install lines work as written in a copy of the repository.

Needs the package index (dependencies of the fresh environments, the isolated build's setuptools), as CI has.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.markdown import ROOT, Block, blocks, documents
from zuora_mock import __version__

pytestmark = pytest.mark.emulator_only

TIMEOUT = 600
READY = re.compile(r"^zuora-mock (\S+) listening on (http://127\.0\.0\.1:\d+)$")
COVERED_HERE = "run by tests/e2e/test_packaging.py"
SERVER_LINE = re.compile(r"^(?:\S*/)?zuora-mock$")


def clean_environment() -> dict[str, str]:
    """A user's shell: no virtual environment active, no settings, bytecode on (else setuptools warns)."""
    test_bin = str(Path(sys.executable).parent)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ZUORA_MOCK_", "PYTEST_"))
        and key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONHOME")
    }
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != test_bin)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(
        command,
        cwd=cwd,
        env=clean_environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{output}"
    return output


def tracked_files() -> list[Path]:
    """What a fresh clone of the next commit holds: the working tree's tracked files and the new files git
    does not ignore (a module written but not yet committed belongs to the package already)."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return [Path(name) for name in listing.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("clone")
    for name in tracked_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module")
def built(clone: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`python -m build`, as the README says, from the clone: the dist directory and everything it printed."""
    dist = tmp_path_factory.mktemp("dist")
    log = run([sys.executable, "-m", "build", "--outdir", str(dist), str(clone)], clone)
    return dist, log


def artefact(dist: Path, suffix: str) -> Path:
    (found,) = dist.glob(f"zuora_mock-{__version__}{suffix}")
    return found


def test_build_makes_one_sdist_and_one_wheel_without_warnings(built: tuple[Path, str]) -> None:
    dist, log = built
    assert sorted(path.name for path in dist.iterdir()) == [
        f"zuora_mock-{__version__}-py3-none-any.whl",
        f"zuora_mock-{__version__}.tar.gz",
    ]
    warnings = [line for line in log.splitlines() if re.search(r"warning|deprecat", line, re.IGNORECASE)]
    assert warnings == []


def test_twine_check_passes(built: tuple[Path, str]) -> None:
    dist, _ = built
    output = run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))], dist
    )
    assert output.count("PASSED") == 2, output


def test_wheel_holds_the_code_the_fixtures_and_the_metadata(built: tuple[Path, str]) -> None:
    with zipfile.ZipFile(artefact(built[0], "-py3-none-any.whl")) as wheel:
        names = set(wheel.namelist())
        info = f"zuora_mock-{__version__}.dist-info"
        metadata = wheel.read(f"{info}/METADATA").decode()
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    tracked = tracked_files()
    # Modules, and the files that ship beside them (the dashboard's templates and static files).
    code = {str(path) for path in tracked if path.parts[0] == "zuora_mock"}
    fixtures = {f"zuora_mock/{path}" for path in tracked if path.parts[0] == "fixtures"}
    assert code and fixtures
    assert code - names == set(), "missing from the wheel: a package or package data not in pyproject.toml?"
    assert fixtures - names == set()
    assert {name.split("/")[0] for name in names} == {"zuora_mock", info}
    assert f"{info}/licenses/LICENSE" in names
    assert f"Version: {__version__}" in metadata and "License-Expression: MIT" in metadata
    assert "zuora-mock = zuora_mock.cli:main" in entry_points
    assert "zuora_mock = zuora_mock.pytest_plugin" in entry_points


def test_sdist_is_a_buildable_copy_with_docs(built: tuple[Path, str]) -> None:
    with tarfile.open(artefact(built[0], ".tar.gz")) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for needed in (
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        "constraints.txt",
        "Dockerfile",
        "docs/quickstart.md",
        "fixtures/tenants.json",
        "zuora_mock/cli.py",
    ):
        assert needed in names, needed
    assert not [name for name in names if name.startswith((".venv", ".git", "tests/", "build/"))]


class Served:
    """A server process we started: its ready line, stopped by PID with SIGTERM."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=clean_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.ready = self.process.stdout.readline().strip()

    def stop(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            _, errors = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, errors = self.process.communicate()
        return self.process.returncode, errors


@pytest.fixture
def serve() -> Iterator[list[Served]]:
    started: list[Served] = []
    yield started
    for server in started:
        server.stop()


def assert_serves(server: Served) -> None:
    match = READY.match(server.ready)
    if match is None:
        code, errors = server.stop()
        pytest.fail(f"no ready line, exit code {code}; stdout {server.ready!r}; stderr:\n{errors}")
    assert match.group(1) == __version__
    with urllib.request.urlopen(match.group(2) + "/_mock/health", timeout=10) as response:
        health = json.loads(response.read())
    assert (health["status"], health["version"], health["tenants"]) == ("ok", __version__, 2)
    assert server.stop() == (0, "")


def test_the_wheel_installs_into_a_fresh_environment_and_serves(
    built: tuple[Path, str], tmp_path: Path, serve: list[Served]
) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    run([str(venv / "bin" / "pip"), "install", str(artefact(built[0], "-py3-none-any.whl"))], tmp_path)
    where = run(
        [str(venv / "bin" / "python"), "-c", "import zuora_mock; print(zuora_mock.__file__)"], tmp_path
    )
    assert where.strip().startswith(str(venv)), where
    serve.append(Served([str(venv / "bin" / "zuora-mock"), "--port", "0"], tmp_path))
    assert_serves(serve[-1])


def covered_blocks() -> list[Block]:
    """The documented install, vendoring and start lines whose skip marker sends the reader here."""
    return [
        block
        for path in documents()
        for block in blocks(path)
        if block.marker == "skip" and block.argument.startswith(COVERED_HERE)
    ]


def test_documented_install_lines_work_in_a_copy_of_the_repository(clone: Path, serve: list[Served]) -> None:
    """Each line once, in document order; a line that serves in the foreground runs on a free port."""
    done: set[str] = set()
    servers = 0
    for block in covered_blocks():
        for line in (line.strip() for line in block.text.splitlines()):
            if not line or line.startswith("#") or line in done:
                continue
            done.add(line)
            if SERVER_LINE.match(line):
                serve.append(Served([str(clone / line), "--port", "0"], clone))
                assert_serves(serve[-1])
                servers += 1
            else:
                run(["bash", "-ec", line], clone)
    assert servers == 1
    assert (clone / "vendor" / f"zuora_mock-{__version__}-py3-none-any.whl").is_file()
    assert len(covered_blocks()) >= 3


def test_changelog_heads_with_the_current_version() -> None:
    """The first release section of CHANGELOG.md is the version the package reports."""
    changelog = (ROOT / "CHANGELOG.md").read_text()
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d\d-\d\d$", changelog, re.MULTILINE)
    assert releases and releases[0] == __version__
