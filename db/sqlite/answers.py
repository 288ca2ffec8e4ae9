"""Answers (``AnswerStore``): answers with their automatic tags, the platform posts that show
them, their status (shown, pending, held, kept out), reactions and facilitator tags."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.core.records import (
    AlertRecord,
    AnswerForDigest,
    AnswerRecord,
    AnswerStatus,
    JobRecord,
    Participant,
    SessionAttendance,
)
from db.digest_answers import answers_for_digest
from db.sqlite.connection import SqliteConnection
from db.sqlite.rows import ANSWER_SELECT, answer_record
from db.sqlite.safeguarding import insert_alert


class SqliteAnswers(SqliteConnection):
    async def record_answer(
        self,
        *,
        answer_id: str,
        session_id: str,
        question_number: int,
        participant: Participant,
        text: str,
        auto_tags: Sequence[tuple[str, str]],
        status: AnswerStatus = AnswerStatus.SHOWN,
        quote_ok: bool = False,
        submission_id: str | None = None,
        alert: AlertRecord | None = None,
        alert_jobs: Sequence[JobRecord] = (),
    ) -> AnswerRecord:
        """Store an answer and its automatic tags ((theme id, evidence)), and with ``alert``
        (a held answer's) the alert, its delivery and ``alert_jobs`` in the same transaction;
        committed on return.
        A submission this participant already gave returns the answer stored then."""
        async with self._write() as db:
            if submission_id is not None:
                async with db.execute(
                    ANSWER_SELECT + " WHERE a.session_id = ? AND a.participant_id = ?"
                    " AND a.submission_id = ?",
                    (session_id, participant.id, submission_id),
                ) as cursor:
                    given = await cursor.fetchone()
                if given is not None:
                    return answer_record(given)
            await db.execute(
                "INSERT INTO answers (id, session_id, question_number, participant_id, text,"
                " status, quote_ok, submission_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    answer_id,
                    session_id,
                    question_number,
                    participant.id,
                    text,
                    status.value,
                    int(quote_ok),
                    submission_id,
                ),
            )
            await db.executemany(
                "INSERT INTO answer_tags (answer_id, theme_id, origin, active, evidence)"
                " VALUES (?, ?, 'auto', 1, ?)",
                [(answer_id, theme, evidence) for theme, evidence in auto_tags],
            )
            if alert is not None:  # a held answer and its alert: both stored, or neither
                await insert_alert(db, alert, alert_jobs)
        return AnswerRecord(
            id=answer_id,
            session_id=session_id,
            question_number=question_number,
            participant_id=participant.id,
            alias=participant.alias,
            text=text,
            status=status,
            quote_ok=quote_ok,
        )

    async def answer(self, answer_id: str) -> AnswerRecord | None:
        rows = await self._rows(ANSWER_SELECT + " WHERE a.id = ?", (answer_id,))
        return answer_record(rows[0]) if rows else None

    async def record_answer_post(self, answer_id: str, message_ref: str) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT OR IGNORE INTO answer_posts (answer_id, message_ref) VALUES (?, ?)",
                (answer_id, message_ref),
            )

    async def posts_of_answer(self, answer_id: str) -> list[str]:
        rows = await self._rows(
            "SELECT message_ref FROM answer_posts WHERE answer_id = ? ORDER BY rowid",
            (answer_id,),
        )
        return [str(r["message_ref"]) for r in rows]

    async def answer_for_message(self, message_ref: str) -> AnswerRecord | None:
        rows = await self._rows(
            ANSWER_SELECT + " JOIN answer_posts ap ON ap.answer_id = a.id WHERE ap.message_ref = ?",
            (message_ref,),
        )
        return answer_record(rows[0]) if rows else None

    async def answers_for_session(self, session_id: str) -> list[AnswerForDigest]:
        # Held and kept-out answers never reach a digest.
        answers = [
            answer_record(r)
            for r in await self._rows(
                ANSWER_SELECT + " WHERE a.session_id = ? AND a.status IN ('shown', 'pending')"
                " ORDER BY a.seq",
                (session_id,),
            )
        ]
        tags = await self._tuples(
            "SELECT t.answer_id, t.theme_id, t.origin, t.evidence FROM answer_tags t"
            " JOIN answers a ON a.id = t.answer_id WHERE a.session_id = ? AND t.active = 1",
            (session_id,),
        )
        reactions = await self._tuples(
            "SELECT r.answer_id, r.participant_id, r.emoji FROM reactions r"
            " JOIN answers a ON a.id = r.answer_id WHERE a.session_id = ?",
            (session_id,),
        )
        return answers_for_digest(answers, tags, reactions)

    async def session_attendance(self, session_id: str) -> SessionAttendance:
        answered = await self._rows(
            "SELECT DISTINCT participant_id FROM answers WHERE session_id = ?", (session_id,)
        )
        reacted = await self._rows(
            "SELECT DISTINCT r.participant_id FROM reactions r"
            " JOIN answers a ON a.id = r.answer_id WHERE a.session_id = ?",
            (session_id,),
        )
        with_lead = await self._rows(
            "SELECT COUNT(*) AS n FROM answers"
            " WHERE session_id = ? AND status IN ('held', 'kept_out')",
            (session_id,),
        )
        return SessionAttendance(
            answered=frozenset(r["participant_id"] for r in answered),
            reacted=frozenset(r["participant_id"] for r in reacted),
            with_lead=int(with_lead[0]["n"]),
        )

    # -- statuses ---------------------------------------------------------------------------

    async def answers_with_status(
        self, session_id: str, status: AnswerStatus, question_number: int | None = None
    ) -> list[AnswerRecord]:
        sql = ANSWER_SELECT + " WHERE a.session_id = ? AND a.status = ?"
        params: list[Any] = [session_id, status.value]
        if question_number is not None:
            sql += " AND a.question_number = ?"
            params.append(question_number)
        return [answer_record(r) for r in await self._rows(sql + " ORDER BY a.seq", params)]

    async def set_answer_status(
        self, answer_id: str, status: AnswerStatus, *, only_from: Iterable[AnswerStatus]
    ) -> bool:
        """Move an answer to ``status`` if it is in one of ``only_from``; ``True`` if it moved."""
        allowed = [s.value for s in only_from]
        async with self._write() as db:
            cursor = await db.execute(
                f"UPDATE answers SET status = ? WHERE id = ?"
                f" AND status IN ({','.join('?' * len(allowed))})",
                (status.value, answer_id, *allowed),
            )
            return cursor.rowcount == 1

    # -- reactions --------------------------------------------------------------------------

    async def set_reaction(self, answer_id: str, participant_id: int, emoji: str, on: bool) -> bool:
        """Turn one person's reaction on or off; ``True`` if anything changed."""
        async with self._write() as db:
            if on:
                sql = (
                    "INSERT OR IGNORE INTO reactions (answer_id, participant_id, emoji)"
                    " VALUES (?, ?, ?)"
                )
            else:
                sql = (
                    "DELETE FROM reactions WHERE answer_id = ? AND participant_id = ? AND emoji = ?"
                )
            cursor = await db.execute(sql, (answer_id, participant_id, emoji))
            if cursor.rowcount != 1:
                return False
            await db.execute(  # see ``ReplicaStore.reaction_tally``
                "UPDATE answers SET reactions_revision = reactions_revision + 1 WHERE id = ?",
                (answer_id,),
            )
            return True

    async def toggle_reaction(self, answer_id: str, participant_id: int, emoji: str) -> bool:
        """Delete the reaction, or insert it if there was none, in one write transaction (a
        second process waits for the first: ``BEGIN IMMEDIATE``); ``True`` if it is now on."""
        key = (answer_id, participant_id, emoji)
        async with self._write() as db:
            cursor = await db.execute(
                "DELETE FROM reactions WHERE answer_id = ? AND participant_id = ? AND emoji = ?",
                key,
            )
            on = cursor.rowcount == 0
            if on:
                await db.execute(
                    "INSERT INTO reactions (answer_id, participant_id, emoji) VALUES (?, ?, ?)",
                    key,
                )
            await db.execute(  # see ``ReplicaStore.reaction_tally``
                "UPDATE answers SET reactions_revision = reactions_revision + 1 WHERE id = ?",
                (answer_id,),
            )
            return on

    async def has_reaction(self, answer_id: str, participant_id: int, emoji: str) -> bool:
        rows = await self._rows(
            "SELECT 1 FROM reactions WHERE answer_id = ? AND participant_id = ? AND emoji = ?",
            (answer_id, participant_id, emoji),
        )
        return bool(rows)

    async def reaction_counts(self, answer_id: str) -> dict[str, int]:
        rows = await self._rows(
            "SELECT emoji, COUNT(*) AS n FROM reactions WHERE answer_id = ? GROUP BY emoji",
            (answer_id,),
        )
        return {r["emoji"]: r["n"] for r in rows}

    # -- tags -------------------------------------------------------------------------------

    async def set_tag(self, answer_id: str, theme_id: str, active: bool) -> None:
        """A facilitator adds or removes a tag; it overrides the automatic one."""
        async with self._write() as db:
            await db.execute(
                "INSERT INTO answer_tags (answer_id, theme_id, origin, active)"
                " VALUES (?, ?, 'facilitator', ?)"
                " ON CONFLICT (answer_id, theme_id)"
                " DO UPDATE SET origin = 'facilitator', active = excluded.active",
                (answer_id, theme_id, int(active)),
            )
