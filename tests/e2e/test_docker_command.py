"""What the Docker image runs, run here without Docker: the Dockerfile's CMD with its ENV, probed by its
HEALTHCHECK, and the package laid out as a non-editable install lays it out, serving the demo fixtures."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
READY = re.compile(r"listening on (http://\S+)")
TIMEOUT = 30

pytestmark = pytest.mark.emulator_only


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def one(keyword: str) -> str:
    values = [rest for key, rest in instructions() if key == keyword]
    assert len(values) == 1, f"expected exactly one {keyword}, found {len(values)}"
    return values[0]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for key, rest in instructions():
        if key == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def exec_form(arguments: str) -> list[str]:
    """CMD/HEALTHCHECK CMD must use the JSON (exec) form: no shell, signals reach the server."""
    command = json.loads(arguments)
    assert isinstance(command, list) and all(isinstance(part, str) for part in command)
    return command


def healthcheck_command() -> list[str]:
    rest = one("HEALTHCHECK")
    options, _, command = rest.partition(" CMD ")
    assert "--interval" in options and "--timeout" in options
    return exec_form(command)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resolve(program: str) -> str:
    """The image's PATH programs, taken from this interpreter's environment."""
    if program in ("python", "python3"):
        return sys.executable
    local = Path(sys.executable).parent / program
    found = str(local) if local.exists() else shutil.which(program)
    if found is None:
        pytest.skip(f"{program} is not installed next to this interpreter")
    return found


def container_env(port: int) -> dict[str, str]:
    """The image's ENV on top of ours, listening on a free port; connected to only through 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZUORA_MOCK_")}
    env.update(dockerfile_env())
    env["ZUORA_MOCK_PORT"] = str(port)
    env["ZUORA_MOCK_HOST"] = "127.0.0.1"
    return env


def test_dockerfile_is_slim_non_root_one_process_and_needs_no_curl() -> None:
    env = dockerfile_env()
    assert one("USER") not in ("root", "0")
    assert env["ZUORA_MOCK_HOST"] == "0.0.0.0"
    assert one("EXPOSE") == env["ZUORA_MOCK_PORT"] == "8080"
    # No anonymous volume: every `docker run` would leave one behind. Users bind-mount fixtures instead.
    assert "VOLUME" not in [key for key, _ in instructions()]
    assert exec_form(one("CMD")) == ["zuora-mock"]
    assert "curl" not in DOCKERFILE.read_text() and "wget" not in DOCKERFILE.read_text()


def test_base_image_is_pinned_to_the_python_minor_the_tests_run_on() -> None:
    """An exact patch release (or a digest) of the slim image, on the minor version mypy and CI use."""
    match = re.fullmatch(r"python:(3\.\d+)\.\d+-slim-[a-z]+(@sha256:[0-9a-f]{64})?", one("FROM"))
    assert match, one("FROM")
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert match.group(1) == config["tool"]["mypy"]["python_version"] == "3.11"


def test_dependencies_are_installed_from_the_constraints_file() -> None:
    run = one("RUN")
    assert "PIP_CONSTRAINT=/src/constraints.txt pip install --no-cache-dir ." in run
    copied = [part for key, rest in instructions() if key == "COPY" for part in rest.split()[:-1]]
    assert "constraints.txt" in copied
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    for name in copied:
        assert (ROOT / name).exists(), name
        assert f"!{name}" in ignore, f"{name} is copied but .dockerignore leaves it out of the context"


def pinned_versions() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"constraints.txt pins exact versions only: {line!r}"
            pins[canonical(name)] = version
    return pins


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_constraints_pin_every_runtime_dependency_within_pyproject_ranges() -> None:
    """A dependency added to pyproject.toml (or pulled in by one) must be pinned for the image too."""
    import importlib.metadata
    import tomllib

    from packaging.requirements import Requirement

    pins = pinned_versions()
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for text in declared:
        requirement = Requirement(text)
        assert canonical(requirement.name) in pins, f"{requirement.name} is not in constraints.txt"
        assert requirement.specifier.contains(pins[canonical(requirement.name)]), text
    pending = [Requirement(text).name for text in declared]
    seen: set[str] = set()
    while pending:
        name = canonical(pending.pop())
        if name in seen:
            continue
        seen.add(name)
        assert name in pins, f"{name} (a dependency of a dependency) is not in constraints.txt"
        for text in importlib.metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)


def test_the_image_command_serves_and_its_healthcheck_passes() -> None:
    port = free_port()
    env = container_env(port)
    command = exec_form(one("CMD"))
    proc = subprocess.Popen(
        [resolve(command[0]), *command[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd="/",
    )
    try:
        line = proc.stdout.readline()
        assert READY.search(line), line
        assert READY.search(line).group(1) == f"http://127.0.0.1:{port}"
        # Read the whole greeting here: communicate() reads the pipe, not what readline() buffered.
        assert proc.stdout.readline() == f"dashboard: http://127.0.0.1:{port}/_mock/ui/\n"
        check = healthcheck_command()
        healthy = subprocess.run(
            [resolve(check[0]), *check[1:]], env=env, capture_output=True, timeout=TIMEOUT
        )
        assert healthy.returncode == 0, healthy.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=TIMEOUT)
    assert (proc.returncode, out, err) == (0, "", "")
    # The same check fails once nothing listens: it really probes the server.
    stopped = subprocess.run([resolve(check[0]), *check[1:]], env=env, capture_output=True, timeout=TIMEOUT)
    assert stopped.returncode != 0


def test_an_installed_layout_serves_the_bundled_fixtures(tmp_path: Path) -> None:
    """pyproject.toml maps fixtures/ to zuora_mock/fixtures in the wheel; default_fixtures_dir finds it."""
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "zuora_mock", site / "zuora_mock", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "fixtures", site / "zuora_mock" / "fixtures")
    script = (
        "import json, zuora_mock\n"
        "from zuora_mock.core.fixtures import default_fixtures_dir, load_fixtures\n"
        "f = load_fixtures(); print(json.dumps([zuora_mock.__file__, str(default_fixtures_dir()), "
        "[t.name for t in f.tenants], f.seed.definitions is not None]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZUORA_MOCK_")}
    env["PYTHONPATH"] = str(site)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    module, fixtures_dir, tenants, has_definitions = json.loads(result.stdout)
    assert module == str(site / "zuora_mock" / "__init__.py")
    assert fixtures_dir == str(site / "zuora_mock" / "fixtures")
    assert tenants == ["demo", "multi-entity"] and has_definitions


def test_pyproject_ships_every_fixture_file() -> None:
    """Every file under fixtures/ matches the wheel's package-data patterns for zuora_mock.fixtures."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"]["zuora_mock.fixtures"] == "fixtures"
    assert "zuora_mock.fixtures" in config["packages"]
    patterns = config["package-data"]["zuora_mock.fixtures"]
    files = [path.relative_to(ROOT / "fixtures") for path in (ROOT / "fixtures").rglob("*") if path.is_file()]
    assert files
    missed = [str(f) for f in files if not any(f.match(p) or Path("x", f).match(p) for p in patterns)]
    assert missed == []
