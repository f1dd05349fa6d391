"""A small HTTP/1.1 load generator (asyncio, keep-alive connections, prepared request bytes).

`requests` costs about a millisecond of CPU per call, which on a 2-core machine would
measure the client, not the server. Latency is measured from the moment a request was
due (open loop, --rate) or sent (closed loop), so a stalled server cannot hide queueing.
"""
from __future__ import annotations

import asyncio
import gc
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    sent_at: list[float] = field(default_factory=list)  # monotonic time each request went out
    elapsed_s: float = 0.0

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != 200)


def request_bytes(url: str, body: bytes, headers: dict[str, str]) -> bytes:
    parts = urlsplit(url)
    head = [f"POST {parts.path or '/'} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {len(body)}",
            "Content-Type: application/json", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def _run(url: str, requests: list[bytes], concurrency: int, rate: float | None,
               schedule: list[float] | None, start_wall: float | None) -> Result:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    result = Result(sent_at=[0.0] * len(requests))
    queue: asyncio.Queue = asyncio.Queue()
    for index in range(len(requests)):
        queue.put_nowait(index)
    began = time.monotonic() + (start_wall - time.time() if start_wall else 0.0)

    async def connection() -> None:
        reader = writer = None
        while not queue.empty():
            index = queue.get_nowait()
            due = began + schedule[index] if schedule else began + index / rate if rate else None
            if due is not None and due > time.monotonic():
                await asyncio.sleep(due - time.monotonic())
            start = time.monotonic()
            result.sent_at[index] = start
            status = 0
            for _attempt in range(2):  # a kept-alive connection the server closed while idle is opened again once
                reused = writer is not None
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                    writer.write(requests[index])
                    status = await _read_response(reader)
                    break
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    if not reused:
                        break
            result.latencies_ms.append((time.monotonic() - (due or start)) * 1000)
            result.statuses[status] = result.statuses.get(status, 0) + 1
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    result.elapsed_s = time.monotonic() - began
    return result


def run(url: str, requests: list[bytes], *, concurrency: int, rate: float | None = None,
        schedule: list[float] | None = None, start_wall: float | None = None) -> Result:
    """Send every request once over `concurrency` keep-alive connections; at `rate` per second if given,
    or each at its `schedule` offset (seconds, ascending) from `start_wall` (time.time(), default now).
    The collector is off meanwhile: its pauses would hold requests back and count as the server's."""
    gc.disable()
    try:
        return asyncio.run(_run(url, requests, concurrency, rate, schedule, start_wall))
    finally:
        gc.enable()


def percentiles(values: list[float], digits: int = 1) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "p99": None}
    ordered = sorted(values)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], digits)  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99)}
