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


def is_number(value: object) -> bool:
    """A JSON number (not a string, not a boolean)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@pytest.mark.unverified
def test_an_account_summary_sends_its_amounts_as_numbers(api: ZuoraClient) -> None:
    """Zuora's example and a captured sandbox summary send numbers where the SDK types strings."""
    payments = api.list_payments(page_size=1)["payments"]
    if not payments:
        pytest.skip("the tenant has no payment, hence no account to summarise")
    summary = api.get_account_summary(payments[0]["accountId"])
    assert summary["success"] is True
    assert is_number(summary["basicInfo"]["balance"])
    assert all(is_number(invoice["balance"]) for invoice in summary["invoices"])
    paid = [i for payment in summary["payments"] for i in payment.get("paidInvoices", [])]
    applied = [invoice["appliedPaymentAmount"] for invoice in paid]
    assert all(is_number(amount) for amount in applied)


@pytest.mark.unverified
def test_custom_exchange_rates_are_an_object_keyed_by_date(api: ZuoraClient) -> None:
    """Zuora's example: `rates` maps each date to its `providerExchangeRateDate` and the currencies' rates."""
    body = api.get_custom_exchange_rates("USD", "2025-11-01", "2025-11-30")
    assert body["success"] is True and isinstance(body["inverse"], bool)
    assert isinstance(body["rates"], dict)
    for day, rates in body["rates"].items():
        assert rates["providerExchangeRateDate"] == day
        assert all(is_number(rate) for name, rate in rates.items() if name != "providerExchangeRateDate")
