"""Five scripted workshops of different sizes, through the real engine and store.

Each person answers question 1 of case-for-change once; a few only press "me too". Themes
are set by a facilitator's correction (not the automatic tagger), so the figures are exact.

    workshop          people  social-workers  housing  education
    Leeds, 3 Dec      20      -               12       8
    Hull, 4 Dec       10      2 (+1 agreed)   -        7
    York, 5 Dec       6       2               -        4
    Wakefield, 6 Dec  4       2               -        2
    Selby, 7 Dec      3       1               -        2
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.local.adapter import LocalChannel
from bot.core.events import Command, Role
from bot.core.outbound import AnswerPost, QuestionPost
from bot.engine import Engine

FACILITATOR = LocalChannel.person("fac-1", Role.FACILITATOR)
STAFF = LocalChannel.person("staff-1", Role.STAFF)


@dataclass(frozen=True)
class Plan:
    label: str
    answers: dict[str, int]  # theme -> people answering with it
    agreers: int = 0  # people who only press "me too" on the first social-workers answer


PLANS = (
    Plan("Leeds, 3 Dec", {"housing": 12, "education": 8}),
    Plan("Hull, 4 Dec", {"social-workers": 2, "education": 7}, agreers=1),
    Plan("York, 5 Dec", {"social-workers": 2, "education": 4}),
    Plan("Wakefield, 6 Dec", {"social-workers": 2, "education": 2}),
    Plan("Selby, 7 Dec", {"social-workers": 1, "education": 2}),
)


async def run_workshop(engine: Engine, plan: Plan, n: int) -> str:
    channel = LocalChannel(engine, channel_id=f"room-{n}")
    await channel.command(
        FACILITATOR,
        Command.START_SESSION,
        **{"question-set": "case-for-change", "label": plan.label},
    )
    question = channel.outbox.of_type(QuestionPost)[-1]
    wanted: dict[str, str] = {}
    first_sw: AnswerPost | None = None
    person = 0
    for theme, count in plan.answers.items():
        for _ in range(count):
            person += 1
            young = LocalChannel.person(f"yp-{n}-{person}")
            sent = await channel.answer(young, question, f"point {person}", quote_ok=True)
            post = next(m for m in sent if isinstance(m, AnswerPost))
            wanted[post.answer_id] = theme
            if theme == "social-workers" and first_sw is None:
                first_sw = post
    for i in range(plan.agreers):
        assert first_sw is not None
        agreer = LocalChannel.person(f"yp-{n}-agree-{i}")
        await channel.press(agreer, first_sw.reactions[0])
    session_id = question.session_id
    digest = await engine.digest(session_id)
    for question_digest in digest.questions:
        for answer in question_digest.answers:
            theme = wanted[answer.answer_id]
            remove = [t for t in answer.themes if t != theme]
            await engine.retag_answer(answer.answer_id, add=[theme], remove=remove)
    await channel.command(FACILITATOR, Command.END_SESSION)
    return session_id


async def run_all(engine: Engine) -> list[str]:
    return [await run_workshop(engine, plan, n) for n, plan in enumerate(PLANS)]
