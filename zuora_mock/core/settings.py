"""Every setting of the emulator in one frozen, typed dataclass: name, type, default, variable, meaning."""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

ENV_PREFIX = "ZUORA_MOCK_"
# ZUORA_MOCK_* variables the project reads outside Settings (test suites, tools): known, never warned about.
OTHER_VARIABLES = frozenset(
    {
        "ZUORA_MOCK_URL",  # the pytest plugin and the test suites: an emulator already running
        "ZUORA_MOCK_REGEN_CORPUS",  # tests/api/test_wire_corpus.py: rewrite the recorded exchanges
        "ZUORA_MOCK_CONFORMANCE",  # tests/conformance: 0 turns the session-end check against the spec off
        "ZUORA_MOCK_CONFORMANCE_LIMIT",  # how many divergences it prints
        "ZUORA_MOCK_CONFORMANCE_COVERAGE",  # a file it writes the operation x status pairs seen to
        "ZUORA_MOCK_UI_ARTIFACTS",  # tests/ui: where a failed browser test leaves its screenshots
    }
)
MSG_UNKNOWN_VARIABLE = "unknown variable {name}"


class ConfigError(ValueError):
    """A setting has a value the emulator cannot use."""


def _bool(raw: str) -> bool:
    """Parse the usual spellings of a boolean environment variable."""
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _choice(*allowed: str) -> Callable[[str], str]:
    """Build a parser that accepts only the given words."""

    def parse(raw: str) -> str:
        if raw not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {raw!r}")
        return raw

    parse.choices = allowed  # type: ignore[attr-defined]
    return parse


def _optional_str(raw: str) -> str | None:
    """An empty value means "not set", so ZUORA_MOCK_FIXTURES= falls back to the default."""
    return raw or None


def _host(raw: str) -> str:
    """An interface to bind; empty is refused, since the OS would read it as every interface."""
    if not raw.strip():
        raise ValueError(f"expected an IP address or host name (0.0.0.0 for every interface), got {raw!r}")
    return raw


def _base_url(raw: str) -> str | None:
    """An absolute http(s) URL such as https://rest.apisandbox.zuora.com; empty means "not set"."""
    if not raw:
        return None
    if not _absolute_http_url(raw):
        raise ValueError(f"expected an absolute http:// or https:// URL (no query or fragment), got {raw!r}")
    return raw


def _absolute_http_url(raw: str) -> bool:
    """http(s), a host, a valid port, nothing after the path: a prefix generated links can extend."""
    try:
        parts = urlsplit(raw)
        _ = parts.port  # raises on a port that is not a number or out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not (parts.query or parts.fragment)


def _positive_int(raw: str) -> int:
    """A count or a size: 1 or more."""
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"expected a positive integer, got {raw!r}")
    return value


def _non_negative_float(raw: str) -> float:
    """A duration or a rate: finite and not negative."""
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise ValueError(f"expected a number >= 0, got {raw!r}")
    return value


def _positive_float(raw: str) -> float:
    """A duration that must not be zero: finite and above 0."""
    value = _non_negative_float(raw)
    if value == 0:
        raise ValueError(f"expected a number > 0, got {raw!r}")
    return value


def _port(raw: str) -> int:
    """A TCP port; 0 asks the OS for a free one."""
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise ValueError(f"expected a port from 0 to 65535, got {raw!r}")
    return value


def _optional_positive_int(raw: str) -> int | None:
    """A limit that may be left to the quota profile: empty means "from the profile"."""
    return _positive_int(raw) if raw else None


def _optional_non_negative_int(raw: str) -> int | None:
    """A limit where 0 turns the check off and empty means "from the profile"."""
    if not raw:
        return None
    return 0 if raw.strip() == "0" else _positive_int(raw)


def _optional_int(raw: str) -> int | None:
    """Any integer, or empty for "not set"."""
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"expected an integer, got {raw!r}") from None


def _non_negative_int(raw: str) -> int:
    """A count where 0 means "none" (journal_size 0 turns the journal off)."""
    return 0 if raw.strip() == "0" else _positive_int(raw)


