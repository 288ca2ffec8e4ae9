"""Runs due jobs, exactly once each, under a stated misfire policy.

Misfire policy (a job that fell due while the bot was down, or is run late):
- a reminder or a "one minute left" nudge more than ``LATE_GRACE`` late is dropped: a late
  reminder is noise;
- a start runs late only while its session would still be going (before its end time);
  otherwise it is dropped;
- a close, a question move-on, a batch of answers to show, the digest for staff after the
  end-of-session check, an escalation to the deputy safeguarding lead and the retention
  purge always run, however late: a session must not stay open, its digest must reach
  staff, an alert must reach someone, old answers must go;
- a "you said, we did" follow-up reminder or feedback card always runs, however late (a
  reminder is a no-op once a newer update came). If the platform refuses all it had to
  post (an outage), the job goes back to pending after a growing wait (``DELIVERY_BACKOFF``:
  30 s up to an hour, about two hours in all); after the last try the staff destination is
  told it could not be posted, and the job is dropped. A process serving one platform
  (``serve_only``) leaves a card for another platform's channel pending, for the process
  serving that platform: it is never posted through the wrong platform, nor dropped.

Exactly once: a job is claimed (``pending`` → ``running``, committed) before it runs, and
only the one claimer runs it. If the process dies while a job is ``running``, at the next
start a close, start, move-on, batch, staff digest, escalation or purge is run again: each
is guarded by the store (a session already closed, started or moved on is left alone, an
answer is shown once, an alert escalated once, a digest marked sent once the platform took
it), so a second run changes nothing that the first finished; a digest whose upload the
crash cut short is sent again. A start or move-on that had moved the session but may have
died before posting posts its question again on the rerun (at least once: a question may,
rarely, appear twice rather than not at all). A feedback card or follow-up reminder is also
run again (at least once: the card reads the stored update, so a rerun posts the same words,
and a reminder whose update is no longer the latest still does nothing; a crash between
posting and finishing may, rarely, post one twice). A reminder or nudge is dropped: at most
once, never posted twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.errors import DeliveryFailed
from bot.core.events import SYSTEM_USER_ID, system_person
from bot.core.outbound import Outbound, PrivateNotice, StaffNote
from bot.core.ports import Outbox, ScheduledWork
from bot.core.records import RERUN, JobKind, JobRecord, JobState, ScheduleRecord
from bot.core.store import JobStore, SessionStore
from bot.scheduling.plan import occurrence, occurrence_jobs
from bot.scheduling.timers import Timers

log = logging.getLogger(__name__)

LATE_GRACE = timedelta(minutes=2)
RERUN_AFTER_CRASH = frozenset(
    {
        JobKind.START,
        JobKind.CLOSE,
        JobKind.ADVANCE,
        JobKind.REVEAL,
        JobKind.ESCALATE,
        JobKind.PURGE,
        JobKind.FOLLOW_UP,
        JobKind.FEEDBACK_CARD,
        JobKind.STAFF_DIGEST,
    }
)
PURGE_EVERY = timedelta(days=1)
DELIVERY_BACKOFF = tuple(timedelta(seconds=s) for s in (30, 60, 120, 300, 600, 1800, 3600))


@dataclass(frozen=True, slots=True)
class JobOutcome:
    job_id: str
    kind: JobKind
    state: JobState


class _SystemOutbox:
    """Passes messages on, but drops private notes addressed to the scheduler itself."""

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    async def send(self, message: Outbound) -> str | None:
        if isinstance(message, PrivateNotice) and message.recipient.user_id == SYSTEM_USER_ID:
            log.info("a scheduler note had nobody to go to and was not delivered")
            return None
        return await self._outbox.send(message)


class RunnerStore(JobStore, SessionStore, Protocol):
    pass


class JobRunner:
    def __init__(
        self,
        *,
        work: ScheduledWork,
        store: RunnerStore,
        timers: Timers,
        clock: Callable[[], datetime],
    ) -> None:
        self._work = work
        self._store = store
        self._timers = timers
        self._clock = clock
        self._platform: str | None = None  # None: every platform (one process, or tests)

    def serve_only(self, platform: str) -> None:
        """This process posts to ``platform`` only (see the module docstring)."""
        self._platform = platform

    async def recover(self) -> None:
        """At start: settle jobs a previous process left running (see the module docstring)."""
        requeued, dropped = await self._store.recover_interrupted_jobs(RERUN_AFTER_CRASH)
        if requeued or dropped:
            log.warning("after restart: %d jobs to run again, %d dropped", requeued, dropped)
        pending = await self._store.pending_jobs()
        if not any(job.kind is JobKind.PURGE for job in pending):
            await self._plan_purge(self._clock())  # also catches up on a purge missed while down
        # A first round at once: alerts a previous process could not deliver go out now.
        self._timers.waker.wake(self._clock())

    async def run_due(self, outbox: Outbox) -> list[JobOutcome]:
        """Run every job due by now, oldest first, then try again every safeguarding alert
        still waiting for the platform. Jobs that come due while running (a move-on that
        posts a timed question) wait for the next call."""
        outcomes = await self._run_due_jobs(outbox)
        try:
            await self._work.deliver_alerts(_SystemOutbox(outbox))
        except Exception:
            log.exception("the alert outbox failed; it tries again on the next round")
        return outcomes

    async def _run_due_jobs(self, outbox: Outbox) -> list[JobOutcome]:
        outcomes = []
        for job in await self._store.due_jobs(self._clock()):
            if not await self._serves(job):
                continue  # a card for another platform: the process serving it posts it
            if not await self._store.claim_job(job.id):
                continue  # someone else got it
            try:
                state = await self._run(job, _SystemOutbox(outbox))
            except Exception:
                log.exception("job %s (%s) failed", job.id, job.kind)
                state = JobState.DROPPED
            if state is not JobState.PENDING:  # PENDING: it went back, to be tried again
                await self._store.finish_job(job.id, state)
            outcomes.append(JobOutcome(job.id, job.kind, state))
            log.info("job %s (%s): %s", job.id, job.kind, state)
        return outcomes

    async def _run(self, job: JobRecord, outbox: Outbox) -> JobState:
        lateness = self._clock() - job.due_at
        match job.kind:
            case JobKind.REMIND | JobKind.NUDGE if lateness > LATE_GRACE:
                return JobState.DROPPED
            case JobKind.REMIND:
                schedule = await self._schedule_of(job)
                if schedule is None:
                    return JobState.DROPPED
                before = timedelta(seconds=int(job.id.rsplit(":", 1)[1]))
                messages: list[Outbound] = [self._work.reminder(schedule, _occ(job), before)]
            case JobKind.START:
                schedule = await self._schedule_of(job)
                if schedule is None:
                    return JobState.DROPPED
                # The series goes on even if this occurrence is missed (idempotent: stable ids).
                await self._plan_next(schedule, _occ(job))
                if self._clock() >= occurrence(schedule, _occ(job)).ends_at:
                    return JobState.DROPPED
                messages = await self._work.start_scheduled(
                    schedule, _occ(job), repost=job.subject == RERUN
                )
            case JobKind.CLOSE:
                assert job.schedule_id is not None
                messages = await self._work.close_scheduled(job.schedule_id, _occ(job))
            case JobKind.NUDGE:
                assert job.session_id and job.question_number
                messages = await self._work.one_minute_left(job.session_id, job.question_number)
            case JobKind.ADVANCE:
                assert job.session_id and job.question_number
                messages = await self._work.advance_timed_question(
                    job.session_id, job.question_number, repost=job.subject == RERUN
                )
            case JobKind.REVEAL:
                assert job.session_id
                messages = await self._work.reveal_waiting(job.session_id)
            case JobKind.ESCALATE:
                assert job.subject
                messages = await self._work.escalate(job.subject)
            case JobKind.FOLLOW_UP:
                # However late: a missed follow-up is still worth a reminder. A no-op when a
                # newer update came first (bot.feedback.service).
                assert job.subject
                number = int(job.id.split(":")[2])
                reminders = await self._work.follow_up_due(job.subject, number)
                return await self._post_or_retry(job, reminders, outbox, "follow-up reminder")
            case JobKind.FEEDBACK_CARD:
                assert job.subject and job.session_id
                number = int(job.id.split(":")[2])
                cards = await self._work.feedback_card(job.subject, number, job.session_id)
                return await self._post_or_retry(job, cards, outbox, "feedback card")
            case JobKind.STAFF_DIGEST:
                # However late; a no-op once the platform took it (marked on the session).
                assert job.session_id
                messages = await self._work.staff_digest(job.session_id)
            case JobKind.PURGE:
                await self._work.purge()
                await self._plan_purge(max(job.due_at, self._clock()) + PURGE_EVERY)
                return JobState.DONE
        platform = await self._platform_of(job)
        await self._work.send_all(messages, outbox, actor=system_person(platform), channel_id="")
        return JobState.DONE

    async def _post_or_retry(
        self, job: JobRecord, messages: list[Outbound], outbox: Outbox, what: str
    ) -> JobState:
        """Post a "you said, we did" job's messages. If the platform took none of them, the
        job goes back to pending after ``DELIVERY_BACKOFF`` (``PENDING`` is returned); after
        the last try the staff destination hears it could not be posted."""
        delivered, hint = not messages, ""
        for message in messages:
            try:
                await outbox.send(message)
                delivered = True
            except DeliveryFailed as exc:
                hint = exc.hint
                log.warning("job %s: the platform refused a %s: %s", job.id, what, exc.hint)
        if delivered:
            return JobState.DONE
        if job.attempts < len(DELIVERY_BACKOFF):
            due = self._clock() + DELIVERY_BACKOFF[job.attempts]
            await self._store.retry_job(job.id, due)
            self._timers.waker.wake(due)
            return JobState.PENDING
        note = StaffNote(
            text=f'A "you said, we did" {what} for action {job.subject} could not be posted '
            f"after {job.attempts + 1} tries ({hint}). `consultbot actions list` shows it; "
            "please pass it on another way."
        )
        try:
            await outbox.send(note)
        except DeliveryFailed:
            log.error("job %s: gave up on a %s and could not tell staff", job.id, what)
        return JobState.DROPPED

    async def _plan_next(self, schedule: ScheduleRecord, number: int) -> None:
        if schedule.repeat.value == "none":
            return
        jobs = [
            job
            for job in occurrence_jobs(schedule, number + 1, self._timers.reminders)
            if job.due_at > self._clock()
        ]
        await self._store.add_jobs(jobs)
        for job in jobs:
            self._timers.waker.wake(job.due_at)

    async def _plan_purge(self, due: datetime) -> None:
        job = JobRecord(id=f"purge:{due:%Y-%m-%dT%H:%M}", kind=JobKind.PURGE, due_at=due)
        await self._store.add_jobs([job])
        self._timers.waker.wake(due)

    async def _schedule_of(self, job: JobRecord) -> ScheduleRecord | None:
        if job.schedule_id is None:
            return None
        schedule = await self._store.schedule(job.schedule_id)
        return None if schedule is None or schedule.cancelled else schedule

    async def _serves(self, job: JobRecord) -> bool:
        if self._platform is None or job.kind is not JobKind.FEEDBACK_CARD:
            return True
        return await self._platform_of(job) in {self._platform, "unknown"}

    async def _platform_of(self, job: JobRecord) -> str:
        if job.session_id:
            session = await self._store.session(job.session_id)
            if session:
                return session.platform
        if job.schedule_id:
            schedule = await self._store.schedule(job.schedule_id)
            if schedule:
                return schedule.platform
        return "unknown"


def _occ(job: JobRecord) -> int:
    assert job.occurrence is not None
    return job.occurrence
