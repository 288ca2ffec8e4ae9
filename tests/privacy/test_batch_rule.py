"""The batch rule: an answer waits at least the batch interval after it was given, and a batch
of fewer than three answers waits for more or for its question to close."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from adapters.local.adapter import LocalChannel
from bot.app import Runtime, open_runtime
from bot.config import Settings
from bot.core.events import Command
from bot.core.outbound import AnswerPost, PrivateNotice
from tests.privacy.conftest import AMY, BEN, CAL, FACILITATOR, start
from tests.scheduling.conftest import FakeClock, RecordingWaker


def _shown(channel: LocalChannel) -> list[str]:
    return sorted(p.text for p in channel.outbox.of_type(AnswerPost))


async def test_an_answer_given_just_before_a_minute_boundary_still_waits_a_full_interval(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock
) -> None:
    question = await start(channel)
    clock.set(datetime(2026, 11, 24, 12, 0, 59, 800000, tzinfo=UTC))
    for person, text in ((AMY, "one"), (BEN, "two"), (CAL, "three")):
        await channel.answer(person, question, text, quote_ok=True)
    clock.advance(seconds=0.3)
    await runtime.jobs.run_due(channel.outbox)
    assert _shown(channel) == []
    clock.advance(seconds=59)  # 59.3 s after they were given
    await runtime.jobs.run_due(channel.outbox)
    assert _shown(channel) == []
    clock.advance(seconds=1)
    await runtime.jobs.run_due(channel.outbox)
    assert _shown(channel) == ["one", "three", "two"]


async def test_fewer_than_three_answers_wait_for_more(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock
) -> None:
    question = await start(channel)
    await channel.answer(AMY, question, "one", quote_ok=True)
    await channel.answer(BEN, question, "two", quote_ok=True)
    clock.advance(minutes=5)
    await runtime.jobs.run_due(channel.outbox)
    assert _shown(channel) == []  # two answers alone would be easy to tell apart
    await channel.answer(CAL, question, "three", quote_ok=True)
    clock.advance(seconds=30)
    await runtime.jobs.run_due(channel.outbox)
    assert _shown(channel) == []  # the third has not waited its interval yet
    clock.advance(seconds=31)
    await runtime.jobs.run_due(channel.outbox)
    assert _shown(channel) == ["one", "three", "two"]


async def test_a_lone_answer_is_shown_when_its_question_closes(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock
) -> None:
    question = await start(channel, "case-for-change")
    await channel.answer(AMY, question, "more youth workers please", quote_ok=True)
    clock.advance(minutes=3)
    await runtime.jobs.run_due(channel.outbox)
    assert _shown(channel) == []
    sent = await channel.command(FACILITATOR, Command.NEXT_QUESTION)
    assert [type(m).__name__ for m in sent] == ["AnswerPost", "QuestionPost"]


async def test_answers_waiting_over_a_restart_are_never_shown_early(
    settings: Settings, clock: FakeClock
) -> None:
    batched = replace(settings, reveal_seconds=60)
    async with open_runtime(batched, clock=clock, waker=RecordingWaker()) as rt:
        channel = LocalChannel(rt.engine)
        question = await start(channel)
        for person, text in ((AMY, "one"), (BEN, "two"), (CAL, "three")):
            await channel.answer(person, question, text, quote_ok=True)
    clock.advance(seconds=30)
    async with open_runtime(batched, clock=clock, waker=RecordingWaker()) as rt:
        channel = LocalChannel(rt.engine)
        await rt.jobs.run_due(channel.outbox)
        assert _shown(channel) == []
        clock.advance(seconds=29)
        await rt.jobs.run_due(channel.outbox)
        assert _shown(channel) == []
        clock.advance(minutes=2)  # the bot first sees them now: they wait from here
        await rt.jobs.run_due(channel.outbox)
        assert _shown(channel) == []
        clock.advance(seconds=61)
        await rt.jobs.run_due(channel.outbox)
        assert _shown(channel) == ["one", "three", "two"]


async def test_the_privacy_notice_states_the_batch_rule(channel: LocalChannel) -> None:
    (notice,) = await channel.command(AMY, Command.PRIVACY)
    assert isinstance(notice, PrivateNotice)
    for words in ("not shown straight away", "at least three", "question ends"):
        assert words in notice.text, words
