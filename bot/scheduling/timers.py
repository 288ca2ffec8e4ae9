"""Scheduling commands and question timers: what facilitators ask for, turned into jobs.

Every timed thing is a row in the store's ``jobs`` table (the source of truth); ``JobWaker``
tells whatever runs jobs (apscheduler in production, a test's fake clock) that something new
is due. Jobs are executed by ``bot.scheduling.runner``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import InvalidRequest, NotFound
from bot.core.events import CommandInvoked
from bot.core.ports import JobWaker
from bot.core.records import JobKind, JobRecord, ScheduleRecord, SessionRecord
from bot.core.store import JobStore
from bot.questions.loader import pick_question_set
from bot.questions.model import QuestionSet
from bot.scheduling.plan import (
    check_length,
    check_question_minutes,
    occurrence,
    occurrence_jobs,
    parse_label,
    parse_local_time,
    parse_minutes,
    parse_repeat,
    question_jobs,
    to_utc,
)
from bot.scheduling.words import describe_duration

MAX_EXTEND_MINUTES = 30
DEFAULT_LENGTH_MINUTES = 60
_TIMER_KINDS = (JobKind.NUDGE, JobKind.ADVANCE)


class NoWaker:
    def wake(self, at: datetime) -> None:
        return None


class Timers:
    def __init__(
        self,
        *,
        store: JobStore,
        zone: ZoneInfo,
        reminders: tuple[timedelta, ...],
        clock: Callable[[], datetime],
        waker: JobWaker,
    ) -> None:
        self._store = store
        self.zone = zone
        self.reminders = reminders
        self._clock = clock
        self.waker = waker

    async def schedule_session(self, event: CommandInvoked, sets: Mapping[str, QuestionSet]) -> str:
        """Validate a /schedule-session request and store it with its jobs; nothing is stored
        unless every option is right."""
        options = event.options
        question_set = pick_question_set(sets, (options.get("question-set") or "").strip())
        if not (options.get("start") or "").strip():
            raise InvalidRequest("Please say when it starts, for example 2026-12-01 18:00.")
        local = parse_local_time(options["start"], self.zone)
        if to_utc(local, self.zone) <= self._clock():
            raise InvalidRequest(
                f"{local:%d %B %Y %H:%M} has already passed. Please pick a time in the future."
            )
        repeat = parse_repeat(options.get("repeat") or "none")
        length = parse_minutes(options.get("length"), "length")
        length = check_length(DEFAULT_LENGTH_MINUTES if length is None else length)
        question_minutes = check_question_minutes(
            parse_minutes(options.get("question-minutes"), "time limit per question")
        )
        label = parse_label(options.get("label"))
        channel_id = (options.get("channel") or event.channel_id).strip()
        if not channel_id:
            raise NotFound("Please say which channel the session is in.")
        schedule = ScheduleRecord(
            id="sch-" + secrets.token_hex(3),
            platform=event.person.platform,
            channel_id=channel_id,
            question_set_id=question_set.id,
            first_start=local,
            time_zone=self.zone.key,
            repeat=repeat,
            length_minutes=length,
            question_minutes=question_minutes,
            label=label,
        )
        jobs = [
            job
            for job in occurrence_jobs(schedule, 0, self.reminders)
            if job.kind is not JobKind.REMIND or job.due_at > self._clock()
        ]
        await self._store.create_schedule(schedule, jobs)
        for job in jobs:
            self.waker.wake(job.due_at)
        return describe_schedule(schedule, question_set)

    async def question_posted(self, session: SessionRecord, number: int) -> None:
        assert session.question_seconds is not None
        jobs = question_jobs(session.id, number, self._clock(), session.question_seconds)
        await self._store.add_jobs(jobs)
        for job in jobs:
            self.waker.wake(job.due_at)

    async def session_closed(self, session: SessionRecord) -> None:
        pending = await self._store.session_jobs(session.id, _TIMER_KINDS)
        await self._store.cancel_jobs(job.id for job in pending)

    async def digest_due(self, session: SessionRecord, at: datetime) -> None:
        """The staff digest job: one per session (a stable id, so a close run again after a
        crash adds nothing)."""
        job = JobRecord(
            id=f"staff-digest:{session.id}",
            kind=JobKind.STAFF_DIGEST,
            due_at=at,
            session_id=session.id,
        )
        await self._store.add_jobs([job])
        self.waker.wake(at)

    async def toggle_pause(self, session: SessionRecord) -> str:
        if not session.question_seconds:
            raise InvalidRequest("This session has no question timer to pause.")
        if session.paused_seconds_left is not None:
            seconds = session.paused_seconds_left
            await self._store.set_timer_pause(session.id, None)
            jobs = question_jobs(session.id, session.current_question, self._clock(), seconds)
            # New ids: the paused ones were cancelled and ids are never reused.
            jobs = [_with_suffix(job, f"r{secrets.token_hex(2)}") for job in jobs]
            await self._store.add_jobs(jobs)
            for job in jobs:
                self.waker.wake(job.due_at)
            return (
                f"The timer is running again: {describe_duration(timedelta(seconds=seconds))} left."
            )
        pending = await self._store.session_jobs(session.id, [JobKind.ADVANCE])
        current = [j for j in pending if j.question_number == session.current_question]
        if not current:
            raise InvalidRequest("This question's time has already run out.")
        left = max(1, int((current[0].due_at - self._clock()).total_seconds()))
        timers = await self._store.session_jobs(session.id, _TIMER_KINDS)
        await self._store.cancel_jobs(job.id for job in timers)
        await self._store.set_timer_pause(session.id, left)
        return "The timer is paused. Use /pause-question again to carry on."

    async def extend(self, session: SessionRecord, minutes_text: str) -> str:
        minutes = parse_minutes(minutes_text, "extra time") or 0
        if not 1 <= minutes <= MAX_EXTEND_MINUTES:
            raise InvalidRequest(f"You can add 1 to {MAX_EXTEND_MINUTES} minutes at a time.")
        if not session.question_seconds:
            raise InvalidRequest("This session has no question timer to extend.")
        extra = timedelta(minutes=minutes)
        if session.paused_seconds_left is not None:
            left = session.paused_seconds_left + int(extra.total_seconds())
            await self._store.set_timer_pause(session.id, left)
            return f"Added {describe_duration(extra)}. The timer is still paused."
        timers = await self._store.session_jobs(session.id, _TIMER_KINDS)
        current = [j for j in timers if j.question_number == session.current_question]
        if not current:
            raise InvalidRequest("This question's time has already run out.")
        await self._store.reschedule_jobs([(job.id, job.due_at + extra) for job in current])
        for job in current:
            self.waker.wake(job.due_at + extra)
        return f"Added {describe_duration(extra)} to this question."


def describe_schedule(schedule: ScheduleRecord, question_set: QuestionSet) -> str:
    first = occurrence(schedule, 0).starts_at.astimezone(ZoneInfo(schedule.time_zone))
    repeat = {"none": "once", "weekly": "every week", "fortnightly": "every two weeks"}[
        schedule.repeat.value
    ]
    timer = (
        f", {schedule.question_minutes} minutes per question" if schedule.question_minutes else ""
    )
    label = f", labelled {schedule.label}" if schedule.label else ""
    return (
        f'Scheduled "{question_set.title}" ({schedule.id}): {first:%A %d %B %Y at %H:%M} '
        f"{schedule.time_zone}, {repeat}, {schedule.length_minutes} minutes{timer}{label}."
    )


def _with_suffix(job: JobRecord, suffix: str) -> JobRecord:
    return replace(job, id=f"{job.id}:{suffix}")
