"""What an alert keeps until it is delivered, and what it shows: the words the young person
wrote reach the lead (names and all) and the deputy, while the store holds them only
sealed; a /worried message is sealed too, and goes with its alert at the purge."""

from __future__ import annotations

import sqlite3

from adapters.local.adapter import LocalChannel
from bot.app import Runtime
from bot.config import Settings
from bot.core.events import Command
from bot.core.outbound import SafeguardingAlert
from tests.privacy.conftest import AMY, BEN, start
from tests.scheduling.conftest import FakeClock

NAMED = "my uncle Gary hits me and i am scared to go home"
WORRIED = "can someone ring me about my brother"


def dump(settings: Settings) -> str:
    with sqlite3.connect(settings.database_path) as db:
        return "\n".join(db.iterdump())


async def test_a_held_answers_own_words_reach_the_lead_and_the_deputy_but_are_stored_sealed(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock, settings: Settings
) -> None:
    question = await start(channel)
    sent = await channel.answer(BEN, question, NAMED)
    (alert,) = [m for m in sent if isinstance(m, SafeguardingAlert)]

    assert NAMED in alert.text and "local user ben-222" in alert.text
    stored = await runtime.store.answer(alert.release_action_id.split(":")[2])  # type: ignore[union-attr]
    assert stored is not None and "Gary" not in stored.text and "[name]" in stored.text
    assert "Gary" not in dump(settings)  # the name is only in the sealed copy
    clock.advance(minutes=16)
    await runtime.jobs.run_due(channel.outbox)
    (deputy,) = [a for a in channel.outbox.of_type(SafeguardingAlert) if a.audience == "deputy"]
    assert NAMED in deputy.text and deputy.writer == "ben-222"


async def test_worried_words_are_sealed_in_the_store_and_purged_with_their_alert(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock, settings: Settings
) -> None:
    (alert, _) = await channel.command(AMY, Command.WORRIED, message=WORRIED)
    assert isinstance(alert, SafeguardingAlert) and WORRIED in alert.text
    assert WORRIED not in dump(settings) and "amy-111" not in dump(settings)
    stored = await runtime.store.alert(alert.alert_id)
    assert stored is not None and stored.sealed

    clock.advance(days=settings.retention_days + 2)
    await runtime.engine.purge()

    assert await runtime.store.alert(alert.alert_id) is None
    assert await runtime.store.alert_deliveries(alert.alert_id) == []
