"""Answers (``AnswerStore``): answers with their automatic tags, the platform posts that show
them, their status (shown, pending, held, kept out), reactions and facilitator tags."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
from db.postgres.connection import PostgresConnection
from db.postgres.rows import ANSWER_SELECT, answer_record, without_nul
from db.postgres.safeguarding import insert_alert


class PostgresAnswers(PostgresConnection):
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
        A submission this participant already gave (even by another process at the same
        moment: the unique index decides) returns the answer stored then."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "INSERT INTO answers (id, session_id, question_number, participant_id, text,"
                " status, quote_ok, submission_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (session_id, participant_id, submission_id)"
                " WHERE submission_id IS NOT NULL DO NOTHING RETURNING id",
                (
                    answer_id,
                    session_id,
                    question_number,
                    participant.id,
                    without_nul(text),
                    status.value,
                    quote_ok,
                    submission_id,
                ),
            )
            if await cursor.fetchone() is None:
                cursor = await conn.execute(
                    ANSWER_SELECT + " WHERE a.session_id = %s AND a.participant_id = %s"
                    " AND a.submission_id = %s",
                    (session_id, participant.id, submission_id),
                )
                given = await cursor.fetchone()
                assert given is not None  # the row the insert ran into
                return answer_record(given)
            if auto_tags:
                async with conn.cursor() as cursor:
                    await cursor.executemany(
                        "INSERT INTO answer_tags (answer_id, theme_id, origin, active, evidence)"
                        " VALUES (%s, %s, 'auto', true, %s)",
                        [(answer_id, theme, evidence) for theme, evidence in auto_tags],
                    )
            if alert is not None:  # a held answer and its alert: both stored, or neither
                await insert_alert(conn, alert, alert_jobs)
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
        rows = await self._rows(ANSWER_SELECT + " WHERE a.id = %s", (answer_id,))
        return answer_record(rows[0]) if rows else None

    async def record_answer_post(self, answer_id: str, message_ref: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO answer_posts (answer_id, message_ref) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                (answer_id, message_ref),
            )

    async def posts_of_answer(self, answer_id: str) -> list[str]:
        rows = await self._rows(
            "SELECT message_ref FROM answer_posts WHERE answer_id = %s ORDER BY message_ref",
            (answer_id,),
        )
        return [str(r["message_ref"]) for r in rows]

    async def answer_for_message(self, message_ref: str) -> AnswerRecord | None:
        rows = await self._rows(
            ANSWER_SELECT
            + " JOIN answer_posts ap ON ap.answer_id = a.id WHERE ap.message_ref = %s",
            (message_ref,),
        )
        return answer_record(rows[0]) if rows else None

    async def answers_for_session(self, session_id: str) -> list[AnswerForDigest]:
        # Held and kept-out answers never reach a digest. One snapshot for the three reads,
        # so counts and tags belong to exactly the answers listed.
        async with self._snapshot() as conn:
            cursor = await conn.execute(
                ANSWER_SELECT + " WHERE a.session_id = %s AND a.status IN ('shown', 'pending')"
                " ORDER BY a.seq",
                (session_id,),
            )
            answers = [answer_record(r) for r in await cursor.fetchall()]
            cursor = await conn.execute(
                "SELECT t.answer_id, t.theme_id, t.origin, t.evidence FROM answer_tags t"
                " JOIN answers a ON a.id = t.answer_id WHERE a.session_id = %s AND t.active"
                " ORDER BY t.answer_id, t.theme_id",
                (session_id,),
            )
            tag_rows = await cursor.fetchall()
            cursor = await conn.execute(
                "SELECT r.answer_id, r.participant_id, r.emoji FROM reactions r"
                " JOIN answers a ON a.id = r.answer_id WHERE a.session_id = %s",
                (session_id,),
            )
            reaction_rows = await cursor.fetchall()
        return answers_for_digest(
            answers,
            ((r["answer_id"], r["theme_id"], r["origin"], r["evidence"]) for r in tag_rows),
            ((r["answer_id"], r["participant_id"], r["emoji"]) for r in reaction_rows),
        )

    async def session_attendance(self, session_id: str) -> SessionAttendance:
        async with self._snapshot() as conn:
            cursor = await conn.execute(
                "SELECT DISTINCT participant_id FROM answers WHERE session_id = %s",
                (session_id,),
            )
            answered = await cursor.fetchall()
            cursor = await conn.execute(
                "SELECT DISTINCT r.participant_id FROM reactions r"
                " JOIN answers a ON a.id = r.answer_id WHERE a.session_id = %s",
                (session_id,),
            )
            reacted = await cursor.fetchall()
            cursor = await conn.execute(
                "SELECT COUNT(*) AS n FROM answers"
                " WHERE session_id = %s AND status IN ('held', 'kept_out')",
                (session_id,),
            )
            with_lead = await cursor.fetchone()
        return SessionAttendance(
            answered=frozenset(r["participant_id"] for r in answered),
            reacted=frozenset(r["participant_id"] for r in reacted),
            with_lead=int(with_lead["n"]) if with_lead else 0,
        )

    # -- statuses ---------------------------------------------------------------------------

    async def answers_with_status(
        self, session_id: str, status: AnswerStatus, question_number: int | None = None
    ) -> list[AnswerRecord]:
        rows = await self._rows(
            ANSWER_SELECT + " WHERE a.session_id = %s AND a.status = %s"
            " AND (%s::integer IS NULL OR a.question_number = %s) ORDER BY a.seq",
            (session_id, status.value, question_number, question_number),
        )
        return [answer_record(r) for r in rows]

    async def set_answer_status(
        self, answer_id: str, status: AnswerStatus, *, only_from: Iterable[AnswerStatus]
    ) -> bool:
        """Move an answer to ``status`` if it is in one of ``only_from``; ``True`` if it moved."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE answers SET status = %s WHERE id = %s AND status = ANY(%s)",
                (status.value, answer_id, [s.value for s in only_from]),
            )
            return cursor.rowcount == 1

    # -- reactions --------------------------------------------------------------------------

    async def set_reaction(self, answer_id: str, participant_id: int, emoji: str, on: bool) -> bool:
        """Turn one person's reaction on or off; ``True`` if anything changed. The answer's
        row is locked first, as ``toggle_reaction`` does, so the two never wait on each other
        in opposite orders."""
        async with self._write() as conn:
            await conn.execute("SELECT 1 FROM answers WHERE id = %s FOR UPDATE", (answer_id,))
            if on:
                cursor = await conn.execute(
                    "INSERT INTO reactions (answer_id, participant_id, emoji)"
                    " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    (answer_id, participant_id, emoji),
                )
            else:
                cursor = await conn.execute(
                    "DELETE FROM reactions"
                    " WHERE answer_id = %s AND participant_id = %s AND emoji = %s",
                    (answer_id, participant_id, emoji),
                )
            if cursor.rowcount != 1:
                return False
            await conn.execute(  # see ``ReplicaStore.reaction_tally``
                "UPDATE answers SET reactions_revision = reactions_revision + 1 WHERE id = %s",
                (answer_id,),
            )
            return True

    async def toggle_reaction(self, answer_id: str, participant_id: int, emoji: str) -> bool:
        """Delete the reaction, or insert it if there was none, in one transaction; ``True``
        if it is now on. The revision is raised first: that locks the answer's row, so a
        toggle on another connection waits for this one to commit, and then sees it."""
        key = (answer_id, participant_id, emoji)
        async with self._write() as conn:
            await conn.execute(  # see ``ReplicaStore.reaction_tally``
                "UPDATE answers SET reactions_revision = reactions_revision + 1 WHERE id = %s",
                (answer_id,),
            )
            cursor = await conn.execute(
                "DELETE FROM reactions WHERE answer_id = %s AND participant_id = %s AND emoji = %s",
                key,
            )
            on = cursor.rowcount == 0
            if on:
                await conn.execute(
                    "INSERT INTO reactions (answer_id, participant_id, emoji) VALUES (%s, %s, %s)",
                    key,
                )
            return on

    async def has_reaction(self, answer_id: str, participant_id: int, emoji: str) -> bool:
        rows = await self._rows(
            "SELECT 1 FROM reactions WHERE answer_id = %s AND participant_id = %s AND emoji = %s",
            (answer_id, participant_id, emoji),
        )
        return bool(rows)

    async def reaction_counts(self, answer_id: str) -> dict[str, int]:
        rows = await self._rows(
            "SELECT emoji, COUNT(*) AS n FROM reactions WHERE answer_id = %s GROUP BY emoji",
            (answer_id,),
        )
        return {r["emoji"]: r["n"] for r in rows}

    # -- tags -------------------------------------------------------------------------------

    async def set_tag(self, answer_id: str, theme_id: str, active: bool) -> None:
        """A facilitator adds or removes a tag; it overrides the automatic one."""
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO answer_tags (answer_id, theme_id, origin, active)"
                " VALUES (%s, %s, 'facilitator', %s)"
                " ON CONFLICT (answer_id, theme_id)"
                " DO UPDATE SET origin = 'facilitator', active = excluded.active",
                (answer_id, theme_id, active),
            )
