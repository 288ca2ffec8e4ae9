"""Alerts that cannot be lost, on Discord: real discord.py against the fake Discord, the real
engine and store, and the fake clock. Discord answers 503 and then drops connections for 30 s
of fake time; the alert arrives once when it recovers. An app stopped with an alert
undelivered leaves it in the database, and a new app on the same database delivers it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.core.records import AlertDelivery, DeliveryAudience
from db.sqlite import SqliteStore
from tests.scenarios.discord_room import DiscordRoom, open_discord_room
from tests.scenarios.steps import DISCLOSURE, answer, start

OUTAGE = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class Figures:
    delivered_after: timedelta  # fake time from the answer to the alert in the channel
    attempts: int  # the outbox's attempts (each may be retried once inside the adapter)
    refused_requests: int  # what Discord answered with a 503 or a dropped connection


def alert_path(room: DiscordRoom) -> str:
    return rf"/channels/{room.harness.safeguarding_channel}/messages"


def discord_down(room: DiscordRoom, *, dropping: bool) -> None:
    """The lead's channel can't be posted to: 503s, or connections dropped unanswered."""
    fake = room.harness.fake
    fake.clear_faults()
    if dropping:
        fake.disconnect("POST", alert_path(room), times=None, handled=False)
    else:
        fake.fail("POST", alert_path(room), status=503, message="Service Unavailable", times=None)


async def deliveries(tmp_path: Path) -> list[AlertDelivery]:
    store = await SqliteStore.open(tmp_path / "t.db")
    try:
        (pending,) = await store.undelivered_alerts()
        return await store.alert_deliveries(pending.alert_id)
    finally:
        await store.close()


async def every_second_until_delivered(room: DiscordRoom, tmp_path: Path) -> Figures:
    """Each fake second: Discord stays down for ``OUTAGE`` (503s, then dropped
    connections), and the job runner's round runs, as the heartbeat and wake-ups would."""
    began = room.clock()
    store = await SqliteStore.open(tmp_path / "t.db")
    try:
        (pending,) = await store.undelivered_alerts()
        while not room.harness.alerts():
            room.clock.advance(seconds=1)
            elapsed = room.clock() - began
            assert elapsed < timedelta(minutes=10), "never delivered"
            if elapsed == OUTAGE / 2:
                discord_down(room, dropping=True)
            if elapsed == OUTAGE:
                room.harness.fake.clear_faults()
            await room.harness.jobs.run_due(room.harness.client.outbox)
            await room.settle()
        (done,) = await store.alert_deliveries(pending.alert_id)
    finally:
        await store.close()
    refused = [
        r for r in room.harness.fake.requests_to("POST", alert_path(room)) if r.status != 200
    ]
    return Figures(room.clock() - began, done.attempts, len(refused))


async def test_an_alert_survives_a_30_second_outage_and_arrives_once(tmp_path: Path) -> None:
    async with open_discord_room(tmp_path, reveal_seconds=0) as room:
        question = await start(room)
        discord_down(room, dropping=False)
        told = await answer(room, room.young[0], question, DISCLOSURE)
        assert any("trusted adult" in text for text in told)  # the writer is answered all the same
        assert room.alerts() == []

        figures = await every_second_until_delivered(room, tmp_path)

        (alert,) = room.alerts()
        assert DISCLOSURE in alert.text and alert.writer == room.young[0]
        assert alert.buttons == ("I'm on it", "Release to the group", "Keep out of the digest")
        # Tried at 0 s (503), 5 s, 15 s (dropped), 35 s: delivered on the 4th attempt.
        assert figures == Figures(
            delivered_after=timedelta(seconds=35), attempts=4, refused_requests=6
        )
        # Nothing twice: later rounds (before the deputy's time) send nothing more.
        for _ in range(10):
            room.clock.advance(minutes=1)
            await room.harness.jobs.run_due(room.harness.client.outbox)
        assert len(room.harness.alerts()) == 1
        # Acknowledged: the deputy is not alerted.
        picked = await room.press_alert(room.lead, alert, "I'm on it")
        assert picked == ["Thanks: you've picked this up. The deputy won't be alerted."]
        await room.time_passes(minutes=30)
        assert len(room.harness.alerts()) == 1


async def test_an_alert_left_undelivered_at_a_restart_is_delivered_by_the_next_start(
    tmp_path: Path,
) -> None:
    async with open_discord_room(tmp_path, reveal_seconds=0) as room:
        question = await start(room)
        discord_down(room, dropping=False)
        await answer(room, room.young[0], question, DISCLOSURE)
        room.clock.advance(seconds=5)
        await room.harness.jobs.run_due(room.harness.client.outbox)  # the retry fails too
        assert room.alerts() == []
    (waiting,) = await deliveries(tmp_path)
    assert waiting.audience is DeliveryAudience.LEAD and waiting.delivered_at is None
    assert waiting.attempts == 2

    async with open_discord_room(tmp_path, reveal_seconds=0) as again:  # the same database
        again.clock.advance(minutes=1)
        # What a start does (bot.scheduling.driver): settle the jobs, then a round at once.
        await again.harness.jobs.recover()
        await again.harness.jobs.run_due(again.harness.client.outbox)
        await again.settle()

        (alert,) = again.alerts()
        # Rebuilt from the store: the words, and who wrote them from the identity vault.
        assert DISCLOSURE in alert.text and alert.writer == again.young[0]
        assert f"discord user {again.young[0]}" in alert.text
        assert alert.buttons == ("I'm on it", "Release to the group", "Keep out of the digest")
        await again.time_passes(minutes=1)
        assert len(again.alerts()) == 1
