""" "You said, we did" cards recorded from chat go through the same jobs as the command
line's, on the fake clock: a card the platform refuses waits for the runner's backoff and
arrives once; with two channels, only the one that refused is tried again; the actor hears
what could not be posted yet."""

from __future__ import annotations

from dataclasses import dataclass, replace

from adapters.local.adapter import LocalChannel
from bot.app import Runtime
from bot.core.events import Command
from bot.core.outbound import ChannelNotice, Outbound, PrivateNotice, QuestionPost
from bot.core.records import JobKind, JobState
from bot.feedback.service import CARD_WAITING
from bot.scheduling.runner import DELIVERY_BACKOFF
from tests.scheduling.conftest import FakeClock

from .conftest import AMY, FACILITATOR, LABEL, STAFF
from .test_card_outage import HEARD, Outage, _feedback_jobs


@dataclass
class OneChannelDown(Outage):
    """The local platform, refusing posts in channel ``channel`` only while ``down``."""

    channel: str = ""

    async def send(self, message: Outbound) -> str | None:
        if isinstance(message, ChannelNotice) and message.channel_id != self.channel:
            return await super(Outage, self).send(message)
        return await super().send(message)


def _cards(outbox: Outage, channel: str) -> list[ChannelNotice]:
    return [m for m in outbox.of_type(ChannelNotice) if m.channel_id == channel]


async def _update_from_chat(runtime: Runtime, outbox: Outage, sessions: str) -> list[str]:
    """Staff record an update in chat, the platform's outbox being ``outbox``; the replies
    that came back through the interaction."""
    staff_room = LocalChannel(runtime.engine, channel_id="staff-room")
    interaction = staff_room.outbox
    staff_room.outbox = outbox  # replies to the actor still come back through the interaction
    await staff_room.command(
        STAFF,
        Command.YOU_SAID_WE_DID,
        sessions=sessions,
        theme="stability-moves",
        heard=HEARD,
        decision="changed",
    )
    return [m.text for m in interaction.replies if isinstance(m, PrivateNotice)]


async def test_a_card_from_chat_refused_in_an_outage_arrives_once_later(
    runtime: Runtime, workshop: LocalChannel, clock: FakeClock
) -> None:
    outbox = Outage(refused=(ChannelNotice,))
    (reply,) = await _update_from_chat(runtime, outbox, LABEL)
    assert outbox.tries == 1 and outbox.of_type(ChannelNotice) == []
    notes = [m.text for m in outbox.of_type(PrivateNotice) if m.recipient == STAFF]
    assert notes == [CARD_WAITING]  # the actor hears it is waiting, not that it was posted
    assert "Posting it to 1 channel now" in reply
    assert _feedback_jobs(await runtime.jobs.run_due(outbox)) == []  # waits for its backoff

    outbox.down = False
    clock.advance(seconds=DELIVERY_BACKOFF[0].total_seconds())
    assert _feedback_jobs(await runtime.jobs.run_due(outbox)) == [
        (JobKind.FEEDBACK_CARD, JobState.DONE)
    ]
    clock.advance(hours=5)
    await runtime.jobs.run_due(outbox)
    (card,) = outbox.of_type(ChannelNotice)
    assert card.channel_id == "group" and f"**You said:** {HEARD}." in card.text


async def test_a_card_from_chat_posted_at_once_is_not_posted_again(
    runtime: Runtime, workshop: LocalChannel, clock: FakeClock
) -> None:
    outbox = Outage(down=False)
    await _update_from_chat(runtime, outbox, LABEL)
    assert len(_cards(outbox, "group")) == 1
    clock.advance(hours=5)
    assert _feedback_jobs(await runtime.jobs.run_due(outbox)) == []
    assert len(_cards(outbox, "group")) == 1


async def test_of_two_channels_only_the_one_that_refused_is_tried_again(
    runtime: Runtime, workshop: LocalChannel, clock: FakeClock
) -> None:
    other = LocalChannel(runtime.engine, channel_id="group2")
    options = {"question-set": "check-in", "label": "Hull"}
    started = await other.command(FACILITATOR, Command.START_SESSION, **options)
    question = next(m for m in started if isinstance(m, QuestionPost))
    await other.answer(AMY, question, "I moved home twice", quote_ok=True)
    await other.command(FACILITATOR, Command.END_SESSION)

    outbox = OneChannelDown(refused=(ChannelNotice,), channel="group2")
    await _update_from_chat(runtime, outbox, f"{LABEL}; Hull")
    assert len(_cards(outbox, "group")) == 1 and _cards(outbox, "group2") == []

    clock.advance(seconds=DELIVERY_BACKOFF[0].total_seconds())
    assert _feedback_jobs(await runtime.jobs.run_due(outbox)) == [
        (JobKind.FEEDBACK_CARD, JobState.PENDING)
    ]
    outbox.down = False
    clock.advance(seconds=DELIVERY_BACKOFF[1].total_seconds())
    assert _feedback_jobs(await runtime.jobs.run_due(outbox)) == [
        (JobKind.FEEDBACK_CARD, JobState.DONE)
    ]
    clock.advance(hours=5)
    await runtime.jobs.run_due(outbox)
    assert len(_cards(outbox, "group")) == 1  # never posted again
    assert len(_cards(outbox, "group2")) == 1


async def test_a_card_for_a_session_on_another_platform_waits_for_that_platforms_bot(
    runtime: Runtime, workshop: LocalChannel, clock: FakeClock
) -> None:
    on_slack = LocalChannel(runtime.engine, channel_id="C-slack")
    slack_facilitator = replace(FACILITATOR, platform="slack")
    options = {"question-set": "check-in", "label": "Hull"}
    await on_slack.command(slack_facilitator, Command.START_SESSION, **options)
    await on_slack.command(slack_facilitator, Command.END_SESSION)

    local = Outage(down=False)
    (reply,) = await _update_from_chat(runtime, local, f"{LABEL}; Hull")
    assert len(_cards(local, "group")) == 1 and _cards(local, "C-slack") == []
    assert "1 channel on another platform will get it from the bot running there" in reply

    runtime.jobs.serve_only("local")  # this process serves the local platform only
    clock.advance(hours=1)
    assert _feedback_jobs(await runtime.jobs.run_due(local)) == []  # left for Slack's bot
    assert _cards(local, "C-slack") == []

    slack = Outage(down=False)
    runtime.jobs.serve_only("slack")  # as the process serving Slack would
    assert _feedback_jobs(await runtime.jobs.run_due(slack)) == [
        (JobKind.FEEDBACK_CARD, JobState.DONE)
    ]
    (card,) = slack.of_type(ChannelNotice)
    assert card.channel_id == "C-slack" and f"**You said:** {HEARD}." in card.text
    assert len(_cards(local, "group")) == 1  # never posted again
