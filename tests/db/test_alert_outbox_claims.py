"""Two processes' alert outboxes on one database, on every backend: an attempt longer than
the hold (a platform slow past its retries) keeps its claim by renewing it, so the other
process sends no duplicate, and the failure it records is its own."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from cryptography.fernet import Fernet

from adapters.local.adapter import LocalOutbox
from bot.core.errors import DeliveryFailed
from bot.core.outbound import Outbound, SafeguardingAlert
from bot.core.records import DeliveryAudience
from bot.core.store import Store
from bot.safeguarding.alert_outbox import HOLD, AlertOutbox
from bot.safeguarding.vault import IdentityVault
from tests.db.builders import T0, alert, session
from tests.db.conftest import Backend
from tests.scheduling.conftest import FakeClock, RecordingWaker


class SlowPlatform(LocalOutbox):
    """A platform that takes an alert only when the test lets it go, and then refuses it."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, message: Outbound) -> str | None:
        if isinstance(message, SafeguardingAlert):
            self.entered.set()
            await self.release.wait()
            raise DeliveryFailed("the platform gave up after its retries", transient=True)
        return await super().send(message)


async def test_a_long_attempt_keeps_its_claim_and_nobody_sends_a_duplicate(
    backend: Backend,
) -> None:
    clock = FakeClock(T0)
    vault = IdentityVault(Fernet.generate_key())
    first_store, second_store = await backend.open(), await backend.open()
    await first_store.create_session(session("s1"))
    await first_store.create_alert(alert("al1"))

    def outbox_on(store: Store) -> AlertOutbox:
        return AlertOutbox(
            store=store,
            vault=vault,
            clock=clock,
            waker=RecordingWaker(),
            escalate_after=timedelta(minutes=15),
            renew_every=0.01,
        )

    first, second = outbox_on(first_store), outbox_on(second_store)
    slow = SlowPlatform()
    attempt = asyncio.create_task(first.deliver_due(slow))
    await slow.entered.wait()
    clock.advance(seconds=HOLD.total_seconds() + 60)  # the attempt outlives its first hold
    for _ in range(500):  # until the running attempt has renewed its hold
        (delivery,) = await second_store.undelivered_alerts()
        if delivery.due_at > clock():
            break
        await asyncio.sleep(0.01)

    other = LocalOutbox()
    assert await second.deliver_due(other) == 0
    assert other.of_type(SafeguardingAlert) == []  # no duplicate from the second process

    slow.release.set()
    assert await attempt == 0
    (waiting,) = await second_store.undelivered_alerts()
    assert (waiting.due_at, waiting.attempts) == (clock() + timedelta(seconds=5), 1)

    clock.advance(seconds=5)
    assert await second.deliver_due(other) == 1
    (delivered,) = other.of_type(SafeguardingAlert)
    assert delivered.alert_id == "al1" and delivered.audience.value == DeliveryAudience.LEAD