def _latency(raw: str) -> str | None:
    """`MIN-MAX` or `MS` milliseconds added to every Zuora response; empty for none."""
    if not raw:
        return None
    parse_latency(raw)
    return raw


def parse_latency(raw: str) -> tuple[float, float]:
    """The (low, high) milliseconds of a latency setting such as `20-80` or `50`."""
    low, _, high = raw.partition("-")
    try:
        bounds = (float(low), float(high or low))
    except ValueError:
        bounds = (-1.0, -1.0)
    if not 0 <= bounds[0] <= bounds[1] < 3_600_000:
        raise ValueError(f"expected milliseconds as MS or MIN-MAX, got {raw!r}")
    return bounds


# Zuora's documented quotas per tenant type (docs/zuora-api.md 1.5); `default` is production's figures without
# the per-IP token limit, because every CI job on one machine comes from 127.0.0.1.
_AUTH = {"auth_rate_limit_minute": 2000}
_UNLIMITED = 10**12
QUOTA_PROFILES: dict[str, dict[str, int]] = {
    "default": {
        "rate_limit_minute": 50000,
        "rate_limit_hour": 2250000,
        "rate_limit_day": 27000000,
        **_AUTH,
        "auth_ip_rate_limit_minute": 0,
    },
    "production": {
        "rate_limit_minute": 50000,
        "rate_limit_hour": 2250000,
        "rate_limit_day": 27000000,
        **_AUTH,
        "auth_ip_rate_limit_minute": 100,
    },
    "sandbox": {
        "rate_limit_minute": 2500,
        "rate_limit_hour": 5000,
        "rate_limit_day": 10000,
        **_AUTH,
        "auth_ip_rate_limit_minute": 100,
    },
    "developer-sandbox": {
        "rate_limit_minute": 12500,
        "rate_limit_hour": 25000,
        "rate_limit_day": 50000,
        **_AUTH,
        "auth_ip_rate_limit_minute": 100,
    },
    "unlimited": {
        "rate_limit_minute": _UNLIMITED,
        "rate_limit_hour": _UNLIMITED,
        "rate_limit_day": _UNLIMITED,
        "auth_rate_limit_minute": _UNLIMITED,
        "auth_ip_rate_limit_minute": 0,
    },
}


def _setting(default: Any, parse: Callable[[str], Any], help: str, shown: str | None = None) -> Any:
    """A dataclass field that carries its parser and its documentation."""
    return dataclasses.field(default=default, metadata={"parse": parse, "help": help, "shown": shown})


