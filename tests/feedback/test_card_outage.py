""" "You said, we did" jobs and a platform outage, on the fake clock: a card queued from the
command line (or a follow-up reminder) the platform refuses goes back to pending with a
backoff and arrives once when the platform is back; after the last try staff are told. A
card or reminder job a crash interrupted runs again at the next start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from adapters.local.adapter import LocalChannel, LocalOutbox
from bot.app import Runtime
from bot.core.errors import DeliveryFailed
from bot.core.events import Command
from bot.core.outbound import ChannelNotice, Outbound, PrivateNotice, StaffNote
from bot.core.records import JobKind, JobState
from bot.feedback.service import Step
from bot.scheduling.runner import DELIVERY_BACKOFF, JobOutcome
from tests.scheduling.conftest import FakeClock

from .conftest import FACILITATOR, LABEL

HEARD = "Moving home too often makes it hard to settle"


@dataclass
class Outage(LocalOutbox):
    """The local platform, refusing ``refused`` kinds of message while ``down``."""

    down: bool = True
    refused: tuple[type, ...] = (ChannelNotice, PrivateNotice)
    tries: int = 0

    async def send(self, message: Outbound) -> str | None:
        if self.down and isinstance(message, self.refused):
            self.tries += 1
            raise DeliveryFailed("the platform is down", transient=True)
        return await super().send(message)


def _feedback_jobs(outcomes: list[JobOutcome]) -> list[tuple[JobKind, JobState]]:
    kinds = {JobKind.FEEDBACK_CARD, JobKind.FOLLOW_UP}
    return [(o.kind, o.state) for o in outcomes if o.kind in kinds]


async def _card_from_the_cli(runtime: Runtime) -> str:
    feedback = runtime.engine.feedback
    action = await feedback.add(LABEL, "stability-moves", HEARD, "cli")
    await feedback.update(action.id, Step(decision="changed"), "cli")  # no platform: a job
    return action.id


async def test_a_card_queued_from_the_cli_survives_an_outage_and_arrives_once(
    runtime: Runtime, workshop: LocalChannel, clock: FakeClock
) -> None:
    await _card_from_the_cli(runtime)
    outbox = Outage()
    outcomes = await runtime.jobs.run_due(outbox)
    assert _feedback_jobs(outcomes) == [(JobKind.FEEDBACK_CARD, JobState.PENDING)]
    assert outbox.tries == 1 and outbox.sent == []
    assert _feedback_jobs(await runtime.jobs.run_due(outbox)) == []  # waits for its backoff

    clock.advance(seconds=DELIVERY_BACKOFF[0].total_seconds())
    assert _feedback_jobs(await runtime.jobs.run_due(outbox)) == [
        (JobKind.FEEDBACK_CARD, JobState.PENDING)
    ]
    assert outbox.tries == 2

    outbox.down = False  # the platform is back
    clock.advance(seconds=DELIVERY_BACKOFF[1].total_seconds())
    assert _feedback_jobs(await runtime.jobs.run_due(outbox)) == [
        (JobKind.FEEDBACK_CARD, JobState.DONE)
    ]
    clock.advance(hours=5)
    await runtime.jobs.run_due(outbox)
    (card,) = outbox.of_type(ChannelNotice)
    assert card.channel_id == "group"
    assert f"**You said:** {HEARD}." in card.text


async def test_after_the_last_try_staff_hear_the_card_was_not_posted(
    runtime: Runtime, workshop: LocalChannel, clock: FakeClock
) -> None:
    action_id = await _card_from_the_cli(runtime)
    outbox = Outage()  # the group's channel stays down; the staff destination works
    states = []
    for wait in (timedelta(0), *DELIVERY_BACKOFF):
        clock.advance(seconds=wait.total_seconds())
        states += [state for _, state in _feedback_jobs(await runtime.jobs.run_due(outbox))]
    assert states == [JobState.PENDING] * len(DELIVERY_BACKOFF) + [JobState.DROPPED]
    assert outbox.tries == len(DELIVERY_BACKOFF) + 1  # bounded
    (note,) = outbox.of_type(StaffNote)
    assert f"feedback card for action {action_id} could not be posted" in note.text
    clock.advance(days=1)
    assert _feedback_jobs(await runtime.jobs.run_due(outbox)) == []
    assert outbox.of_type(ChannelNotice) == []


async def test_a_follow_up_reminder_survives_an_outage(
    runtime: Runtime, workshop: LocalChannel, clock: FakeClock
) -> None:
    await workshop.command(
        FACILITATOR,
        Command.YOU_SAID_WE_DID,
        sessions=LABEL,
        theme="stability-moves",
        heard=HEARD,
        decision="waiting",
        **{"follow-up": "2027-01-15"},
    )
    clock.advance(days=60)  # past the follow-up date
    outbox = Outage()
    assert _feedback_jobs(await runtime.jobs.run_due(outbox)) == [
        (JobKind.FOLLOW_UP, JobState.PENDING)
    ]
    outbox.down = False
    clock.advance(seconds=DELIVERY_BACKOFF[0].total_seconds())
    assert _feedback_jobs(await runtime.jobs.run_due(outbox)) == [
        (JobKind.FOLLOW_UP, JobState.DONE)
    ]
    (reminder,) = outbox.of_type(PrivateNotice)
    assert reminder.recipient.user_id == FACILITATOR.user_id
    assert "Reminder:" in reminder.text
