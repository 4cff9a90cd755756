"""Give freed request buffers back to the OS, so a long-running server's memory follows what it holds."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache

# A request body this large leaves megabytes of freed heap behind; smaller ones are not worth a trim.
TRIM_AFTER_BYTES = 512 * 1024


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim on Linux, else None (other allocators manage their own memory); looked up on the
    first large request, not at start-up, where ctypes and its library search cost about 5 ms."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        function: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return function


def trim() -> bool:
    """Return the heap's free pages to the OS (once after a large request, never per request)."""
    function = _malloc_trim()
    if function is None:
        return False
    function(0)
    return True
