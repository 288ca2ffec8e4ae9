"""Finding a session, its questions and its people: the look-ups every session feature shares.

Also the few settings answers live by (``AnswerRules``), and who started each session in
this process (to tell them about delivery trouble and give them check-in answers; kept in
memory only, so no platform identity is stored).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.alias import person_key
from bot.core.actions import consent_action_id
from bot.core.errors import InvalidAnswer, NotFound
from bot.core.events import Person
from bot.core.outbound import ConsentRequest, Outbound, PrivateNotice, StaffNote
from bot.core.records import Participant, SessionRecord, SessionStatus
from bot.core.store import ParticipantStore, SessionStore
from bot.questions.end_check import END_CHECK_OPEN_FOR
from bot.questions.loader import pick_question_set
from bot.questions.model import Question, QuestionSet
from bot.sessions.notices import Notices

log = logging.getLogger(__name__)

CHECK_IN = 0  # the question number of the closing check-in
OTHER_CHANNEL = "That button is for a session in another channel, so nothing was changed."
CHECK_IN_WINDOW = END_CHECK_OPEN_FOR  # how long after the end check-in answers are taken


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerRules:
    identity_key: bytes  # keys the per-session hash of a platform user id
    max_answer_chars: int
    reveal_seconds: int  # answers reach the group in shuffled batches; 0 = at once
    retention_days: int


class DirectoryStore(SessionStore, ParticipantStore, Protocol):
    pass


class SessionDirectory:
    def __init__(
        self,
        *,
        store: DirectoryStore,
        question_sets: Mapping[str, QuestionSet],
        notices: Notices,
        rules: AnswerRules,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self.question_sets = dict(question_sets)
        self.notices = notices
        self.rules = rules
        self.clock = clock
        self.facilitators: dict[str, Person] = {}

    # -- sessions and questions -------------------------------------------------------------

    async def session_by_id(self, session_id: str) -> SessionRecord:
        session = await self._store.session(session_id)
        if session is None:
            ids = [s.session.id for s in (await self._store.session_summaries())[:10]]
            known = ", ".join(ids) if ids else "none yet"
            raise NotFound(f"There's no session '{session_id}'. Recent sessions: {known}.")
        return session

    async def session_for_press(
        self, session_id: str, person: Person, channel_id: str
    ) -> SessionRecord:
        """The session a button or form names, refused unless it is a session of the
        channel (and platform) the press came from: an id copied from another channel can't
        put a consent, an answer or a skip into that channel's session."""
        session = await self.session_by_id(session_id)
        if session.platform != person.platform or session.channel_id != channel_id:
            log.warning("a press for session %s came from another channel; refused", session.id)
            raise InvalidAnswer(OTHER_CHANNEL)
        return session

    async def open_session(self, person: Person, channel_id: str) -> SessionRecord:
        session = await self._store.open_session_in_channel(person.platform, channel_id)
        if session is None:
            raise NotFound("There's no session running in this channel right now.")
        return session

    def question_set(self, session: SessionRecord) -> QuestionSet:
        return pick_question_set(self.question_sets, session.question_set_id)

    def question_for_answers(self, session: SessionRecord, number: int) -> Question:
        """The question ``number`` if answers to it are taken now; else ``InvalidAnswer``."""
        if number == CHECK_IN:
            if session.status is SessionStatus.OPEN or not self.check_in_open(session):
                raise InvalidAnswer("The check-in isn't open right now.")
            return Question(
                number=CHECK_IN, text=self.notices.check_in_question, help_text=None, palette=()
            )
        if session.status is not SessionStatus.OPEN:
            raise InvalidAnswer("This session has finished, so answers are closed now. Thank you!")
        if not 1 <= number <= session.current_question:
            raise InvalidAnswer("That question isn't open yet.")
        return self.question_set(session).question(number)

    def check_in_open(self, session: SessionRecord) -> bool:
        return session.closed_at is not None and self.clock() - session.closed_at < CHECK_IN_WINDOW

    # -- people -----------------------------------------------------------------------------

    def person_key(self, session_id: str, person: Person) -> str:
        return person_key(self.rules.identity_key, session_id, person.platform, person.user_id)

    async def participant(self, session_id: str, person: Person) -> Participant | None:
        """The person's participant in this session, if they agreed to the privacy note."""
        found = await self._store.find_participant(session_id, self.person_key(session_id, person))
        return found if found is not None and found.consented else None

    def consent_request(
        self, session: SessionRecord, person: Person, question_number: int | None
    ) -> ConsentRequest:
        return ConsentRequest(
            channel_id=session.channel_id,
            recipient=person,
            session_id=session.id,
            question_number=question_number,
            text=self.notices.consent.format(retention_days=self.rules.retention_days),
            consent_action_id=consent_action_id(session.id, question_number),
        )

    def tell_facilitator(self, session: SessionRecord, text: str) -> list[Outbound]:
        facilitator = self.facilitators.get(session.id)
        if facilitator is not None:
            return [private(facilitator, session.channel_id, text)]
        return [StaffNote(text=text)]


def private(person: Person, channel_id: str, text: str) -> PrivateNotice:
    return PrivateNotice(channel_id=channel_id, recipient=person, text=text)
