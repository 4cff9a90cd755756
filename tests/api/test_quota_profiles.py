"""quota_profile: Zuora's quotas per tenant type, overridden by explicit limits; token quotas per tenant."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.probe import align_clock
from tests.conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, fetch_token
from zuora_mock.core.settings import load_settings

pytestmark = pytest.mark.emulator_only

GOOD = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, "grant_type": "client_credentials"}


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("default", "50000, 50000;w=60, 2250000;w=3600, 27000000;w=86400"),
        ("production", "50000, 50000;w=60, 2250000;w=3600, 27000000;w=86400"),
        ("sandbox", "2500, 2500;w=60, 5000;w=3600, 10000;w=86400"),
        ("developer-sandbox", "12500, 12500;w=60, 25000;w=3600, 50000;w=86400"),
    ],
)
def test_profiles_set_the_rate_limit_header(make_app: Any, profile: str, expected: str) -> None:
    client = make_app(quota_profile=profile).test_client()
    align_clock(client)
    token = fetch_token(client)
    response = client.get("/objects/definitions/default", headers={"Authorization": f"Bearer {token}"})
    assert response.headers["RateLimit-Limit"] == expected


def test_explicit_limits_override_the_profile() -> None:
    settings = load_settings({"quota_profile": "sandbox", "rate_limit_hour": 7}, {})
    assert [settings.limit(name) for name in ("rate_limit_minute", "rate_limit_hour", "rate_limit_day")] == [
        2500,
        7,
        10000,
    ]
    env = load_settings(
        {}, {"ZUORA_MOCK_QUOTA_PROFILE": "developer-sandbox", "ZUORA_MOCK_RATE_LIMIT_DAY": "9"}
    )
    assert (env.limit("rate_limit_minute"), env.limit("rate_limit_day")) == (12500, 9)


def test_default_profile_has_no_per_ip_token_limit() -> None:
    assert load_settings({}, {}).limit("auth_ip_rate_limit_minute") == 0
    for profile in ("production", "sandbox", "developer-sandbox"):
        assert load_settings({"quota_profile": profile}, {}).limit("auth_ip_rate_limit_minute") == 100
    assert (
        load_settings({"quota_profile": "production", "auth_ip_rate_limit_minute": 0}, {}).limit(
            "auth_ip_rate_limit_minute"
        )
        == 0
    )


def test_unlimited_never_refuses(make_app: Any) -> None:
    client = make_app(quota_profile="unlimited").test_client()
    token = fetch_token(client)
    response = client.get("/objects/definitions/default", headers={"Authorization": f"Bearer {token}"})
    assert int(response.headers["RateLimit-Remaining"]) > 10**11


def test_per_ip_token_limit_refuses_past_its_quota(make_app: Any) -> None:
    client = make_app(quota_profile="sandbox", auth_ip_rate_limit_minute=3).test_client()
    align_clock(client)
    statuses = [client.post("/oauth/token", data=GOOD).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # another address is not affected
    other = client.post("/oauth/token", data=GOOD, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_one_clients_flood_leaves_another_clients_first_token_untouched(make_app: Any) -> None:
    """Failed or new-client token requests shared one bucket: 2,000 of them locked every new client out."""
    client = make_app(auth_rate_limit_minute=5).test_client()
    align_clock(client)
    flood = str(uuid.uuid4())
    for _ in range(10):
        client.post("/oauth/token", data={**GOOD, "client_id": flood, "client_secret": ""})
    for _ in range(10):  # bad client ids, and one new tenant after another
        client.post("/oauth/token", data={**GOOD, "client_id": "short"})
        client.post("/oauth/token", data={**GOOD, "client_id": str(uuid.uuid4()), "client_secret": "x"})
    assert (
        client.post("/oauth/token", data={**GOOD, "client_id": flood, "client_secret": "x"}).status_code
        == 429
    )
    newcomer = client.post(
        "/oauth/token", data={**GOOD, "client_id": str(uuid.uuid4()), "client_secret": "n"}
    )
    assert newcomer.status_code == 200
    assert newcomer.headers["X-RateLimit-Remaining-minute"] == "4"
    assert client.post("/oauth/token", data=GOOD).status_code == 200
