"""Each Slack listener runs in its own task, and Slack gets its reply the moment the listener
acks, with no polling.

bolt can run a listener after replying (its default): the HTTP reply then waits for the ack by
checking every 10 ms. An answer form acks only once its answer is committed, so in a flood of
answers hundreds of replies were each checked a hundred times a second, on the one event loop
that also does the work. Instead the app runs bolt with ``process_before_response=True`` (bolt
replies when the listener function returns) and wraps every listener here. The wrapper starts
the real listener as a task and returns as soon as it has called ``ack`` (or ended). Whatever
the listener does after its ack goes on in that task, so the reply is never held up. The tasks
are kept so the adapter can wait for them at shutdown (``settle``).

A listener with no ``ack`` (an Events API listener) returns at once, and bolt acks it, as
before. A listener that fails before its ack fails the request (bolt answers 500 and logs it).
One that fails after it is logged here.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.response import BoltResponse

log = logging.getLogger("consultbot.slack")

Listener = Callable[..., Awaitable[None]]


class _SignallingAck:
    """bolt's ``ack``, which also says that it was called."""

    def __init__(self, ack: AsyncAck, acked: asyncio.Event) -> None:
        self._ack = ack
        self._acked = acked

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            return await self._ack(*args, **kwargs)
        finally:
            self._acked.set()


class ListenerTasks:
    """The tasks listeners run in, and the wrapper that starts them (module docstring)."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[None]] = set()

    def pending(self) -> set[asyncio.Task[None]]:
        return {t for t in self._running if not t.done()}

    def wrap(self, listener: Listener) -> Listener:
        @functools.wraps(listener)  # bolt reads the wrapped signature to inject arguments
        async def run(**kwargs: Any) -> None:
            acked = asyncio.Event()
            if "ack" in kwargs:
                kwargs["ack"] = _SignallingAck(kwargs["ack"], acked)
            else:
                acked.set()  # bolt acks an event when this returns
            task = asyncio.ensure_future(listener(**kwargs))
            self._running.add(task)
            task.add_done_callback(functools.partial(self._ended, acked, listener.__name__))
            waiting = asyncio.ensure_future(acked.wait())
            try:
                await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiting.cancel()
            if task.done() and not acked.is_set():
                task.result()  # failed (or returned) before its ack: bolt answers for it

        return run

    def _ended(self, acked: asyncio.Event, name: str, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None and acked.is_set():
            log.error(
                "Slack listener %s failed after its ack: %s",
                name,
                type(error).__name__,
                exc_info=error,
            )
