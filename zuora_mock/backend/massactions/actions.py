"""The actionTypes of mass actions: the columns each needs from the header, and its row handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from zuora_mock.backend.massactions.accounting import AC_COLUMNS, update_accounting_code
from zuora_mock.backend.massactions.finance import Ledger
from zuora_mock.backend.massactions.fx_rates import import_fx_rate
from zuora_mock.backend.massactions.payments import mass_payment_upload
from zuora_mock.backend.massactions.rows import CUSTOM_FIELD_PREFIX, Fields
from zuora_mock.backend.massactions.schedules import (
    create_revenue_schedule,
    delete_revenue_schedule,
    update_revenue_schedule,
)

GROUP_ID = "Group ID"
GROUP_ID_LIMIT = 255
RowFn = Callable[[Fields, Ledger], tuple[str, ...]]


@dataclass(frozen=True)
class Action:
    """What an actionType needs from the header and how one row is applied."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    apply: RowFn
    one_of: tuple[tuple[str, ...], ...] = ()
    result_columns: tuple[str, ...] = ()
    custom_fields: bool = False
    # ImportFXRate marks rows skipped after a failure in their group as errors; the others leave them blank.
    group_skip_is_error: bool = False
    columns: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        grouped = tuple(c for group in self.one_of for c in group)
        object.__setattr__(self, "columns", (GROUP_ID, *self.required, *grouped, *self.optional))

    def missing_columns(self, header: list[str]) -> list[str]:
        """Required columns the header lacks (a one-of group is shown as 'A or B')."""
        present = set(header)
        missing = [c for c in self.required if c not in present]
        for group in self.one_of:
            if not present.intersection(group):
                missing.append(" or ".join(group))
        return missing

    def relevant(self, header: list[str]) -> list[tuple[str, int]]:
        """(column, index) of every header column this action reads; others pass through untouched."""
        known = set(self.columns)
        picked = []
        for index, name in enumerate(header):
            if name.startswith("#"):
                continue
            if name in known or (self.custom_fields and name.startswith(CUSTOM_FIELD_PREFIX)):
                picked.append((name, index))
        return picked


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "UpdateAccountingCode", ("Object Key", "Object Type"), tuple(AC_COLUMNS), update_accounting_code
        ),
        Action(
            "CreateRevenueSchedule",
            (),
            (
                "Linked Transaction Type",
                "Revenue Schedule Date",
                "Revenue Schedule Amount",
                "Revenue Schedule Reference ID",
                "Revenue Schedule Notes",
            ),
            create_revenue_schedule,
            one_of=(("Subscription Charge Key", "Linked Transaction Key"),),
            result_columns=("Revenue Schedule Number",),
            custom_fields=True,
        ),
        Action(
            "UpdateRevenueSchedule",
            ("Revenue Schedule Number",),
            ("Revenue Schedule Reference ID", "Revenue Schedule Notes"),
            update_revenue_schedule,
            custom_fields=True,
        ),
        Action("DeleteRevenueSchedule", ("Revenue Schedule Number",), (), delete_revenue_schedule),
        Action(
            "ImportFXRate",
            ("Provider Exchange Rate Date", "Currency (From)", "Currency (To)", "Exchange Rate"),
            ("Rate Set Name",),
            import_fx_rate,
            group_skip_is_error=True,
        ),
        Action(
            "MPU",
            ("Payment Amount", "Currency", "Payment Date", "Payment Method ID"),
            (
                "Billing Account ID",
                "Payment Invoice",
                "Payment Comment",
                "Payment Type",
                "Gateway ID",
                "Reference ID",
            ),
            mass_payment_upload,
        ),
    )
}
ACTION_TYPES = tuple(ACTIONS)
