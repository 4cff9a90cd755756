"""ImportFXRate: one exchange rate per row, between two active currencies."""

from __future__ import annotations

from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.finance import Ledger
from zuora_mock.backend.massactions.rows import (
    Fields,
    RowError,
    read_currency,
    read_date,
    read_number,
    read_text,
)


def import_fx_rate(row: Fields, ledger: Ledger) -> tuple[str, ...]:
    rate_set = read_text(row, "Rate Set Name", 255)
    day = read_date(row, "Provider Exchange Rate Date")
    source = read_currency(row, "Currency (From)", ledger)
    target = read_currency(row, "Currency (To)", ledger)
    if source == target:
        raise RowError(m.FX_SAME_CURRENCY)
    rate = read_number(row, "Exchange Rate", positive=True)
    ledger.fx_rates[(rate_set, day, source, target)] = rate
    return ()
