"""The store without HTTP: upload checks, the job state machine, progression modes, close() and seed
errors."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.finance import Ledger
from zuora_mock.backend.massactions.store import MassActionStore
from zuora_mock.backend.massactions.upload import iter_lines, validate_upload
from zuora_mock.core.clock import Clock
from zuora_mock.core.errors import InvalidValue, MissingField, NotFound, RuleRestriction
from zuora_mock.core.fixtures import FixtureError, Seed, SeedFile, load_fixtures
from zuora_mock.core.settings import load_settings

LIMIT = 4 * 1024 * 1024
DELETE = b"Revenue Schedule Number\nRS-00000001\nRS-00000099\nRS-00000005\n"


def zipped(data: bytes = DELETE) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.csv", data)
    return buffer.getvalue()


ZIP = zipped()
# The first byte of a.csv's deflate stream (30-byte local header + 5-byte name) flipped: zlib refuses the
# stream.
ZIP_BAD_DEFLATE = ZIP[:35] + bytes([ZIP[35] ^ 0xFF]) + ZIP[36:]
# The end record's central-directory offset past the real one: the local header offset turns negative.
ZIP_BAD_OFFSET = ZIP[:-6] + (0x7FFFFFFF).to_bytes(4, "little") + ZIP[-2:]


def make_store(mode: str, **settings: Any) -> MassActionStore:
    config = {"bulk_progression": mode, "bulk_start_delay": 0.0, "bulk_rows_per_second": 0.0, **settings}
    return MassActionStore.from_seed(
        load_fixtures().seed,
        clock=Clock(),
        user_id="u" * 32,
        user_email="a@b.example",
        lock=threading.RLock(),
        settings=load_settings(config, {}),
    )


def submit(store: MassActionStore, data: bytes = DELETE, action: str = "DeleteRevenueSchedule") -> str:
    return store.submit(validate_upload("x.csv", data, action, None, LIMIT))


# ---- upload ------------------------------------------------------------------------------------------------


def test_upload_facts() -> None:
    data = b"\xef\xbb\xbf Revenue Schedule Number ,#n\r\nRS-1,a\r\n"
    upload = validate_upload("dir/x.csv", data, "DeleteRevenueSchedule", None, LIMIT)
    assert (upload.csv_name, upload.header, upload.newline, upload.bom, upload.input_size) == (
        "x.csv",
        ["Revenue Schedule Number", "#n"],
        "\r\n",
        True,
        len(data),
    )


def test_zip_inflating_past_the_guard_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.csv", b"Revenue Schedule Number\n" + b"R" * 5000)
    limit = len(buffer.getvalue()) + 10  # the zip fits; what it inflates to does not
    with pytest.raises(InvalidValue) as caught:
        validate_upload("a.zip", buffer.getvalue(), "DeleteRevenueSchedule", None, limit)
    assert caught.value.message == m.MSG_ZIP_TOO_LARGE.format(limit=limit * 4)


@pytest.mark.parametrize(
    ("data", "name", "error", "message"),
    [
        (
            b"Group ID\nx\n",
            "a.csv",
            MissingField,
            m.MSG_CSV_MISSING_COLUMNS.format(
                action="DeleteRevenueSchedule", columns="Revenue Schedule Number"
            ),
        ),
        (b"\x00", "a.csv", InvalidValue, m.MSG_CSV_CONTENT),
        (DELETE, "a.xlsx", InvalidValue, m.MSG_FILE_TYPE.format(name="a.xlsx")),
        (ZIP_BAD_DEFLATE, "a.zip", InvalidValue, m.MSG_ZIP_INVALID),
        (ZIP_BAD_OFFSET, "a.zip", InvalidValue, m.MSG_ZIP_INVALID),
    ],
)
def test_upload_errors(data: bytes, name: str, error: type, message: str) -> None:
    with pytest.raises(error) as caught:
        validate_upload(name, data, "DeleteRevenueSchedule", None, LIMIT)
    assert caught.value.message == message


@pytest.mark.parametrize(
    "text",
    [
        "a\nb\nc\n",
        "a\r\nb\r\nc",
        "",
        "\n\n\nx",
        "one line without end",
        '\u00e9t\u00e9,"x\ny"\n' * 50,
    ],
)
@pytest.mark.parametrize("chunk", [1, 3, 64, 1 << 16])
def test_iter_lines_splits_at_newlines_only(text: str, chunk: int) -> None:
    lines = list(iter_lines(text, chunk))
    assert "".join(lines) == text
    assert all(line.endswith("\n") for line in lines[:-1]) and all("\n" not in line[:-1] for line in lines)


def test_blank_rows_are_skipped_and_not_counted() -> None:
    store = make_store("immediate")
    key = submit(store, b"Revenue Schedule Number,#n\nRS-00000001,a\n,\n\nRS-00000099,b\n")
    status = store.status(key)
    assert (status.total, status.successes, status.errors) == (2, 1, 1)


# ---- state machine and progression -------------------------------------------------------------------------


def test_manual_progression_step_by_step() -> None:
    store = make_store("manual")
    key = submit(store)
    assert store.status(key).status == "Pending"
    steps = [store.advance(key, 0), store.advance(key, 2), store.advance(key, 5)]
    assert [(s.status, s.processed) for s in steps] == [
        ("Processing", 0),
        ("Processing", 2),
        ("Completed", 3),
    ]
    file_id = steps[-1].file_id
    assert file_id is not None
    name, archive = store.file(file_id)
    assert name == "x.csv" and zipfile.ZipFile(io.BytesIO(archive)).namelist() == ["x.csv"]
    store.close()


def test_stop_rules() -> None:
    store = make_store("manual")
    key = submit(store)
    store.stop(key)
    store.stop(key)
    assert store.status(key).status == "Stopping"
    assert store.advance(key, None).status == "Stopped"
    with pytest.raises(RuleRestriction) as caught:
        store.stop(key)
    assert caught.value.message == m.MSG_STOP_ENDED.format(status="Stopped")
    with pytest.raises(NotFound):
        store.stop("f" * 32)


def test_immediate_progression_finishes_in_submit() -> None:
    store = make_store("immediate")
    status = store.status(submit(store))
    assert (status.status, status.successes, status.errors) == ("Completed", 2, 1)


def test_time_progression_follows_the_emulator_clock() -> None:
    store = make_store("time", bulk_start_delay=3600.0)
    key = submit(store)
    time.sleep(0.05)
    assert store.status(key).status == "Pending"
    store.clock.advance(3600)
    deadline = time.monotonic() + 2
    while store.status(key).status != "Completed" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert store.status(key).status == "Completed"
    store.close()


def test_time_progression_applies_jobs_in_upload_order() -> None:
    store = make_store("time", bulk_start_delay=0.05)
    first = submit(store, b"Revenue Schedule Number\nRS-00000001\n")
    second = submit(store, b"Revenue Schedule Number\nRS-00000001\n")
    deadline = time.monotonic() + 2
    while store.status(second).status != "Completed" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert store.status(first).successes == 1
    assert store.status(second).errors == 1
    store.close()


def test_close_stops_the_worker() -> None:
    store = make_store("time", bulk_start_delay=60.0)
    submit(store)
    worker = store.progression.thread
    assert worker is not None and worker.is_alive()
    store.close()
    assert not worker.is_alive()


def test_close_releases_the_response_file_of_an_unfinished_job() -> None:
    store = make_store("manual")
    key = submit(store)
    store.advance(key, 1)
    writer = store.jobs[key]._out
    assert writer is not None and writer._archive.fp is not None
    store.close()
    # Left open, the zip would raise in its finaliser whenever the collector reached it before its entry.
    assert writer._archive.fp is None


def test_close_while_the_tenant_lock_is_held_does_not_hang() -> None:
    store = make_store("time", bulk_rows_per_second=1.0)
    submit(store)
    worker = store.progression.thread
    assert worker is not None
    started = time.monotonic()
    with store.lock:
        store.close()
    assert time.monotonic() - started < 1.5
    assert not worker.is_alive()


def test_exists_covers_accounts_and_numbered_objects() -> None:
    store = make_store("manual")
    for account in (
        "2c92c0f86a8dd422016a9e7a70116b0d",
        "2c92c0f86a8dd422016a9e7a70116b0e",
        "2c92c0f86a8dd422016a9e7a70116b0f",
    ):
        assert store.exists("Account", account)
    assert store.exists("account", "A00000002")
    assert store.exists("Invoice", "INV-00000001")
    assert store.exists("RevenueSchedule", "RS-00000001")
    assert not store.exists("Account", "2c92c0f86a8dd422016a9e7a70116b99")
    assert not store.exists("Spaceship", "x")


# ---- seed data ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "data", "problem"),
    [
        ("accounts", {"id": "x"}, "accounts must be a JSON array of objects"),
        ("accounts", [{"id": "x"}], "accounts[0]: missing 'accountNumber'"),
        (
            "accounts",
            [{"id": "x", "accountNumber": "A", "name": "n", "currency": "USD", "balance": "ten"}],
            "accounts[0].balance must be a number, got 'ten'",
        ),
        (
            "fx_rates",
            [{"date": "2025-13-01", "from": "EUR", "to": "USD", "rate": 1}],
            "fx_rates[0].date must be a YYYY-MM-DD date, got '2025-13-01'",
        ),
        ("currencies", [{"code": "USD", "active": "yes"}], "currencies[0].active has the wrong type (str)"),
        (
            "accounting_codes",
            [{"name": "A", "type": "t", "status": "Active"}, {"name": "A", "type": "t", "status": "x"}],
            "accounting_codes: duplicate name 'A'",
        ),
        (
            "invoices",
            [
                {
                    "id": "i",
                    "invoiceNumber": "INV-1",
                    "accountId": "nobody",
                    "invoiceDate": "2025-01-01",
                    "amount": 1,
                    "balance": 1,
                    "items": [],
                }
            ],
            "invoice INV-1 names unknown account 'nobody'",
        ),
        ("spaceships", [], "unknown finance seed file 'spaceships.json'"),
    ],
)
def test_bad_seed_data_names_the_file(stem: str, data: Any, problem: str) -> None:
    path = f"/seed/finance/{stem}.json"
    with pytest.raises(FixtureError) as caught:
        Ledger(Seed(finance={stem: SeedFile(path, data)}))
    assert caught.value.path == path
    assert caught.value.problem.startswith(problem)


def test_bundled_seed_files_are_valid_json_arrays() -> None:
    root = Path(load_fixtures().source) / "seed" / "finance"
    for path in root.glob("*.json"):
        assert isinstance(json.loads(path.read_text()), list), path.name
