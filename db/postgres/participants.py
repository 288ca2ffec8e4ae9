"""Participants (``ParticipantStore``): consent creates a participant with a free alias and
their encrypted identity; withdrawal deletes them with everything they wrote.

Picking a free alias reads the session's aliases and then writes one. Two processes (or two
pool connections) doing that at once would both pick the same alias and one would fail on
the unique constraint: so consent first locks the session's row, and consents in one
session take turns while every other session carries on."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.records import Participant
from db.postgres.connection import PostgresConnection


class PostgresParticipants(PostgresConnection):
    async def consent_participant(
        self,
        session_id: str,
        person_key: str,
        alias_candidates: Iterable[str],
        identity: bytes,
    ) -> Participant:
        """Record that a person agreed to the privacy note in a session: the participant is
        created (with the first free alias) only now, with their encrypted identity."""
        async with self._write() as conn:
            # NO KEY UPDATE: waits for other consents here, not for answers being recorded.
            await conn.execute(
                "SELECT 1 FROM sessions WHERE id = %s FOR NO KEY UPDATE", (session_id,)
            )
            cursor = await conn.execute(
                "SELECT id, alias FROM participants WHERE session_id = %s AND person_key = %s",
                (session_id, person_key),
            )
            row = await cursor.fetchone()
            if row:
                participant_id, alias = int(row["id"]), str(row["alias"])
                await conn.execute(
                    "UPDATE participants SET consented = true WHERE id = %s", (participant_id,)
                )
            else:
                cursor = await conn.execute(
                    "SELECT alias FROM participants WHERE session_id = %s", (session_id,)
                )
                taken = {r["alias"] for r in await cursor.fetchall()}
                alias = next(a for a in alias_candidates if a not in taken)
                cursor = await conn.execute(
                    "INSERT INTO participants (session_id, person_key, alias, consented)"
                    " VALUES (%s, %s, %s, true) RETURNING id",
                    (session_id, person_key, alias),
                )
                inserted = await cursor.fetchone()
                assert inserted is not None
                participant_id = int(inserted["id"])
            await conn.execute(
                "INSERT INTO identities (participant_id, ciphertext) VALUES (%s, %s)"
                " ON CONFLICT (participant_id) DO UPDATE SET ciphertext = excluded.ciphertext",
                (participant_id, identity),
            )
            return Participant(
                id=participant_id, session_id=session_id, alias=alias, consented=True
            )

    async def find_participant(self, session_id: str, person_key: str) -> Participant | None:
        rows = await self._rows(
            "SELECT id, alias, consented FROM participants"
            " WHERE session_id = %s AND person_key = %s",
            (session_id, person_key),
        )
        if not rows:
            return None
        return Participant(
            id=rows[0]["id"],
            session_id=session_id,
            alias=rows[0]["alias"],
            consented=rows[0]["consented"],
        )

    async def posts_of_participant(self, participant_id: int) -> list[str]:
        rows = await self._rows(
            "SELECT ap.message_ref FROM answer_posts ap JOIN answers a ON a.id = ap.answer_id"
            " WHERE a.participant_id = %s ORDER BY a.seq, ap.message_ref",
            (participant_id,),
        )
        return [str(r["message_ref"]) for r in rows]

    async def withdraw_participant(self, participant_id: int) -> int:
        """Delete a participant with their answers and reactions; return answers deleted.
        Their row is locked first, so an answer being recorded at the same moment is either
        counted and deleted here or refused after."""
        async with self._write() as conn:
            # The session first, then the person: the order a purge locks them in.
            await conn.execute(
                "SELECT 1 FROM sessions s JOIN participants p ON p.session_id = s.id"
                " WHERE p.id = %s FOR NO KEY UPDATE OF s",
                (participant_id,),
            )
            await conn.execute(
                "SELECT 1 FROM participants WHERE id = %s FOR UPDATE", (participant_id,)
            )
            cursor = await conn.execute(
                "SELECT COUNT(*) AS n FROM answers WHERE participant_id = %s", (participant_id,)
            )
            row = await cursor.fetchone()
            await conn.execute("DELETE FROM participants WHERE id = %s", (participant_id,))
            return int(row["n"]) if row else 0
