"""v1 reads of the billing objects mass actions change, through the thin client (read-only on any tenant)."""

from __future__ import annotations

import pytest

from zuora_mock.client import ZuoraAPIError, ZuoraClient


@pytest.mark.unverified
def test_accounting_codes_list_and_read_by_id(api: ZuoraClient) -> None:
    listed = api.list_accounting_codes(page_size=5)
    assert listed["success"] is True
    codes = listed["accountingCodes"]
    assert codes and {"id", "name", "status", "type"} <= set(codes[0])
    one = api.get_accounting_code(codes[0]["id"])
    assert (one["success"], one["id"], one["name"]) == (True, codes[0]["id"], codes[0]["name"])


@pytest.mark.unverified
def test_payments_list_is_a_v1_page(api: ZuoraClient) -> None:
    listed = api.list_payments(page_size=2)
    assert listed["success"] is True
    assert isinstance(listed["payments"], list) and len(listed["payments"]) <= 2
    for payment in listed["payments"]:
        assert api.get_payment(payment["id"])["number"] == payment["number"]


@pytest.mark.unverified
@pytest.mark.parametrize(
    "path",
    ["/v1/payments/P-NOPE-0000", "/v1/accounts/NOPE-ACCOUNT", "/v1/revenue-schedules/RS-NOPE-0000"],
)
def test_an_unknown_key_is_a_not_found_envelope(api: ZuoraClient, path: str) -> None:
    with pytest.raises(ZuoraAPIError) as caught:
        api.call("GET", path)
    body = caught.value.body
    assert body["success"] is False
    assert str(body["reasons"][0]["code"]).endswith("40")
