"""Codebook versions (``CodebookStore``): which codebook each answer's automatic tags came
from, and replacing them when the codebook changes, keeping every facilitator tag.

An answer stored without a version (``tagged_with`` NULL) was tagged with the codebook in
force at the time, the one ``codebook_state`` names; ``adopt_codebook`` writes that version
onto them before naming a new one. It reads the version in force and writes from it, so it
locks ``codebook_state`` first: two processes starting with a new codebook at once adopt it
once.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.records import AnswerRecord
from db.postgres.connection import PostgresConnection
from db.postgres.rows import ANSWER_SELECT, answer_record

UNKNOWN_VERSION = ""  # answers stored before versions were kept: re-tagged once


class PostgresCodebook(PostgresConnection):
    async def adopt_codebook(self, version: str) -> str | None:
        async with self._write() as conn:
            await conn.execute("LOCK TABLE codebook_state IN EXCLUSIVE MODE")
            cursor = await conn.execute("SELECT version FROM codebook_state WHERE id = 1")
            row = await cursor.fetchone()
            previous = str(row["version"]) if row is not None else None
            if previous == version:
                return previous
            await conn.execute(
                "UPDATE answers SET tagged_with = %s WHERE tagged_with IS NULL",
                (UNKNOWN_VERSION if previous is None else previous,),
            )
            await conn.execute(
                "INSERT INTO codebook_state (id, version) VALUES (1, %s)"
                " ON CONFLICT (id) DO UPDATE SET version = excluded.version",
                (version,),
            )
            return previous

    async def answers_to_retag(
        self, version: str, session_id: str | None = None
    ) -> list[AnswerRecord]:
        rows = await self._rows(
            ANSWER_SELECT + " WHERE a.tagged_with IS NOT NULL AND a.tagged_with <> %s"
            " AND (%s::text IS NULL OR a.session_id = %s) ORDER BY a.seq",
            (version, session_id, session_id),
        )
        return [answer_record(r) for r in rows]

    async def replace_auto_tags(
        self, tags: Sequence[tuple[str, Sequence[tuple[str, str]]]], version: str
    ) -> None:
        async with self._write() as conn:
            for answer_id, themes in tags:
                await conn.execute(
                    "DELETE FROM answer_tags WHERE answer_id = %s AND origin = 'auto'",
                    (answer_id,),
                )
                if themes:
                    # A facilitator's row for the same theme wins: it is left as it is.
                    async with conn.cursor() as cursor:
                        await cursor.executemany(
                            "INSERT INTO answer_tags (answer_id, theme_id, origin, active,"
                            " evidence) VALUES (%s, %s, 'auto', true, %s)"
                            " ON CONFLICT (answer_id, theme_id) DO NOTHING",
                            [(answer_id, theme, evidence) for theme, evidence in themes],
                        )
                await conn.execute(
                    "UPDATE answers SET tagged_with = %s WHERE id = %s", (version, answer_id)
                )
