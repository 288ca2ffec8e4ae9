"""Shuffled batches: answers wait and reach the group together, so that in a small group an
answer that appears the moment someone stops typing does not give them away.

The rule (also in the privacy notice young people read):

- an answer waits at least the batch interval (``CONSULTBOT_REVEAL_SECONDS``) after it was
  given, so nobody can be picked out by when their answer appeared;
- a batch is shown only once at least ``MIN_BATCH`` answers are ready, so one or two answers
  never appear on their own; fewer wait for more, or for their question to close;
- when a question (or the session) closes, everything still waiting for it is shown, however
  few, in a shuffled order.

When an answer may be shown is kept in memory only (the store keeps no answer times). After a
restart an answer still waiting is treated as given at the restart, so it can only wait
longer, never be shown early.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.core.outbound import Outbound
from bot.core.ports import JobWaker
from bot.core.records import AnswerRecord, AnswerStatus, JobKind, JobRecord, SessionRecord
from bot.core.store import AnswerStore, JobStore
from bot.sessions.directory import SessionDirectory
from bot.sessions.posts import answer_post

log = logging.getLogger(__name__)

MIN_BATCH = 3  # fewer answers shown together would be too easy to tell apart


class RevealStore(AnswerStore, JobStore, Protocol):
    pass


class Reveal:
    def __init__(
        self,
        *,
        store: RevealStore,
        directory: SessionDirectory,
        waker: JobWaker,
        rng: random.Random,
    ) -> None:
        self._store = store
        self._directory = directory
        self._waker = waker
        self._rng = rng
        self._ready_at: dict[str, tuple[str, datetime]] = {}  # answer -> (session, ready)
        self._scheduled: dict[str, datetime] = {}  # batch jobs written: job id -> due

    async def reveal(
        self, session: SessionRecord, question_number: int | None = None
    ) -> list[Outbound]:
        """A question (or the session) closes: show everything still waiting for it,
        however few, shuffled."""
        pending = await self._store.answers_with_status(
            session.id, AnswerStatus.PENDING, question_number
        )
        return await self._show(session, pending)

    async def reveal_due(self, session: SessionRecord) -> list[Outbound]:
        """The batch job: show the answers that have waited their interval, if there are at
        least ``MIN_BATCH`` of them; otherwise they go on waiting."""
        pending = await self._store.answers_with_status(session.id, AnswerStatus.PENDING)
        now = self._directory.clock()
        await self._remember(session, pending, now)
        ready = [a for a in pending if self._ready_at[a.id][1] <= now]
        if len(ready) < MIN_BATCH:
            return []
        return await self._show(session, ready)

    async def plan(self, session: SessionRecord, answer_id: str) -> None:
        """An answer was just stored to wait: it may be shown one interval from now. The
        batch job for that second is written (and the waker told) once, by the first answer
        that needs it, not by every answer."""
        now = self._directory.clock()
        due = self._due(now)
        self._ready_at.setdefault(answer_id, (session.id, due))
        await self._schedule(session, due, now)

    async def _remember(
        self, session: SessionRecord, pending: Sequence[AnswerRecord], now: datetime
    ) -> None:
        """Give each waiting answer not seen before its time (one interval from ``now``) and a
        batch job then; forget answers of this session that no longer wait (kept out,
        withdrawn, shown)."""
        waiting = {a.id for a in pending}
        for answer_id, (session_id, _) in list(self._ready_at.items()):
            if session_id == session.id and answer_id not in waiting:
                del self._ready_at[answer_id]
        new = [a for a in pending if a.id not in self._ready_at]
        if not new:
            return
        due = self._due(now)
        for answer in new:
            self._ready_at[answer.id] = (session.id, due)
        await self._schedule(session, due, now)

    def _due(self, now: datetime) -> datetime:
        # Whole seconds: answers in the same second share a time and a job.
        seconds = now.timestamp() + self._directory.rules.reveal_seconds
        return datetime.fromtimestamp(math.ceil(seconds), tz=now.tzinfo)

    async def _schedule(self, session: SessionRecord, due: datetime, now: datetime) -> None:
        """The batch job at ``due``, written and woken once per process (``add_jobs`` keeps
        the job a restart finds; writing it again would change nothing)."""
        job_id = f"{session.id}:reveal:{int(due.timestamp())}"
        if job_id in self._scheduled:
            return
        for old, at in list(self._scheduled.items()):
            if at < now:  # long run: jobs already due need no memory
                del self._scheduled[old]
        job = JobRecord(id=job_id, kind=JobKind.REVEAL, due_at=due, session_id=session.id)
        await self._store.add_jobs([job])
        self._scheduled[job_id] = due
        self._waker.wake(due)

    async def _show(
        self, session: SessionRecord, answers: Sequence[AnswerRecord]
    ) -> list[Outbound]:
        batch = list(answers)
        self._rng.shuffle(batch)
        question_set = self._directory.question_set(session)
        posts: list[Outbound] = []
        for answer in batch:
            self._ready_at.pop(answer.id, None)
            moved = await self._store.set_answer_status(
                answer.id, AnswerStatus.SHOWN, only_from=(AnswerStatus.PENDING,)
            )
            if moved:
                question = question_set.question(answer.question_number)
                posts.append(answer_post(session, question, answer, {}))
        if posts:
            log.info("session %s: %d answers shown to the group", session.id, len(posts))
        return posts
