"""The engine: turns inbound events into outbound messages. The single error boundary.

``handle`` is the reactive path (returns what to send, so tests assert on return values);
``dispatch`` sends those through an adapter's ``Outbox`` and remembers where answers were
posted, so native platform reactions can be mapped back to answers.

Logs carry session ids, answer ids and counts only: never answer text, never user ids.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import (
    ChannelBusy,
    DeliveryFailed,
    InvalidRequest,
    NotAllowed,
    NotFound,
    UserFacingError,
)
from bot.core.events import (
    AlertAcknowledged,
    AnswerReported,
    AnswerSubmitted,
    Command,
    CommandInvoked,
    ConsentGiven,
    InboundEvent,
    Person,
    QuestionSkipped,
    ReactionToggled,
    Role,
    utc_now,
)
from bot.core.outbound import (
    AnswerPost,
    Audience,
    ChannelNotice,
    ConsentRequest,
    DeliveryFile,
    FileDelivery,
    Outbound,
    PrivateNotice,
    QuestionPost,
    SafeguardingAlert,
    StaffNote,
)
from bot.core.ports import Outbox, Store
from bot.core.records import (
    ScheduleRecord,
    SessionRecord,
    SessionStatus,
)
from bot.digest.build import build_digest
from bot.digest.json_export import render_json
from bot.digest.json_import import digest_from_json
from bot.digest.model import Digest
from bot.digest.render import MIME_TYPES, DigestFormat, file_name, render
from bot.questions.loader import pick_question_set
from bot.questions.model import QuestionSet
from bot.safeguarding.desk import SafeguardingDesk, actor
from bot.scheduling.plan import check_question_minutes, occurrence, parse_minutes
from bot.scheduling.timers import Timers, describe_duration
from bot.sessions.answers import AnswerForm, Answers
from bot.sessions.notices import Notices

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."
_SESSION_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (l/1, o/0, i)
FACILITATOR_COMMANDS = frozenset(
    {
        Command.START_SESSION,
        Command.NEXT_QUESTION,
        Command.END_SESSION,
        Command.SCHEDULE_SESSION,
        Command.PAUSE_QUESTION,
        Command.EXTEND_QUESTION,
    }
)
LEAD_COMMANDS = frozenset({Command.RELEASE, Command.KEEP_OUT, Command.WHO_WROTE})
ONE_MINUTE_LEFT = "⏳ One minute left on this question."
ANSWER_NOT_SHOWN = (
    "Your answer is saved, but I couldn't show it to the group just now. "
    "The facilitator has been told."
)
SYSTEM_USER_ID = ""  # the scheduler acting on its own: no platform user behind it


def system_person(platform: str) -> Person:
    """Who a timed job acts as. Adapters can't message it; the runner drops notes to it."""
    return Person(
        platform=platform, user_id=SYSTEM_USER_ID, roles=frozenset({Role.FACILITATOR, Role.STAFF})
    )


