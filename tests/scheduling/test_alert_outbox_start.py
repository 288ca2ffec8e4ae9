"""The alert outbox and the job machinery: a start picks up alerts a previous process never
delivered (with the real apscheduler, as ``consultbot run`` starts it), and the retries of
an alert that keeps failing follow the backoff, on the fake clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from adapters.local.adapter import LocalChannel, LocalOutbox
from bot.app import open_runtime
from bot.config import Settings
from bot.core.errors import DeliveryFailed
from bot.core.events import Command, CommandInvoked
from bot.core.outbound import Outbound, SafeguardingAlert
from bot.scheduling.driver import ApschedulerWaker
from tests.scheduling.conftest import FakeClock, RecordingWaker

WORDS = "things at home are bad and I need to talk to someone"


class AlertsRefused(LocalOutbox):
    """The local platform, with every safeguarding alert refused (the platform is down);
    it notes when each was tried, on the fake clock."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.tried_at: list[datetime] = []

    async def send(self, message: Outbound) -> str | None:
        if isinstance(message, SafeguardingAlert):
            self.tried_at.append(self.clock())
            raise DeliveryFailed("the platform is down", transient=True)
        return await super().send(message)


async def test_a_start_delivers_an_alert_the_last_process_never_sent(settings: Settings) -> None:
    # The first process stores the alert and dies before sending anything.
    async with open_runtime(settings, waker=RecordingWaker()) as first:
        young = LocalChannel.person("young-1")
        asked = CommandInvoked(
            person=young, channel_id="c", command=Command.WORRIED, options={"message": WORDS}
        )
        messages = await first.engine.handle(asked)
        assert any(isinstance(m, SafeguardingAlert) for m in messages)  # made, never sent

    # The next start, with the real apscheduler (real time: it wakes the runner at once).
    waker = ApschedulerWaker(key="test-alert-start")
    async with open_runtime(settings, waker=waker) as second:
        outbox = LocalOutbox()
        await waker.start(second.jobs, outbox, second.store)
        try:
            for _ in range(200):
                if outbox.of_type(SafeguardingAlert):
                    break
                await asyncio.sleep(0.05)
            (alert,) = outbox.of_type(SafeguardingAlert)
        finally:
            waker.stop()
    assert WORDS in alert.text and alert.writer == "young-1"
    assert "local user young-1" in alert.text


async def test_retries_back_off_until_the_platform_takes_the_alert(settings: Settings) -> None:
    clock = FakeClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    async with open_runtime(settings, clock=clock, waker=RecordingWaker()) as rt:
        channel = LocalChannel(rt.engine)
        refused = AlertsRefused(clock)
        channel.outbox = refused
        began = clock()
        await channel.command(LocalChannel.person("young-1"), Command.WORRIED, message=WORDS)
        # Down for ten minutes of fake time; a round every second, as if woken each time.
        while clock() - began < timedelta(minutes=10):
            clock.advance(seconds=1)
            await rt.jobs.run_due(refused)
        working = LocalOutbox()
        clock.advance(seconds=20)  # back up; the next round delivers it
        await rt.jobs.run_due(working)
        (delivered,) = working.of_type(SafeguardingAlert)
        (row,) = await rt.store.alert_deliveries(delivered.alert_id)
        await rt.jobs.run_due(working)
        clock.advance(minutes=10)
        await rt.jobs.run_due(working)
    # 5 s, doubling, at most 5 minutes between tries: 0, 5, 15, 35, 75, 155, 315 s; the
    # next would be at 615 s, and the platform takes it then. Once, never again after.
    tried = [int((t - began).total_seconds()) for t in refused.tried_at]
    assert tried == [0, 5, 15, 35, 75, 155, 315]
    assert row.attempts == 8 and row.delivered_at == began + timedelta(seconds=620)
    # The lead's alert once; nobody acknowledged it, so the deputy's copy at 15 minutes.
    lead, deputy = working.of_type(SafeguardingAlert)
    assert (lead.audience, deputy.audience) == ("lead", "deputy")
    assert WORDS in deputy.text and deputy.writer == "young-1"
