"""Files on disk never outlive their store: removed at close, when it is dropped, or by a later start."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

from zuora_mock.backend.files import LEGACY_STALE_SECONDS, SPILL_PREFIX, FileStore, remove_stale_spills

TEXT = "Revenue Schedule Number\n" + "RS-00000001\n" * 10_000


def test_a_spilled_upload_lives_in_the_store_directory_that_close_removes() -> None:
    store = FileStore(spill_bytes=1024)
    path = store.spill_text(TEXT)
    assert path.read_text(encoding="utf-8") == TEXT
    assert path.parent.name.startswith(f"{SPILL_PREFIX}{os.getpid()}-")
    store["result"] = ("out.zip", b"x" * 4096)
    store.close()
    assert not path.parent.exists()
    store.close()  # twice is fine


def test_a_store_dropped_without_close_removes_its_directory() -> None:
    store = FileStore(spill_bytes=1024)
    directory = store.spill_text(TEXT).parent
    del store
    gc.collect()
    assert not directory.exists()


def _dead_pid() -> int:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(finished.stdout)


def test_a_later_start_removes_what_killed_processes_left(tmp_path: Path) -> None:
    dead = tmp_path / f"{SPILL_PREFIX}{_dead_pid()}-abcd1234"
    dead.mkdir()
    (dead / "upload.csv").write_text(TEXT)
    alive = tmp_path / f"{SPILL_PREFIX}{os.getpid()}-efgh5678"
    alive.mkdir()
    old_file = tmp_path / f"{SPILL_PREFIX}k2j4h5g6.csv"
    old_file.write_text(TEXT)
    past = time.time() - LEGACY_STALE_SECONDS - 60
    os.utime(old_file, (past, past))
    fresh_file = tmp_path / f"{SPILL_PREFIX}q1w2e3r4.csv"
    fresh_file.write_text(TEXT)
    other = tmp_path / "someone-else-123-x"
    other.mkdir()

    assert remove_stale_spills(str(tmp_path)) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, fresh_file.name, other.name])


def test_an_unreadable_root_removes_nothing(tmp_path: Path) -> None:
    assert remove_stale_spills(str(tmp_path / "missing")) == 0


def test_an_upload_spills_the_bytes_it_arrived_as_and_a_bom_is_left_out() -> None:
    from zuora_mock.backend.massactions.upload import validate_upload

    store = FileStore(spill_bytes=1024)
    try:
        csv = "Revenue Schedule Number,Notes\r\n" + "RS-00000001,café\r\n" * 200
        for data in (csv.encode(), b"\xef\xbb\xbf" + csv.encode()):
            upload = validate_upload("rs.csv", data, "DeleteRevenueSchedule", None, 4 * 1024 * 1024)
            assert upload.text == csv and upload.bom == data.startswith(b"\xef\xbb\xbf")
            assert upload.encoded == (None if upload.bom else data)
            spilled = upload.spilled(store.spill_text(upload.text, upload.encoded))
            assert spilled.encoded is None and spilled.text == ""
            assert spilled.path is not None and spilled.path.read_bytes() == csv.encode()
            assert spilled.read_text() == csv
    finally:
        store.close()
