"""Files the emulator keeps (mass action result files): small ones in memory, larger ones in a directory."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, MutableMapping
from pathlib import Path

SPILL_PREFIX = "zuora-mock-files-"


class FileStore(MutableMapping[str, tuple[str, bytes]]):
    """file id -> (name, content); content above `spill_bytes` is written to disk, so the heap stays small."""

    def __init__(self, spill_bytes: int) -> None:
        self.spill_bytes = spill_bytes
        self._small: dict[str, tuple[str, bytes]] = {}
        self._spilled: dict[str, tuple[str, Path]] = {}
        self._directory: Path | None = None
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
            directory, self._directory = self._directory, None
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

    def _dir(self) -> Path:
        with self._lock:
            if self._directory is None:
                self._directory = Path(tempfile.mkdtemp(prefix=SPILL_PREFIX))
            return self._directory


def spill_text(text: str, directory_hint: str = "") -> Path:
    """Write a large text (a mass action upload waiting to run) to a private temporary file."""
    handle, name = tempfile.mkstemp(prefix=SPILL_PREFIX + directory_hint, suffix=".csv")
    with os.fdopen(handle, "wb") as stream:  # encoded at once: a text-mode stream costs twice as much
        stream.write(text.encode("utf-8"))
    return Path(name)
