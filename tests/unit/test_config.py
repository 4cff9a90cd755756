"""Settings: defaults, then ZUORA_MOCK_* variables, then explicit overrides; every setting documented once."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from zuora_mock.core.settings import (
    ENV_PREFIX,
    SETTINGS,
    ConfigError,
    load_settings,
    settings_table,
    unknown_variables,
)

pytestmark = pytest.mark.emulator_only

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_without_environment_or_overrides() -> None:
    config = load_settings({}, {})
    assert dataclasses.asdict(config) == {setting.name: setting.default for setting in SETTINGS}
    assert (config.host, config.port, config.fixtures) == ("127.0.0.1", 8080, None)


@pytest.mark.parametrize(
    ("env", "overrides", "name", "expected"),
    [
        ({"ZUORA_MOCK_PORT": "9090"}, {}, "port", 9090),
        ({"ZUORA_MOCK_PORT": "9090"}, {"port": 0}, "port", 0),
        ({"ZUORA_MOCK_PORT": "9090"}, {"port": "7070"}, "port", 7070),
        ({"ZUORA_MOCK_HOST": "0.0.0.0"}, {}, "host", "0.0.0.0"),
        ({"ZUORA_MOCK_STRICT_CLIENTS": "yes"}, {}, "strict_clients", True),
        ({"ZUORA_MOCK_STRICT_CLIENTS": "Off"}, {}, "strict_clients", False),
        ({"ZUORA_MOCK_STRICT_CLIENTS": "1"}, {"strict_clients": False}, "strict_clients", False),
        ({"ZUORA_MOCK_V1_ERROR_STATUS": "4xx"}, {}, "v1_error_status", "4xx"),
        ({"ZUORA_MOCK_BULK_START_DELAY": "0"}, {}, "bulk_start_delay", 0.0),
        ({"ZUORA_MOCK_BULK_ROWS_PER_SECOND": "2.5"}, {}, "bulk_rows_per_second", 2.5),
        ({"ZUORA_MOCK_FIXTURES": "/data/fixtures"}, {}, "fixtures", "/data/fixtures"),
        ({"ZUORA_MOCK_FIXTURES": ""}, {}, "fixtures", None),
        ({"ZUORA_MOCK_TOKEN_TTL": "60"}, {"token_ttl": "120"}, "token_ttl", 120),
        ({"OTHER_PORT": "1"}, {}, "port", 8080),
        (
            {"ZUORA_MOCK_BASE_URL": "https://rest.apisandbox.zuora.com/"},
            {},
            "base_url",
            "https://rest.apisandbox.zuora.com/",
        ),
        ({"ZUORA_MOCK_BASE_URL": ""}, {}, "base_url", None),
        ({"ZUORA_MOCK_LOG_FORMAT": "json"}, {}, "log_format", "json"),
    ],
)
def test_layering(env: dict[str, str], overrides: dict[str, Any], name: str, expected: Any) -> None:
    assert getattr(load_settings(overrides, env), name) == expected


@pytest.mark.parametrize(
    ("env", "overrides", "message"),
    [
        ({"ZUORA_MOCK_PORT": "http"}, {}, "ZUORA_MOCK_PORT: expected a port from 0 to 65535, got 'http'"),
        ({"ZUORA_MOCK_PORT": "65536"}, {}, "ZUORA_MOCK_PORT: expected a port from 0 to 65535, got '65536'"),
        ({"ZUORA_MOCK_TOKEN_TTL": "0"}, {}, "ZUORA_MOCK_TOKEN_TTL: expected a positive integer, got '0'"),
        ({"ZUORA_MOCK_TOKEN_TTL": "1h"}, {}, "ZUORA_MOCK_TOKEN_TTL: expected a positive integer, got '1h'"),
        (
            {"ZUORA_MOCK_BULK_START_DELAY": "-1"},
            {},
            "ZUORA_MOCK_BULK_START_DELAY: expected a number >= 0, got '-1'",
        ),
        (
            {"ZUORA_MOCK_BULK_START_DELAY": "nan"},
            {},
            "ZUORA_MOCK_BULK_START_DELAY: expected a number >= 0, got 'nan'",
        ),
        (
            {"ZUORA_MOCK_BULK_START_DELAY": "inf"},
            {},
            "ZUORA_MOCK_BULK_START_DELAY: expected a number >= 0, got 'inf'",
        ),
        (
            {"ZUORA_MOCK_LOG_REQUESTS": "maybe"},
            {},
            "ZUORA_MOCK_LOG_REQUESTS: expected true or false, got 'maybe'",
        ),
        (
            {"ZUORA_MOCK_BULK_PROGRESSION": "fast"},
            {},
            "ZUORA_MOCK_BULK_PROGRESSION: expected one of immediate, time, manual, got 'fast'",
        ),
        ({}, {"colour": "red"}, "unknown setting 'colour'"),
        (
            {"ZUORA_MOCK_HOST": " "},
            {},
            "ZUORA_MOCK_HOST: expected an IP address or host name (0.0.0.0 for every interface), got ' '",
        ),
        (
            {},
            {"base_url": "https://h/?x=1"},
            "base_url: expected an absolute http:// or https:// URL (no query or fragment), got 'https://h/?x=1'",
        ),
        (
            {"ZUORA_MOCK_BASE_URL": "http://h:99999"},
            {},
            (
                "ZUORA_MOCK_BASE_URL: expected an absolute http:// or https:// URL (no query or fragment), "
                "got 'http://h:99999'"
            ),
        ),
        (
            {"ZUORA_MOCK_LOG_FORMAT": "yaml"},
            {},
            "ZUORA_MOCK_LOG_FORMAT: expected one of text, json, got 'yaml'",
        ),
        ({}, {"v1_error_status": "500"}, "v1_error_status: expected one of 200, 4xx, got '500'"),
    ],
)
def test_bad_values_name_the_variable_or_setting(
    env: dict[str, str], overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(overrides, env)
    assert str(caught.value) == message


def test_every_setting_is_documented_once() -> None:
    names = [setting.name for setting in SETTINGS]
    assert len(names) == len(set(names))
    for setting in SETTINGS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", setting.name)
        assert setting.env == ENV_PREFIX + setting.name.upper()
        assert setting.help.endswith(".") and len(setting.help) > 20


def test_every_default_parses_from_its_own_text() -> None:
    """A default written into an environment variable means the same thing."""
    for setting in SETTINGS:
        if setting.default is None:
            continue
        text = str(setting.default).lower() if isinstance(setting.default, bool) else str(setting.default)
        assert setting.parse(text) == setting.default, setting.name


def test_readme_configuration_table_is_the_generated_one() -> None:
    """The README carries settings_table() verbatim, so the documentation cannot drift from the code."""
    assert settings_table() in README.read_text()


def test_settings_table_has_one_row_per_setting() -> None:
    rows = settings_table().splitlines()[2:]
    assert [row.split("|")[1].strip().strip("`") for row in rows] == [s.name for s in SETTINGS]


@pytest.mark.parametrize(
    ("env", "warnings"),
    [
        ({"ZUORA_MOCK_PORT": "1", "ZUORA_MOCK_URL": "http://x", "PATH": "/bin"}, []),
        (
            {"ZUORA_MOCK_TOKEN_TL": "1"},
            ["unknown variable ZUORA_MOCK_TOKEN_TL (did you mean ZUORA_MOCK_TOKEN_TTL?)"],
        ),
        (
            {"ZUORA_MOCK_LOG_REQUEST": "1", "ZUORA_MOCK_XYZZY": "1"},
            [
                "unknown variable ZUORA_MOCK_LOG_REQUEST (did you mean ZUORA_MOCK_LOG_REQUESTS?)",
                "unknown variable ZUORA_MOCK_XYZZY",
            ],
        ),
        ({"ZUORA_MOCK_REGEN_CORPUS": "1", "ZUORA_MOCK_CONFORMANCE": "0", "ZUORA_MOCK_UI_ARTIFACTS": "a"}, []),
    ],
)
def test_unknown_variables_name_the_closest_known_one(env: dict[str, str], warnings: list[str]) -> None:
    assert unknown_variables(env) == warnings


def test_every_variable_the_repository_mentions_is_known() -> None:
    """A ZUORA_MOCK_* name in the code, tests or docs is a setting or one of the project's own variables."""
    root = README.parent
    mentioned: set[str] = set()
    for folder in ("zuora_mock", "tests", "docs", "bench"):
        for path in (root / folder).rglob("*"):
            if path.suffix in (".py", ".md") and path.is_file():
                mentioned.update(
                    re.findall(r"ZUORA_MOCK_[A-Z0-9_]*[A-Z0-9]", path.read_text(errors="replace"))
                )
    mentioned.update(re.findall(r"ZUORA_MOCK_[A-Z0-9_]*[A-Z0-9]", README.read_text()))
    typos = {"ZUORA_MOCK_TOKEN_TL", "ZUORA_MOCK_LOG_REQUEST", "ZUORA_MOCK_XYZZY"}
    unknown = unknown_variables(dict.fromkeys(mentioned - typos, ""))
    assert unknown == [], "add the project's own variables to OTHER_VARIABLES in zuora_mock/core/settings.py"
