"""pytest fixtures that run the emulator for a user's own test suite, as moto's fixtures do for AWS.

Registered through the ``pytest11`` entry point, so installing zuora-mock is enough. Nothing is autouse and
every name starts with ``zuora_mock_``; Flask and the emulator are imported only when a fixture is first used.

- ``zuora_mock_config``: settings overrides for the emulator (override it in your conftest.py).
- ``zuora_mock_server``: a real threaded server on 127.0.0.1 and a free port (``.url``, ``.reset()``,
  ``.app``); session-scoped by default, or per module with the ini option ``zuora_mock_scope = module``.
- ``zuora_mock_credentials``: the OAuth client of the first fixture tenant and the server URL.
- ``zuora_mock_reset``: resets every tenant to the fixture state before the test that requests it, or loads
  the snapshot named by the test's ``@pytest.mark.zuora_mock_state("path/to/state.json")`` marker.
- ``zuora_mock_client``: a ready ``zuora_mock.client.ZuoraClient`` for the server, closed after the test.
- ``zuora_mock``: a ``zuora_mock.mock_admin.MockAdmin`` for the server's /_mock/ API (journal, faults, reset,
  clock, mass actions); the fault rules it added are removed after the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import pytest

if TYPE_CHECKING:
    from zuora_mock.backend.emulator import Emulator
    from zuora_mock.client import ZuoraClient
    from zuora_mock.mock_admin import MockAdmin

SCOPE_INI = "zuora_mock_scope"
ScopeName = Literal["session", "package", "module", "class", "function"]
SCOPES: tuple[ScopeName, ...] = get_args(ScopeName)
STATE_MARKER = "zuora_mock_state"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(SCOPE_INI, "scope of the zuora_mock_server fixture (default: session)", default="session")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{STATE_MARKER}(path): zuora_mock_reset loads this state snapshot")


def _server_scope(fixture_name: str, config: pytest.Config) -> ScopeName:
    """Dynamic scope: users pick how often a fresh emulator starts."""
    scope = str(config.getini(SCOPE_INI) or "session").strip()
    for known in SCOPES:
        if scope == known:
            return known
    raise pytest.UsageError(f"{SCOPE_INI} must be one of {', '.join(SCOPES)}, got {scope!r}")


@dataclass(frozen=True)
class Credentials:
    """Where the emulator listens and the OAuth client that authenticates against it."""

    base_url: str
    client_id: str
    client_secret: str
    tenant: str


class RunningEmulator:
    """A started emulator: its URL, its app and a reset that re-seeds every tenant."""

    def __init__(self, config: dict[str, Any]) -> None:
        from zuora_mock.app import create_app
        from zuora_mock.server import BackgroundServer

        self.app = create_app(config)
        self.admin_token: str | None = config.get("admin_token")
        self._server = BackgroundServer(self.app).start()
        self.url: str = self._server.url

    @property
    def emulator(self) -> Emulator:
        """The Emulator behind the server (settings, clock, tenants)."""
        from zuora_mock.app import emulator_of

        return emulator_of(self.app)

    def credentials(self) -> Credentials:
        spec = self.emulator.fixtures.tenants[0]
        client = spec.clients[0]
        return Credentials(self.url, client.client_id, client.client_secret, spec.name)

    def reset(self) -> None:
        """Back to the fixture state; issued tokens stay valid."""
        self.emulator.registry.reset()

    def load_state(self, source: str | Path | dict[str, Any]) -> None:
        """Replace the state with a snapshot: a file written by GET /_mock/state or zuora-mock export, or its
        parsed document; a bad one raises and changes nothing."""
        from zuora_mock.backend.state import load_state
        from zuora_mock.backend.state.files import load_state_file

        emulator = self.emulator
        if isinstance(source, dict):
            load_state(emulator.registry, emulator.clock, source)
        else:
            load_state_file(emulator.registry, emulator.clock, source)

    def stop(self) -> None:
        self._server.stop()


@pytest.fixture(scope="session")
def zuora_mock_config() -> dict[str, Any]:
    """Settings overrides for the emulator (see zuora_mock.core.settings.Settings); override to change."""
    return {}


@pytest.fixture(scope=_server_scope)
def zuora_mock_server(zuora_mock_config: dict[str, Any]) -> Iterator[RunningEmulator]:
    """A real emulator on 127.0.0.1 and a free port, stopped when its scope ends."""
    running = RunningEmulator(dict(zuora_mock_config))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def zuora_mock_credentials(zuora_mock_server: RunningEmulator) -> Credentials:
    return zuora_mock_server.credentials()


@pytest.fixture
def zuora_mock_reset(request: pytest.FixtureRequest, zuora_mock_server: RunningEmulator) -> RunningEmulator:
    """Request it (or usefixtures it) to start the test from the fixture state, or from the snapshot file of
    its zuora_mock_state marker (a relative path is taken from the test file's directory)."""
    zuora_mock_server.reset()
    marker = request.node.get_closest_marker(STATE_MARKER)
    if marker is not None:
        path = Path(marker.args[0])
        if not path.is_absolute():
            path = Path(request.node.path).parent / path
        zuora_mock_server.load_state(path)
    return zuora_mock_server


@pytest.fixture
def zuora_mock_client(zuora_mock_credentials: Credentials) -> Iterator[ZuoraClient]:
    from zuora_mock.client import ZuoraClient

    client = ZuoraClient(
        zuora_mock_credentials.base_url,
        zuora_mock_credentials.client_id,
        zuora_mock_credentials.client_secret,
    )
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def zuora_mock(zuora_mock_server: RunningEmulator) -> Iterator[MockAdmin]:
    """The emulator's /_mock/ API: requests(), assert_requested(), fault(), reset(), advance_clock(), ..."""
    from zuora_mock.mock_admin import MockAdmin

    admin = MockAdmin(zuora_mock_server.url, admin_token=zuora_mock_server.admin_token)
    try:
        yield admin
    finally:
        admin.remove_added_faults()
        admin.close()
