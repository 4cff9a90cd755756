"""Checks an uploaded mass-action file before a job exists: size, checksum, zip, CSV text and header."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.actions import ACTIONS, Action
from zuora_mock.core.errors import InvalidValue, MissingField

ZIP_MAGIC = b"PK\x03\x04"
# A zipped CSV may inflate to this many times the file size limit (zip-bomb guard).
ZIP_INFLATE_FACTOR = 4


@dataclass(frozen=True)
class Upload:
    """A validated upload: the CSV text and what the job needs to know about it."""

    action: Action
    text: str
    input_size: int
    csv_name: str
    raw_header: list[str]  # as written in the file: the response file repeats it
    header: list[str]  # stripped column names, for matching
    newline: str
    bom: bool
    path: Path | None = None  # where the text waits on disk when it was too large to keep in memory
    # The text's UTF-8 bytes as uploaded, while at hand: a spill writes them without encoding the text again.
    encoded: bytes | None = field(default=None, repr=False, compare=False)

    def lines(self) -> Iterator[str]:
        """The CSV text line by line, from memory or from its file."""
        return iter_lines(self.text) if self.path is None else iter_file_lines(self.path)

    def read_text(self) -> str:
        """The whole CSV text (a snapshot of a Pending job saves it)."""
        # Bytes decoded, not read_text(): that would turn the file's \r\n into \n.
        return self.text if self.path is None else self.path.read_bytes().decode("utf-8")

    def spilled(self, path: Path) -> Upload:
        """This upload with its text moved to `path` (the caller wrote it there), off the heap."""
        return replace(self, text="", path=path, encoded=None)

    def release(self) -> None:
        """Delete the file of a spilled upload once its job no longer needs it."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def iter_file_lines(path: Path, chunk: int = 1 << 16) -> Iterator[str]:
    """The lines of a text file, split exactly as iter_lines splits the same text."""
    with path.open(encoding="utf-8", newline="") as stream:
        tail = ""
        while block := stream.read(chunk):
            lines = (tail + block).split("\n")
            tail = lines.pop()
            for line in lines:
                yield line + "\n"
        if tail:
            yield tail


def iter_lines(text: str, chunk: int = 1 << 16) -> Iterator[str]:
    """The lines of a text, split 64 KB at a time: io.StringIO would copy it at up to 4 bytes a character."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start + chunk)
        if end < 0:
            end = size - 1
        lines = text[start : end + 1].split("\n")
        tail = lines.pop()
        for line in lines:
            yield line + "\n"
        if tail:
            yield tail
        start = end + 1


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _unzip(data: bytes, limit: int) -> tuple[str, bytes]:
    """The name and bytes of the single .csv file inside a zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and _extension(info.filename) == "csv"
        ]
        if len(entries) != 1:
            raise InvalidValue(m.MSG_ZIP_CSV_COUNT.format(count=len(entries)))
        entry = entries[0]
        if entry.file_size > limit:
            raise InvalidValue(m.MSG_ZIP_TOO_LARGE.format(limit=limit))
        with archive.open(entry) as stream:
            content = stream.read(limit + 1)
    # zipfile lets a corrupt deflate stream (zlib.error) or entry offset (ValueError: negative seek) escape.
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        RuntimeError,
        NotImplementedError,
        EOFError,
        OSError,
        zlib.error,
        ValueError,
    ):
        raise InvalidValue(m.MSG_ZIP_INVALID) from None
    if len(content) > limit:
        raise InvalidValue(m.MSG_ZIP_TOO_LARGE.format(limit=limit))
    return entry.filename.replace("\\", "/").rsplit("/", 1)[-1], content


def _decode(raw: bytes) -> tuple[str, bool]:
    if b"\x00" in raw:
        raise InvalidValue(m.MSG_CSV_CONTENT)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidValue(m.MSG_CSV_CONTENT) from None
    bom = text.startswith("\ufeff")
    return (text[1:] if bom else text), bom


def read_header(text: str) -> list[str]:
    """The header row, parsed as the job will parse the file."""
    try:
        header = next(csv.reader(iter_lines(text), strict=True), None)
    except csv.Error as exc:
        raise InvalidValue(m.MSG_CSV_HEADER_MALFORMED.format(detail=str(exc)[:200])) from None
    if not header or not any(cell.strip() for cell in header):
        raise InvalidValue(m.MSG_CSV_HEADER)
    return header


def validate_upload(
    filename: str | None, data: bytes, action_type: str, checksum: str | None, max_bytes: int
) -> Upload:
    """Check one upload against Zuora's file rules; raise the ZuoraError of the first problem."""
    action = ACTIONS[action_type]
    if not data:
        raise InvalidValue(m.MSG_FILE_EMPTY)
    if len(data) > max_bytes:
        raise InvalidValue(m.MSG_FILE_TOO_LARGE.format(size=len(data), limit=max_bytes))
    if checksum is not None and hashlib.md5(data).hexdigest() != checksum.lower():
        raise InvalidValue(m.MSG_CHECKSUM_MISMATCH.format(given=checksum))
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    extension = _extension(name)
    is_zip = extension == "zip" or (extension not in ("csv", "zip") and data.startswith(ZIP_MAGIC))
    if is_zip:
        csv_name, raw = _unzip(data, max_bytes * ZIP_INFLATE_FACTOR)
    elif extension in ("csv", ""):
        csv_name, raw = (name if extension == "csv" else ""), data
    else:
        raise InvalidValue(m.MSG_FILE_TYPE.format(name=name[:200]))
    text, bom = _decode(raw)
    encoded = None if bom else raw  # with a BOM, encoding the text again costs what slicing it off would
    del raw
    raw_header = read_header(text)
    header = [cell.strip() for cell in raw_header]
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            raise InvalidValue(m.MSG_CSV_DUPLICATE_COLUMN.format(column=column[:200]))
        seen.add(column)
    missing = action.missing_columns(header)
    if missing:
        raise MissingField(m.MSG_CSV_MISSING_COLUMNS.format(action=action.name, columns=", ".join(missing)))
    line_end = text.find("\n")
    newline = "\r\n" if line_end > 0 and text[line_end - 1] == "\r" else "\n"
    return Upload(
        action=action,
        text=text,
        input_size=len(data),
        csv_name=csv_name,
        raw_header=raw_header,
        header=header,
        newline=newline,
        bom=bom,
        encoded=encoded,
    )
