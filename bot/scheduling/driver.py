"""apscheduler 3 wakes the job runner; the store says what is due.

apscheduler holds only wake-up calls (in memory): one date job per due time, plus a heartbeat
every minute that catches jobs added by another process (``consultbot schedule add``) or
missed for any reason. At start, every pending job in the store is registered again, with
stable ids and ``replace_existing=True``; overdue ones fire at once and the runner applies the
misfire policy. Job functions are module-level and take only a key, as apscheduler advises.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.ports import Outbox
from bot.core.store import JobStore
from bot.scheduling.runner import JobRunner

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 60
_RUNNERS: dict[str, tuple[JobRunner, Outbox]] = {}


async def run_due_jobs(runner_key: str) -> None:
    """The apscheduler job: run whatever is due now."""
    entry = _RUNNERS.get(runner_key)
    if entry is None:
        return
    runner, outbox = entry
    await runner.run_due(outbox)


class ApschedulerWaker:
    """A ``JobWaker`` backed by apscheduler's ``AsyncIOScheduler`` on the running loop."""

    def __init__(self, key: str = "consultbot") -> None:
        self._key = key
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    def wake(self, at: datetime) -> None:
        self._scheduler.add_job(
            run_due_jobs,
            "date",
            run_date=at,
            args=[self._key],
            id=f"wake-{int(at.timestamp())}",
            replace_existing=True,
            misfire_grace_time=None,  # late wake-ups still run; the runner decides what's stale
            coalesce=True,
        )

    async def start(self, runner: JobRunner, outbox: Outbox, store: JobStore) -> None:
        _RUNNERS[self._key] = (runner, outbox)
        await runner.recover()
        pending = await store.pending_jobs()
        for job in pending:
            self.wake(job.due_at)
        self._scheduler.add_job(
            run_due_jobs,
            "interval",
            seconds=HEARTBEAT_SECONDS,
            args=[self._key],
            id="heartbeat",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )
        self._scheduler.start()
        log.info("scheduler started with %d pending jobs", len(pending))

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        _RUNNERS.pop(self._key, None)
