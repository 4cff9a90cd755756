"""Every setting of the emulator, in one table: name, default, environment variable, meaning."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

ENV_PREFIX = "ZUORA_MOCK_"


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

    return parse


def _optional_str(raw: str) -> str | None:
    """An empty value means "not set", so ZUORA_MOCK_FIXTURES= falls back to the default."""
    return raw or None


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"expected a positive integer, got {raw!r}")
    return value


def _non_negative_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise ValueError(f"expected a number >= 0, got {raw!r}")
    return value


def _port(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise ValueError(f"expected a port from 0 to 65535, got {raw!r}")
    return value


@dataclass(frozen=True)
class Setting:
    """One documented setting."""

    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("host", "127.0.0.1", str, "Interface the CLI server binds (the Docker image uses 0.0.0.0)."),
    Setting("port", 8080, _port, "TCP port of the CLI server; 0 picks a free port."),
    Setting("fixtures", None, _optional_str,
            "Directory of fixture files; default: the bundled demo fixtures."),
    Setting("base_url", None, _optional_str,
            "Public base URL used in generated links (outputURL); default: the URL the request came in on."),
    Setting("strict_clients", False, _bool,
            "Accept only the OAuth clients declared in the fixtures; otherwise an unknown client id gets a "
            "fresh tenant seeded from the fixtures."),
    Setting("token_ttl", 3599, _positive_int, "Lifetime of access tokens in seconds (expires_in)."),
    Setting("v1_error_status", "200", _choice("200", "4xx"),
            "HTTP status of v1 business errors: 200 with success:false (classic Zuora) or the 4xx the spec "
            "declares."),
    Setting("max_body_bytes", 8 * 1024 * 1024, _positive_int, "Largest request body accepted, in bytes."),
    Setting("max_decompressed_bytes", 8 * 1024 * 1024, _positive_int,
            "Largest size a gzip request body may inflate to, in bytes (gzip-bomb guard)."),
    Setting("idempotency_ttl", 86400, _positive_int, "Seconds an Idempotency-Key and its response are kept."),
    Setting("rate_limit_minute", 50000, _positive_int, "API requests per tenant per minute before 429."),
    Setting("rate_limit_hour", 2250000, _positive_int, "API requests per tenant per hour before 429."),
    Setting("rate_limit_day", 27000000, _positive_int, "API requests per tenant per day before 429."),
    Setting("auth_rate_limit_minute", 2000, _positive_int,
            "Token requests per tenant per minute before 429."),
    Setting("concurrency_limit", 40, _positive_int, "Concurrent /v1 requests per tenant before 429."),
    Setting("bulk_progression", "time", _choice("immediate", "time", "manual"),
            "How mass actions advance: immediate (done at upload), time (background, delay + rate), "
            "manual (only through POST /_mock/bulk/{key}/advance)."),
    Setting("bulk_start_delay", 0.2, _non_negative_float,
            "time progression: seconds a mass action stays Pending before Processing."),
    Setting("bulk_rows_per_second", 50.0, _non_negative_float,
            "time progression: rows processed per second (0 = as fast as possible)."),
    Setting("bulk_max_file_bytes", 4 * 1024 * 1024, _positive_int,
            "Largest mass action file accepted, in bytes."),
    Setting("log_requests", False, _bool, "Log one line per request to stderr (the CLI server)."),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


def load_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """Layer defaults, then ZUORA_MOCK_* environment variables, then explicit overrides."""
    environ = os.environ if environ is None else environ
    config = {setting.name: setting.default for setting in SETTINGS}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None:
            continue
        try:
            config[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.env}: {exc}") from None
    for name, value in (overrides or {}).items():
        if name not in _BY_NAME:
            raise ConfigError(f"unknown setting {name!r}")
        if value is not None and isinstance(value, str) and _BY_NAME[name].parse is not str:
            try:
                value = _BY_NAME[name].parse(value)
            except ValueError as exc:
                raise ConfigError(f"{name}: {exc}") from None
        config[name] = value
    return config


def settings_table() -> str:
    """Render the settings as the Markdown table the README carries."""
    lines = ["| Setting | Default | Environment variable | Meaning |", "|---|---|---|---|"]
    for setting in SETTINGS:
        default = "(bundled demo)" if setting.name == "fixtures" else setting.default
        default = "(request URL)" if setting.name == "base_url" else default
        lines.append(f"| `{setting.name}` | `{default}` | `{setting.env}` | {setting.help} |")
    return "\n".join(lines)
