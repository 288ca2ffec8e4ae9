"""``consultbot demo``: a whole consultation on the local adapter, start to digest.

A facilitator starts ``case-for-change``; simulated young people agree to the privacy note,
answer each question with sample answers from ``prompts/demo-answers.toml`` (most saying
their words may be quoted), see them revealed in a shuffled batch (time is simulated, so
nobody waits), and react to each other's answers (mostly with the anonymous buttons, a few
with native emoji reactions, some changing their mind); the facilitator ends the session and
the digest is written in every format.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.local.adapter import LocalChannel
from bot.config import Settings
from bot.core.errors import DataFileError
from bot.core.events import Command, Person, Role
from bot.core.outbound import AnswerPost, FileDelivery, QuestionPost, SafeguardingAlert
from bot.core.ports import EventHandler, Outbox
from bot.datafile import read_toml

DEMO_SET = "case-for-change"
DEMO_ANSWERS_FILE = "demo-answers.toml"
ANSWER_CHANCE = 0.85
REACT_CHANCE = 0.3
NATIVE_REACTION_SHARE = 0.15
CHANGE_OF_MIND_CHANCE = 0.05
END_CHECK_SECONDS = 31 * 60  # the end-of-session check is open 30 minutes after the close
QUOTE_CHANCE = 0.75  # most say yes to being quoted; the rest are counted, never quoted


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoResult:
    session_id: str
    participants: int
    answers: int
    reactions: int
    held: int  # answers the screen passed to the safeguarding lead instead of the group
    files: tuple[Path, ...]
    rows: tuple[tuple[int, str, int, int], ...]  # question number, text, answers, reactions


def load_demo_answers(prompts_dir: Path) -> dict[int, list[str]]:
    path = prompts_dir / DEMO_ANSWERS_FILE
    data = read_toml(path)
    by_question: dict[int, list[str]] = {}
    for index, item in enumerate(data.get("answers", []), start=1):
        number, text = item.get("question"), item.get("text")
        if not isinstance(number, int) or not isinstance(text, str) or not text.strip():
            raise DataFileError(str(path), f"answers[{index}]", "needs `question` and `text`")
        by_question.setdefault(number, []).append(text)
    if not by_question:
        raise DataFileError(str(path), "answers", "holds no sample answers")
    return by_question


class DemoClock:
    """Simulated time: each question takes a few minutes, without waiting for them."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def run_demo(
    handler: EventHandler,
    run_due_jobs: Callable[[Outbox], Awaitable[object]],
    clock: DemoClock,
    settings: Settings,
    *,
    out_dir: Path,
    participants: int,
    seed: int,
    say: Callable[[str], None],
) -> DemoResult:
    rng = random.Random(seed)
    samples = load_demo_answers(settings.prompts_dir)
    channel = LocalChannel(handler, channel_id="demo-channel")
    facilitator = channel.person("demo-facilitator", Role.FACILITATOR, Role.STAFF)
    people = [channel.person(f"demo-young-person-{n:02d}") for n in range(1, participants + 1)]

    await channel.command(facilitator, Command.START_SESSION, **{"question-set": DEMO_SET})
    question = channel.outbox.of_type(QuestionPost)[-1]
    say(f"Started session {question.session_id} with {participants} young people.")

    rows = []
    total_reactions = 0
    while True:
        answers_before = len(channel.outbox.of_type(AnswerPost))
        pool = list(samples.get(question.number, []))
        rng.shuffle(pool)
        for person in people:
            if pool and rng.random() < ANSWER_CHANCE:
                quote_ok = rng.random() < QUOTE_CHANCE
                await channel.answer(person, question, pool.pop(), quote_ok=quote_ok)
            clock.advance(rng.uniform(5, 25))
        # Answers reach the group in a shuffled batch, as in a real session.
        clock.advance(settings.reveal_seconds + 1)
        await run_due_jobs(channel.outbox)
        posts = channel.outbox.of_type(AnswerPost)[answers_before:]
        reactions = await _react(channel, rng, people, posts)
        total_reactions += reactions
        rows.append((question.number, question.text, len(posts), reactions))
        say(f"  Q{question.number}/{question.total}: {len(posts)} answers, {reactions} reactions")
        if question.number == question.total:
            break
        await channel.command(facilitator, Command.NEXT_QUESTION)
        question = channel.outbox.of_type(QuestionPost)[-1]

    await channel.command(facilitator, Command.END_SESSION)
    # With an end-of-session check the digest goes to staff when the check closes.
    clock.advance(END_CHECK_SECONDS)
    await run_due_jobs(channel.outbox)
    deliveries = channel.outbox.of_type(FileDelivery)
    if not deliveries:
        raise RuntimeError("the session ended without a digest")
    paths = await asyncio.to_thread(_write_files, out_dir, deliveries[-1])
    answered = {p.alias for p in channel.outbox.of_type(AnswerPost)}
    return DemoResult(
        session_id=question.session_id,
        participants=len(answered),
        answers=len(channel.outbox.of_type(AnswerPost)),
        reactions=total_reactions,
        held=len(channel.outbox.of_type(SafeguardingAlert)),
        files=tuple(paths),
        rows=tuple(rows),
    )


def _write_files(out_dir: Path, delivery: FileDelivery) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for file in delivery.files:
        path = out_dir / file.name
        path.write_bytes(file.content)
        paths.append(path)
    return paths


async def _react(
    channel: LocalChannel, rng: random.Random, people: list[Person], posts: list[AnswerPost]
) -> int:
    """Young people react to answers they feel the same about; returns reactions left on."""
    appeal = {post.answer_id: rng.random() for post in posts}
    refs = {
        msg.answer_id: ref
        for ref, msg in channel.outbox.refs.items()
        if isinstance(msg, AnswerPost)
    }
    for person in people:
        for post in posts:
            if rng.random() >= REACT_CHANCE * 2 * appeal[post.answer_id]:
                continue
            buttons = channel.outbox.buttons[post.answer_id]
            # Mostly "me too" (the first button); sometimes another reaction.
            button = buttons[0] if rng.random() < 0.7 else rng.choice(buttons)
            if rng.random() < NATIVE_REACTION_SHARE:
                await channel.native_reaction(person, refs[post.answer_id], button.emoji)
            else:
                await channel.press(person, button)
                if rng.random() < CHANGE_OF_MIND_CHANCE:
                    await channel.press(person, button)  # pressed again: taken back
    return sum(
        Counter({b.emoji: b.count for b in channel.outbox.buttons[post.answer_id]}).total()
        for post in posts
    )
