"""The app's request class: Flask's, with the file parts of a multipart upload kept in memory."""

from __future__ import annotations

import io
from typing import IO

from flask import Request

# The server holds request bodies up to this size in memory already (server.loop.INBUF_BYTES); a file part of
# such a body goes to a BytesIO instead of Werkzeug's temporary file, which spills to disk past 500 KB.
IN_MEMORY_UPLOAD_BYTES = 4 * 1024 * 1024


class ZuoraRequest(Request):
    """A 1 MB mass-action upload is parsed without a temporary file written and read back."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        if total_content_length is not None and total_content_length <= IN_MEMORY_UPLOAD_BYTES:
            return io.BytesIO()
        return super()._get_file_stream(total_content_length, content_type, filename, content_length)
