"""What young people do in a session: agree to the privacy note, answer, skip, react, report.

Every answer goes through the same path, whatever the platform:

1. It must be for an open question, and the person must have agreed to the privacy note in
   this session (nothing of theirs is stored before that).
2. Personal details are taken out (names, phone numbers, emails, addresses, schools,
   handles); the young person is told privately what was removed.
3. It is screened for a possible disclosure of harm. If so it is held: never shown to the
   group or put in a digest unless the safeguarding lead releases it. The young person gets
   a kind private reply, the lead an alert, the facilitator only a note that an answer went
   to the lead.
4. It is stored (committed) before anyone is told anything, then either posted at once or,
   by default, kept for the next shuffled batch, so that in a small group an answer that
   appears the moment someone stops typing does not give them away.

The closing check-in ("how are you feeling?", question 0) is screened the same way but never
stored or shown to the group: it goes to the facilitator only.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.actions import (
    answer_action_id,
    consent_action_id,
    react_action_id,
    report_action_id,
    skip_action_id,
)
from bot.core.errors import InvalidAnswer, NotFound
from bot.core.events import (
    AnswerReported,
    AnswerSubmitted,
    ConsentGiven,
    Person,
    QuestionSkipped,
    ReactionChange,
    ReactionToggled,
)
from bot.core.outbound import (
    AnswerPost,
    ConsentRequest,
    Outbound,
    PrivateNotice,
    QuestionPost,
    ReactionButton,
    ReactionCountsChanged,
    StaffNote,
)
from bot.core.ports import Screener, ScreenVerdict, Scrubber, Store
from bot.core.records import (
    AnswerRecord,
    AnswerStatus,
    JobKind,
    JobRecord,
    Participant,
    SessionRecord,
    SessionStatus,
)
from bot.questions.loader import pick_question_set
from bot.questions.model import PaletteEntry, Question, QuestionSet
from bot.safeguarding.desk import SafeguardingDesk
from bot.scheduling.timers import JobWaker
from bot.sessions.alias import alias_candidates, person_key
from bot.sessions.notices import Notices
from bot.tagging.tagger import Tagger

log = logging.getLogger(__name__)

CHECK_IN = 0  # the question number of the closing check-in
CHECK_IN_WINDOW = timedelta(minutes=30)  # how long after the end check-in answers are taken
_DETAIL_WORDS = {
    "name": "a name",
    "phone": "a phone number",
    "email": "an email address",
    "address": "an address",
    "school": "a school name",
    "handle": "a social media name",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerForm:
    """What an adapter needs to show the answer form for one question. When ``consent`` is
    set, show that instead (the privacy note and its button); the form comes after."""

    session_id: str
    question_number: int
    question_text: str
    help_text: str | None
    max_chars: int
    consent: ConsentRequest | None = None


class Answers:
    def __init__(
        self,
        *,
        store: Store,
        question_sets: Mapping[str, QuestionSet],
        tagger: Tagger,
        screener: Screener,
        scrubber: Scrubber,
        desk: SafeguardingDesk,
        notices: Notices,
        identity_key: bytes,
        max_answer_chars: int,
        reveal_seconds: int,
        retention_days: int,
        clock: Callable[[], datetime],
        waker: JobWaker,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._sets = question_sets
        self._tagger = tagger
        self._screener = screener
        self._scrubber = scrubber
        self._desk = desk
        self._notices = notices
        self._identity_key = identity_key
        self.max_answer_chars = max_answer_chars
        self._reveal_seconds = reveal_seconds
        self._retention_days = retention_days
        self._clock = clock
        self._waker = waker
        self._rng = rng or random.Random(secrets.randbits(64))
        # Who started each session in this process, to tell them about delivery trouble and
        # give them check-in answers. Kept in memory only: no platform identity is stored.
        self.facilitators: dict[str, Person] = {}

    # -- the form and consent ---------------------------------------------------------------

    async def form(self, session_id: str, question_number: int, person: Person) -> AnswerForm:
        session = await self.session_by_id(session_id)
        question = self._question_for_answers(session, question_number)
        consent = None
        if not await self._consented(session.id, person):
            consent = self._consent_request(session, person, question_number)
        return AnswerForm(
            session_id=session.id,
            question_number=question_number,
            question_text=question.text,
            help_text=question.help_text,
            max_chars=self.max_answer_chars,
            consent=consent,
        )

    async def consent(self, event: ConsentGiven) -> list[Outbound]:
        session = await self.session_by_id(event.session_id)
        if session.status is not SessionStatus.OPEN and not self._check_in_open(session):
            raise InvalidAnswer("This session has finished, so there's nothing to agree to now.")
        key = self.person_key(session.id, event.person)
        identity = self._desk.vault.seal(event.person.platform, event.person.user_id)
        await self._store.consent_participant(
            session.id, key, alias_candidates(self._rng), identity
        )
        log.info("session %s: a participant agreed to the privacy note", session.id)
        return [self._private(event.person, event.channel_id, self._notices.consent_thanks)]

    # -- answers ----------------------------------------------------------------------------

    async def answer(self, event: AnswerSubmitted) -> list[Outbound]:
        if event.session_id is not None:
            session = await self.session_by_id(event.session_id)
        else:
            session = await self.open_session(event.person, event.channel_id)
        number = (
            session.current_question if event.question_number is None else event.question_number
        )
        question = self._question_for_answers(session, number)
        text = event.text.strip()
        if not text:
            raise InvalidAnswer("Your answer was empty, so nothing was shared. Have another go?")
        if len(text) > self.max_answer_chars:
            raise InvalidAnswer(
                f"Your answer is {len(text)} characters long, and the limit is "
                f"{self.max_answer_chars}. Could you make it a bit shorter? Nothing was shared yet."
            )
        participant = await self._participant(session.id, event.person)
        if participant is None:
            return [self._consent_request(session, event.person, number)]
        scrubbed = self._scrubber.scrub(text)
        verdict = self._screener.screen(text)
        if number == CHECK_IN:
            return await self._check_in(session, event, participant, scrubbed.text, verdict)
        if verdict.disclosure:
            status = AnswerStatus.HELD
        elif self._reveal_seconds > 0:
            status = AnswerStatus.PENDING
        else:
            status = AnswerStatus.SHOWN
        matches = self._tagger.tag(scrubbed.text)
        answer = await self._store.record_answer(
            answer_id=secrets.token_hex(5),
            session_id=session.id,
            question_number=number,
            participant=participant,
            text=scrubbed.text,
            auto_tags=[(m.theme_id, ", ".join(m.evidence)) for m in matches],
            status=status,
            quote_ok=event.quote_ok,
        )
        log.info("session %s: answer %s stored (%s)", session.id, answer.id, status)
        me = event.person
        if status is AnswerStatus.HELD:
            alerts = await self._desk.held_answer(answer, me, verdict.categories, text)
            return [
                *alerts,
                self._private(me, event.channel_id, self._notices.held_for_lead),
                *self._tell_facilitator(session, self._notices.passed_to_lead),
            ]
        replies: list[Outbound] = []
        if status is AnswerStatus.SHOWN:
            replies.append(self.post(session, question, answer, {}))
        else:
            await self._plan_reveal(session)
        thanks = self._notices.answer_received.format(alias=answer.alias)
        removed = _describe_removed([span.kind for span in scrubbed.spans])
        if removed:
            thanks += "\n" + self._notices.removed_details.format(details=removed)
        replies.append(self._private(me, event.channel_id, thanks))
        return replies

    async def _check_in(
        self,
        session: SessionRecord,
        event: AnswerSubmitted,
        participant: Participant,
        scrubbed: str,
        verdict: ScreenVerdict,
    ) -> list[Outbound]:
        """The closing check-in: for the facilitator only, never stored or shown."""
        if verdict.disclosure:
            record = AnswerRecord(
                id=f"checkin-{secrets.token_hex(4)}",
                session_id=session.id,
                question_number=CHECK_IN,
                participant_id=participant.id,
                alias=participant.alias,
                text=scrubbed,
                status=AnswerStatus.HELD,
            )
            alerts = await self._desk.held_answer(
                record, event.person, verdict.categories, event.text, stored=False
            )
            return [
                *alerts,
                self._private(event.person, event.channel_id, self._notices.held_for_lead),
            ]
        note = f"Check-in from session {session.id} (anonymous): «{scrubbed}»"
        return [
            *self._tell_facilitator(session, note),
            self._private(event.person, event.channel_id, self._notices.check_in_received),
        ]

    async def skip(self, event: QuestionSkipped) -> list[Outbound]:
        session = await self.session_by_id(event.session_id)
        self._question_for_answers(session, event.question_number)
        return [self._private(event.person, event.channel_id, self._notices.skipped)]

    async def report(self, event: AnswerReported) -> list[Outbound]:
        answer = await self._store.answer(event.answer_id)
        if answer is None or answer.status is not AnswerStatus.SHOWN:
            raise NotFound("That answer isn't shown any more, so there's nothing to report.")
        alerts = await self._desk.reported_answer(answer)
        return [*alerts, self._private(event.person, event.channel_id, self._notices.reported)]

    # -- reveal -----------------------------------------------------------------------------

    async def reveal(
        self, session: SessionRecord, question_number: int | None = None
    ) -> list[Outbound]:
        """Show the waiting answers (of one question, or all) to the group, shuffled."""
        pending = await self._store.answers_with_status(
            session.id, AnswerStatus.PENDING, question_number
        )
        self._rng.shuffle(pending)
        question_set = pick_question_set(self._sets, session.question_set_id)
        posts: list[Outbound] = []
        for answer in pending:
            moved = await self._store.set_answer_status(
                answer.id, AnswerStatus.SHOWN, only_from=(AnswerStatus.PENDING,)
            )
            if moved:
                question = question_set.question(answer.question_number)
                posts.append(self.post(session, question, answer, {}))
        if posts:
            log.info("session %s: %d answers shown to the group", session.id, len(posts))
        return posts

    async def _plan_reveal(self, session: SessionRecord) -> None:
        now = self._clock()
        slot = int(now.timestamp()) // self._reveal_seconds + 1
        due = datetime.fromtimestamp(slot * self._reveal_seconds, tz=now.tzinfo)
        job = JobRecord(
            id=f"{session.id}:reveal:{slot}", kind=JobKind.REVEAL, due_at=due, session_id=session.id
        )
        await self._store.add_jobs([job])
        self._waker.wake(due)

    def post(
        self,
        session: SessionRecord,
        question: Question,
        answer: AnswerRecord,
        counts: Mapping[str, int],
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

    # -- reactions --------------------------------------------------------------------------

    async def reaction(self, event: ReactionToggled) -> list[Outbound]:
        answer = await self._reacted_answer(event)
        if answer is None or answer.status is not AnswerStatus.SHOWN:
            return []  # not one of our shown answer posts: ignore quietly
        session = await self.session_by_id(answer.session_id)
        question_set = pick_question_set(self._sets, session.question_set_id)
        palette = question_set.question(answer.question_number).palette
        entry = _palette_entry(palette, event)
        if entry is None:
            return []  # an emoji outside the question's palette is not counted
        if session.status is not SessionStatus.OPEN:
            if event.change is ReactionChange.TOGGLE:
                raise InvalidAnswer("This session has finished, so reactions are closed now.")
            return []
        participant = await self._participant(session.id, event.person)
        if participant is None:
            if event.change is ReactionChange.TOGGLE:
                return [self._consent_request(session, event.person, None)]
            return []  # a native reaction from someone who hasn't agreed is not counted
        if event.change is ReactionChange.TOGGLE:
            on = not await self._store.has_reaction(answer.id, participant.id, entry.emoji)
        else:
            on = event.change is ReactionChange.ADDED
        if not await self._store.set_reaction(answer.id, participant.id, entry.emoji, on):
            return []
        counts = await self._store.reaction_counts(answer.id)
        return [
            ReactionCountsChanged(
                channel_id=session.channel_id,
                answer_id=answer.id,
                message_ref=event.message_ref,
                reactions=buttons(answer.id, palette, counts),
            )
        ]

    async def _reacted_answer(self, event: ReactionToggled) -> AnswerRecord | None:
        if event.answer_id is not None:
            return await self._store.answer(event.answer_id)
        if event.message_ref is not None:
            return await self._store.answer_for_message(event.message_ref)
        return None

    # -- sessions and questions ---------------------------------------------------------------

    async def session_by_id(self, session_id: str) -> SessionRecord:
        session = await self._store.session(session_id)
        if session is None:
            ids = [s.session.id for s in (await self._store.session_summaries())[:10]]
            known = ", ".join(ids) if ids else "none yet"
            raise NotFound(f"There's no session '{session_id}'. Recent sessions: {known}.")
        return session

    async def open_session(self, person: Person, channel_id: str) -> SessionRecord:
        session = await self._store.open_session_in_channel(person.platform, channel_id)
        if session is None:
            raise NotFound("There's no session running in this channel right now.")
        return session

    def question_post(
        self, session: SessionRecord, question_set: QuestionSet, question: Question
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
            content_note=self._notices.content_note if question.sensitive else None,
        )

    def check_in_post(self, session: SessionRecord, total: int) -> QuestionPost:
        return QuestionPost(
            channel_id=session.channel_id,
            session_id=session.id,
            number=CHECK_IN,
            total=total,
            text=self._notices.check_in_question,
            help_text=None,
            answer_action_id=answer_action_id(session.id, CHECK_IN),
            skip_action_id=skip_action_id(session.id, CHECK_IN),
        )

    def _question_for_answers(self, session: SessionRecord, number: int) -> Question:
        question_set = pick_question_set(self._sets, session.question_set_id)
        if number == CHECK_IN:
            if session.status is SessionStatus.OPEN or not self._check_in_open(session):
                raise InvalidAnswer("The check-in isn't open right now.")
            return Question(
                number=CHECK_IN,
                text=self._notices.check_in_question,
                help_text=None,
                palette=(),
            )
        if session.status is not SessionStatus.OPEN:
            raise InvalidAnswer("This session has finished, so answers are closed now. Thank you!")
        if not 1 <= number <= session.current_question:
            raise InvalidAnswer("That question isn't open yet.")
        return question_set.question(number)

    def _check_in_open(self, session: SessionRecord) -> bool:
        return session.closed_at is not None and self._clock() - session.closed_at < CHECK_IN_WINDOW

    # -- people -----------------------------------------------------------------------------

    async def _participant(self, session_id: str, person: Person) -> Participant | None:
        """The person's participant in this session, if they agreed to the privacy note."""
        found = await self._store.find_participant(session_id, self.person_key(session_id, person))
        return found if found is not None and found.consented else None

    async def _consented(self, session_id: str, person: Person) -> bool:
        return await self._participant(session_id, person) is not None

    def person_key(self, session_id: str, person: Person) -> str:
        return person_key(self._identity_key, session_id, person.platform, person.user_id)

    def _consent_request(
        self, session: SessionRecord, person: Person, question_number: int | None
    ) -> ConsentRequest:
        return ConsentRequest(
            channel_id=session.channel_id,
            recipient=person,
            session_id=session.id,
            question_number=question_number,
            text=self._notices.consent.format(retention_days=self._retention_days),
            consent_action_id=consent_action_id(session.id, question_number),
        )

    def _tell_facilitator(self, session: SessionRecord, text: str) -> list[Outbound]:
        facilitator = self.facilitators.get(session.id)
        if facilitator is not None:
            return [self._private(facilitator, session.channel_id, text)]
        return [StaffNote(text=text)]

    @staticmethod
    def _private(person: Person, channel_id: str, text: str) -> PrivateNotice:
        return PrivateNotice(channel_id=channel_id, recipient=person, text=text)


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


def _describe_removed(kinds: Sequence[str]) -> str:
    words = [_DETAIL_WORDS.get(kind, "a personal detail") for kind in dict.fromkeys(kinds)]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _palette_entry(palette: Sequence[PaletteEntry], event: ReactionToggled) -> PaletteEntry | None:
    """The palette entry a reaction means: by button index, or by emoji ignoring the
    variation selector (❤ and ❤️ are the same reaction)."""
    if event.palette_index is not None:
        return palette[event.palette_index] if 0 <= event.palette_index < len(palette) else None
    wanted = event.emoji.replace("\ufe0f", "")
    if not wanted:
        return None
    return next((p for p in palette if p.emoji.replace("\ufe0f", "") == wanted), None)
