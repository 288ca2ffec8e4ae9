"""The engine: turns inbound events into outbound messages. The single error boundary.

It stands above the features and only routes: commands and presses to the feature that owns
them (sessions, safeguarding, scheduling, digest, retention), after checking the person's
role. ``handle`` is the reactive path (returns what to send, so tests assert on return
values); ``dispatch`` sends those through an adapter's ``Outbox``, and ``send_all`` is the
one place a failed delivery is handled. It implements ``bot.core.ports.EventHandler`` (what
adapters call) and ``ScheduledWork`` (what the job runner calls).

Logs carry session ids, answer ids and counts only: never answer text, never user ids.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Protocol

from bot.core.errors import (
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
    EndCheckAnswered,
    InboundEvent,
    Person,
    QuestionSkipped,
    ReactionToggled,
    Role,
)
from bot.core.outbound import (
    AnswerForm,
    AnswerPost,
    ChannelNotice,
    ConsentRequest,
    FileDelivery,
    Outbound,
    PostsRemoved,
    PrivateNotice,
    QuestionPost,
    SafeguardingAlert,
    StaffNote,
    is_private_to,
)
from bot.core.ports import Outbox
from bot.core.records import ScheduleRecord, SessionRecord
from bot.core.store import AnswerStore, EndCheckStore, ParticipantStore, SessionStore, SummaryStore
from bot.core.wellformed import well_formed_event
from bot.digest.delivery import Digests
from bot.digest.model import Digest
from bot.feedback.service import CARD_WAITING, Feedback
from bot.report.service import Reports
from bot.safeguarding.desk import SafeguardingDesk
from bot.safeguarding.held import HeldAnswers
from bot.scheduling.timers import Timers
from bot.sessions.answers import Answers
from bot.sessions.directory import SessionDirectory
from bot.sessions.end_check import EndCheck
from bot.sessions.lifecycle import Lifecycle
from bot.sessions.posts import answer_post
from bot.sessions.reactions import Reactions
from bot.sessions.retention import Retention
from bot.signin.links import SignIn
from bot.summary.share import GroupSummaries
from bot.tagging.corrections import TagCorrections

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."
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
ANSWER_NOT_SHOWN = (
    "Your answer is saved, but I couldn't show it to the group just now. "
    "The facilitator has been told."
)


class EngineStore(
    SessionStore, AnswerStore, ParticipantStore, EndCheckStore, SummaryStore, Protocol
):
    """What the engine itself reads (where answers were posted, and reaction counts), and
    what the end-of-session check and the group's summary keep."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Features:
    """The features the engine routes to, built by the composition root."""

    directory: SessionDirectory
    answers: Answers
    reactions: Reactions
    lifecycle: Lifecycle
    digests: Digests
    retention: Retention
    corrections: TagCorrections
    timers: Timers
    desk: SafeguardingDesk
    signin: SignIn
    feedback: Feedback
    held: HeldAnswers


