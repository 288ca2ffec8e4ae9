"""What young people do in a session: agree to the privacy note, answer, skip, react, report.

Every answer goes through the same path, whatever the platform:

1. It must be for an open question of a session in the channel it came from, and the person
   must have agreed to the privacy note in this session (nothing of theirs is stored before
   that). A form sent again (the same ``submission_id``) is stored and answered once.
2. Personal details are taken out (names, phone numbers, emails, addresses, schools,
   handles); the young person is told privately what was removed.
3. It is screened for a possible disclosure of harm. If so it is held: never shown to the
   group or put in a digest unless the safeguarding lead releases it. The young person gets
   a kind private reply, the lead an alert, the facilitator only a note that an answer went
   to the lead. Harm told as past and over is shared like any answer (the writer gets the
   usual thanks) and the lead gets a low-priority note with the words and the reasons.
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
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from bot.alias import alias_candidates
from bot.core.errors import InvalidAnswer, NotFound
from bot.core.events import (
    AnswerReported,
    AnswerSubmitted,
    ConsentGiven,
    Person,
    QuestionSkipped,
)
from bot.core.outbound import AnswerForm, Outbound, PrivateNotice
from bot.core.ports import AlertDesk, Screener, ScreenVerdict, Scrubber, ThemeTagger
from bot.core.records import AnswerRecord, AnswerStatus, Participant, SessionRecord, SessionStatus
from bot.core.store import AnswerStore, ParticipantStore, SessionStore
from bot.sessions.directory import CHECK_IN, SessionDirectory, private
from bot.sessions.posts import answer_post
from bot.sessions.reveal import Reveal

log = logging.getLogger(__name__)

_DETAIL_WORDS = {
    "name": "a name",
    "phone": "a phone number",
    "email": "an email address",
    "address": "an address",
    "school": "a school name",
    "handle": "a social media name",
}


class AnswerStoreNeeds(AnswerStore, SessionStore, ParticipantStore, Protocol):
    pass


class Answers:
    """Consent, answers, skips and reports; reactions are ``bot.sessions.reactions``."""

    def __init__(
        self,
        *,
        store: AnswerStoreNeeds,
        directory: SessionDirectory,
        tagger: ThemeTagger,
        screener: Screener,
        scrubber: Scrubber,
        desk: AlertDesk,
        reveal: Reveal,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._directory = directory
        self._tagger = tagger
        self._screener = screener
        self._scrubber = scrubber
        self._desk = desk
        self._reveal = reveal
        self._rng = rng or random.Random(secrets.randbits(64))

    @property
    def max_answer_chars(self) -> int:
        return self._directory.rules.max_answer_chars

    # -- the form and consent ---------------------------------------------------------------

    async def form(self, session_id: str, question_number: int, person: Person) -> AnswerForm:
        session = await self._directory.session_by_id(session_id)
        question = self._directory.question_for_answers(session, question_number)
        consent = None
        if await self._directory.participant(session.id, person) is None:
            consent = self._directory.consent_request(session, person, question_number)
        return AnswerForm(
            session_id=session.id,
            question_number=question_number,
            question_text=question.text,
            help_text=question.help_text,
            max_chars=self.max_answer_chars,
            consent=consent,
        )

    async def consent(self, event: ConsentGiven) -> list[Outbound]:
        session = await self._directory.session_for_press(
            event.session_id, event.person, event.channel_id
        )
        if session.status is not SessionStatus.OPEN and not self._directory.check_in_open(session):
            raise InvalidAnswer("This session has finished, so there's nothing to agree to now.")
        key = self._directory.person_key(session.id, event.person)
        identity = self._desk.seal(event.person)
        await self._store.consent_participant(
            session.id, key, alias_candidates(self._rng), identity
        )
        log.debug("session %s: a participant agreed to the privacy note", session.id)
        notices = self._directory.notices
        return [private(event.person, event.channel_id, notices.consent_thanks)]

    # -- answers ----------------------------------------------------------------------------

    async def answer(self, event: AnswerSubmitted) -> list[Outbound]:
        directory = self._directory
        if event.session_id is not None:
            session = await directory.session_for_press(
                event.session_id, event.person, event.channel_id
            )
        else:
            session = await directory.open_session(event.person, event.channel_id)
        number = (
            session.current_question if event.question_number is None else event.question_number
        )
        question = directory.question_for_answers(session, number)
        text = event.text.strip()
        if not text:
            raise InvalidAnswer("Your answer was empty, so nothing was shared. Have another go?")
        if len(text) > self.max_answer_chars:
            raise InvalidAnswer(
                f"Your answer is {len(text)} characters long, and the limit is "
                f"{self.max_answer_chars}. Could you make it a bit shorter? Nothing was shared yet."
            )
        participant = await directory.participant(session.id, event.person)
        if participant is None:
            return [directory.consent_request(session, event.person, number)]
        scrubbed = self._scrubber.scrub(text)
        verdict = self._screener.screen(text)
        if number == CHECK_IN:
            return await self._check_in(session, event, participant, scrubbed.text, verdict)
        if verdict.disclosure:
            status = AnswerStatus.HELD
        elif directory.rules.reveal_seconds > 0:
            status = AnswerStatus.PENDING
        else:
            status = AnswerStatus.SHOWN
        matches = self._tagger.tag(scrubbed.text)
        answer_id = secrets.token_hex(5)
        me = event.person
        alert = None
        if status is AnswerStatus.HELD:  # stored with the answer: both, or neither
            held = AnswerRecord(
                id=answer_id,
                session_id=session.id,
                question_number=number,
                participant_id=participant.id,
                alias=participant.alias,
                text=scrubbed.text,
                status=status,
            )
            alert = self._desk.held_alert(held, me, verdict.categories, text)
        answer = await self._store.record_answer(
            answer_id=answer_id,
            session_id=session.id,
            question_number=number,
            participant=participant,
            text=scrubbed.text,
            auto_tags=[(m.theme_id, ", ".join(m.evidence)) for m in matches],
            status=status,
            quote_ok=event.quote_ok,
            submission_id=event.submission_id,
            alert=alert.alert if alert else None,
            alert_jobs=alert.jobs if alert else (),
        )
        if answer.id != answer_id:  # the same form sent again: it was stored, and told, once
            log.info("session %s: a submission came again; answer %s stays", session.id, answer.id)
            return []
        log.debug("session %s: answer %s stored (%s)", session.id, answer.id, status)
        notices = directory.notices
        if alert is not None:
            alerts = await self._desk.alert_stored(alert)
            return [
                *alerts,
                _saved(private(me, event.channel_id, notices.held_for_lead)),
                *directory.tell_facilitator(session, notices.passed_to_lead),
            ]
        replies: list[Outbound] = []
        if verdict.inform_lead:  # past and over: shared as usual, a quiet note to the lead
            replies += await self._desk.noted_answer(answer, verdict.why, text)
        if status is AnswerStatus.SHOWN:
            replies.append(answer_post(session, question, answer, {}))
        else:
            await self._reveal.plan(session, answer.id)
        thanks = notices.answer_received.format(alias=answer.alias)
        removed = _describe_removed([span.kind for span in scrubbed.spans])
        if removed:
            thanks += "\n" + notices.removed_details.format(details=removed)
        replies.append(_saved(private(me, event.channel_id, thanks)))
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
                _saved(
                    private(event.person, event.channel_id, self._directory.notices.held_for_lead)
                ),
            ]
        note = f"Check-in from session {session.id} (anonymous): «{scrubbed}»"
        return [
            *self._directory.tell_facilitator(session, note),
            _saved(
                private(event.person, event.channel_id, self._directory.notices.check_in_received)
            ),
        ]

    async def skip(self, event: QuestionSkipped) -> list[Outbound]:
        session = await self._directory.session_for_press(
            event.session_id, event.person, event.channel_id
        )
        self._directory.question_for_answers(session, event.question_number)
        return [private(event.person, event.channel_id, self._directory.notices.skipped)]

    async def report(self, event: AnswerReported) -> list[Outbound]:
        answer = await self._store.answer(event.answer_id)
        if answer is None or answer.status is not AnswerStatus.SHOWN:
            raise NotFound("That answer isn't shown any more, so there's nothing to report.")
        alerts = await self._desk.reported_answer(answer)
        return [*alerts, private(event.person, event.channel_id, self._directory.notices.reported)]


def _saved(notice: PrivateNotice) -> PrivateNotice:
    """The notice that what the person sent was kept (``PrivateNotice.saved``)."""
    return replace(notice, saved=True)


def _describe_removed(kinds: Sequence[str]) -> str:
    words = [_DETAIL_WORDS.get(kind, "a personal detail") for kind in dict.fromkeys(kinds)]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]
