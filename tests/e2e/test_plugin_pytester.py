"""The pytest plugin as a user sees it: a separate project that only uses the zuora_mock_* fixtures."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest_plugins = ["pytester"]

USER_CONFTEST = """
import pytest


@pytest.fixture(scope="session")
def zuora_mock_config():
    return {"bulk_progression": "immediate"}
"""

USER_TESTS = """
import httpx


def test_token_with_the_credentials(zuora_mock_server, zuora_mock_credentials):
    assert zuora_mock_credentials.base_url == zuora_mock_server.url
    assert zuora_mock_server.url.startswith("http://127.0.0.1:")
    form = {"client_id": zuora_mock_credentials.client_id,
            "client_secret": zuora_mock_credentials.client_secret,
            "grant_type": "client_credentials"}
    response = httpx.post(zuora_mock_server.url + "/oauth/token", data=form)
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


def test_the_client_creates_a_definition_and_records(zuora_mock_client):
    zuora_mock_client.create_definitions(
        {"Parcel": {"object": "Parcel", "label": "Parcel",
                    "properties": {"Tracking__c": {"type": "string", "label": "Tracking"}}}})
    created = zuora_mock_client.create_records("Parcel", [{"Tracking__c": "T-1"}, {"Tracking__c": "T-2"}])
    assert [r["Tracking__c"] for r in created["records"]] == ["T-1", "T-2"]
    assert zuora_mock_client.batch_delete("Parcel", [created["records"][0]["Id"]]) == {}
    assert len(zuora_mock_client.list_records("Parcel")["records"]) == 1


def test_state_survives_between_tests_until_reset(zuora_mock_client):
    assert "Parcel" in zuora_mock_client.list_definitions()["definitions"]


def test_reset_gives_the_fixture_state(zuora_mock_reset, zuora_mock_client):
    assert "Parcel" not in zuora_mock_client.list_definitions()["definitions"]


def test_mass_action_with_the_configured_progression(zuora_mock_client):
    key = zuora_mock_client.create_mass_action(
        "DeleteRevenueSchedule", b"Revenue Schedule Number\\nRS-NOPE-1\\n")["bulkKey"]
    assert zuora_mock_client.get_mass_action(key)["status"] == "Completed"
"""

MODULE_SCOPED = """
def test_fresh_server_per_module(zuora_mock_server):
    assert "SEEN" not in zuora_mock_server.app.config
    zuora_mock_server.app.config["SEEN"] = True
"""


def test_a_user_project_runs_against_the_emulator_with_only_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(USER_CONFTEST)
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error", "-v")
    result.assert_outcomes(passed=5)


def test_module_scope_starts_one_server_per_module(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nzuora_mock_scope = module\n")
    pytester.makepyfile(test_a=MODULE_SCOPED, test_b=MODULE_SCOPED)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_session_scope_shares_one_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_a=MODULE_SCOPED, test_b=MODULE_SCOPED)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)


def test_a_bad_scope_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nzuora_mock_scope = forever\n")
    pytester.makepyfile(test_a=MODULE_SCOPED)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.re_match_lines([r".*zuora_mock_scope must be one of .*forever.*"])


def test_the_plugin_is_registered_and_imports_no_flask() -> None:
    code = (
        "import sys, importlib.metadata as m; "
        "eps = [e for e in m.entry_points(group='pytest11') if e.name == 'zuora_mock']; "
        "eps[0].load(); print(eps[0].value, 'flask' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["zuora_mock.pytest_plugin", "False"]
