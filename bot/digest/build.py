"""Builds the ``Digest`` of a session from what the store holds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.records import AnswerForDigest, SessionRecord
from bot.digest.model import Digest, DigestAnswer, DigestQuestion, ReactionCount, ThemeSummary
from bot.questions.model import QuestionSet

MAX_QUOTES_PER_THEME = 3
NOT_QUOTED = (
    "(Not shown: this young person didn't agree to their exact words being quoted. "
    "The answer is counted in the themes and agreement.)"
)


def build_digest(
    session: SessionRecord,
    question_set: QuestionSet,
    answers: Sequence[AnswerForDigest],
    theme_labels: Mapping[str, str],
) -> Digest:
    """``theme_labels`` maps theme id to label, in codebook order (which tags are listed in)."""
    order = {theme_id: i for i, theme_id in enumerate(theme_labels)}
    digest_answers = [_digest_answer(a, question_set, order) for a in answers]

    questions = []
    for question in question_set.questions:
        given = [a for a in digest_answers if a.question_number == question.number]
        # sorted() is stable: ties keep the order the answers were given in.
        given.sort(key=lambda a: -a.agreement)
        questions.append(
            DigestQuestion(number=question.number, text=question.text, answers=tuple(given))
        )

    themes = []
    for theme_id, label in theme_labels.items():
        tagged = [a for a in digest_answers if theme_id in a.themes]
        if not tagged:
            continue
        aliases = {a.alias for a in tagged}
        quotable = [a for a in tagged if a.quotable]
        quotes = sorted(quotable, key=lambda a: -a.agreement)[:MAX_QUOTES_PER_THEME]
        themes.append(
            ThemeSummary(
                theme_id=theme_id,
                label=label,
                answer_count=len(tagged),
                participant_count=len(aliases),
                quotes=tuple(quotes),
            )
        )
    themes.sort(key=lambda t: (-t.answer_count, order[t.theme_id]))

    return Digest(
        session_id=session.id,
        question_set_id=question_set.id,
        question_set_title=question_set.title,
        started_at=session.started_at,
        closed_at=session.closed_at,
        participant_count=len({a.alias for a in digest_answers}),
        answer_count=len(digest_answers),
        questions=tuple(questions),
        themes=tuple(themes),
    )


def _digest_answer(
    item: AnswerForDigest, question_set: QuestionSet, order: Mapping[str, int]
) -> DigestAnswer:
    answer = item.answer
    palette = question_set.question(answer.question_number).palette
    themes = sorted((t.theme_id for t in item.tags if t.theme_id in order), key=order.__getitem__)
    return DigestAnswer(
        answer_id=answer.id,
        question_number=answer.question_number,
        alias=answer.alias,
        text=answer.text if answer.quote_ok else NOT_QUOTED,
        quotable=answer.quote_ok,
        themes=tuple(themes),
        reactions=tuple(
            ReactionCount(emoji=p.emoji, label=p.label, count=item.reaction_counts.get(p.emoji, 0))
            for p in palette
        ),
    )
