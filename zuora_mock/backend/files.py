"""Files the emulator keeps (result files, waiting uploads): small ones in memory, larger ones on disk.

The disk ones live in a directory of the store's own, removed when the store closes, is collected or the
process exits; the directory's name carries the process id, so the next server start removes those of a
process that was killed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator, MutableMapping
from pathlib import Path

SPILL_PREFIX = "zuora-mock-files-"
# Files of the previous layout (one temporary file per upload, no process id) older than this are stale.
LEGACY_STALE_SECONDS = 24 * 3600


class FileStore(MutableMapping[str, tuple[str, bytes]]):
    """file id -> (name, content); content above `spill_bytes` is written to disk, so the heap stays small."""

    def __init__(self, spill_bytes: int) -> None:
        self.spill_bytes = spill_bytes
        self._small: dict[str, tuple[str, bytes]] = {}
        self._spilled: dict[str, tuple[str, Path]] = {}
        self._directory: Path | None = None
        self._remove_directory: weakref.finalize | None = None
        self._lock = threading.Lock()

    def __setitem__(self, file_id: str, value: tuple[str, bytes]) -> None:
        name, content = value
        self.pop(file_id, None)
        if len(content) <= self.spill_bytes:
            self._small[file_id] = value
            return
        path = self._dir() / file_id
        path.write_bytes(content)
        self._spilled[file_id] = (name, path)

    def __getitem__(self, file_id: str) -> tuple[str, bytes]:
        small = self._small.get(file_id)
        if small is not None:
            return small
        name, path = self._spilled[file_id]
        try:
            return name, path.read_bytes()
        except OSError:
            raise KeyError(file_id) from None

    def __delitem__(self, file_id: str) -> None:
        if file_id in self._small:
            del self._small[file_id]
            return
        _name, path = self._spilled.pop(file_id)
        path.unlink(missing_ok=True)

    def __iter__(self) -> Iterator[str]:
        yield from list(self._small)
        yield from list(self._spilled)

    def __len__(self) -> int:
        return len(self._small) + len(self._spilled)

    def __contains__(self, file_id: object) -> bool:
        return file_id in self._small or file_id in self._spilled

    @property
    def on_disk(self) -> int:
        """How many files wait on disk rather than in memory."""
        return len(self._spilled)

    def close(self) -> None:
        """Remove every file and the directory (the store's entity was reset, loaded over or shut down)."""
        self._small.clear()
        self._spilled.clear()
        with self._lock:
            self._directory, remove = None, self._remove_directory
            self._remove_directory = None
        if remove is not None:
            remove()

    def spill_text(self, text: str, encoded: bytes | None = None) -> Path:
        """Write a mass action upload waiting to run to a new file in this store's directory (`encoded`: the
        text's UTF-8 bytes when the caller has them)."""
        handle, name = tempfile.mkstemp(dir=self._dir(), suffix=".csv")
        with os.fdopen(handle, "wb") as stream:  # encoded at once: a text-mode stream costs twice as much
            stream.write(text.encode("utf-8") if encoded is None else encoded)
        return Path(name)

    def _dir(self) -> Path:
        with self._lock:
            if self._directory is None:
                directory = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")
                self._directory = Path(directory)
                # Also when the store is dropped unclosed or the interpreter exits.
                self._remove_directory = weakref.finalize(self, shutil.rmtree, directory, ignore_errors=True)
            return self._directory


def remove_stale_spills(root: str | None = None) -> int:
    """Remove the spill directories of processes that no longer run (killed ones); returns how many."""
    removed = 0
    base = Path(root or tempfile.gettempdir())
    try:
        entries = list(base.iterdir())
    except OSError:
        return 0
    for entry in entries:
        if entry.name.startswith(SPILL_PREFIX) and _stale(entry):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
    return removed


def _stale(entry: Path) -> bool:
    owner, dash, _rest = entry.name[len(SPILL_PREFIX) :].partition("-")
    if dash and owner.isdigit():
        return not _running(int(owner))
    try:  # the previous layout: no owner in the name
        return time.time() - entry.stat().st_mtime > LEGACY_STALE_SECONDS
    except OSError:
        return False


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True
