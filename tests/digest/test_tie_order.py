"""Answers with equal agreement do not come out in the order they were given (which would
tell staff who answered first); they are ordered by their random id."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.records import AnswerForDigest, AnswerRecord, SessionRecord, SessionStatus, TagRecord
from bot.digest.build import build_digest
from bot.questions.loader import load_question_sets
from bot.questions.model import QuestionSet

SESSION = SessionRecord(
    id="s1",
    platform="local",
    channel_id="c",
    question_set_id="check-in",
    status=SessionStatus.CLOSED,
    current_question=1,
    started_at=datetime(2026, 11, 24, 18, 0, tzinfo=UTC),
    closed_at=datetime(2026, 11, 24, 19, 0, tzinfo=UTC),
)


def _question_set() -> QuestionSet:
    from bot.datafile import SHIPPED_PROMPTS_DIR

    return load_question_sets(SHIPPED_PROMPTS_DIR)["check-in"]


def _given(answer_id: str, n: int, likes: int) -> AnswerForDigest:
    question_set = _question_set()
    emoji = question_set.question(1).palette[0].emoji
    return AnswerForDigest(
        answer=AnswerRecord(
            id=answer_id,
            session_id="s1",
            question_number=1,
            participant_id=n,
            alias=f"Person {n}",
            text=f"foster carers answer {n}",
            quote_ok=True,
        ),
        tags=(TagRecord(theme_id="foster-carers", origin="auto", evidence="foster carers"),),
        reaction_counts={emoji: likes} if likes else {},
    )


def test_equal_agreement_is_ordered_by_answer_id_not_by_who_answered_first() -> None:
    given = [_given("f3a1", 1, 0), _given("0b7c", 2, 0), _given("9d20", 3, 2), _given("4e11", 4, 0)]
    digest = build_digest(SESSION, _question_set(), given, {"foster-carers": "Foster carers"})
    order = [a.answer_id for a in digest.questions[0].answers]
    assert order == ["9d20", "0b7c", "4e11", "f3a1"]  # most agreed first, then by id
    (theme,) = digest.themes
    assert [a.answer_id for a in theme.quotes] == ["9d20", "0b7c", "4e11"]
