"""A session's life: start (by a facilitator or a schedule), move on, close, and hand over to
the digest. The same rules whatever started it, so a timed move-on and /next-question can
never both post the next question (moves are compare-and-set in the store).

The digest goes to staff at the close, or, when the session has an end-of-session check,
when that check closes (``CHECK_IN_WINDOW`` later), so it carries the group's taps: a job in
the store (``Timers.digest_due``), so a restart in between doesn't lose it."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import ChannelBusy, NotFound
from bot.core.events import CommandInvoked, Person, system_person
from bot.core.outbound import ChannelNotice, Outbound, QuestionPost
from bot.core.ports import QuestionTimers
from bot.core.records import ScheduleRecord, SessionRecord, SessionStatus
from bot.core.store import SessionStore
from bot.questions.loader import pick_question_set
from bot.questions.model import QuestionSet
from bot.scheduling.plan import check_question_minutes, occurrence, parse_label, parse_minutes
from bot.scheduling.words import describe_duration
from bot.sessions.directory import CHECK_IN_WINDOW, SessionDirectory, private
from bot.sessions.end_check import end_check_posts
from bot.sessions.notices import Notices
from bot.sessions.posts import check_in_post, question_post
from bot.sessions.reveal import Reveal

log = logging.getLogger(__name__)

_SESSION_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (l/1, o/0, i)
ONE_MINUTE_LEFT = "⏳ One minute left on this question."

# What closing hands over: the digest's delivery to staff (``bot.digest.delivery``).
DigestHandover = Callable[[SessionRecord, Person], Awaitable[list[Outbound]]]


class Lifecycle:
    def __init__(
        self,
        *,
        store: SessionStore,
        directory: SessionDirectory,
        timers: QuestionTimers,
        reveal: Reveal,
        handover: DigestHandover,
        set_notes: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._set_notes = dict(set_notes or {})  # glossary warnings, by question set
        self._store = store
        self._directory = directory
        self._timers = timers
        self._reveal = reveal
        self._handover = handover
        # Who closed each session whose digest waits for its end check: without a staff
        # channel the digest goes to them (lost at a restart: then only a staff channel works).
        self._closed_by: dict[str, Person] = {}

    # -- by a facilitator --------------------------------------------------------------------

    async def start_session(self, event: CommandInvoked) -> list[Outbound]:
        sets = self._directory.question_sets
        set_id = (event.options.get("question-set") or "").strip()
        if not set_id:
            known = ", ".join(sorted(sets))
            raise NotFound(f"Please choose a question set. Sets you can use: {known}.")
        question_set = pick_question_set(sets, set_id)
        minutes = check_question_minutes(
            parse_minutes(event.options.get("question-minutes"), "time limit per question")
        )
        label = parse_label(event.options.get("label"))
        session, messages = await self._start(
            platform=event.person.platform,
            channel_id=event.channel_id,
            question_set=question_set,
            question_seconds=minutes * 60 if minutes else None,
            label=label,
        )
        self._directory.facilitators[session.id] = event.person
        started = self._directory.notices.session_started_for_facilitator.format(
            session_id=session.id, title=question_set.title
        )
        notes = self._set_notes.get(question_set.id, ())
        if notes:
            started += (
                "\nA few words in this question set are ones young people have asked adults to "
                "think about (just for you; nothing was changed):\n"
                + "\n".join(f"• {n}" for n in notes)
            )
        return [*messages, private(event.person, event.channel_id, started)]

    async def next_question(self, event: CommandInvoked) -> list[Outbound]:
        session = await self._directory.open_session(event.person, event.channel_id)
        return await self._move_on(session, private_to=event)

    async def end_session(self, event: CommandInvoked) -> list[Outbound]:
        session = await self._directory.open_session(event.person, event.channel_id)
        messages = await self.close(session, requester=event.person)
        if self._directory.question_set(session).end_check:
            messages.append(private(event.person, event.channel_id, digest_comes_later()))
        return messages

    # -- the steps ---------------------------------------------------------------------------

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
        label: str | None = None,
    ) -> tuple[SessionRecord, list[Outbound]]:
        session = SessionRecord(
            id="".join(secrets.choice(_SESSION_ID_ALPHABET) for _ in range(6)),
            platform=platform,
            channel_id=channel_id,
            question_set_id=question_set.id,
            status=SessionStatus.OPEN,
            current_question=1,
            started_at=self._directory.clock(),
            closed_at=None,
            ends_at=ends_at,
            question_seconds=question_seconds,
            schedule_id=schedule_id,
            occurrence=occurrence,
            label=label,
        )
        await self._store.create_session(session)
        log.info("session %s started with %s", session.id, question_set.id)
        intro = _intro(channel_id, question_set, self._directory.notices)
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
        question = question_set.question(number)
        return question_post(session, question_set, question, self._directory.notices)

    async def _move_on(
        self, session: SessionRecord, *, private_to: CommandInvoked | None
    ) -> list[Outbound]:
        question_set = self._directory.question_set(session)
        number = session.current_question + 1
        # The question closes: whatever is still waiting for a batch is shown now.
        revealed = await self._reveal.reveal(session, session.current_question)
        if number > len(question_set.questions):
            if revealed:
                return revealed
            if private_to is None:
                return []
            return [
                private(
                    private_to.person,
                    private_to.channel_id,
                    "That was the last question. Use /end-session when the group is ready.",
                )
            ]
        posted = await self._post_question(session, question_set, number)
        return [*revealed, posted] if posted is not None else revealed

    async def close(self, session: SessionRecord, *, requester: Person) -> list[Outbound]:
        """Close a session (if open) and send its digest to staff, once, whatever closed it:
        now, or when its end-of-session check closes (a job, added again harmlessly if a
        close is run again after a crash)."""
        messages: list[Outbound] = list(await self._reveal.reveal(session))
        closed = await self._store.close_session(session.id, self._directory.clock())
        await self._timers.session_closed(session)
        if closed:
            log.info("session %s closed", session.id)
            total = len(self._directory.question_set(session).questions)
            notices = self._directory.notices
            messages.append(
                ChannelNotice(channel_id=session.channel_id, text=notices.session_ended)
            )
            if self._directory.question_set(session).end_check:
                messages.extend(end_check_posts(session, notices.end_check_intro))
            messages.append(check_in_post(session, total, notices))
        if not self._directory.question_set(session).end_check:
            messages.extend(await self._handover(session, requester))
            return messages
        stored = await self._store.session(session.id)
        closed_at = stored.closed_at if stored and stored.closed_at else self._directory.clock()
        if requester.user_id:
            self._closed_by[session.id] = requester
        await self._timers.digest_due(session, closed_at + CHECK_IN_WINDOW)
        return messages

    async def staff_digest(self, session_id: str) -> list[Outbound]:
        """The staff digest job: the session's end-of-session check has closed."""
        session = await self._store.session(session_id)
        if session is None:
            return []
        requester = self._closed_by.pop(session.id, None) or system_person(session.platform)
        return await self._handover(session, requester)

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
        question_set = pick_question_set(self._directory.question_sets, schedule.question_set_id)
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
                label=schedule.label,
            )
        except ChannelBusy:
            log.warning("schedule %s: channel busy, occurrence %d not started", schedule.id, number)
            return []
        return messages

    async def close_scheduled(self, schedule_id: str, number: int) -> list[Outbound]:
        session = await self._store.session_for_occurrence(schedule_id, number)
        if session is None:
            return []
        return await self.close(session, requester=system_person(session.platform))

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

    async def reveal_waiting(self, session_id: str) -> list[Outbound]:
        """The reveal job: the next shuffled batch of answers that have waited long enough
        (see ``bot.sessions.reveal`` for the rule)."""
        session = await self._store.session(session_id)
        if session is None:
            return []
        return await self._reveal.reveal_due(session)

    def reminder(self, schedule: ScheduleRecord, number: int, before: timedelta) -> ChannelNotice:
        question_set = pick_question_set(self._directory.question_sets, schedule.question_set_id)
        starts = occurrence(schedule, number).starts_at.astimezone(ZoneInfo(schedule.time_zone))
        return ChannelNotice(
            channel_id=schedule.channel_id,
            text=(
                f'⏰ Reminder: our session "{question_set.title}" starts in '
                f"{describe_duration(before)}, at {starts:%H:%M} on {starts:%A %d %B}. "
                "See you there!"
            ),
        )

    def _reposted(self, session: SessionRecord, *, intro: bool = True) -> list[Outbound]:
        question_set = self._directory.question_set(session)
        question = question_set.question(session.current_question)
        post = question_post(session, question_set, question, self._directory.notices)
        if not intro:
            return [post]
        return [_intro(session.channel_id, question_set, self._directory.notices), post]

    # -- listing ----------------------------------------------------------------------------

    async def sessions_text(self) -> str:
        summaries = await self._store.session_summaries()
        if not summaries:
            return "There are no sessions yet."
        lines = ["Sessions:"]
        for s in summaries[:25]:
            label = f" · {s.session.label}" if s.session.label else ""
            lines.append(
                f"• {s.session.id}{label} · {s.session.question_set_id} · {s.session.status} · "
                f"{s.session.started_at:%d %b %Y} · {_count(s.answer_count, 'answer')} from "
                f"{_count(s.participant_count, 'person', 'people')}"
            )
        return "\n".join(lines)


def digest_comes_later() -> str:
    """What the facilitator is told when a session with an end-of-session check closes."""
    return (
        f"The session has closed. The digest will go to staff in "
        f"{describe_duration(CHECK_IN_WINDOW)}, when the four questions about today close, "
        "so it can count the group's answers to them. You can get it sooner with /digest."
    )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _intro(channel_id: str, question_set: QuestionSet, notices: Notices) -> ChannelNotice:
    text = f"**{question_set.title}**\n{question_set.intro}"
    if question_set.audience:
        text += "\n" + notices.audience.format(audience=question_set.audience)
    return ChannelNotice(channel_id=channel_id, text=text)