class Engine:
    def __init__(self, *, store: EngineStore, features: Features) -> None:
        self._store = store
        self.directory = features.directory
        self._answers = features.answers
        self._reactions = features.reactions
        self.lifecycle = features.lifecycle
        self.digests = features.digests
        self.retention = features.retention
        self._corrections = features.corrections
        self._timers = features.timers
        self.desk = features.desk
        self.signin = features.signin
        self.feedback = features.feedback
        self._held = features.held
        self.reports = Reports(sessions=store, digests=features.digests, audit=features.desk)
        self.end_check = EndCheck(store=store, directory=features.directory)
        self.summaries = GroupSummaries(
            store=store, directory=features.directory, audit=features.desk
        )

    # -- the adapter-facing API (bot.core.ports.EventHandler) -------------------------------

    @property
    def max_answer_chars(self) -> int:
        return self._answers.max_answer_chars

    async def handle(self, event: InboundEvent) -> list[Outbound]:
        """What to send in response to ``event``. Never raises for a user's mistake."""
        event = well_formed_event(event)  # lone surrogates replaced, before anything reads it
        try:
            match event:
                case CommandInvoked():
                    return await self._command(event)
                case AnswerSubmitted():
                    return await self._answers.answer(event)
                case ReactionToggled():
                    return await self._reactions.reaction(event)
                case ConsentGiven():
                    return await self._answers.consent(event)
                case QuestionSkipped():
                    return await self._answers.skip(event)
                case AnswerReported():
                    return await self._answers.report(event)
                case EndCheckAnswered():
                    return await self.end_check.answer(event)
                case AlertAcknowledged():
                    _check_lead(event.person)
                    text = await self.desk.acknowledge(event.alert_id, event.person)
                    return [_private(event, text)]
        except UserFacingError as exc:
            # A mistake to fix (not a "you may not"): a form may show it and stay open.
            mistake = not isinstance(exc, NotAllowed)
            return [replace(_private(event, str(exc)), refused=mistake)]
        except Exception:
            log.exception(
                "could not handle %s in channel %s", type(event).__name__, event.channel_id
            )
            return [_private(event, APOLOGY)]

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
            if isinstance(message, SafeguardingAlert):
                # Stored before it got here: the alert outbox retries it until delivered.
                await self.desk.alerts.deliver(message, outbox)
                continue
            if isinstance(message, ChannelNotice) and message.job_id is not None:
                # A "you said, we did" card planned as a job: refused, the job retries it.
                if await self.feedback.post_card(message, outbox) == "refused":
                    await tell(actor, CARD_WAITING)
                continue
            try:
                ref = await outbox.send(message)
            except DeliveryFailed as exc:
                log.warning("delivery of %s failed: %s", type(message).__name__, exc.hint)
                if isinstance(message, PrivateNotice | ConsentRequest | StaffNote):
                    continue
                if isinstance(message, PostsRemoved):
                    # Gone from the store all the same; whoever asked hears what still shows.
                    await tell(actor, message.if_refused)
                    continue
                if isinstance(message, FileDelivery):
                    # Staff can still fetch it with /digest; say so where someone will look.
                    log.error("a digest could not be delivered (%s); /digest still works", exc.hint)
                if isinstance(message, AnswerPost):
                    # The answer is safe in the store; the facilitator can fix the channel.
                    await tell(actor, ANSWER_NOT_SHOWN)
                    facilitator = self.directory.facilitators.get(message.session_id)
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
            if isinstance(message, FileDelivery) and message.digest_of is not None:
                # Only now: a crash during the upload leaves it to be sent again.
                await self._store.mark_digest_delivered(message.digest_of)

    async def answer_form(
        self, session_id: str, question_number: int, person: Person
    ) -> AnswerForm:
        """The form for answering a question, or (``form.consent``) the privacy note to agree
        to first. Refuses (``UserFacingError``) if the question is not open."""
        return await self._answers.form(session_id, question_number, person)

    async def agree_then_form(
        self, event: ConsentGiven, question_number: int
    ) -> tuple[list[Outbound], AnswerForm | None]:
        messages = await self.handle(event)
        try:
            form = await self._answers.form(event.session_id, question_number, event.person)
        except UserFacingError as exc:
            # Only the reason reaches the presser: a "thanks, you can answer now" just before
            # "answers are closed" would contradict it.
            others = [m for m in messages if not is_private_to(m, event.person)]
            return [*others, _private(event, str(exc))], None
        return messages, form if form.consent is None else None

    def question_set_choices(self) -> list[tuple[str, str]]:
        """(id, title) of every question set, for autocomplete."""
        sets = self.directory.question_sets.values()
        return [(qs.id, qs.title) for qs in sorted(sets, key=lambda q: q.id)]

    async def session_choices(self) -> list[tuple[str, str]]:
        """(shown, value) of sessions by label, for /report's autocomplete."""
        return await self.reports.label_choices()

    # -- what the command line and tests ask for ---------------------------------------------

    @property
    def theme_labels(self) -> dict[str, str]:
        return self.digests.theme_labels

    @property
    def young_theme_labels(self) -> dict[str, str]:
        """What young people see a theme called (cards, the summary for them)."""
        return self.feedback.young_labels

    async def digest(self, session_id: str) -> Digest:
        session = await self.directory.session_by_id(session_id)
        return await self.digests.digest(session.id)

    async def retag_answer(
        self, answer_id: str, *, add: Sequence[str], remove: Sequence[str]
    ) -> None:
        """A facilitator's correction of an answer's tags; it wins over the automatic tagger."""
        await self._corrections.retag(answer_id, add=add, remove=remove)

    async def withdraw(self, person: Person, session_id: str | None = None) -> int | None:
        """Withdraw for someone who asked staff (the CLI): their answers leave the store.
        Nothing is connected to the platform here, so posts of them stay in the chat."""
        return (await self.retention.withdraw(person, session_id)).count

    # -- what timed jobs ask for (bot.core.ports.ScheduledWork) -----------------------------

    def reminder(self, schedule: ScheduleRecord, number: int, before: timedelta) -> ChannelNotice:
        return self.lifecycle.reminder(schedule, number, before)

    async def start_scheduled(
        self, schedule: ScheduleRecord, number: int, *, repost: bool = False
    ) -> list[Outbound]:
        return await self.lifecycle.start_scheduled(schedule, number, repost=repost)

    async def close_scheduled(self, schedule_id: str, number: int) -> list[Outbound]:
        return await self.lifecycle.close_scheduled(schedule_id, number)

    async def one_minute_left(self, session_id: str, number: int) -> list[Outbound]:
        return await self.lifecycle.one_minute_left(session_id, number)

    async def advance_timed_question(
        self, session_id: str, number: int, *, repost: bool = False
    ) -> list[Outbound]:
        return await self.lifecycle.advance_timed_question(session_id, number, repost=repost)

    async def reveal_waiting(self, session_id: str) -> list[Outbound]:
        return await self.lifecycle.reveal_waiting(session_id)

    async def escalate(self, alert_id: str) -> list[Outbound]:
        return await self.desk.escalate(alert_id)

    async def deliver_alerts(self, outbox: Outbox) -> int:
        return await self.desk.deliver_alerts(outbox)

    async def purge(self) -> int:
        return await self.retention.purge()

    async def follow_up_due(self, action_id: str, number: int) -> list[Outbound]:
        return await self.feedback.follow_up_due(action_id, number)

    async def feedback_card(self, action_id: str, number: int, session_id: str) -> list[Outbound]:
        return await self.feedback.card_due(action_id, number, session_id)

    async def staff_digest(self, session_id: str) -> list[Outbound]:
        return await self.lifecycle.staff_digest(session_id)

    # -- commands ---------------------------------------------------------------------------

    async def _command(self, event: CommandInvoked) -> list[Outbound]:
        if event.command is Command.HELD:  # checks the role itself, auditing a refusal
            return await self._held.command(event, self._question_text)
        _check_allowed(event.person, event.command)
        lifecycle = self.lifecycle
        notices = self.directory.notices
        match event.command:
            case Command.START_SESSION:
                return await lifecycle.start_session(event)
            case Command.NEXT_QUESTION:
                return await lifecycle.next_question(event)
            case Command.END_SESSION:
                return await lifecycle.end_session(event)
            case Command.SESSIONS:
                return [_private(event, await lifecycle.sessions_text())]
            case Command.DIGEST:
                session_id = (event.options.get("session") or "").strip()
                if not session_id:
                    raise NotFound("Please say which session. " + await lifecycle.sessions_text())
                session = await self.directory.session_by_id(session_id)
                return await self.digests.command(event, session)
            case Command.REPORT:
                return await self.reports.command(event)
            case Command.WORKSPACE:
                return await self.signin.command(event)
            case Command.YOU_SAID_WE_DID:
                return await self.feedback.command(event)
            case Command.SHARE_SUMMARY:
                return await self.summaries.share(event)
            case Command.WITHDRAW:
                return await self._withdraw(event)
            case Command.PRIVACY:
                retention_days = self.directory.rules.retention_days
                return [_private(event, notices.privacy.format(retention_days=retention_days))]
            case Command.SCHEDULE_SESSION:
                sets = self.directory.question_sets
                return [_private(event, await self._timers.schedule_session(event, sets))]
            case Command.PAUSE_QUESTION:
                session = await self.directory.open_session(event.person, event.channel_id)
                return [_private(event, await self._timers.toggle_pause(session))]
            case Command.EXTEND_QUESTION:
                session = await self.directory.open_session(event.person, event.channel_id)
                minutes = event.options.get("minutes", "")
                return [_private(event, await self._timers.extend(session, minutes))]
            case Command.HELP:
                return [_private(event, notices.help)]
            case Command.WORRIED:
                alerts = await self.desk.worried(event.person, event.options.get("message", ""))
                return [*alerts, _private(event, notices.worried)]
            case Command.RELEASE:
                return await self._release(event)
            case Command.KEEP_OUT:
                return await self._keep_out(event)
            case Command.WHO_WROTE:
                answer_id = _answer_option(event)
                reason = event.options.get("reason", "")
                return [_private(event, await self.desk.who_wrote(answer_id, reason, event.person))]

    def _question_text(self, session: SessionRecord, number: int) -> str:
        try:
            return self.directory.question_set(session).question(number).text
        except IndexError:
            return f"Question {number}"

    async def _release(self, event: CommandInvoked) -> list[Outbound]:
        answer = await self.desk.release(_answer_option(event), event.person)
        session = await self.directory.session_by_id(answer.session_id)
        question = self.directory.question_set(session).question(answer.question_number)
        counts = await self._store.reaction_counts(answer.id)
        post = answer_post(session, question, answer, counts)
        done = f"Answer {answer.id} is now shown to the group, anonymously."
        return [post, _private(event, done)]

    async def _keep_out(self, event: CommandInvoked) -> list[Outbound]:
        """Keep an answer out, and take its posts out of the group's chat."""
        answer_id = _answer_option(event)
        done = _private(event, await self.desk.keep_out(answer_id, event.person))
        answer = await self._store.answer(answer_id)
        posts = await self._store.posts_of_answer(answer_id)
        if answer is None or not posts:
            return [done]
        session = await self.directory.session_by_id(answer.session_id)
        refused = (
            f"I couldn't take answer {answer_id} out of the group's chat: please delete it "
            "there yourself. It stays out of every digest."
        )
        removal = PostsRemoved(
            channel_id=session.channel_id, message_refs=tuple(posts), if_refused=refused
        )
        return [done, removal]

    async def _withdraw(self, event: CommandInvoked) -> list[Outbound]:
        scope = (event.options.get("session") or "all").strip()
        if scope == "this":
            scope = (await self.directory.open_session(event.person, event.channel_id)).id
        taken = await self.retention.withdraw(event.person, None if scope == "all" else scope)
        notices = self.directory.notices
        if taken.count is None:
            return [_private(event, notices.nothing_to_withdraw)]
        # The reply first: if the app refuses a deletion, the person hears that after it.
        return [_private(event, notices.withdrawn.format(count=taken.count)), *taken.removals]


