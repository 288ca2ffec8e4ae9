""" "You said, we did": record what was done about a theme, tell the group, remind on time.

An action is one theme (a codebook id) of one session or of a report's sessions. Its first
update is "heard"; each later one says who it was taken to (and when), the decision
(changed, partly, not changed, or still waiting), why, and when the group will hear more.
Every update is kept with its time and the audit name of the staff member who wrote it.

Each update is a feedback card (``card``) for the channel of every session the action
covers, planned as one ``feedback-card`` job per channel in the update's transaction. From
chat (or the workspace beside the bot) the cards for that platform's channels are posted
straight away (``post_card``: the job is claimed, then done once the platform took the card,
or back to pending with the runner's backoff if it refused); the rest, and every card
recorded from the command line, are posted by the job runner of the process serving their
platform. An update with a follow-up date plans a ``follow-up`` job for 9:00 the day after
it; a later update cancels it in the same transaction, and a reminder whose update is no
longer the latest does nothing. The reminder goes privately to the sessions' facilitators
this process knows, and to the staff who recorded the action's updates in chat; to the staff
destination when there is nobody.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from bot.core.errors import DeliveryFailed, InvalidRequest, NotAllowed, NotFound
from bot.core.events import CommandInvoked, Person, Role, audit_name
from bot.core.outbound import ChannelNotice, Outbound, PrivateNotice, StaffNote
from bot.core.ports import AuditTrail, JobWaker, Outbox
from bot.core.records import (
    ActionRecord,
    ActionUpdate,
    JobKind,
    JobRecord,
    JobState,
    SessionRecord,
)
from bot.core.store import ActionStore, JobStore, SessionStore
from bot.feedback.card import WordCheck, card_text, check_length, parse_decision
from bot.report.select import Selection, select_sessions, split_names
from bot.scheduling.runner import DELIVERY_BACKOFF

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
REMIND_AT = time(9, 0)  # the morning after the follow-up date, in the organisation's zone
FIELD_LIMIT = 600  # characters in any one field staff type
CLI = "cli"
EMPTY_STEP = (
    "Please say what happened: taken-to, decision (changed, partly, not-changed), "
    "because, or follow-up (YYYY-MM-DD). Nothing has changed."
)
CLI_POSTING = "The bot posts it to the group's channel within a minute, if it is running."


Posting = Literal["posted", "refused", "taken"]
CARD_WAITING = (
    "The card could not be posted in one channel yet. The bot tries again, and tells "
    "staff if it still can't."
)


class FeedbackStore(ActionStore, SessionStore, JobStore, Protocol):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """What one update says (the fields staff fill in)."""

    taken_to: str = ""
    decision: str = ""
    because: str = ""
    follow_up: str = ""  # YYYY-MM-DD, or empty

    @property
    def empty(self) -> bool:
        return not (self.taken_to or self.decision or self.because or self.follow_up)


@dataclass(frozen=True, slots=True, kw_only=True)
class Recorded:
    action: ActionRecord
    update: ActionUpdate
    card: str
    posts: tuple[ChannelNotice, ...]  # one per channel on the actor's platform, with its job
    elsewhere: int = 0  # channels on other platforms: their cards wait for that platform's bot

    @property
    def planned(self) -> int:
        return len(self.posts) + self.elsewhere


class Feedback:
    def __init__(
        self,
        *,
        store: FeedbackStore,
        theme_labels: Mapping[str, str],
        words: WordCheck,
        young_labels: Mapping[str, str] | None = None,
        audit: AuditTrail,
        clock: Callable[[], datetime],
        waker: JobWaker,
        facilitators: Mapping[str, Person],
        zone: ZoneInfo = LONDON,
    ) -> None:
        self._store = store
        self._labels = dict(theme_labels)
        # What young people see (cards): the codebook's young_label, else its label.
        self._young_labels = {**self._labels, **(young_labels or {})}
        self._words = words
        self._audit = audit
        self._clock = clock
        self._waker = waker
        self._facilitators = facilitators  # session id → who runs it (while this process runs)
        self._zone = zone

    # -- recording -------------------------------------------------------------------------

    async def add(self, names: str, theme: str, heard: str, by: str) -> ActionRecord:
        """A theme the group raised, heard ("you said"): the action's first update. The same
        theme for the same sessions is the same action."""
        action, new = await self._heard(names, theme, heard, by)
        if new:
            await self._store.create_action(action)
            await self._audit.audit(by, "action-added", action.id, action.theme_id)
        return action

    async def update(
        self, action_id: str, step: Step, by: str, *, platform: str | None = None
    ) -> Recorded:
        """Record ``step`` and word its card. From chat (``platform`` set) the card comes back
        to post in that platform's channels; from the CLI a job posts it. Refused, with
        nothing saved or posted: an empty step, a bad field, a card too long or with a word
        the glossary rules out."""
        return await self._record(await self.action(action_id), step, by, platform, new=False)

    async def _heard(
        self, names: str, theme: str, heard: str, by: str
    ) -> tuple[ActionRecord, bool]:
        """The action for ``theme`` of these sessions: the stored one, or a new one (not
        stored yet: ``True``)."""
        theme_id = self._theme(theme)
        sessions = await self._sessions(names)
        session_ids = tuple(sorted(s.id for s in sessions))
        for existing in await self._store.actions_for_sessions(session_ids):
            if existing.theme_id == theme_id and existing.session_ids == session_ids:
                return existing, False
        heard = _field("heard", heard) or f"You told us about {self._young(theme_id).lower()}."
        self._words.check("heard", heard)
        now = self._clock()
        action = ActionRecord(
            id=secrets.token_hex(4),
            theme_id=theme_id,
            heard=heard,
            session_ids=session_ids,
            created_at=now,
            updates=(ActionUpdate(number=1, at=now, by=by),),
        )
        return action, True

    async def _record(
        self, action: ActionRecord, step: Step, by: str, platform: str | None, *, new: bool
    ) -> Recorded:
        """Check everything, then store the update (with a ``new`` action, in the same
        transaction) and the jobs it plans."""
        if step.empty:
            raise InvalidRequest(EMPTY_STEP)
        update = ActionUpdate(
            number=action.latest.number + 1,
            at=self._clock(),
            by=by,
            taken_to=_field("taken-to", step.taken_to),
            decision=parse_decision(step.decision),
            because=_field("because", step.because),
            follow_up=self._follow_up(step.follow_up),
        )
        for name, text in (("taken-to", update.taken_to), ("because", update.because)):
            self._words.check(name, text)
        card = self.card(action, update)
        sessions = await self._sessions_of(action)
        for platform_name in sorted({s.platform for s in sessions}):
            check_length(card, platform_name)
        jobs: list[JobRecord] = []
        cards: list[JobRecord] = []

        def plan(stored: ActionUpdate) -> list[JobRecord]:
            # Called by the store with the number it gave the update (job ids name it), in
            # the update's transaction: two updates at once each plan their own jobs.
            cards[:] = _card_jobs(action, stored, sessions, self._clock())
            jobs[:] = [*self._follow_up_jobs(action, stored), *cards]
            return jobs

        if new:
            await self._store.create_action(
                replace(action, updates=(*action.updates, update)), plan(update)
            )
            await self._audit.audit(by, "action-added", action.id, action.theme_id)
            stored: ActionUpdate | None = update
        else:
            stored = await self._store.add_action_update(action.id, update, plan)
        if stored is None:
            raise NotFound(f"There's no action '{action.id}'.")
        for job in jobs:
            if platform is None or job.kind is not JobKind.FEEDBACK_CARD:
                self._waker.wake(job.due_at)  # from chat, cards go now; the heartbeat backs up
        await self._audit.audit(by, "action-updated", action.id, stored.decision.value)
        card = self.card(action, stored)
        on_platform = {s.id for s in sessions if s.platform == platform}
        by_channel = {s.id: s.channel_id for s in sessions}
        posts = tuple(
            ChannelNotice(channel_id=by_channel[job.session_id or ""], text=card, job_id=job.id)
            for job in cards
            if job.session_id in on_platform
        )
        return Recorded(
            action=await self.action(action.id),
            update=stored,
            card=card,
            posts=posts,
            elsewhere=len(cards) - len(posts),
        )

    async def post_card(self, post: ChannelNotice, outbox: Outbox) -> Posting:
        """Post a card planned as a job (``post.job_id``) now: ``"posted"`` once the platform
        took it (the job is done); ``"refused"`` (the job goes back to pending, tried again
        after the runner's first backoff, staff told after the last try); ``"taken"`` if the
        job runner got to it first (it posts it)."""
        if post.job_id is None or not await self._store.claim_job(post.job_id):
            return "taken"
        try:
            await outbox.send(post)
        except DeliveryFailed as exc:
            log.warning("a feedback card was refused; it is tried again: %s", exc.hint)
            due = self._clock() + DELIVERY_BACKOFF[0]
            await self._store.retry_job(post.job_id, due)
            self._waker.wake(due)
            return "refused"
        await self._store.finish_job(post.job_id, JobState.DONE)
        return "posted"

    async def action(self, action_id: str) -> ActionRecord:
        action = await self._store.action(action_id.strip())
        if action is None:
            known = [a.id for a in await self._store.actions_for_sessions(None)]
            raise NotFound(
                f"There's no action '{action_id.strip()}'. "
                f"Actions: {', '.join(known[-25:]) or 'none yet'}."
            )
        return action

    async def actions(self, names: str = "") -> list[ActionRecord]:
        if not names.strip():
            return await self._store.actions_for_sessions(None)
        sessions = await self._sessions(names)
        return await self._store.actions_for_sessions([s.id for s in sessions])

    def card(self, action: ActionRecord, update: ActionUpdate) -> str:
        return card_text(
            theme_label=self._young(action.theme_id), heard=action.heard, update=update
        )

    def label(self, theme_id: str) -> str:
        return self._labels.get(theme_id, theme_id)

    @property
    def young_labels(self) -> dict[str, str]:
        """Theme id → the name young people see (``young_label``, else the label)."""
        return dict(self._young_labels)

    def _young(self, theme_id: str) -> str:
        return self._young_labels.get(theme_id, theme_id)

    # -- chat -----------------------------------------------------------------------------

    async def command(self, event: CommandInvoked) -> list[Outbound]:
        """/you-said-we-did: ``action`` (an id) or ``sessions`` and ``theme``, then the step:
        ``taken-to``, ``decision``, ``because``, ``follow-up``; ``heard`` for a new one."""
        _check_staff(event.person)
        options = event.options
        step = Step(
            taken_to=options.get("taken-to", ""),
            decision=options.get("decision", ""),
            because=options.get("because", ""),
            follow_up=options.get("follow-up", ""),
        )
        by = audit_name(event.person)
        action_id = (options.get("action") or "").strip()
        new = False
        if action_id:
            action = await self.action(action_id)
        else:
            names, theme = options.get("sessions", ""), options.get("theme", "")
            if not names.strip() or not theme.strip():
                raise InvalidRequest(
                    "Please say which sessions (labels or ids) and which theme, "
                    "or give an action id."
                )
            if step.empty:
                self._theme(theme)
                await self._sessions(names)  # refuse unknown ones before saying what's missing
                raise InvalidRequest(EMPTY_STEP)
            action, new = await self._heard(names, theme, options.get("heard", ""), by)
        recorded = await self._record(action, step, by, event.person.platform, new=new)
        where = len(recorded.posts)
        done = (
            f"Saved update {recorded.update.number} of action {recorded.action.id} "
            f"({self.label(recorded.action.theme_id)}). Posting it to "
            f"{where} channel{'s' if where != 1 else ''} now: you'll hear if one can't "
            "be posted yet."
        ) + waiting_note(recorded.elsewhere)
        private = PrivateNotice(
            channel_id=event.channel_id, recipient=event.person, text=done, saved=True
        )
        return [*recorded.posts, private]

    # -- timed jobs -----------------------------------------------------------------------

    async def follow_up_due(self, action_id: str, number: int) -> list[Outbound]:
        """The follow-up date of update ``number`` passed. Nothing if a later update came."""
        action = await self._store.action(action_id)
        if action is None or action.latest.number != number or action.latest.follow_up is None:
            return []
        sessions = await self._sessions_of(action)
        names = ", ".join(s.label or s.id for s in sessions)
        text = (
            f"Reminder: the group ({names}) was told they would hear more about "
            f'"{self.label(action.theme_id)}" by {action.latest.follow_up:%-d %B %Y}. '
            f"Please tell them what happened: /you-said-we-did action:{action.id}"
        )
        people = self._reminded(action, sessions)
        if not people:
            return [StaffNote(text=text)]
        channel = sessions[0].channel_id if sessions else ""
        return [PrivateNotice(channel_id=channel, recipient=p, text=text) for p in people]

    async def card_due(self, action_id: str, number: int, session_id: str) -> list[Outbound]:
        """Post update ``number``'s card (recorded from the CLI) in one session's channel."""
        action = await self._store.action(action_id)
        session = await self._store.session(session_id)
        if action is None or session is None:
            return []
        update = next((u for u in action.updates if u.number == number), None)
        if update is None:
            return []
        return [ChannelNotice(channel_id=session.channel_id, text=self.card(action, update))]

    # -- helpers --------------------------------------------------------------------------

    def _theme(self, theme: str) -> str:
        theme_id = theme.strip().lower()
        if theme_id not in self._labels:
            raise NotFound(
                f"There's no theme '{theme.strip()}'. Themes: {', '.join(self._labels)}."
            )
        return theme_id

    async def _sessions(self, names: str) -> list[SessionRecord]:
        wanted = Selection(names=split_names(names))
        return select_sessions(await self._store.session_summaries(), wanted, self._zone)

    async def _sessions_of(self, action: ActionRecord) -> list[SessionRecord]:
        found = [await self._store.session(s) for s in action.session_ids]
        return [s for s in found if s is not None]

    def _follow_up(self, text: str) -> date | None:
        if not text.strip():
            return None
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise InvalidRequest(
                f"follow-up '{text.strip()}' is not a date: use YYYY-MM-DD."
            ) from None
        today = self._clock().astimezone(self._zone).date()
        if day <= today:
            raise InvalidRequest(f"follow-up {day} is not after today ({today}).")
        return day

    def _follow_up_jobs(self, action: ActionRecord, update: ActionUpdate) -> list[JobRecord]:
        if update.follow_up is None:
            return []
        local = datetime.combine(update.follow_up + timedelta(days=1), REMIND_AT, self._zone)
        return [
            JobRecord(
                id=f"follow-up:{action.id}:{update.number}",
                kind=JobKind.FOLLOW_UP,
                due_at=local.astimezone(ZoneInfo("UTC")),
                session_id=action.session_ids[0],
                subject=action.id,
            )
        ]

    def _reminded(self, action: ActionRecord, sessions: Sequence[SessionRecord]) -> list[Person]:
        people: dict[tuple[str, str], Person] = {}
        for s in sessions:
            person = self._facilitators.get(s.id)
            if person is not None and person.user_id:
                people.setdefault((person.platform, person.user_id), person)
        for u in action.updates:
            platform, sep, user_id = u.by.partition(":")
            if sep and user_id and platform != CLI:
                staff = Person(platform=platform, user_id=user_id, roles=frozenset({Role.STAFF}))
                people.setdefault((platform, user_id), staff)
        return list(people.values())


def _card_jobs(
    action: ActionRecord, update: ActionUpdate, sessions: Sequence[SessionRecord], now: datetime
) -> list[JobRecord]:
    """One job per channel (on any platform): the first of its sessions names it."""
    first = {(s.platform, s.channel_id): s.id for s in reversed(sessions)}
    return [
        JobRecord(
            id=f"feedback-card:{action.id}:{update.number}:{session_id}",
            kind=JobKind.FEEDBACK_CARD,
            due_at=now,
            session_id=session_id,
            subject=action.id,
        )
        for session_id in sorted(first.values())
    ]


def waiting_note(count: int) -> str:
    """What the actor hears about cards for another platform's channels."""
    if not count:
        return ""
    s = "s" if count != 1 else ""
    return (
        f" {count} channel{s} on another platform will get it from the bot running there "
        "(within a minute, if it is running)."
    )


def _field(name: str, text: str) -> str:
    text = " ".join(text.split())
    if len(text) > FIELD_LIMIT:
        raise InvalidRequest(f"{name} is {len(text)} characters: keep it under {FIELD_LIMIT}.")
    return text


def _check_staff(person: Person) -> None:
    if not person.roles & {Role.STAFF, Role.FACILITATOR}:
        raise NotAllowed(
            "Only staff and facilitators can use /you-said-we-did. Nothing has changed."
        )
