"""Alerts that cannot be lost, on Slack: the real slack-bolt app and slack_sdk client against
the fake Slack, the real engine and store, and the fake clock. Slack answers every
``chat.postMessage`` to the lead's channel and to the lead's direct messages with a 429 for
30 s of fake time, past the client's own retries (it retries a 429 three times, after
``Retry-After`` plus up to a second of real time); the alert arrives once when Slack is
back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.core.actions import AcknowledgeAction as AckAction
from bot.core.actions import parse_action_id
from tests.scenarios.slack_room import SlackRoom, dm_channel, open_slack_room
from tests.scenarios.steps import DISCLOSURE, answer, start
from tests.slack.conftest import LEAD, SAFEGUARDING_CHANNEL

OUTAGE = timedelta(seconds=30)
ALWAYS = 1_000_000
ALERT_PLACES = {SAFEGUARDING_CHANNEL, dm_channel(LEAD)}


def slack_busy(room: SlackRoom) -> None:
    """Rate limits where alerts go; slack_sdk sleeps out each one for up to a real second."""
    room.settle_within = 30.0
    room.fake.fail(
        "chat.postMessage",
        "ratelimited",
        status=429,
        retry_after=0,
        times=ALWAYS,
        channels=ALERT_PLACES,
    )


async def test_an_alert_survives_30_seconds_of_rate_limits_and_arrives_once(
    tmp_path: Path,
) -> None:
    async with open_slack_room(tmp_path, reveal_seconds=0) as room:
        question = await start(room)
        slack_busy(room)
        told = await answer(room, room.young[0], question, DISCLOSURE)
        assert any("trusted adult" in text for text in told)
        assert room.alerts() == []

        began = room.clock()
        while not room.alerts():
            room.clock.advance(seconds=1)
            assert room.clock() - began < timedelta(minutes=10), "never delivered"
            if room.clock() - began == OUTAGE:
                room.fake.clear_failures()
            await room.runtime.jobs.run_due(room.harness.adapter.outbox)
            await room.settle()
        delivered_after = room.clock() - began

        (alert,) = room.alerts()
        assert DISCLOSURE in alert.text and alert.writer == room.young[0]
        assert room.fake.posts_in(dm_channel(LEAD)) == []  # the channel took it: no DM too
        (ack,) = [a for a in map(parse_action_id, alert.action_ids) if isinstance(a, AckAction)]
        (delivery,) = await room.runtime.store.alert_deliveries(ack.alert_id)
        # Tried at 0, 5 and 15 s along the whole route (the lead's channel, then a direct
        # message to the lead), each call retried three times by slack_sdk: taken at 35 s,
        # on the 4th attempt, with one call.
        assert (delivered_after, delivery.attempts) == (timedelta(seconds=35), 4)
        posts = room.fake.calls_to("chat.postMessage")
        alert_posts = [c for c in posts if c.params.get("channel") in ALERT_PLACES]
        assert len(alert_posts) == 3 * 2 * 4 + 1
        # Nothing twice after it succeeded.
        await room.time_passes(minutes=10)
        assert len(room.alerts()) == 1
