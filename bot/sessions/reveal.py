"""Shuffled batches: answers wait and reach the group together, so that in a small group an
answer that appears the moment someone stops typing does not give them away."""

from __future__ import annotations

import logging
import random
from datetime import datetime
from typing import Protocol

from bot.core.outbound import Outbound
from bot.core.ports import JobWaker
from bot.core.records import AnswerStatus, JobKind, JobRecord, SessionRecord
from bot.core.store import AnswerStore, JobStore
from bot.sessions.directory import SessionDirectory
from bot.sessions.posts import answer_post

log = logging.getLogger(__name__)


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

    async def reveal(
        self, session: SessionRecord, question_number: int | None = None
    ) -> list[Outbound]:
        """Show the waiting answers (of one question, or all) to the group, shuffled."""
        pending = await self._store.answers_with_status(
            session.id, AnswerStatus.PENDING, question_number
        )
        self._rng.shuffle(pending)
        question_set = self._directory.question_set(session)
        posts: list[Outbound] = []
        for answer in pending:
            moved = await self._store.set_answer_status(
                answer.id, AnswerStatus.SHOWN, only_from=(AnswerStatus.PENDING,)
            )
            if moved:
                question = question_set.question(answer.question_number)
                posts.append(answer_post(session, question, answer, {}))
        if posts:
            log.info("session %s: %d answers shown to the group", session.id, len(posts))
        return posts

    async def plan(self, session: SessionRecord) -> None:
        """Make sure a batch job is due at the end of the current batch slot."""
        seconds = self._directory.rules.reveal_seconds
        now = self._directory.clock()
        slot = int(now.timestamp()) // seconds + 1
        due = datetime.fromtimestamp(slot * seconds, tz=now.tzinfo)
        job = JobRecord(
            id=f"{session.id}:reveal:{slot}", kind=JobKind.REVEAL, due_at=due, session_id=session.id
        )
        await self._store.add_jobs([job])
        self._waker.wake(due)
