"""The whole life of a scheduled session on a fake clock: reminders, start, timed questions,
auto-close with the digest delivered; restarts; bad requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.local.adapter import LocalChannel, LocalOutbox
from bot.core.events import Command, Role
from bot.core.outbound import Audience, ChannelNotice, FileDelivery, PrivateNotice, QuestionPost
from bot.core.records import JobKind, JobState
from bot.scheduling.runner import JobOutcome
from tests.scheduling.conftest import FakeClock, RecordingWaker, RuntimeOpener

FACILITATOR = LocalChannel.person("fac", Role.FACILITATOR)
AMY = LocalChannel.person("amy")
# 24 November 2026 is in GMT, so London time = UTC.
START = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


async def _schedule(channel: LocalChannel, **options: str) -> str:
    defaults = {"question-set": "check-in", "start": "2026-11-26 18:00", "length": "30"}
    sent = await channel.command(FACILITATOR, Command.SCHEDULE_SESSION, **(defaults | options))
    assert len(sent) == 1 and isinstance(sent[0], PrivateNotice)
    return sent[0].text


def _by_job(outcomes: list[JobOutcome]) -> dict[str, JobState]:
    """Outcomes by job id without the schedule prefix; the daily retention purge, which a
    restart always starts, is checked and left out."""
    purges = [o for o in outcomes if o.kind is JobKind.PURGE]
    assert all(o.state is JobState.DONE for o in purges)
    return {o.job_id.split(":", 1)[1]: o.state for o in outcomes if o.kind is not JobKind.PURGE}


def _texts(outbox: LocalOutbox) -> list[str]:
    return [m.text for m in outbox.sent if isinstance(m, ChannelNotice)]


async def test_whole_life_of_a_scheduled_timed_session(
    open_rt: RuntimeOpener, clock: FakeClock, waker: RecordingWaker
) -> None:
    async with open_rt() as rt:
        channel = LocalChannel(rt.engine)
        reply = await _schedule(channel, **{"question-minutes": "5"})
        assert "Thursday 26 November 2026 at 18:00 Europe/London" in reply
        assert START in waker.times  # the start was handed to the scheduler to wake for
        outbox = channel.outbox

        clock.set(START - timedelta(hours=24))
        await rt.jobs.run_due(outbox)
        assert "starts in 1 day, at 18:00" in _texts(outbox)[-1]
        clock.set(START - timedelta(minutes=15))
        await rt.jobs.run_due(outbox)
        assert "starts in 15 minutes" in _texts(outbox)[-1]

        clock.set(START)
        await rt.jobs.run_due(outbox)
        first = outbox.of_type(QuestionPost)[-1]
        assert first.number == 1
        await channel.answer(AMY, first, "good thanks", quote_ok=True)

        clock.set(START + timedelta(minutes=4))
        await rt.jobs.run_due(outbox)
        assert _texts(outbox)[-1].startswith("⏳ One minute left")
        clock.set(START + timedelta(minutes=5))
        await rt.jobs.run_due(outbox)
        assert outbox.of_type(QuestionPost)[-1].number == 2

        # The facilitator moves on early: question 2's own timer then does nothing.
        await channel.command(FACILITATOR, Command.NEXT_QUESTION)
        assert outbox.of_type(QuestionPost)[-1].number == 3
        clock.set(START + timedelta(minutes=10))
        await rt.jobs.run_due(outbox)
        assert [q.number for q in outbox.of_type(QuestionPost)] == [1, 2, 3]

        clock.set(START + timedelta(minutes=30))
        await rt.jobs.run_due(outbox)
        delivery = outbox.of_type(FileDelivery)[-1]
        assert delivery.audience is Audience.STAFF
        assert len(delivery.files) == 5
        md = next(f for f in delivery.files if f.name.endswith(".md")).content.decode()
        assert "good thanks" in md
        assert _texts(outbox)[-1].startswith("That's the end of this session")
        # Nothing further is due, and nothing runs twice.
        clock.set(START + timedelta(days=1))
        assert await rt.jobs.run_due(outbox) == []
        assert len(outbox.of_type(FileDelivery)) == 1


async def test_manual_end_delivers_once_and_the_scheduled_close_then_does_nothing(
    open_rt: RuntimeOpener, clock: FakeClock
) -> None:
    async with open_rt() as rt:
        channel = LocalChannel(rt.engine)
        await _schedule(channel)
        clock.set(START)
        await rt.jobs.run_due(channel.outbox)
        await channel.command(FACILITATOR, Command.END_SESSION)
        clock.set(START + timedelta(minutes=30))
        outcomes = await rt.jobs.run_due(channel.outbox)
        assert [o.state for o in outcomes] == [JobState.DONE]
        assert len(channel.outbox.of_type(FileDelivery)) == 1


async def test_restart_runs_each_overdue_job_once_under_the_misfire_policy(
    open_rt: RuntimeOpener, clock: FakeClock
) -> None:
    async with open_rt() as rt:
        await _schedule(LocalChannel(rt.engine), repeat="weekly")
    # The bot is down from now until 10 minutes into the session.
    clock.set(START + timedelta(minutes=10))
    async with open_rt() as rt:
        await rt.jobs.recover()
        outbox = LocalOutbox()
        outcomes = _by_job(await rt.jobs.run_due(outbox))
        assert outcomes == {
            "0:remind:86400": JobState.DROPPED,  # a late reminder is noise
            "0:remind:900": JobState.DROPPED,
            "0:start": JobState.DONE,  # still within the session: start late
        }
        assert outbox.of_type(QuestionPost)[0].number == 1
        assert not any("Reminder" in t for t in _texts(outbox))
        assert await rt.jobs.run_due(outbox) == []  # nothing runs twice
    # Down again past the end: the close still happens and the digest goes out.
    clock.set(START + timedelta(hours=5))
    async with open_rt() as rt:
        await rt.jobs.recover()
        outbox = LocalOutbox()
        outcomes = _by_job(await rt.jobs.run_due(outbox))
        # The next week's reminder (24 h before) is not due yet; the close is.
        assert outcomes == {"0:close": JobState.DONE}
        assert len(outbox.of_type(FileDelivery)) == 1
        pending = {
            j.id.split(":", 1)[1]
            for j in await rt.store.pending_jobs()
            if j.kind is not JobKind.PURGE
        }
        assert pending == {"1:remind:86400", "1:remind:900", "1:start", "1:close"}


async def test_a_job_interrupted_by_a_crash_runs_again_once_or_is_dropped(
    open_rt: RuntimeOpener, clock: FakeClock
) -> None:
    async with open_rt() as rt:
        await _schedule(LocalChannel(rt.engine))
    clock.set(START - timedelta(minutes=15))
    async with open_rt() as rt:
        store = rt.store  # the same database the bot uses
        # Simulate a process that claimed the reminder and the start, then died mid-job.
        due = await store.due_jobs(START)
        for job in due:
            assert await store.claim_job(job.id)
    clock.set(START + timedelta(minutes=1))
    async with open_rt() as rt:
        await rt.jobs.recover()
        outbox = LocalOutbox()
        outcomes = _by_job(await rt.jobs.run_due(outbox))
        # The start is re-run (guarded: at most one session per occurrence); the reminder that
        # may already have been posted is not posted again.
        assert outcomes == {"0:start": JobState.DONE}
        assert len(outbox.of_type(QuestionPost)) == 1
        assert not any("Reminder" in t for t in _texts(outbox))


async def test_pause_extend_and_resume_a_question_timer(
    open_rt: RuntimeOpener, clock: FakeClock
) -> None:
    async with open_rt() as rt:
        channel = LocalChannel(rt.engine)
        sent = await channel.command(
            FACILITATOR,
            Command.START_SESSION,
            **{"question-set": "check-in", "question-minutes": "3"},
        )
        assert isinstance(sent[1], QuestionPost)
        clock.advance(minutes=1)
        paused = await channel.command(FACILITATOR, Command.PAUSE_QUESTION)
        assert isinstance(paused[0], PrivateNotice) and "paused" in paused[0].text
        clock.advance(minutes=30)  # a long discussion: the timer does not run
        assert await rt.jobs.run_due(channel.outbox) == []
        extended = await channel.command(FACILITATOR, Command.EXTEND_QUESTION, minutes="2")
        assert isinstance(extended[0], PrivateNotice) and "still paused" in extended[0].text
        resumed = await channel.command(FACILITATOR, Command.PAUSE_QUESTION)
        assert isinstance(resumed[0], PrivateNotice) and "4 minutes left" in resumed[0].text
        clock.advance(minutes=3, seconds=59)
        await rt.jobs.run_due(channel.outbox)
        assert [q.number for q in channel.outbox.of_type(QuestionPost)] == [1]
        clock.advance(seconds=1)
        await rt.jobs.run_due(channel.outbox)
        assert [q.number for q in channel.outbox.of_type(QuestionPost)] == [1, 2]
        # Extending a running timer moves both the nudge and the move-on.
        await channel.command(FACILITATOR, Command.EXTEND_QUESTION, minutes="5")
        clock.advance(minutes=3)
        await rt.jobs.run_due(channel.outbox)
        assert [q.number for q in channel.outbox.of_type(QuestionPost)] == [1, 2]
        clock.advance(minutes=5)
        await rt.jobs.run_due(channel.outbox)
        assert [q.number for q in channel.outbox.of_type(QuestionPost)] == [1, 2, 3]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start": "2026-11-20 18:00"}, "already passed"),
        ({"question-set": "nope"}, "no question set called 'nope'"),
        ({"repeat": "daily"}, "isn't a repeat I know"),
        ({"question-minutes": "0"}, "1 to 60 minutes"),
        ({"question-minutes": str(3 * 24 * 60)}, "1 to 60 minutes"),
        ({"length": "0"}, "from 10 minutes"),
        ({"length": "long"}, "whole number"),
        ({"start": "next tuesday"}, "couldn't read the time"),
    ],
)
async def test_bad_schedule_requests_are_refused_and_nothing_is_scheduled(
    open_rt: RuntimeOpener, options: dict[str, str], message: str
) -> None:
    async with open_rt() as rt:
        channel = LocalChannel(rt.engine)
        reply = await _schedule(channel, **options)
        assert message in reply
        assert await rt.store.schedules() == []
        assert await rt.store.pending_jobs() == []


async def test_only_facilitators_can_schedule(open_rt: RuntimeOpener) -> None:
    async with open_rt() as rt:
        channel = LocalChannel(rt.engine)
        sent = await channel.command(
            AMY,
            Command.SCHEDULE_SESSION,
            **{"question-set": "check-in", "start": "2026-11-26 18:00"},
        )
        assert isinstance(sent[0], PrivateNotice) and "Only facilitators" in sent[0].text
        assert await rt.store.schedules() == []


async def test_pausing_then_moving_on_leaves_the_new_question_timed(
    open_rt: RuntimeOpener, clock: FakeClock
) -> None:
    async with open_rt() as rt:
        channel = LocalChannel(rt.engine)
        options = {"question-set": "check-in", "question-minutes": "3"}
        await channel.command(FACILITATOR, Command.START_SESSION, **options)
        await channel.command(FACILITATOR, Command.PAUSE_QUESTION)
        await channel.command(FACILITATOR, Command.NEXT_QUESTION)
        clock.advance(minutes=3)
        await rt.jobs.run_due(channel.outbox)
        assert [q.number for q in channel.outbox.of_type(QuestionPost)] == [1, 2, 3]


async def test_two_next_question_presses_at_once_post_the_question_once(
    open_rt: RuntimeOpener,
) -> None:
    import asyncio

    async with open_rt() as rt:
        channel = LocalChannel(rt.engine)
        await channel.command(FACILITATOR, Command.START_SESSION, **{"question-set": "check-in"})
        await asyncio.gather(
            channel.command(FACILITATOR, Command.NEXT_QUESTION),
            channel.command(FACILITATOR, Command.NEXT_QUESTION),
        )
        assert [q.number for q in channel.outbox.of_type(QuestionPost)] == [1, 2]


async def test_a_missed_weekly_start_still_plans_next_week(
    open_rt: RuntimeOpener, clock: FakeClock
) -> None:
    async with open_rt() as rt:
        await _schedule(LocalChannel(rt.engine), repeat="weekly")
    clock.set(START + timedelta(hours=2))  # down through the whole first session
    async with open_rt() as rt:
        await rt.jobs.recover()
        outcomes = _by_job(await rt.jobs.run_due(LocalOutbox()))
        assert outcomes["0:start"] is JobState.DROPPED
        pending = {j.id.split(":", 1)[1] for j in await rt.store.pending_jobs()}
        assert {"1:start", "1:close", "1:remind:86400"} <= pending


async def test_a_move_on_interrupted_by_a_crash_posts_its_question_after_restart(
    open_rt: RuntimeOpener, clock: FakeClock
) -> None:
    async with open_rt() as rt:
        channel = LocalChannel(rt.engine)
        options = {"question-set": "check-in", "question-minutes": "2"}
        await channel.command(FACILITATOR, Command.START_SESSION, **options)
        session_id = channel.outbox.of_type(QuestionPost)[-1].session_id
    clock.advance(minutes=2)
    async with open_rt() as rt:
        # A process claimed the move-on, moved the session, and died before posting.
        (advance,) = [j for j in await rt.store.due_jobs(clock()) if j.kind is JobKind.ADVANCE]
        assert await rt.store.claim_job(advance.id)
        assert await rt.store.move_to_question(session_id, 2, from_number=1)
    async with open_rt() as rt:
        await rt.jobs.recover()
        outbox = LocalOutbox()
        await rt.jobs.run_due(outbox)
        assert [q.number for q in outbox.of_type(QuestionPost)] == [2]
        assert (await rt.store.session(session_id)).current_question == 2  # type: ignore[union-attr]
