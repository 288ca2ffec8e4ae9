"""Sessions (``SessionStore``): start one per channel, find, move on, close, and hand the
digest to exactly one deliverer. Every change is one conditional ``UPDATE``: PostgreSQL
re-checks its condition after waiting for a concurrent writer, so two processes moving or
closing the same session at once get one ``True`` between them."""

from __future__ import annotations

from datetime import datetime

from psycopg import errors

from bot.core.errors import ChannelBusy
from bot.core.records import SessionRecord, SessionSummary
from db.postgres.connection import PostgresConnection
from db.postgres.rows import session_record


class PostgresSessions(PostgresConnection):
    async def create_session(self, session: SessionRecord) -> None:
        try:
            async with self._write() as conn:
                await conn.execute(
                    "INSERT INTO sessions (id, platform, channel_id, question_set_id, status,"
                    " current_question, started_at, ends_at, question_seconds, schedule_id,"
                    " occurrence, label)"
                    " VALUES (%s, %s, %s, %s, 'open', %s, %s, %s, %s, %s, %s, %s)",
                    (
                        session.id,
                        session.platform,
                        session.channel_id,
                        session.question_set_id,
                        session.current_question,
                        session.started_at,
                        session.ends_at,
                        session.question_seconds,
                        session.schedule_id,
                        session.occurrence,
                        session.label,
                    ),
                )
        except errors.UniqueViolation:
            raise ChannelBusy(
                "A session is already running in this channel. End it with /end-session "
                "before starting a new one."
            ) from None

    async def open_session_in_channel(self, platform: str, channel_id: str) -> SessionRecord | None:
        rows = await self._rows(
            "SELECT * FROM sessions WHERE platform = %s AND channel_id = %s AND status = 'open'",
            (platform, channel_id),
        )
        return session_record(rows[0]) if rows else None

    async def session(self, session_id: str) -> SessionRecord | None:
        rows = await self._rows("SELECT * FROM sessions WHERE id = %s", (session_id,))
        return session_record(rows[0]) if rows else None

    async def session_summaries(self) -> list[SessionSummary]:
        rows = await self._rows(
            "SELECT s.*,"
            " (SELECT COUNT(DISTINCT a.participant_id) FROM answers a WHERE a.session_id = s.id)"
            "   AS participant_count,"
            " (SELECT COUNT(*) FROM answers a WHERE a.session_id = s.id) AS answer_count"
            " FROM sessions s ORDER BY s.started_at DESC"
        )
        return [
            SessionSummary(
                session=session_record(r),
                participant_count=r["participant_count"],
                answer_count=r["answer_count"],
            )
            for r in rows
        ]

    async def all_session_ids(self) -> list[str]:
        return [r["id"] for r in await self._rows("SELECT id FROM sessions")]

    async def move_to_question(self, session_id: str, number: int, *, from_number: int) -> bool:
        """Move an open session from question ``from_number`` to ``number``; ``False`` if it
        was not at ``from_number`` any more (someone else moved it first)."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE sessions SET current_question = %s, paused_seconds_left = NULL"
                " WHERE id = %s AND status = 'open' AND current_question = %s",
                (number, session_id, from_number),
            )
            return cursor.rowcount == 1

    async def close_session(self, session_id: str, at: datetime) -> bool:
        """Close an open session; ``False`` if it was not open (already closed)."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE sessions SET status = 'closed', closed_at = %s"
                " WHERE id = %s AND status = 'open'",
                (at, session_id),
            )
            return cursor.rowcount == 1

    async def session_for_occurrence(
        self, schedule_id: str, occurrence: int
    ) -> SessionRecord | None:
        rows = await self._rows(
            "SELECT * FROM sessions WHERE schedule_id = %s AND occurrence = %s",
            (schedule_id, occurrence),
        )
        return session_record(rows[0]) if rows else None

    async def mark_digest_delivered(self, session_id: str) -> bool:
        """``True`` for the one caller that gets to deliver this session's digest."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE sessions SET digest_delivered = true"
                " WHERE id = %s AND NOT digest_delivered",
                (session_id,),
            )
            return cursor.rowcount == 1
