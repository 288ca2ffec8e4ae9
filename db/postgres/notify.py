"""Wake-ups across processes: ``LISTEN consultbot_jobs`` on a connection of its own.

A trigger on ``jobs`` (migration 0001) sends ``NOTIFY consultbot_jobs, '<epoch seconds>'`` when
jobs are added, moved or requeued, with the earliest due time; a runner that reserved a full
batch sends one for "now", so other processes share the rest. Each notice calls ``wake`` (the
scheduler's ``JobWaker.wake``). Notices are only a nudge: if the connection drops, the
listener reconnects with a growing pause and wakes the runner once, and the heartbeat every
minute catches anything missed in between.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

import psycopg

from db.postgres.url import reason, where

log = logging.getLogger(__name__)

CHANNEL = "consultbot_jobs"
MAX_PAUSE_SECONDS = 60.0


def due_time(payload: str) -> datetime:
    try:
        return datetime.fromtimestamp(float(payload), UTC)
    except ValueError:
        return datetime.now(UTC)


async def listen(
    url: str, wake: Callable[[datetime], None], *, ready: asyncio.Event | None = None
) -> None:
    """Call ``wake`` for every notice, until cancelled."""
    pause = 1.0
    first = True
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                await conn.execute("LISTEN consultbot_jobs")  # CHANNEL
                if ready is not None:
                    ready.set()
                if not first:
                    _call(wake, datetime.now(UTC))  # anything added while we were away
                first, pause = False, 1.0
                async for notice in conn.notifies():
                    _call(wake, due_time(notice.payload))
        except psycopg.Error as error:
            log.warning(
                "job wake-ups from %s paused (%s); retrying in %.0f s",
                where(url),
                reason(url, error),
                pause,
            )
        first = False
        await asyncio.sleep(pause)
        pause = min(pause * 2, MAX_PAUSE_SECONDS)


def _call(wake: Callable[[datetime], None], at: datetime) -> None:
    try:
        wake(at)
    except Exception:
        log.exception("a job wake-up could not be passed on")
