"""v1 reads of the billing objects mass actions change: revenue schedules, payments, accounting codes,
accounts and exchange rates."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from zuora_mock.api import billing_bodies as bodies
from zuora_mock.api.commands import parse_v1_page
from zuora_mock.api.context import context
from zuora_mock.api.families import V1_PREFIX
from zuora_mock.api.responses import json_response
from zuora_mock.backend.commands import PageRequest

if TYPE_CHECKING:
    from zuora_mock.backend.massactions.reads import BillingReader

bp = Blueprint("billing", __name__, url_prefix=V1_PREFIX)
PAYMENT_FILTERS = ("accountId", "number", "status", "currency")
T = TypeVar("T")


def _reader() -> BillingReader:
    """The entity's billing reads; their read models load on the first v1 billing read, not at start-up."""
    from zuora_mock.backend.massactions.reads import BillingReader

    return BillingReader(context().entity_data().bulk)


def _page(items: list[T], asked: PageRequest) -> tuple[list[T], str | None]:
    """One page of a list and the nextPage link Zuora gives when more follow (same query, next page)."""
    start = (asked.page - 1) * asked.page_size
    chosen = items[start : start + asked.page_size]
    if start + asked.page_size >= len(items):
        return chosen, None
    query = {k: v for k, v in request.args.items() if k not in ("page", "pageSize")}
    query.update(page=str(asked.page + 1), pageSize=str(asked.page_size))
    return chosen, f"{request.path}?{urlencode(query)}"


@bp.get("/revenue-schedules/<rs_number>")
def get_revenue_schedule(rs_number: str) -> Response:
    return json_response(bodies.revenue_schedule(_reader().revenue_schedule(rs_number)))


@bp.get("/revenue-schedules/subscription-charges/<charge_key>")
def get_revenue_schedules_of_charge(charge_key: str) -> Response:
    return json_response(bodies.revenue_schedules(_reader().schedules_of_charge(charge_key)))


@bp.get("/revenue-schedules/invoice-items/<item_id>")
def get_revenue_schedule_of_invoice_item(item_id: str) -> Response:
    return json_response(bodies.revenue_schedule(_reader().schedule_of_invoice_item(item_id)))


@bp.get("/payments/<payment_key>")
def get_payment(payment_key: str) -> Response:
    return json_response(bodies.payment(_reader().payment(payment_key)))


@bp.get("/payments")
def list_payments() -> Response:
    asked = parse_v1_page(request.args, PAYMENT_FILTERS)
    found, next_page = _page(_reader().payments(asked.filters), asked)
    return json_response(bodies.payments(found, next_page))


@bp.get("/accounting-codes")
def list_accounting_codes() -> Response:
    asked = parse_v1_page(request.args)
    found, next_page = _page(_reader().accounting_codes(), asked)
    return json_response(bodies.accounting_codes(found, next_page))


@bp.get("/accounting-codes/<ac_id>")
def get_accounting_code(ac_id: str) -> Response:
    return json_response(bodies.accounting_code(_reader().accounting_code(ac_id)))


@bp.get("/accounts/<account_key>")
def get_account(account_key: str) -> Response:
    return json_response(bodies.account(_reader().account(account_key)))


@bp.get("/accounts/<account_key>/summary")
def get_account_summary(account_key: str) -> Response:
    from zuora_mock.backend.massactions.reads import SUMMARY_ITEMS

    account = _reader().account(account_key)
    invoices = sorted(account.invoices, key=lambda i: i.invoice_date, reverse=True)[:SUMMARY_ITEMS]
    paid = sorted(account.payments, key=lambda p: p.effective_date, reverse=True)[:SUMMARY_ITEMS]
    return json_response(bodies.account_summary(account, invoices, paid))


@bp.get("/custom-exchange-rates/<currency>")
def get_custom_exchange_rates(currency: str) -> Response:
    args = request.args
    rates = _reader().fx_rates(currency, args.get("startDate"), args.get("endDate"), args.get("rateSetName"))
    return json_response(bodies.fx_rates(rates))
