"""Coalescing bursts of edits: at most one edit per key per interval, latest value wins.

When thirty people press a reaction button at once, the answer post's counts must not be
edited thirty times (platforms rate-limit edits per channel). The first change is sent at
once; changes that arrive while an edit is under way or within ``interval`` of the last one
are folded into a single edit with the latest value at the end of the interval. So a burst of
N presses becomes two edits, and the last counts are always the ones shown.

Platform-free: the adapter passes the function that performs one edit. Failures of that
function are logged (by key, never with message text) and do not stop later edits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class EditCoalescer(Generic[K, V]):
    def __init__(self, edit: Callable[[K, V], Awaitable[None]], interval: float) -> None:
        self._edit = edit
        self._interval = interval
        self._pending: dict[K, V] = {}
        self._tasks: dict[K, asyncio.Task[None]] = {}
        self._closing = asyncio.Event()

    def submit(self, key: K, value: V) -> None:
        """Ask for ``value`` to be shown under ``key``; returns at once."""
        self._pending[key] = value
        if key not in self._tasks:
            self._tasks[key] = asyncio.create_task(self._drain(key))

    def discard(self, key: K) -> None:
        """Drop the edit still waiting under ``key`` (its message is being deleted); one
        already under way finishes."""
        self._pending.pop(key, None)

    async def _drain(self, key: K) -> None:
        loop = asyncio.get_running_loop()
        try:
            while key in self._pending:
                value = self._pending.pop(key)
                started = loop.time()
                try:
                    await self._edit(key, value)
                except Exception:
                    log.exception("could not update a message's reaction counts")
                wait = self._interval - (loop.time() - started)
                if wait > 0 and not self._closing.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._closing.wait(), wait)
        finally:
            self._tasks.pop(key, None)

    async def settle(self) -> None:
        """Wait until every edit asked for so far has been sent (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def aclose(self) -> None:
        """Send what is pending now (no more waiting), then stop."""
        self._closing.set()
        await self.settle()
