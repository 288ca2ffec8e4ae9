"""What several processes for one platform share (``ReplicaStore``): reaction revisions, the
counts offered for display, and deliveries already handled. One SQLite file has one writing
process in practice, but the store contract is the same on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta

from db.sqlite.connection import SqliteConnection

DELIVERIES_KEPT = timedelta(days=1)


class SqliteReplicas(SqliteConnection):
    async def reaction_tally(self, answer_id: str) -> tuple[dict[str, int], int]:
        rows = await self._rows(
            "SELECT a.reactions_revision AS revision, r.emoji AS emoji, COUNT(r.emoji) AS n"
            " FROM answers a LEFT JOIN reactions r ON r.answer_id = a.id"
            " WHERE a.id = ? GROUP BY a.reactions_revision, r.emoji",
            (answer_id,),
        )
        counts = {r["emoji"]: int(r["n"]) for r in rows if r["emoji"] is not None}
        return counts, int(rows[0]["revision"]) if rows else 0

    async def offer_counts(self, answer_id: str, revision: int, payload: str) -> tuple[int, str]:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO count_displays (answer_id, revision, payload)"
                " SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM answers WHERE id = ?)"
                " ON CONFLICT (answer_id) DO UPDATE"
                " SET revision = excluded.revision, payload = excluded.payload"
                " WHERE excluded.revision > count_displays.revision",
                (answer_id, revision, payload, answer_id),
            )
            async with db.execute(
                "SELECT revision, payload FROM count_displays WHERE answer_id = ?", (answer_id,)
            ) as cursor:
                row = await cursor.fetchone()
        return (int(row[0]), str(row[1])) if row else (revision, payload)

    async def first_delivery(self, key: str, at: datetime) -> bool:
        async with self._write() as db:
            await db.execute(
                "DELETE FROM deliveries WHERE seen_at < ?", ((at - DELIVERIES_KEPT).isoformat(),)
            )
            cursor = await db.execute(
                "INSERT OR IGNORE INTO deliveries (key, seen_at) VALUES (?, ?)",
                (key, at.isoformat()),
            )
            return cursor.rowcount == 1

    async def forget_delivery(self, key: str) -> None:
        async with self._write() as db:
            await db.execute("DELETE FROM deliveries WHERE key = ?", (key,))
