"""Many articles in flight, acknowledged strictly in the order they were read.

Why: awaiting the broker's acknowledgement of one article's events before reading the next
costs a network round trip per article and leaves the extraction process idle. Here up to
``max_in_flight`` articles are extracted and delivered concurrently, and a single acker
task hands each one back to Faust (``stream.ack``) only when

1. its own records (events or dead letter) are acknowledged by the broker, and
2. every article read before it has been acked.

Rule 2 matters because Faust commits "the end of the first run of consecutive acked
offsets" and its gap check is off by one (an unacked offset right at the committed
position can be skipped), so out-of-order acks could commit past an article that was never
delivered. In-order acks make the committed offset a true low-water mark: every offset
below it has its output on the broker.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class InFlight:
    token: Any  # what ``ack`` receives (the Faust event)
    task: asyncio.Future[Any]
    info: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


class InOrderPipeline:
    def __init__(self, max_in_flight: int, ack: Callable[[Any], Awaitable[Any]]) -> None:
        self.max_in_flight = max(1, max_in_flight)
        self._ack = ack
        self._slots = asyncio.Semaphore(self.max_in_flight)
        self._queue: collections.deque[InFlight] = collections.deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self.failure: BaseException | None = None
        self.acked = 0

    def __len__(self) -> int:
        return len(self._queue)

    async def submit(self, token: Any, work: Awaitable[Any], info: Any = None) -> None:
        """Start ``work`` now (waiting for a free slot first); ack ``token`` once it and all
        earlier work are done. Raises the acker's failure, if any, so the agent stops."""
        if self.failure is not None:
            raise self.failure
        await self._slots.acquire()
        self._queue.append(InFlight(token, asyncio.ensure_future(work), info))
        self._idle.clear()
        self._wake.set()

    async def run(self) -> None:
        """The acker: wait for the oldest item, ack it, repeat. Work that raises is fatal."""
        try:
            while True:
                while not self._queue:
                    self._idle.set()
                    self._wake.clear()
                    await self._wake.wait()
                head = self._queue[0]
                await head.task  # raises: fatal, see module doc and the worker's handler
                await self._ack(head.token)
                self._queue.popleft()
                self.acked += 1
                self._slots.release()
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            self.failure = exc
            raise

    async def drain(self) -> None:
        """Wait until everything submitted so far is acked."""
        await self._idle.wait()

    def cancel_all(self) -> None:
        for item in self._queue:
            item.task.cancel()
