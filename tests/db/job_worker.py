"""One runner process for the multi-process test: the real ``JobRunner`` over a real
``PostgresStore``, with work that only writes down what ran.

    CONSULTBOT_DATABASE_URL=… python -m tests.db.job_worker LOG --lease SECONDS [--hang-after N]

Each escalation job appends ``ran <job id> <pid> <time>`` to ``LOG`` when it has run.
With ``--hang-after N`` the process writes ``hang <job id> …`` on its (N+1)th job and then
blocks forever inside it, holding its lease and a reserved batch, waiting to be killed.
The process polls like the heartbeat does (and wakes at once on NOTIFY) until SIGTERM, or
until the test that started it is gone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.core.events import Person
from bot.core.outbound import Outbound
from bot.core.ports import Outbox
from bot.core.records import ScheduleRecord
from bot.scheduling.runner import JobRunner
from bot.scheduling.timers import NoWaker, Timers
from db.postgres import PostgresStore

_NEVER = "the job test only queues escalation jobs; no other kind should run"


class RecordingWork:
    def __init__(self, log: TextIO, hang_after: int | None) -> None:
        self._log = log
        self._hang_after = hang_after
        self.done = 0

    def _write(self, what: str, job_id: str) -> None:
        self._log.write(f"{what} {job_id} {os.getpid()} {time.time():.3f}\n")
        self._log.flush()  # to the kernel: a SIGKILL after this loses nothing

    async def escalate(self, alert_id: str) -> list[Outbound]:
        if self._hang_after is not None and self.done == self._hang_after:
            self._write("hang", alert_id)
            await asyncio.Event().wait()  # forever, until killed
        await asyncio.sleep(0)
        self._write("ran", alert_id)
        self.done += 1
        return []

    async def purge(self) -> int:
        return 0

    async def deliver_alerts(self, outbox: Outbox) -> int:
        return 0  # no alerts in this test: the job rows are all it has

    async def send_all(
        self, messages: Sequence[Outbound], outbox: Outbox, *, actor: Person, channel_id: str
    ) -> None:
        return None

    # The other kinds never come up in this test: if one did, the test fails loudly.
    def reminder(self, schedule: ScheduleRecord, number: int, before: timedelta) -> Outbound:
        raise AssertionError(_NEVER)

    async def start_scheduled(
        self, schedule: ScheduleRecord, number: int, *, repost: bool = False
    ) -> list[Outbound]:
        raise AssertionError(_NEVER)

    async def close_scheduled(self, schedule_id: str, number: int) -> list[Outbound]:
        raise AssertionError(_NEVER)

    async def one_minute_left(self, session_id: str, number: int) -> list[Outbound]:
        raise AssertionError(_NEVER)

    async def advance_timed_question(
        self, session_id: str, number: int, *, repost: bool = False
    ) -> list[Outbound]:
        raise AssertionError(_NEVER)

    async def reveal_waiting(self, session_id: str) -> list[Outbound]:
        raise AssertionError(_NEVER)


class NoOutbox:
    async def send(self, message: Outbound) -> str | None:
        return None


async def main(url: str, log: TextIO, lease: float, hang_after: int | None) -> None:
    woken = asyncio.Event()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    store = await PostgresStore.open(
        url, lease=timedelta(seconds=lease), batch=20, wake=lambda _at: woken.set()
    )

    def clock() -> datetime:
        return datetime.now(UTC)

    work = RecordingWork(log, hang_after)
    timers = Timers(store=store, zone=ZoneInfo("UTC"), reminders=(), clock=clock, waker=NoWaker())
    runner = JobRunner(work=work, store=store, timers=timers, clock=clock)
    await runner.recover()
    log.write(f"ready - {os.getpid()} {time.time():.3f}\n")
    log.flush()
    parent = os.getppid()
    while not stop.is_set() and os.getppid() == parent:
        await runner.run_due(NoOutbox())
        woken.clear()
        # The heartbeat, quickened for the test; a NOTIFY wakes us sooner.
        waits = [asyncio.ensure_future(woken.wait()), asyncio.ensure_future(stop.wait())]
        await asyncio.wait(waits, timeout=0.2, return_when=asyncio.FIRST_COMPLETED)
        for waiting in waits:
            waiting.cancel()
    await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("log")
    parser.add_argument("--lease", type=float, required=True)
    parser.add_argument("--hang-after", type=int)
    args = parser.parse_args()
    with open(args.log, "a", encoding="utf-8") as log_file:
        url = os.environ["CONSULTBOT_DATABASE_URL"]
        asyncio.run(main(url, log_file, args.lease, args.hang_after))
