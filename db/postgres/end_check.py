"""The end-of-session check (``EndCheckStore``): one face per participant per question, so a
second tap replaces the first; deleted with the participant (withdrawal, the purge); only
counts leave."""

from __future__ import annotations

from db.postgres.connection import PostgresConnection


class PostgresEndCheck(PostgresConnection):
    async def record_end_check(
        self, session_id: str, participant_id: int, question: int, choice: int
    ) -> bool:
        async with self._write() as conn:
            cursor = await conn.execute(
                "INSERT INTO end_check_votes (participant_id, session_id, question, choice)"
                " VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (participant_id, question) DO UPDATE SET choice = excluded.choice"
                " WHERE end_check_votes.choice <> excluded.choice",
                (participant_id, session_id, question, choice),
            )
            return cursor.rowcount > 0

    async def end_check_counts(self, session_id: str) -> dict[tuple[int, int], int]:
        rows = await self._rows(
            "SELECT question, choice, COUNT(*) AS n FROM end_check_votes WHERE session_id = %s"
            " GROUP BY question, choice",
            (session_id,),
        )
        return {(int(r["question"]), int(r["choice"])): int(r["n"]) for r in rows}