def _answer_option(event: CommandInvoked) -> str:
    answer_id = (event.options.get("answer") or "").strip()
    if not answer_id:
        raise InvalidRequest("Please say which answer (its id is in the alert).")
    return answer_id


def _check_lead(person: Person) -> None:
    if Role.SAFEGUARDING_LEAD not in person.roles:
        raise NotAllowed("Only the safeguarding lead can do that. Nothing has changed.")


def _check_allowed(person: Person, command: Command) -> None:
    if command in LEAD_COMMANDS:
        _check_lead(person)
    if command in FACILITATOR_COMMANDS and Role.FACILITATOR not in person.roles:
        raise NotAllowed(f"Only facilitators can use /{command}. Nothing has changed.")
    if command is Command.SESSIONS and not person.roles & {Role.FACILITATOR, Role.STAFF}:
        raise NotAllowed("Only facilitators and staff can list sessions.")
    if command is Command.DIGEST and Role.STAFF not in person.roles:
        raise NotAllowed("Only staff can download a session digest.")
    if command is Command.REPORT and Role.STAFF not in person.roles:
        raise NotAllowed("Only staff can make a report. Nothing has changed.")
    if command is Command.SHARE_SUMMARY and not person.roles & {Role.FACILITATOR, Role.STAFF}:
        raise NotAllowed("Only staff and facilitators can share a summary. Nothing was posted.")


def _private(event: InboundEvent, text: str) -> PrivateNotice:
    return PrivateNotice(channel_id=event.channel_id, recipient=event.person, text=text)
