"""Keeping little, briefly: a young person's withdrawal of their answers (and of the bot's
posts of them: which to take down is read before the answers go, and the adapters delete
them, ``PostsRemoved``), and the retention purge that deletes raw answers once a session is
older than the retention period (keeping an anonymised digest snapshot, so staff can still
read what the group said)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.core.events import Person
from bot.core.outbound import PostsRemoved
from bot.core.ports import AuditTrail
from bot.core.store import ParticipantStore, RetentionStore, SessionStore
from bot.sessions.directory import SessionDirectory

log = logging.getLogger(__name__)

# The anonymised digest of a session as JSON (``bot.digest``), kept after the purge.
Snapshot = Callable[[str], Awaitable[str]]


class RetentionNeeds(SessionStore, ParticipantStore, RetentionStore, Protocol):
    pass


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """What a withdrawal took out: answers deleted (``None``: nothing was stored), and the
    posts of them to take out of each session's channel."""

    count: int | None
    removals: tuple[PostsRemoved, ...] = ()


class Retention:
    def __init__(
        self,
        *,
        store: RetentionNeeds,
        directory: SessionDirectory,
        snapshot: Snapshot,
        audit: AuditTrail,
    ) -> None:
        self._store = store
        self._directory = directory
        self._snapshot = snapshot
        self._audit = audit

    async def withdraw(self, person: Person, session_id: str | None = None) -> Withdrawal:
        """Delete a person's answers and reactions in one session or all, and say which
        posts of them to take out of the group's chat (read before the answers go)."""
        session_ids = [session_id] if session_id else await self._store.all_session_ids()
        removed: int | None = None
        removals: list[PostsRemoved] = []
        for sid in session_ids:
            key = self._directory.person_key(sid, person)
            participant = await self._store.find_participant(sid, key)
            if participant is None:
                continue
            posts = await self._store.posts_of_participant(participant.id)
            removed = (removed or 0) + await self._store.withdraw_participant(participant.id)
            session = await self._store.session(sid)
            if posts and session is not None:
                removals.append(
                    PostsRemoved(
                        channel_id=session.channel_id,
                        message_refs=tuple(posts),
                        if_refused=self._directory.notices.posts_not_removed,
                    )
                )
        log.info("a participant withdrew %d answers", removed or 0)
        return Withdrawal(removed, tuple(removals))

    async def purge(self) -> int:
        """The retention purge: for sessions closed more than the retention period ago, keep
        the anonymised digest and delete raw answers, hashes and encrypted identities."""
        days = self._directory.rules.retention_days
        cutoff = self._directory.clock() - timedelta(days=days)
        purged = 0
        for session_id in await self._store.sessions_to_purge(cutoff):
            snapshot = await self._snapshot(session_id)
            purged += await self._store.purge_session(session_id, snapshot)
            await self._audit.audit("scheduler", "session-purged", session_id)
        await self._store.purge_old_alerts(cutoff)
        log.info("retention purge: %d answers deleted", purged)
        return purged
