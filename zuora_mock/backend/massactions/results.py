"""The response file: the uploaded CSV plus the outcome columns, zipped as Zuora serves it."""

from __future__ import annotations

import io
import tempfile
import zipfile

SUCCESS = "Success"
ERROR_MESSAGE = "Error Message"
CONTENT_TYPE = "application/zip;charset=UTF-8"
OUTPUT_TYPE = "(url:.csv.zip)"
# A response zip being written moves from memory to a temporary file past this size.
SPOOL_BYTES = 256 * 1024


def response_csv_name(csv_name: str, bulk_key: str) -> str:
    """The CSV inside the response zip keeps the uploaded name; a nameless upload is named after its key."""
    return csv_name or f"{bulk_key}.csv"


class ResultWriter:
    """The response CSV streamed into a deflated zip entry as rows are written."""

    def __init__(self, name: str, bom: bool) -> None:
        self.name = name
        self._buffer = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by close)
        self._archive = zipfile.ZipFile(self._buffer, "w", compression=zipfile.ZIP_DEFLATED)
        self._entry = self._archive.open(name, "w")
        self.text = io.TextIOWrapper(self._entry, encoding="utf-8", newline="")
        if bom:
            self.text.write("\ufeff")

    def close(self) -> bytes:
        """Finish the zip and return its bytes."""
        self.text.close()
        self._archive.close()
        self._buffer.seek(0)
        content = self._buffer.read()
        self._buffer.close()
        return content

    def discard(self) -> None:
        """Drop an unfinished response file, so a job abandoned by close or reset leaves no open zip."""
        try:
            self.text.close()
            self._archive.close()
        except (OSError, ValueError):
            pass
        self._buffer.close()
