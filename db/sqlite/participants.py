"""Participants (``ParticipantStore``): consent creates a participant with a free alias and
their encrypted identity; withdrawal deletes them with everything they wrote."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

import aiosqlite

from bot.alias import ALIASES_PER_ROUND
from bot.core.records import Participant
from db.sqlite.connection import SqliteConnection

_ALIAS_BATCH = 64  # candidates checked against the (session, alias) index per query


class SqliteParticipants(SqliteConnection):
    async def consent_participant(
        self,
        session_id: str,
        person_key: str,
        alias_candidates: Iterable[str],
        identity: bytes,
    ) -> Participant:
        """Record that a person agreed to the privacy note in a session: the participant is
        created (with the first free alias) only now, with their encrypted identity."""
        async with self._write() as db:
            async with db.execute(
                "SELECT id, alias FROM participants WHERE session_id = ? AND person_key = ?",
                (session_id, person_key),
            ) as cursor:
                row = await cursor.fetchone()
            if row:
                participant_id, alias = int(row[0]), str(row[1])
                await db.execute(
                    "UPDATE participants SET consented = 1 WHERE id = ?", (participant_id,)
                )
            else:
                alias = await _free_alias(db, session_id, alias_candidates)
                cursor = await db.execute(
                    "INSERT INTO participants (session_id, person_key, alias, consented)"
                    " VALUES (?, ?, ?, 1)",
                    (session_id, person_key, alias),
                )
                assert cursor.lastrowid is not None
                participant_id = cursor.lastrowid
            await db.execute(
                "INSERT INTO identities (participant_id, ciphertext) VALUES (?, ?)"
                " ON CONFLICT (participant_id) DO UPDATE SET ciphertext = excluded.ciphertext",
                (participant_id, identity),
            )
            return Participant(
                id=participant_id, session_id=session_id, alias=alias, consented=True
            )

    async def find_participant(self, session_id: str, person_key: str) -> Participant | None:
        rows = await self._rows(
            "SELECT id, alias, consented FROM participants WHERE session_id = ? AND person_key = ?",
            (session_id, person_key),
        )
        if not rows:
            return None
        return Participant(
            id=rows[0]["id"],
            session_id=session_id,
            alias=rows[0]["alias"],
            consented=bool(rows[0]["consented"]),
        )

    async def posts_of_participant(self, participant_id: int) -> list[str]:
        rows = await self._rows(
            "SELECT ap.message_ref FROM answer_posts ap JOIN answers a ON a.id = ap.answer_id"
            " WHERE a.participant_id = ? ORDER BY a.seq, ap.rowid",
            (participant_id,),
        )
        return [str(r["message_ref"]) for r in rows]

    async def withdraw_participant(self, participant_id: int) -> int:
        """Delete a participant with their answers and reactions, from the disk too (see
        ``_forget``); return answers deleted."""
        async with self._write() as db:
            async with db.execute(
                "SELECT COUNT(*) FROM answers WHERE participant_id = ?", (participant_id,)
            ) as cursor:
                row = await cursor.fetchone()
            await db.execute("DELETE FROM participants WHERE id = ?", (participant_id,))
        await self._forget()
        return int(row[0]) if row else 0


async def _free_alias(db: aiosqlite.Connection, session_id: str, candidates: Iterable[str]) -> str:
    """A free alias among ``candidates``, looked up in the unique (session, alias) index a
    batch at a time, rather than reading every alias taken. The candidates come in rounds
    (every alias once, then numbered), so rounds that the number of participants shows
    must be full are skipped (an alias freed by a withdrawal there is simply not reused)."""
    async with db.execute(
        "SELECT COUNT(*) FROM participants WHERE session_id = ?", (session_id,)
    ) as cursor:
        row = await cursor.fetchone()
    full_rounds = (int(row[0]) if row else 0) // ALIASES_PER_ROUND
    remaining = islice(candidates, full_rounds * ALIASES_PER_ROUND, None)
    while batch := list(islice(remaining, _ALIAS_BATCH)):
        marks = ", ".join("?" * len(batch))
        async with db.execute(
            f"SELECT alias FROM participants WHERE session_id = ? AND alias IN ({marks})",
            (session_id, *batch),
        ) as cursor:
            taken = {r[0] for r in await cursor.fetchall()}
        for alias in batch:
            if alias not in taken:
                return alias
    raise LookupError("no free alias among the candidates")
