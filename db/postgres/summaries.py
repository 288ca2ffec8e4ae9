"""The summary for the young people (``SummaryStore``), as staff saved it: one per session,
kept after the retention purge like the anonymised digest."""

from __future__ import annotations

from datetime import datetime

from bot.core.records import GroupSummary
from db.postgres.connection import PostgresConnection


class PostgresSummaries(PostgresConnection):
    async def save_group_summary(self, session_id: str, text: str, saved_at: datetime) -> None:
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO group_summaries (session_id, content, saved_at) VALUES (%s, %s, %s)"
                " ON CONFLICT (session_id) DO UPDATE SET content = excluded.content,"
                " saved_at = excluded.saved_at",
                (session_id, text, saved_at),
            )

    async def group_summary(self, session_id: str) -> GroupSummary | None:
        rows = await self._rows(
            "SELECT content, saved_at FROM group_summaries WHERE session_id = %s", (session_id,)
        )
        if not rows:
            return None
        return GroupSummary(
            session_id=session_id, text=str(rows[0]["content"]), saved_at=rows[0]["saved_at"]
        )
