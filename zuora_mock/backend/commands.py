"""What the emulated Zuora is asked to do: typed requests whose envelopes api.commands has already checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

UPDATE: Final = "update"
DELETE: Final = "delete"


@dataclass(frozen=True)
class IssueToken:
    """POST /oauth/token: the form fields as sent ("" when absent) and the Zuora-Entity-Ids header."""

    client_id: str
    client_secret: str
    grant_type: str
    entity_header: str | None


@dataclass(frozen=True)
class CreateRecords:
    """POST /objects/records: at most 1,000 records, each still to be validated against its definition."""

    records: list[Any]
    allow_partial: bool


@dataclass(frozen=True)
class ListRecords:
    """GET /objects/records: the filters and the page asked for."""

    q: str | None
    record_ids: list[str]
    page_size: int
    cursor: str | None
    page: int


@dataclass(frozen=True)
class BatchAction:
    """POST /objects/batch: an update of a map of records or a delete of a list of ids, at most 1,000."""

    type: str
    allow_partial: bool
    records: dict[str, Any] | None = None
    ids: list[Any] | None = None


@dataclass(frozen=True)
class SubmitMassAction:
    """POST /v1/bulk: the uploaded file as sent, and the checked `params`."""

    filename: str | None
    data: bytes
    action_type: str
    checksum: str | None


@dataclass(frozen=True)
class AdvanceJob:
    """POST /_mock/bulk/{key}/advance: how many more rows to apply; None means all of them."""

    rows: int | None


@dataclass(frozen=True)
class AdvanceClock:
    """POST /_mock/clock: how many seconds to move the emulator's clock forward."""

    seconds: float


# ---- v1 billing reads and custom object bulk jobs ---------------------------------------------------------


@dataclass(frozen=True)
class PageRequest:
    """A v1 list read (GET /v1/payments, /v1/accounting-codes): 1-based page and its size."""

    page: int
    page_size: int
    filters: dict[str, str]


@dataclass(frozen=True)
class SubmitObjectJob:
    """POST /objects/jobs: the object (in the default namespace) and create, update or delete."""

    object: str
    operation: str


@dataclass(frozen=True)
class ListObjectJobs:
    """GET /objects/jobs: a status filter and the page after the cursor job."""

    status: str | None
    page_size: int
    cursor: str | None