@dataclass(frozen=True, slots=True)
class Settings:
    """The settings in force for one emulator; built once by load_settings, never changed."""

    host: str = _setting(
        "127.0.0.1", _host, "Interface the CLI server binds (the Docker image uses 0.0.0.0)."
    )
    port: int = _setting(8080, _port, "TCP port of the CLI server; 0 picks a free port.")
    fixtures: str | None = _setting(
        None,
        _optional_str,
        "Directory of fixture files; default: the bundled demo fixtures.",
        "(bundled demo)",
    )
    state: str | None = _setting(
        None,
        _optional_str,
        "State snapshot file (a GET /_mock/state document) loaded at start-up over the fixture state.",
        "(none)",
    )
    data_dir: str | None = _setting(
        None,
        _optional_str,
        "Directory of an SQLite database that keeps the state across restarts (docs/state.md); "
        "default: memory only.",
        "(memory only)",
    )
    base_url: str | None = _setting(
        None,
        _base_url,
        "Public base URL used in generated links (outputURL); default: the URL the request came in on.",
        "(request URL)",
    )
    strict_clients: bool = _setting(
        False,
        _bool,
        "Accept only the OAuth clients declared in the fixtures; otherwise an unknown client id gets a "
        "fresh tenant seeded from the fixtures.",
    )
    token_ttl: int = _setting(3599, _positive_int, "Lifetime of access tokens in seconds (expires_in).")
    v1_error_status: str = _setting(
        "200",
        _choice("200", "4xx"),
        "HTTP status of v1 business errors: 200 with success:false (classic Zuora) or the 4xx the spec "
        "declares.",
    )
    max_body_bytes: int = _setting(8 * 1024 * 1024, _positive_int, "Largest request body accepted, in bytes.")
    max_decompressed_bytes: int = _setting(
        8 * 1024 * 1024,
        _positive_int,
        "Largest size a gzip request body may inflate to, in bytes (gzip-bomb guard).",
    )
    idempotency_ttl: int = _setting(
        86400, _positive_int, "Seconds an Idempotency-Key and its response are kept."
    )
    idempotency_max_bytes: int = _setting(
        64 * 1024 * 1024,
        _positive_int,
        "Memory budget of one tenant's answered Idempotency-Keys in bytes; past it the oldest are forgotten.",
    )
    quota_profile: str = _setting(
        "default",
        _choice(*QUOTA_PROFILES),
        "Rate quotas to emulate: default (production's figures, no per-IP token limit), production, sandbox "
        "(API Sandbox), developer-sandbox or unlimited; the limit settings below override the profile.",
    )
    rate_limit_minute: int | None = _setting(
        None, _optional_positive_int, "API requests per tenant per minute before 429.", "(profile)"
    )
    rate_limit_hour: int | None = _setting(
        None, _optional_positive_int, "API requests per tenant per hour before 429.", "(profile)"
    )
    rate_limit_day: int | None = _setting(
        None, _optional_positive_int, "API requests per tenant per day before 429.", "(profile)"
    )
    auth_rate_limit_minute: int | None = _setting(
        None, _optional_positive_int, "Token requests per tenant per minute before 429.", "(profile)"
    )
    auth_ip_rate_limit_minute: int | None = _setting(
        None,
        _optional_non_negative_int,
        "Token requests per client IP address per minute before 429 (0 = off).",
        "(profile)",
    )
    concurrency_limit: int = _setting(40, _positive_int, "Concurrent /v1 requests per tenant before 429.")
    bulk_progression: str = _setting(
        "time",
        _choice("immediate", "time", "manual"),
        "How mass actions advance: immediate (done at upload), time (background, delay + rate), "
        "manual (only through POST /_mock/bulk/{key}/advance).",
    )
    bulk_start_delay: float = _setting(
        0.2, _non_negative_float, "time progression: seconds a mass action stays Pending before Processing."
    )
    bulk_rows_per_second: float = _setting(
        50.0, _non_negative_float, "time progression: rows processed per second (0 = as fast as possible)."
    )
    bulk_max_file_bytes: int = _setting(
        4 * 1024 * 1024, _positive_int, "Largest mass action file accepted, in bytes."
    )
    bulk_file_retention: float = _setting(
        7 * 86400.0,
        _positive_float,
        "Seconds a finished mass action's result file stays downloadable, from its end (Zuora's 7 days for "
        "generated files); then it answers 404 like an expired file.",
    )
    bulk_max_jobs: int = _setting(
        1000,
        _positive_int,
        "Finished mass actions kept per entity; past it the oldest are dropped with their result files.",
    )
    spill_bytes: int = _setting(
        64 * 1024,
        _positive_int,
        "Mass action uploads and result files larger than this wait in a temporary directory, not in memory.",
    )
    max_on_the_fly_tenants: int = _setting(
        100,
        _positive_int,
        "Tenants made for unknown client ids (non-strict mode) before a token request for a new one is "
        "refused; POST /_mock/reset removes them.",
    )
    log_requests: bool = _setting(False, _bool, "Log one line per request to stderr (the CLI server).")
    log_format: str = _setting(
        "text",
        _choice("text", "json"),
        "Format of the request log: text (one access-log line) or json (one JSON object per line, for log "
        "collectors).",
    )
    server_threads: int = _setting(
        48,
        _positive_int,
        "Threads that run requests, at most (one process; a thread starts when a request finds none idle); "
        "requests beyond it wait their turn. Keep it above concurrency_limit, or the concurrency 429 can "
        "never happen.",
    )
    connection_limit: int = _setting(
        1000,
        _positive_int,
        "Open client connections the server keeps at once (lowered to fit the file-descriptor limit); "
        "beyond it new connections wait in the listen queue.",
    )
    read_timeout: float = _setting(
        30.0,
        _positive_float,
        "Seconds a client has to send a whole request (headers and body) once it began; slower ones are "
        "disconnected.",
    )
    idle_timeout: float = _setting(
        60.0,
        _positive_float,
        "Seconds a keep-alive connection may stay idle between requests before it closes.",
    )
    journal_size: int = _setting(
        1000, _non_negative_int, "Requests kept in the request journal (GET /_mock/requests); 0 turns it off."
    )
    journal_body_bytes: int = _setting(
        4096, _positive_int, "Bytes of each request and response body the journal keeps (the rest is cut)."
    )
    journal_max_bytes: int = _setting(
        16 * 1024 * 1024,
        _positive_int,
        "Memory budget of the journal in bytes; the oldest entries go first when it is exceeded.",
    )
    faults: str | None = _setting(
        None,
        _optional_str,
        "JSON file of fault rules (a list of POST /_mock/faults bodies) loaded at start-up.",
    )
    fault_seed: int | None = _setting(
        None,
        _optional_int,
        "Seed of the coin that fault rules with a probability below 1 toss, so a run can be replayed.",
        "(random)",
    )
    latency: str | None = _setting(
        None, _latency, "Delay added to every Zuora response, in ms: MS or MIN-MAX (e.g. 20-80).", "(none)"
    )
    admin_token: str | None = _setting(
        None,
        _optional_str,
        "Token /_mock/ requires (Authorization: Bearer or X-Mock-Admin-Token); default: /_mock/ is open.",
        "(none)",
    )

    def limit(self, name: str) -> int:
        """One of the numeric limits by name: the explicit setting, else the quota profile's figure."""
        value = getattr(self, name)
        if value is None:
            value = QUOTA_PROFILES[self.quota_profile].get(name)
        assert isinstance(value, int)
        return value


