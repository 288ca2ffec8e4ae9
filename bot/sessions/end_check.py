"""The anonymous end-of-session check (``bot.questions.end_check``): posted to the group when
a session closes, if its question set has it; each tap stored once per participant per
question (a second tap changes it), while the closing check-in is open. Only counts leave
the store, for the digest and the report. It replaces nothing in the private "how are you
feeling" check-in to the facilitator, which is posted after it."""

from __future__ import annotations

import logging
from typing import Protocol

from bot.core.actions import end_check_action_id
from bot.core.errors import InvalidAnswer
from bot.core.events import EndCheckAnswered
from bot.core.outbound import EndCheckPost, Outbound, ScaleChoice
from bot.core.records import SessionRecord, SessionStatus
from bot.core.store import EndCheckStore, ParticipantStore, SessionStore
from bot.questions.end_check import END_CHECK_QUESTIONS, END_CHECK_SCALE
from bot.sessions.directory import SessionDirectory, private

log = logging.getLogger(__name__)

CLOSED = "The questions about today have closed now. Thank you!"


class EndCheckDeskStore(EndCheckStore, ParticipantStore, SessionStore, Protocol):
    pass


def end_check_posts(session: SessionRecord, intro: str) -> list[Outbound]:
    total = len(END_CHECK_QUESTIONS)
    return [
        EndCheckPost(
            channel_id=session.channel_id,
            session_id=session.id,
            number=number,
            total=total,
            text=text,
            choices=tuple(
                ScaleChoice(
                    emoji=face.emoji,
                    label=face.label,
                    action_id=end_check_action_id(session.id, number, choice),
                )
                for choice, face in enumerate(END_CHECK_SCALE)
            ),
            intro=intro if number == 1 else None,
        )
        for number, text in enumerate(END_CHECK_QUESTIONS, start=1)
    ]


class EndCheck:
    def __init__(self, *, store: EndCheckDeskStore, directory: SessionDirectory) -> None:
        self._store = store
        self._directory = directory

    def posts(self, session: SessionRecord) -> list[Outbound]:
        """The four questions for the group, when the session's question set has them."""
        if not self._directory.question_set(session).end_check:
            return []
        return end_check_posts(session, self._directory.notices.end_check_intro)

    async def answer(self, event: EndCheckAnswered) -> list[Outbound]:
        directory = self._directory
        session = await directory.session_for_press(
            event.session_id, event.person, event.channel_id
        )
        if not 1 <= event.question <= len(END_CHECK_QUESTIONS):
            return []
        if not 0 <= event.choice < len(END_CHECK_SCALE):
            return []
        if session.purged or (
            session.status is not SessionStatus.OPEN and not directory.check_in_open(session)
        ):
            raise InvalidAnswer(CLOSED)
        participant = await directory.participant(session.id, event.person)
        if participant is None:
            return [directory.consent_request(session, event.person, None)]
        await self._store.record_end_check(session.id, participant.id, event.question, event.choice)
        log.info("session %s: an end-of-session check answer", session.id)
        return [private(event.person, event.channel_id, directory.notices.end_check_thanks)]
