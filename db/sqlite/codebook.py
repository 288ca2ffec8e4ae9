"""Codebook versions (``CodebookStore``): which codebook each answer's automatic tags came
from, and replacing them when the codebook changes, keeping every facilitator tag.

An answer stored without a version (``tagged_with`` NULL) was tagged with the codebook in
force at the time, the one ``codebook_state`` names; ``adopt_codebook`` writes that version
onto them before naming a new one, so nothing is re-tagged twice or missed.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.records import AnswerRecord
from db.sqlite.connection import SqliteConnection
from db.sqlite.rows import ANSWER_SELECT, answer_record

UNKNOWN_VERSION = ""  # answers stored before versions were kept: re-tagged once


class SqliteCodebook(SqliteConnection):
    async def adopt_codebook(self, version: str) -> str | None:
        async with self._write() as db:
            async with db.execute("SELECT version FROM codebook_state WHERE id = 1") as cursor:
                row = await cursor.fetchone()
            previous = str(row[0]) if row is not None else None
            if previous == version:
                return previous
            await db.execute(
                "UPDATE answers SET tagged_with = ? WHERE tagged_with IS NULL",
                (UNKNOWN_VERSION if previous is None else previous,),
            )
            await db.execute(
                "INSERT INTO codebook_state (id, version) VALUES (1, ?)"
                " ON CONFLICT (id) DO UPDATE SET version = excluded.version",
                (version,),
            )
            return previous

    async def answers_to_retag(
        self, version: str, session_id: str | None = None
    ) -> list[AnswerRecord]:
        sql = ANSWER_SELECT + " WHERE a.tagged_with IS NOT NULL AND a.tagged_with != ?"
        params: list[str] = [version]
        if session_id is not None:
            sql += " AND a.session_id = ?"
            params.append(session_id)
        return [answer_record(r) for r in await self._rows(sql + " ORDER BY a.seq", params)]

    async def replace_auto_tags(
        self, tags: Sequence[tuple[str, Sequence[tuple[str, str]]]], version: str
    ) -> None:
        async with self._write() as db:
            for answer_id, themes in tags:
                await db.execute(
                    "DELETE FROM answer_tags WHERE answer_id = ? AND origin = 'auto'", (answer_id,)
                )
                # A facilitator's row for the same theme wins: it is left as it is.
                await db.executemany(
                    "INSERT OR IGNORE INTO answer_tags (answer_id, theme_id, origin, active,"
                    " evidence) VALUES (?, ?, 'auto', 1, ?)",
                    [(answer_id, theme, evidence) for theme, evidence in themes],
                )
                await db.execute(
                    "UPDATE answers SET tagged_with = ? WHERE id = ?", (version, answer_id)
                )