@dataclass(frozen=True)
class Setting:
    """One documented setting, read off a field of Settings."""

    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str
    shown: str | None = None

    @property
    def env(self) -> str:
        """The environment variable that sets it."""
        return ENV_PREFIX + self.name.upper()

    @property
    def flag(self) -> str:
        """The command-line flag that sets it."""
        return "--" + self.name.replace("_", "-")

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The allowed words of a choice setting, else None."""
        return getattr(self.parse, "choices", None)


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.default, f.metadata["parse"], f.metadata["help"], f.metadata["shown"])
    for f in dataclasses.fields(Settings)
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Layer defaults, then ZUORA_MOCK_* environment variables, then explicit overrides."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None:
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.env}: {exc}") from None
    for name, value in (overrides or {}).items():
        known = _BY_NAME.get(name)
        if known is None:
            raise ConfigError(f"unknown setting {name!r}")
        if isinstance(value, str) and known.parse is not str:
            try:
                value = known.parse(value)
            except ValueError as exc:
                raise ConfigError(f"{name}: {exc}") from None
        if value is not None:
            values[name] = value
    return Settings(**values)


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning per ZUORA_MOCK_* variable nothing reads, naming the closest known one, so typos show."""
    environ = os.environ if environ is None else environ
    known = {setting.env for setting in SETTINGS} | OTHER_VARIABLES
    suffixes = sorted(name.removeprefix(ENV_PREFIX) for name in known)
    warnings = []
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX) or name in known:
            continue
        message = MSG_UNKNOWN_VARIABLE.format(name=name)
        close = difflib.get_close_matches(name.removeprefix(ENV_PREFIX), suffixes, n=1, cutoff=0.6)
        warnings.append(f"{message} (did you mean {ENV_PREFIX}{close[0]}?)" if close else message)
    return warnings


def settings_table() -> str:
    """Render the settings as the Markdown table the README carries."""
    lines = ["| Setting | Default | Environment variable | Meaning |", "|---|---|---|---|"]
    for setting in SETTINGS:
        default = setting.shown or setting.default
        lines.append(f"| `{setting.name}` | `{default}` | `{setting.env}` | {setting.help} |")
    return "\n".join(lines)
