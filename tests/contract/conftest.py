"""The contract suite: the same tests against the emulator in-process, as a running server, or a real tenant.

Targets (``--target`` or ``$ZUORA_CONTRACT_TARGET``; comma-separated for several):
- ``inprocess``: the app through ``httpx.WSGITransport``, no socket;
- ``server``: a running emulator at ``--server-url`` / ``$ZUORA_MOCK_URL``, or the ``zuora-mock`` CLI started
  on a free port for the session (a fresh client id, hence a fresh tenant, unless
  ``$ZUORA_CONTRACT_CLIENT_ID`` and ``$ZUORA_CONTRACT_CLIENT_SECRET`` name one, for ``--strict-clients``);
- ``tenant``: a real tenant from ``ZUORA_BASE_URL``, ``ZUORA_CLIENT_ID``, ``ZUORA_CLIENT_SECRET`` (skipped
  with the reason when they are absent).
Without a choice, every test runs against ``inprocess`` and ``server``.

With ``--target tenant --record DIR`` the tenant is reached through a recording proxy
(``zuora_mock.recorder``) and each test's exchanges are written to a cassette of its own in DIR, with the
test's outcome, for ``zuora-mock replay DIR`` (docs/recording.md).

Every test carries exactly one of the markers ``verified``, ``emulator_only``, ``unverified``; collection
fails otherwise. ``emulator_only`` tests are skipped against a real tenant. Tests create what they use
(uniquely named definitions and their records) and remove it afterwards, so a tenant run only touches
objects it created.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from zuora_mock.app import emulator_of
from zuora_mock.client import INPROCESS_BASE_URL, ZuoraAPIError, ZuoraClient

TARGETS = ("inprocess", "server", "tenant")
DEFAULT_TARGETS = ("inprocess", "server")
FIDELITY_MARKERS = ("verified", "emulator_only", "unverified")
TARGET_ENV = "ZUORA_CONTRACT_TARGET"
SERVER_URL_ENV = "ZUORA_MOCK_URL"
CLIENT_ID_ENV = "ZUORA_CONTRACT_CLIENT_ID"
CLIENT_SECRET_ENV = "ZUORA_CONTRACT_CLIENT_SECRET"
TENANT_ENV = ("ZUORA_BASE_URL", "ZUORA_CLIENT_ID", "ZUORA_CLIENT_SECRET")
CONTRACT_DIR = Path(__file__).parent
CLI_START_TIMEOUT = 30.0
MSG_NO_TENANT = (
    "tenant target needs ZUORA_BASE_URL, ZUORA_CLIENT_ID and ZUORA_CLIENT_SECRET (missing: {missing})"
)
MSG_RECORD_TARGET = "--record DIR records the exchanges with a real tenant: use it with --target tenant"
TENANT_KIND_ENV = "ZUORA_TENANT_KIND"
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
MSG_EMULATOR_ONLY = "emulator_only: the expectation applies to the emulator, not to a real tenant"

# The fields of every definition the suite creates (a Vehicle, like Zuora's own examples).
VEHICLE_PROPERTIES: dict[str, Any] = {
    "DeviceId__c": {"type": "string", "label": "Device ID", "maxLength": 20},
    "Mileage__c": {"type": "number", "label": "Mileage"},
}


# -- collection ----------------------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    """--record: read when tests/contract is among the paths given to pytest."""
    parser.getgroup("zuora-contract").addoption(
        "--record",
        default=None,
        metavar="DIR",
        help="with --target tenant: record every exchange with the tenant into cassettes in DIR, one per "
        "test (replay them with `zuora-mock replay DIR`)",
    )


def fidelity_problems(items: list[pytest.Item], root: Path) -> list[str]:
    """Tests under `root` that carry zero or several fidelity markers."""
    problems = []
    for item in items:
        if root not in Path(item.path).parents:
            continue
        names = sorted({mark.name for mark in item.iter_markers() if mark.name in FIDELITY_MARKERS})
        if len(names) != 1:
            found = ", ".join(names) or "none"
            problems.append(
                f"{item.nodeid}: needs exactly one of {', '.join(FIDELITY_MARKERS)} (found: {found})"
            )
    return problems


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--record", default=None) and "tenant" not in selected_targets(config):
        raise pytest.UsageError(MSG_RECORD_TARGET)
    problems = fidelity_problems(items, CONTRACT_DIR)
    if problems:
        raise pytest.UsageError(
            "contract tests without exactly one fidelity marker:\n  " + "\n  ".join(problems)
        )


def selected_targets(config: pytest.Config) -> list[str]:
    raw = (
        config.getoption("--target", default=None) or os.environ.get(TARGET_ENV) or ",".join(DEFAULT_TARGETS)
    )
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if name not in TARGETS]
    if unknown or not names:
        raise pytest.UsageError(f"--target: unknown target(s) {unknown}; choose from {', '.join(TARGETS)}")
    return names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" in metafunc.fixturenames:
        metafunc.parametrize("target", selected_targets(metafunc.config), indirect=True, scope="session")


# -- targets -------------------------------------------------------------------------------------------------


@dataclass
class Target:
    """Where the contract runs and the OAuth client that talks to it."""

    name: str
    base_url: str
    client_id: str
    client_secret: str
    transport: httpx.BaseTransport | None = None
    stop: Callable[[], None] = field(default=lambda: None)
    recorder: Any = None  # the RecordingProxy in front of a tenant, with --record

    @property
    def is_emulator(self) -> bool:
        return self.name != "tenant"

    def client(self, **kwargs: Any) -> ZuoraClient:
        return ZuoraClient(
            self.base_url,
            self.client_id,
            kwargs.pop("client_secret", self.client_secret),
            transport=self.transport,
            **kwargs,
        )

    def raw(self) -> httpx.Client:
        """A plain HTTP client (no auth, no error handling) for wire-level assertions."""
        return httpx.Client(base_url=self.base_url, transport=self.transport, timeout=30.0)


def _fresh_client() -> tuple[str, str]:
    """A never-seen client id: the emulator gives it an isolated tenant seeded from the fixtures."""
    return str(uuid.uuid4()), "contract-" + uuid.uuid4().hex[:24]


def _inprocess() -> Target:
    from zuora_mock import create_app

    app = create_app({}, environ={})
    client_id, secret = _fresh_client()
    return Target(
        "inprocess",
        INPROCESS_BASE_URL,
        client_id,
        secret,
        httpx.WSGITransport(app=app),
        stop=emulator_of(app).close,
    )


def _start_cli() -> tuple[str, Callable[[], None]]:
    """Start `zuora-mock --port 0` and read the URL it prints; the returned function stops it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ZUORA_MOCK_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "zuora_mock", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: lines.put(proc.stdout.readline() if proc.stdout else ""), daemon=True
    ).start()
    try:
        line = lines.get(timeout=CLI_START_TIMEOUT)
    except queue.Empty:
        stop()
        raise RuntimeError(f"zuora-mock did not report its URL within {CLI_START_TIMEOUT}s") from None
    match = re.search(r"listening on (http://\S+)", line)
    if match is None:
        stop()
        raise RuntimeError(f"zuora-mock did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return match.group(1), stop


def _leave_running() -> None:
    """A server given by URL belongs to whoever started it: the suite does not stop it."""


def _server(config: pytest.Config) -> Target:
    url = config.getoption("--server-url", default=None) or os.environ.get(SERVER_URL_ENV)
    stop: Callable[[], None] = _leave_running
    if not url:
        url, stop = _start_cli()
    client_id, secret = _fresh_client()
    # A server started with --strict-clients only knows its fixture clients: name one of them.
    client_id = os.environ.get(CLIENT_ID_ENV) or client_id
    secret = os.environ.get(CLIENT_SECRET_ENV) or secret
    return Target("server", url.rstrip("/"), client_id, secret, stop=stop)


def _tenant(config: pytest.Config) -> Target:
    missing = [name for name in TENANT_ENV if not os.environ.get(name)]
    if missing:
        pytest.skip(MSG_NO_TENANT.format(missing=", ".join(missing)))
    base, client_id, secret = (os.environ[name] for name in TENANT_ENV)
    record = config.getoption("--record", default=None)
    if not record:
        return Target("tenant", base.rstrip("/"), client_id, secret)
    from zuora_mock.recorder import RecordingProxy

    proxy = RecordingProxy(base, record, tenant_kind=os.environ.get(TENANT_KIND_ENV)).start()
    return Target("tenant", proxy.url, client_id, secret, stop=proxy.stop, recorder=proxy)


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    name = request.param
    built = (
        _inprocess()
        if name == "inprocess"
        else _server(request.config)
        if name == "server"
        else _tenant(request.config)
    )
    try:
        yield built
    finally:
        built.stop()


@pytest.fixture(autouse=True)
def _fidelity_scope(request: pytest.FixtureRequest) -> None:
    """Skip emulator-only expectations against a real tenant."""
    if "target" not in request.fixturenames:
        return
    target: Target = request.getfixturevalue("target")
    if not target.is_emulator and request.node.get_closest_marker("emulator_only"):
        pytest.skip(MSG_EMULATOR_ONLY)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, for the outcome written into the test's cassette."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


def _outcome(item: pytest.Item) -> str:
    reports = item.stash.get(REPORTS, {})
    setup, call = reports.get("setup"), reports.get("call")
    if setup is not None and not setup.passed:
        return "error" if setup.failed else "skipped"
    return call.outcome if call is not None else "error"


@pytest.fixture(autouse=True)
def _cassette_per_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """With --record: the test's exchanges (its fixtures' clean-up included) go to a cassette of its own."""
    target: Target | None = request.getfixturevalue("target") if "target" in request.fixturenames else None
    if target is None or target.recorder is None:
        yield
        return
    node = request.node
    marker = next((m.name for m in node.iter_markers() if m.name in FIDELITY_MARKERS), None)
    target.recorder.begin_cassette(node.nodeid, {"test": node.nodeid, "marker": marker})
    yield
    target.recorder.end_cassette(_outcome(node))


@pytest.fixture(scope="session")
def api(target: Target) -> Iterator[ZuoraClient]:
    """The suite's client for the target (one token per session, refreshed as needed)."""
    client = target.client()
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def raw(target: Target) -> Iterator[httpx.Client]:
    with target.raw() as client:
        yield client


@pytest.fixture
def bearer(api: ZuoraClient) -> dict[str, str]:
    """Authorization header for raw requests."""
    if api.auth.needs_token():
        api.token()
    return {"Authorization": f"Bearer {api.auth.access_token}"}


def unique_name(prefix: str = "ContractVehicle") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


# -- factories that clean up after themselves ----------------------------------------------------------------


def purge_definition(api: ZuoraClient, name: str) -> None:
    """Delete every record of a definition this suite created, then the definition; missing ones are fine."""
    try:
        while True:
            page = api.list_records(name, page_size=1000)
            ids = [record["Id"] for record in page.get("records", [])]
            if not ids:
                break
            api.batch_delete(name, ids)
        api.delete_definition(name)
    except ZuoraAPIError as err:
        if err.status != 404:
            raise


@pytest.fixture
def make_definition(api: ZuoraClient) -> Iterator[Callable[..., str]]:
    """Create a uniquely named definition (Vehicle-like by default); it and its records go after the test."""
    created: list[str] = []

    def factory(properties: dict[str, Any] | None = None, **extra: Any) -> str:
        name = extra.pop("name", None) or unique_name()
        definition = {"object": name, "label": name, "properties": properties or VEHICLE_PROPERTIES, **extra}
        created.append(name)
        api.create_definitions({name: definition})
        return name

    yield factory
    for name in reversed(created):
        purge_definition(api, name)


@pytest.fixture
def make_records(api: ZuoraClient) -> Callable[..., list[dict[str, Any]]]:
    """Create records (all or nothing) and return them as Zuora returned them."""

    def factory(object_name: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return api.create_records(object_name, records)["records"]

    return factory
