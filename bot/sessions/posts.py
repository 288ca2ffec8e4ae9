"""The messages a session shows the group: questions, the check-in, and anonymous answers
with their reaction buttons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.actions import (
    answer_action_id,
    react_action_id,
    report_action_id,
    skip_action_id,
)
from bot.core.outbound import AnswerPost, QuestionPost, ReactionButton
from bot.core.records import AnswerRecord, SessionRecord
from bot.questions.model import PaletteEntry, Question, QuestionSet
from bot.sessions.directory import CHECK_IN
from bot.sessions.notices import Notices


def question_post(
    session: SessionRecord, question_set: QuestionSet, question: Question, notices: Notices
) -> QuestionPost:
    return QuestionPost(
        channel_id=session.channel_id,
        session_id=session.id,
        number=question.number,
        total=len(question_set.questions),
        text=question.text,
        help_text=question.help_text,
        answer_action_id=answer_action_id(session.id, question.number),
        skip_action_id=skip_action_id(session.id, question.number),
        content_note=notices.content_note if question.sensitive else None,
    )


def check_in_post(session: SessionRecord, total: int, notices: Notices) -> QuestionPost:
    return QuestionPost(
        channel_id=session.channel_id,
        session_id=session.id,
        number=CHECK_IN,
        total=total,
        text=notices.check_in_question,
        help_text=None,
        answer_action_id=answer_action_id(session.id, CHECK_IN),
        skip_action_id=skip_action_id(session.id, CHECK_IN),
    )


def answer_post(
    session: SessionRecord, question: Question, answer: AnswerRecord, counts: Mapping[str, int]
) -> AnswerPost:
    return AnswerPost(
        channel_id=session.channel_id,
        session_id=session.id,
        answer_id=answer.id,
        question_number=question.number,
        alias=answer.alias,
        text=answer.text,
        reactions=buttons(answer.id, question.palette, counts),
        report_action_id=report_action_id(answer.id),
    )


def buttons(
    answer_id: str, palette: Sequence[PaletteEntry], counts: Mapping[str, int]
) -> tuple[ReactionButton, ...]:
    return tuple(
        ReactionButton(
            emoji=p.emoji,
            label=p.label,
            count=counts.get(p.emoji, 0),
            action_id=react_action_id(answer_id, index),
        )
        for index, p in enumerate(palette)
    )
