"""Retention (``RetentionStore``): closed sessions past their time lose answers, participants
and alerts but keep an anonymised digest snapshot; /worried alerts are purged by age.

PostgreSQL keeps deleted rows on disk until ``VACUUM`` reuses their space (autovacuum does,
usually within minutes), and in its write-ahead log and backups until those are recycled:
docs/postgresql.md says what that means for forgetting on time."""

from __future__ import annotations

from datetime import datetime

from db.postgres.connection import PostgresConnection


class PostgresRetention(PostgresConnection):
    async def sessions_to_purge(self, closed_before: datetime) -> list[str]:
        rows = await self._rows(
            "SELECT id FROM sessions WHERE status = 'closed' AND NOT purged AND closed_at < %s"
            " ORDER BY closed_at, id",
            (closed_before,),
        )
        return [r["id"] for r in rows]

    async def purge_session(self, session_id: str, snapshot: str) -> int:
        """Keep the anonymised digest; delete answers, hashes, identities and alerts.
        Returns the number of answers deleted. The session row is locked first, so nobody
        joins or answers between the count and the delete."""
        async with self._write() as conn:
            await conn.execute("SELECT 1 FROM sessions WHERE id = %s FOR UPDATE", (session_id,))
            await conn.execute(
                "INSERT INTO digest_snapshots (session_id, content) VALUES (%s, %s)"
                " ON CONFLICT (session_id) DO UPDATE SET content = excluded.content",
                (session_id, snapshot),
            )
            cursor = await conn.execute(
                "SELECT COUNT(*) AS n FROM answers WHERE session_id = %s", (session_id,)
            )
            row = await cursor.fetchone()
            await conn.execute("DELETE FROM alerts WHERE session_id = %s", (session_id,))
            await conn.execute("DELETE FROM answers WHERE session_id = %s", (session_id,))
            await conn.execute("DELETE FROM participants WHERE session_id = %s", (session_id,))
            await conn.execute("UPDATE sessions SET purged = true WHERE id = %s", (session_id,))
            return int(row["n"]) if row else 0

    async def digest_snapshot(self, session_id: str) -> str | None:
        rows = await self._rows(
            "SELECT content FROM digest_snapshots WHERE session_id = %s", (session_id,)
        )
        return str(rows[0]["content"]) if rows else None

    async def purge_old_alerts(self, created_before: datetime) -> int:
        """/worried alerts belong to no session: purge them by age."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "DELETE FROM alerts WHERE session_id IS NULL AND created_at < %s",
                (created_before,),
            )
            return cursor.rowcount
