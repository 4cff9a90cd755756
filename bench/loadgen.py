"""A small HTTP/1.1 load generator: N keep-alive connections on asyncio, cheap enough to leave the cores to
the server, reconnecting whenever the server closes (as every real client must).

Only 127.0.0.1, and every run is bounded by a duration and a request count.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

RequestFactory = Callable[[int], bytes]


@dataclass
class LoadResult:
    """What one load run saw: latencies in seconds, statuses that were not expected, connections opened."""

    latencies: list[float] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    connections: int = 0
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        """Requests per second over the run's wall time."""
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Latency at `fraction` (0.5 = median), in seconds; nearest-rank."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def http_request(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    """The bytes of one HTTP/1.1 request with a Content-Length."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; returns its status and whether the server closes the connection after it."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, _, header_block = head.partition(b"\r\n")
    status = int(status_line.split(b" ", 2)[1])
    length, chunked, close = 0, False, status_line.startswith(b"HTTP/1.0")
    for line in header_block.split(b"\r\n"):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = value.strip().lower() == b"close"
    if chunked:
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    elif length:
        await reader.readexactly(length)
    return status, close


async def _connection(
    port: int, make: RequestFactory, expect: int, stop_at: float, budget: list[int], result: LoadResult
) -> None:
    """One client connection: request, read, repeat until the deadline or the shared budget runs out."""
    writer: asyncio.StreamWriter | None = None
    try:
        while budget[0] > 0 and time.perf_counter() < stop_at:
            budget[0] -= 1
            started = time.perf_counter()
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                result.connections += 1
            writer.write(make(budget[0]))
            status, close = await _read_response(reader)
            result.latencies.append(time.perf_counter() - started)
            if status != expect:
                result.unexpected.append(str(status))
            if close:
                writer.close()
                await writer.wait_closed()
                writer = None
    finally:
        if writer is not None:
            writer.close()


async def _run(port: int, make: RequestFactory, connections: int, seconds: float, limit: int, expect: int):
    result = LoadResult()
    budget = [limit]
    started = time.perf_counter()
    await asyncio.gather(
        *(_connection(port, make, expect, started + seconds, budget, result) for _ in range(connections))
    )
    result.seconds = time.perf_counter() - started
    return result


def run_load(
    port: int, make: RequestFactory, *, connections: int, seconds: float, limit: int, expect: int = 200
) -> LoadResult:
    """Drive `connections` clients at 127.0.0.1:`port` for at most `seconds` and `limit` requests."""
    return asyncio.run(_run(port, make, connections, seconds, limit, expect))
