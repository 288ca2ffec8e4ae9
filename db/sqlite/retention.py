"""Retention (``RetentionStore``): closed sessions past their time lose answers, participants
and alerts but keep an anonymised digest snapshot; /worried alerts are purged by age."""

from __future__ import annotations

from datetime import datetime

from db.sqlite.connection import SqliteConnection


class SqliteRetention(SqliteConnection):
    async def sessions_to_purge(self, closed_before: datetime) -> list[str]:
        rows = await self._rows(
            "SELECT id FROM sessions WHERE status = 'closed' AND purged = 0 AND closed_at < ?",
            (closed_before.isoformat(),),
        )
        return [r["id"] for r in rows]

    async def purge_session(self, session_id: str, snapshot: str) -> int:
        """Keep the anonymised digest; delete answers, hashes, identities and alerts, from the
        disk too (see ``_forget``). Returns the number of answers deleted."""
        async with self._write() as db:
            await db.execute(
                "INSERT INTO digest_snapshots (session_id, content) VALUES (?, ?)"
                " ON CONFLICT (session_id) DO UPDATE SET content = excluded.content",
                (session_id, snapshot),
            )
            async with db.execute(
                "SELECT COUNT(*) FROM answers WHERE session_id = ?", (session_id,)
            ) as cursor:
                row = await cursor.fetchone()
            await db.execute("DELETE FROM alerts WHERE session_id = ?", (session_id,))
            await db.execute("DELETE FROM answers WHERE session_id = ?", (session_id,))
            await db.execute("DELETE FROM participants WHERE session_id = ?", (session_id,))
            await db.execute("UPDATE sessions SET purged = 1 WHERE id = ?", (session_id,))
        await self._forget()
        return int(row[0]) if row else 0

    async def digest_snapshot(self, session_id: str) -> str | None:
        rows = await self._rows(
            "SELECT content FROM digest_snapshots WHERE session_id = ?", (session_id,)
        )
        return str(rows[0]["content"]) if rows else None

    async def purge_old_alerts(self, created_before: datetime) -> int:
        """/worried alerts belong to no session: purge them by age."""
        async with self._write() as db:
            cursor = await db.execute(
                "DELETE FROM alerts WHERE session_id IS NULL AND created_at < ?",
                (created_before.isoformat(),),
            )
            return cursor.rowcount
