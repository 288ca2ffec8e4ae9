"""The end-of-session check (``EndCheckStore``): one face per participant per question, so a
second tap replaces the first; deleted with the participant (withdrawal, the purge); only
counts leave."""

from __future__ import annotations

from db.sqlite.connection import SqliteConnection


class SqliteEndCheck(SqliteConnection):
    async def record_end_check(
        self, session_id: str, participant_id: int, question: int, choice: int
    ) -> bool:
        async with self._write() as db:
            cursor = await db.execute(
                "INSERT INTO end_check_votes (participant_id, session_id, question, choice)"
                " VALUES (?, ?, ?, ?)"
                " ON CONFLICT (participant_id, question) DO UPDATE SET choice = excluded.choice"
                " WHERE end_check_votes.choice <> excluded.choice",
                (participant_id, session_id, question, choice),
            )
            return cursor.rowcount > 0

    async def end_check_counts(self, session_id: str) -> dict[tuple[int, int], int]:
        rows = await self._rows(
            "SELECT question, choice, COUNT(*) AS n FROM end_check_votes WHERE session_id = ?"
            " GROUP BY question, choice",
            (session_id,),
        )
        return {(int(r["question"]), int(r["choice"])): int(r["n"]) for r in rows}