class Engine:
    def __init__(
        self,
        *,
        store: Store,
        question_sets: Mapping[str, QuestionSet],
        answers: Answers,
        theme_labels: Mapping[str, str],
        notices: Notices,
        timers: Timers,
        desk: SafeguardingDesk,
        retention_days: int,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._sets = dict(question_sets)
        self._answers = answers
        self._theme_labels = dict(theme_labels)
        self._notices = notices
        self._clock = clock
        self._timers = timers
        self.desk = desk
        self._retention_days = retention_days
        self._facilitators = answers.facilitators

    # -- the adapter-facing API -------------------------------------------------------------

    @property
    def max_answer_chars(self) -> int:
        """The longest answer accepted (adapters size their answer inputs with it)."""
        return self._answers.max_answer_chars

    async def handle(self, event: InboundEvent) -> list[Outbound]:
        """What to send in response to ``event``. Never raises for a user's mistake."""
        try:
            match event:
                case CommandInvoked():
                    return await self._command(event)
                case AnswerSubmitted():
                    return await self._answers.answer(event)
                case ReactionToggled():
                    return await self._answers.reaction(event)
                case ConsentGiven():
                    return await self._answers.consent(event)
                case QuestionSkipped():
                    return await self._answers.skip(event)
                case AnswerReported():
                    return await self._answers.report(event)
                case AlertAcknowledged():
                    self._check_lead(event.person)
                    text = await self.desk.acknowledge(event.alert_id, event.person)
                    return [self._private_to(event.person, event.channel_id, text)]
        except UserFacingError as exc:
            return [
                PrivateNotice(channel_id=event.channel_id, recipient=event.person, text=str(exc))
            ]
        except Exception:
            log.exception(
                "could not handle %s in channel %s", type(event).__name__, event.channel_id
            )
            return [
                PrivateNotice(channel_id=event.channel_id, recipient=event.person, text=APOLOGY)
            ]

    async def dispatch(self, event: InboundEvent, outbox: Outbox) -> list[Outbound]:
        """Handle ``event`` and send every resulting message through ``outbox``."""
        messages = await self.handle(event)
        await self.send_all(messages, outbox, actor=event.person, channel_id=event.channel_id)
        return messages

    async def send_all(
        self, messages: Sequence[Outbound], outbox: Outbox, *, actor: Person, channel_id: str
    ) -> None:
        told: set[tuple[str, str]] = set()  # (user, text): say each problem once per person

        async def tell(person: Person, text: str) -> None:
            if (person.user_id, text) in told:
                return
            told.add((person.user_id, text))
            try:
                await outbox.send(PrivateNotice(channel_id=channel_id, recipient=person, text=text))
            except DeliveryFailed:
                log.warning("could not tell anyone about a failed delivery either")

        for message in messages:
            try:
                ref = await outbox.send(message)
            except DeliveryFailed as exc:
                log.warning("delivery of %s failed: %s", type(message).__name__, exc.hint)
                if isinstance(message, SafeguardingAlert):
                    # The escalation job still goes to the deputy if nobody acknowledges.
                    log.error("safeguarding alert %s could not be delivered", message.alert_id)
                    continue
                if isinstance(message, PrivateNotice | ConsentRequest | StaffNote):
                    continue
                if isinstance(message, FileDelivery):
                    # Staff can still fetch it with /digest; say so where someone will look.
                    log.error("a digest could not be delivered (%s); /digest still works", exc.hint)
                if isinstance(message, AnswerPost):
                    # The answer is safe in the store; the facilitator can fix the channel.
                    await tell(actor, ANSWER_NOT_SHOWN)
                    facilitator = self._facilitators.get(message.session_id)
                    if facilitator is not None:
                        await tell(facilitator, f"An answer couldn't be shown: {exc.hint}")
                    continue
                if isinstance(message, QuestionPost) and message.number > 1:
                    # Step back, so /next-question tries this question again, not the next.
                    await self._store.move_to_question(
                        message.session_id, message.number - 1, from_number=message.number
                    )
                await tell(actor, exc.hint)
                continue
            if isinstance(message, AnswerPost) and ref:
                await self._store.record_answer_post(message.answer_id, ref)

    async def answer_form(
        self, session_id: str, question_number: int, person: Person
    ) -> AnswerForm:
        """The form for answering a question, or (``form.consent``) the privacy note to agree
        to first. Refuses (``UserFacingError``) if the question is not open."""
        return await self._answers.form(session_id, question_number, person)

    def question_set_choices(self) -> list[tuple[str, str]]:
        """(id, title) of every question set, for autocomplete."""
        return [(qs.id, qs.title) for qs in sorted(self._sets.values(), key=lambda q: q.id)]

    async def digest(self, session_id: str) -> Digest:
        session = await self._session_by_id(session_id)
        if session.purged:
            snapshot = await self._store.digest_snapshot(session.id)
            if snapshot is not None:
                return digest_from_json(snapshot)
        question_set = pick_question_set(self._sets, session.question_set_id)
        answers = await self._store.answers_for_session(session.id)
        return build_digest(session, question_set, answers, self._theme_labels)

    async def digest_files(
        self, session_id: str, formats: Sequence[DigestFormat] = tuple(DigestFormat)
    ) -> tuple[DeliveryFile, ...]:
        digest = await self.digest(session_id)
        return tuple(
            DeliveryFile(
                name=file_name(digest, fmt), content=render(digest, fmt), mime_type=MIME_TYPES[fmt]
            )
            for fmt in formats
        )

    async def retag_answer(
        self, answer_id: str, *, add: Sequence[str], remove: Sequence[str]
    ) -> None:
        """A facilitator's correction of an answer's tags; it wins over the automatic tagger."""
        if await self._store.answer(answer_id) is None:
            raise NotFound(f"There's no answer with id '{answer_id}'.")
        for theme_id in (*add, *remove):
            if theme_id not in self._theme_labels:
                known = ", ".join(self._theme_labels)
                raise NotFound(f"There's no theme called '{theme_id}'. Themes: {known}.")
        for theme_id in add:
            await self._store.set_tag(answer_id, theme_id, active=True)
        for theme_id in remove:
            await self._store.set_tag(answer_id, theme_id, active=False)

    # -- commands ---------------------------------------------------------------------------

    async def _command(self, event: CommandInvoked) -> list[Outbound]:
        self._check_allowed(event.person, event.command)
        match event.command:
            case Command.START_SESSION:
                return await self._start_session(event)
            case Command.NEXT_QUESTION:
                session = await self._open_session(event)
                return await self._move_on(session, private_to=event)
            case Command.END_SESSION:
                session = await self._open_session(event)
                return await self._close(session, requester=event.person)
            case Command.SESSIONS:
                return [self._private(event, await self._sessions_text())]
            case Command.DIGEST:
                return await self._digest_command(event)
            case Command.WITHDRAW:
                return await self._withdraw(event)
            case Command.PRIVACY:
                privacy = self._notices.privacy.format(retention_days=self._retention_days)
                return [self._private(event, privacy)]
            case Command.SCHEDULE_SESSION:
                text = await self._timers.schedule_session(event, self._sets)
                return [self._private(event, text)]
            case Command.PAUSE_QUESTION:
                session = await self._open_session(event)
                return [self._private(event, await self._timers.toggle_pause(session))]
            case Command.EXTEND_QUESTION:
                session = await self._open_session(event)
                minutes = event.options.get("minutes", "")
                return [self._private(event, await self._timers.extend(session, minutes))]
            case Command.HELP:
                return [self._private(event, self._notices.help)]
            case Command.WORRIED:
                alerts = await self.desk.worried(event.person, event.options.get("message", ""))
                return [*alerts, self._private(event, self._notices.worried)]
            case Command.RELEASE:
                return await self._release(event)
            case Command.KEEP_OUT:
                answer_id = self._answer_option(event)
                return [self._private(event, await self.desk.keep_out(answer_id, event.person))]
            case Command.WHO_WROTE:
                answer_id = self._answer_option(event)
                reason = event.options.get("reason", "")
                text = await self.desk.who_wrote(answer_id, reason, event.person)
                return [self._private(event, text)]

    @staticmethod
    def _answer_option(event: CommandInvoked) -> str:
        answer_id = (event.options.get("answer") or "").strip()
        if not answer_id:
            raise InvalidRequest("Please say which answer (its id is in the alert).")
        return answer_id

    async def _release(self, event: CommandInvoked) -> list[Outbound]:
        answer = await self.desk.release(self._answer_option(event), event.person)
        session = await self._session_by_id(answer.session_id)
        question = pick_question_set(self._sets, session.question_set_id).question(
            answer.question_number
        )
        counts = await self._store.reaction_counts(answer.id)
        post = self._answers.post(session, question, answer, counts)
        done = f"Answer {answer.id} is now shown to the group, anonymously."
        return [post, self._private(event, done)]

    @staticmethod
    def _check_lead(person: Person) -> None:
        if Role.SAFEGUARDING_LEAD not in person.roles:
            raise NotAllowed("Only the safeguarding lead can do that. Nothing has changed.")

    @classmethod
    def _check_allowed(cls, person: Person, command: Command) -> None:
        if command in LEAD_COMMANDS:
            cls._check_lead(person)
        if command in FACILITATOR_COMMANDS and Role.FACILITATOR not in person.roles:
            raise NotAllowed(f"Only facilitators can use /{command}. Nothing has changed.")
        if command is Command.SESSIONS and not person.roles & {Role.FACILITATOR, Role.STAFF}:
            raise NotAllowed("Only facilitators and staff can list sessions.")
        if command is Command.DIGEST and Role.STAFF not in person.roles:
            raise NotAllowed("Only staff can download a session digest.")

    async def _start_session(self, event: CommandInvoked) -> list[Outbound]:
        set_id = (event.options.get("question-set") or "").strip()
        if not set_id:
            known = ", ".join(sorted(self._sets))
            raise NotFound(f"Please choose a question set. Sets you can use: {known}.")
        question_set = pick_question_set(self._sets, set_id)
        minutes = check_question_minutes(
            parse_minutes(event.options.get("question-minutes"), "time limit per question")
        )
        session, messages = await self._start(
            platform=event.person.platform,
            channel_id=event.channel_id,
            question_set=question_set,
            question_seconds=minutes * 60 if minutes else None,
        )
        self._facilitators[session.id] = event.person
        started = self._notices.session_started_for_facilitator.format(
            session_id=session.id, title=question_set.title
        )
        return [*messages, self._private(event, started)]

    async def _start(
        self,
        *,
        platform: str,
        channel_id: str,
        question_set: QuestionSet,
        question_seconds: int | None = None,
        ends_at: datetime | None = None,
        schedule_id: str | None = None,
        occurrence: int | None = None,
    ) -> tuple[SessionRecord, list[Outbound]]:
        session = SessionRecord(
            id="".join(secrets.choice(_SESSION_ID_ALPHABET) for _ in range(6)),
            platform=platform,
            channel_id=channel_id,
            question_set_id=question_set.id,
            status=SessionStatus.OPEN,
            current_question=1,
            started_at=self._clock(),
            closed_at=None,
            ends_at=ends_at,
            question_seconds=question_seconds,
            schedule_id=schedule_id,
            occurrence=occurrence,
        )
        await self._store.create_session(session)
        log.info("session %s started with %s", session.id, question_set.id)
        intro = self._intro(channel_id, question_set)
        first = await self._post_question(session, question_set, 1)
        assert first is not None  # a new session is at question 1 already
        return session, [intro, first]

    async def _post_question(
        self, session: SessionRecord, question_set: QuestionSet, number: int
    ) -> QuestionPost | None:
        """Make question ``number`` the open one (clearing any paused timer) and start its
        timer, if the session has one; ``None`` if someone else moved the session first."""
        if number != session.current_question:
            moved = await self._store.move_to_question(
                session.id, number, from_number=session.current_question
            )
            if not moved:
                return None
        if session.question_seconds:
            await self._timers.question_posted(session, number)
        log.info("session %s: question %d posted", session.id, number)
        return self._answers.question_post(session, question_set, question_set.question(number))

    async def _move_on(
        self, session: SessionRecord, *, private_to: CommandInvoked | None
    ) -> list[Outbound]:
        question_set = pick_question_set(self._sets, session.question_set_id)
        number = session.current_question + 1
        # The question closes: whatever is still waiting for a batch is shown now.
        revealed = await self._answers.reveal(session, session.current_question)
        if number > len(question_set.questions):
            if revealed:
                return revealed
            if private_to is None:
                return []
            return [
                self._private(
                    private_to,
                    "That was the last question. Use /end-session when the group is ready.",
                )
            ]
        posted = await self._post_question(session, question_set, number)
        return [*revealed, posted] if posted is not None else revealed

    async def _close(self, session: SessionRecord, *, requester: Person) -> list[Outbound]:
        """Close a session (if open) and send its digest to staff, once, whatever closed it."""
        messages: list[Outbound] = list(await self._answers.reveal(session))
        closed = await self._store.close_session(session.id, self._clock())
        await self._timers.session_closed(session)
        if closed:
            log.info("session %s closed", session.id)
            total = len(pick_question_set(self._sets, session.question_set_id).questions)
            messages.append(
                ChannelNotice(channel_id=session.channel_id, text=self._notices.session_ended)
            )
            messages.append(self._answers.check_in_post(session, total))
        if await self._store.mark_digest_delivered(session.id):
            files = await self.digest_files(session.id)
            await self.desk.audit(actor(requester), "digest-sent-to-staff", session.id)
            messages.append(
                FileDelivery(
                    channel_id=session.channel_id,
                    audience=Audience.STAFF,
                    requester=requester,
                    text=f"The digest for session {session.id} is ready.",
                    files=files,
                )
            )
        return messages

    # -- what timed jobs ask for (bot.scheduling.runner) ------------------------------------

    async def start_scheduled(
        self, schedule: ScheduleRecord, number: int, *, repost: bool = False
    ) -> list[Outbound]:
        """Start one occurrence of a schedule, unless it already started or the channel is
        busy. ``repost`` (a rerun after a crash): if it started but may not have been posted,
        post the intro and the first question again."""
        existing = await self._store.session_for_occurrence(schedule.id, number)
        if existing is not None:
            if repost and existing.status is SessionStatus.OPEN and existing.current_question == 1:
                return self._reposted(existing)
            return []
        question_set = pick_question_set(self._sets, schedule.question_set_id)
        occ = occurrence(schedule, number)
        try:
            _, messages = await self._start(
                platform=schedule.platform,
                channel_id=schedule.channel_id,
                question_set=question_set,
                question_seconds=schedule.question_minutes * 60
                if schedule.question_minutes
                else None,
                ends_at=occ.ends_at,
                schedule_id=schedule.id,
                occurrence=number,
            )
        except ChannelBusy:
            log.warning("schedule %s: channel busy, occurrence %d not started", schedule.id, number)
            return []
        return messages

    async def close_scheduled(self, schedule_id: str, number: int) -> list[Outbound]:
        session = await self._store.session_for_occurrence(schedule_id, number)
        if session is None:
            return []
        return await self._close(session, requester=system_person(session.platform))

    async def advance_timed_question(
        self, session_id: str, number: int, *, repost: bool = False
    ) -> list[Outbound]:
        """A question's time ran out: move on, unless someone already did. ``repost`` (a
        rerun after a crash): if the move was made but maybe not posted, post it again."""
        session = await self._store.session(session_id)
        if session is None or session.status is not SessionStatus.OPEN:
            return []
        if repost and session.current_question == number + 1:
            return self._reposted(session, intro=False)
        if session.current_question != number or session.paused_seconds_left is not None:
            return []
        return await self._move_on(session, private_to=None)

    async def one_minute_left(self, session_id: str, number: int) -> list[Outbound]:
        session = await self._store.session(session_id)
        if session is None or session.status is not SessionStatus.OPEN:
            return []
        if session.current_question != number:
            return []
        return [ChannelNotice(channel_id=session.channel_id, text=ONE_MINUTE_LEFT)]

    def _reposted(self, session: SessionRecord, *, intro: bool = True) -> list[Outbound]:
        question_set = pick_question_set(self._sets, session.question_set_id)
        question = question_set.question(session.current_question)
        post = self._answers.question_post(session, question_set, question)
        if not intro:
            return [post]
        return [self._intro(session.channel_id, question_set), post]

    @staticmethod
    def _intro(channel_id: str, question_set: QuestionSet) -> ChannelNotice:
        return ChannelNotice(
            channel_id=channel_id, text=f"**{question_set.title}**\n{question_set.intro}"
        )

    def reminder(self, schedule: ScheduleRecord, number: int, before: timedelta) -> ChannelNotice:
        question_set = pick_question_set(self._sets, schedule.question_set_id)
        starts = occurrence(schedule, number).starts_at.astimezone(ZoneInfo(schedule.time_zone))
        return ChannelNotice(
            channel_id=schedule.channel_id,
            text=(
                f'⏰ Reminder: our session "{question_set.title}" starts in '
                f"{describe_duration(before)}, at {starts:%H:%M} on {starts:%A %d %B}. "
                "See you there!"
            ),
        )

    # -- other commands ---------------------------------------------------------------------

    async def _digest_command(self, event: CommandInvoked) -> list[Outbound]:
        session_id = (event.options.get("session") or "").strip()
        if not session_id:
            raise NotFound("Please say which session. " + await self._sessions_text())
        fmt = (event.options.get("format") or "all").strip().lower()
        if fmt == "all":
            formats: tuple[DigestFormat, ...] = tuple(DigestFormat)
        else:
            try:
                formats = (DigestFormat(fmt),)
            except ValueError:
                raise NotFound(
                    f"There's no digest format '{fmt}'. Formats: md, html, csv, json, all."
                ) from None
        session = await self._session_by_id(session_id)
        files = await self.digest_files(session.id, formats)
        await self.desk.audit(actor(event.person), "digest-downloaded", session.id, fmt)
        return [
            FileDelivery(
                channel_id=event.channel_id,
                audience=Audience.REQUESTER,
                requester=event.person,
                text=f"Here is the digest for session {session.id}.",
                files=files,
            )
        ]

    async def _withdraw(self, event: CommandInvoked) -> list[Outbound]:
        scope = (event.options.get("session") or "all").strip()
        if scope == "this":
            scope = (await self._open_session(event)).id
        count = await self.withdraw(event.person, None if scope == "all" else scope)
        if count is None:
            return [self._private(event, self._notices.nothing_to_withdraw)]
        return [self._private(event, self._notices.withdrawn.format(count=count))]

    async def withdraw(self, person: Person, session_id: str | None = None) -> int | None:
        """Delete a person's answers and reactions in one session or all; ``None`` when they
        had nothing stored."""
        session_ids = [session_id] if session_id else await self._store.all_session_ids()
        removed: int | None = None
        for sid in session_ids:
            key = self._answers.person_key(sid, person)
            participant = await self._store.find_participant(sid, key)
            if participant is not None:
                removed = (removed or 0) + await self._store.withdraw_participant(participant.id)
        log.info("a participant withdrew %d answers", removed or 0)
        return removed

    async def purge(self) -> int:
        """The retention purge: for sessions closed more than the retention period ago, keep
        the anonymised digest and delete raw answers, hashes and encrypted identities."""
        cutoff = self._clock() - timedelta(days=self._retention_days)
        purged = 0
        for session_id in await self._store.sessions_to_purge(cutoff):
            snapshot = render_json(await self.digest(session_id))
            purged += await self._store.purge_session(session_id, snapshot)
            await self.desk.audit("scheduler", "session-purged", session_id)
        await self._store.purge_old_alerts(cutoff)
        log.info("retention purge: %d answers deleted", purged)
        return purged

    async def _sessions_text(self) -> str:
        summaries = await self._store.session_summaries()
        if not summaries:
            return "There are no sessions yet."
        lines = ["Sessions:"]
        for s in summaries[:25]:
            lines.append(
                f"• {s.session.id} · {s.session.question_set_id} · {s.session.status} · "
                f"{s.session.started_at:%d %b %Y} · {s.answer_count} answers from "
                f"{s.participant_count} people"
            )
        return "\n".join(lines)

    # -- helpers ----------------------------------------------------------------------------

    async def _session_by_id(self, session_id: str) -> SessionRecord:
        return await self._answers.session_by_id(session_id)

    async def _open_session(self, event: CommandInvoked) -> SessionRecord:
        return await self._answers.open_session(event.person, event.channel_id)

    async def reveal_waiting(self, session_id: str) -> list[Outbound]:
        """The reveal job: the next shuffled batch of waiting answers."""
        session = await self._store.session(session_id)
        if session is None:
            return []
        return await self._answers.reveal(session)

    @staticmethod
    def _private_to(person: Person, channel_id: str, text: str) -> PrivateNotice:
        return PrivateNotice(channel_id=channel_id, recipient=person, text=text)

    @staticmethod
    def _private(event: CommandInvoked, text: str) -> PrivateNotice:
        return PrivateNotice(channel_id=event.channel_id, recipient=event.person, text=text)
