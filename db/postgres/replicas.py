"""What several processes for one platform share (``ReplicaStore``): reaction revisions, the
counts offered for display (the newest revision wins, by a conditional upsert), and
deliveries already handled (a primary key decides which process saw one first)."""

from __future__ import annotations

from datetime import datetime, timedelta

from db.postgres.connection import PostgresConnection
from db.postgres.rows import without_nul

DELIVERIES_KEPT = timedelta(days=1)


class PostgresReplicas(PostgresConnection):
    async def reaction_tally(self, answer_id: str) -> tuple[dict[str, int], int]:
        rows = await self._rows(  # one statement: one snapshot, counts and revision agree
            "SELECT a.reactions_revision AS revision, r.emoji AS emoji, COUNT(r.emoji) AS n"
            " FROM answers a LEFT JOIN reactions r ON r.answer_id = a.id"
            " WHERE a.id = %s GROUP BY a.reactions_revision, r.emoji",
            (answer_id,),
        )
        counts = {r["emoji"]: int(r["n"]) for r in rows if r["emoji"] is not None}
        return counts, int(rows[0]["revision"]) if rows else 0

    async def offer_counts(self, answer_id: str, revision: int, payload: str) -> tuple[int, str]:
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO count_displays (answer_id, revision, payload)"
                " SELECT %s, %s, %s WHERE EXISTS (SELECT 1 FROM answers WHERE id = %s)"
                " ON CONFLICT (answer_id) DO UPDATE"
                " SET revision = excluded.revision, payload = excluded.payload"
                " WHERE excluded.revision > count_displays.revision",
                (answer_id, revision, without_nul(payload), answer_id),
            )
            cursor = await conn.execute(
                "SELECT revision, payload FROM count_displays WHERE answer_id = %s", (answer_id,)
            )
            row = await cursor.fetchone()
        return (int(row["revision"]), str(row["payload"])) if row else (revision, payload)

    async def first_delivery(self, key: str, at: datetime) -> bool:
        async with self._write() as conn:
            await conn.execute("DELETE FROM deliveries WHERE seen_at < %s", (at - DELIVERIES_KEPT,))
            cursor = await conn.execute(
                "INSERT INTO deliveries (key, seen_at) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (without_nul(key), at),
            )
            return cursor.rowcount == 1

    async def forget_delivery(self, key: str) -> None:
        async with self._write() as conn:
            await conn.execute("DELETE FROM deliveries WHERE key = %s", (without_nul(key),))
