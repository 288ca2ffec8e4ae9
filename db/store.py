"""The SQLite store: one serialized writer connection, WAL, ``synchronous=FULL``.

Every write runs in ``BEGIN IMMEDIATE … COMMIT`` and returns only after the commit, so anything
the engine acknowledges to a young person is already durable. Methods are named for use cases
and return ``bot.core.records`` dataclasses, never rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.errors import ChannelBusy
from bot.core.records import (
    RERUN,
    AlertKind,
    AlertRecord,
    AnswerForDigest,
    AnswerRecord,
    AnswerStatus,
    AuditEntry,
    JobKind,
    JobRecord,
    JobState,
    Participant,
    Repeat,
    ScheduleRecord,
    SessionRecord,
    SessionStatus,
    SessionSummary,
    TagRecord,
)
from db.migrate import migrate


class SqliteStore:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> SqliteStore:
        db = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=FULL")
            await db.execute("PRAGMA busy_timeout=5000")
            await db.execute("PRAGMA foreign_keys=ON")
            db.row_factory = sqlite3.Row
            await migrate(db)
        except BaseException:
            await db.close()
            raise
        return cls(db)

    async def close(self) -> None:
        await self._db.close()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            # aiosqlite runs statements on its own thread in order, and a cancelled await does
            # not stop a statement already queued. So a cancelled BEGIN is waited for and
            # undone before the lock is let go, or the next writer's BEGIN would fail.
            begin = asyncio.ensure_future(self._db.execute("BEGIN IMMEDIATE"))
            try:
                await asyncio.shield(begin)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await begin
                    await self._db.execute("ROLLBACK")
                raise
            try:
                yield self._db
            except BaseException:
                with contextlib.suppress(Exception):
                    await asyncio.shield(self._db.execute("ROLLBACK"))
                raise
            else:
                await asyncio.shield(self._db.execute("COMMIT"))

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self._lock, self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    # -- sessions ---------------------------------------------------------------------------

    async def create_session(self, session: SessionRecord) -> None:
        try:
            async with self._write() as db:
                await db.execute(
                    "INSERT INTO sessions (id, platform, channel_id, question_set_id, status,"
                    " current_question, started_at, ends_at, question_seconds, schedule_id,"
                    " occurrence) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)",
                    (
                        session.id,
                        session.platform,
                        session.channel_id,
                        session.question_set_id,
                        session.current_question,
                        session.started_at.isoformat(),
                        _iso(session.ends_at),
                        session.question_seconds,
                        session.schedule_id,
                        session.occurrence,
                    ),
                )
        except sqlite3.IntegrityError:
            raise ChannelBusy(
                "A session is already running in this channel. End it with /end-session "
                "before starting a new one."
            ) from None

    async def open_session_in_channel(self, platform: str, channel_id: str) -> SessionRecord | None:
        rows = await self._rows(
            "SELECT * FROM sessions WHERE platform = ? AND channel_id = ? AND status = 'open'",
            (platform, channel_id),
        )
        return _session(rows[0]) if rows else None

    async def session(self, session_id: str) -> SessionRecord | None:
        rows = await self._rows("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return _session(rows[0]) if rows else None

    async def session_summaries(self) -> list[SessionSummary]:
        rows = await self._rows(
            "SELECT s.*,"
            " (SELECT COUNT(DISTINCT a.participant_id) FROM answers a WHERE a.session_id = s.id)"
            "   AS participant_count,"
            " (SELECT COUNT(*) FROM answers a WHERE a.session_id = s.id) AS answer_count"
            " FROM sessions s ORDER BY s.started_at DESC"
        )
        return [
            SessionSummary(
                session=_session(r),
                participant_count=r["participant_count"],
                answer_count=r["answer_count"],
            )
            for r in rows
        ]

    async def all_session_ids(self) -> list[str]:
        return [r["id"] for r in await self._rows("SELECT id FROM sessions")]

    async def move_to_question(self, session_id: str, number: int, *, from_number: int) -> bool:
        """Move an open session from question ``from_number`` to ``number``; ``False`` if it
        was not at ``from_number`` any more (someone else moved it first)."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE sessions SET current_question = ?, paused_seconds_left = NULL"
                " WHERE id = ? AND status = 'open' AND current_question = ?",
                (number, session_id, from_number),
            )
            return cursor.rowcount == 1

    async def close_session(self, session_id: str, at: datetime) -> bool:
        """Close an open session; ``False`` if it was not open (already closed)."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE sessions SET status = 'closed', closed_at = ? "
                "WHERE id = ? AND status = 'open'",
                (at.isoformat(), session_id),
            )
            return cursor.rowcount == 1

    # -- participants -----------------------------------------------------------------------

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
                async with db.execute(
                    "SELECT alias FROM participants WHERE session_id = ?", (session_id,)
                ) as cursor:
                    taken = {r[0] for r in await cursor.fetchall()}
                alias = next(a for a in alias_candidates if a not in taken)
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

    async def withdraw_participant(self, participant_id: int) -> int:
        """Delete a participant with their answers and reactions; return answers deleted."""
        async with self._write() as db:
            async with db.execute(
                "SELECT COUNT(*) FROM answers WHERE participant_id = ?", (participant_id,)
            ) as cursor:
                row = await cursor.fetchone()
            await db.execute("DELETE FROM participants WHERE id = ?", (participant_id,))
            return int(row[0]) if row else 0

    # -- answers ----------------------------------------------------------------------------

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
    ) -> AnswerRecord:
        """Store an answer and its automatic tags ((theme id, evidence)); committed on return."""
        async with self._write() as db:
            await db.execute(
                "INSERT INTO answers (id, session_id, question_number, participant_id, text,"
                " status, quote_ok) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    answer_id,
                    session_id,
                    question_number,
                    participant.id,
                    text,
                    status.value,
                    int(quote_ok),
                ),
            )
            await db.executemany(
                "INSERT INTO answer_tags (answer_id, theme_id, origin, active, evidence)"
                " VALUES (?, ?, 'auto', 1, ?)",
                [(answer_id, theme, evidence) for theme, evidence in auto_tags],
            )
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
        rows = await self._rows(_ANSWER_SELECT + " WHERE a.id = ?", (answer_id,))
        return _answer(rows[0]) if rows else None

    async def record_answer_post(self, answer_id: str, message_ref: str) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT OR IGNORE INTO answer_posts (answer_id, message_ref) VALUES (?, ?)",
                (answer_id, message_ref),
            )

    async def answer_for_message(self, message_ref: str) -> AnswerRecord | None:
        rows = await self._rows(
            _ANSWER_SELECT
            + " JOIN answer_posts ap ON ap.answer_id = a.id WHERE ap.message_ref = ?",
            (message_ref,),
        )
        return _answer(rows[0]) if rows else None

    async def answers_for_session(self, session_id: str) -> list[AnswerForDigest]:
        # Held and kept-out answers never reach a digest.
        answers = [
            _answer(r)
            for r in await self._rows(
                _ANSWER_SELECT + " WHERE a.session_id = ? AND a.status IN ('shown', 'pending')"
                " ORDER BY a.seq",
                (session_id,),
            )
        ]
        tags: dict[str, list[TagRecord]] = {}
        for r in await self._rows(
            "SELECT t.answer_id, t.theme_id, t.origin, t.evidence FROM answer_tags t"
            " JOIN answers a ON a.id = t.answer_id WHERE a.session_id = ? AND t.active = 1",
            (session_id,),
        ):
            tags.setdefault(r["answer_id"], []).append(
                TagRecord(theme_id=r["theme_id"], origin=r["origin"], evidence=r["evidence"])
            )
        counts: dict[str, dict[str, int]] = {}
        for r in await self._rows(
            "SELECT r.answer_id, r.emoji, COUNT(*) AS n FROM reactions r"
            " JOIN answers a ON a.id = r.answer_id WHERE a.session_id = ?"
            " GROUP BY r.answer_id, r.emoji",
            (session_id,),
        ):
            counts.setdefault(r["answer_id"], {})[r["emoji"]] = r["n"]
        return [
            AnswerForDigest(
                answer=a, tags=tuple(tags.get(a.id, ())), reaction_counts=counts.get(a.id, {})
            )
            for a in answers
        ]

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
            return cursor.rowcount == 1

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

    # -- schedules and jobs -----------------------------------------------------------------

    async def create_schedule(self, schedule: ScheduleRecord, jobs: Sequence[JobRecord]) -> None:
        """Store a schedule and its first jobs in one transaction."""
        async with self._write() as db:
            await db.execute(
                "INSERT INTO schedules (id, platform, channel_id, question_set_id, first_start,"
                " time_zone, repeat, length_minutes, question_minutes)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    schedule.id,
                    schedule.platform,
                    schedule.channel_id,
                    schedule.question_set_id,
                    schedule.first_start.isoformat(),
                    schedule.time_zone,
                    schedule.repeat.value,
                    schedule.length_minutes,
                    schedule.question_minutes,
                ),
            )
            await _insert_jobs(db, jobs)

    async def schedule(self, schedule_id: str) -> ScheduleRecord | None:
        rows = await self._rows("SELECT * FROM schedules WHERE id = ?", (schedule_id,))
        return _schedule(rows[0]) if rows else None

    async def schedules(self) -> list[ScheduleRecord]:
        rows = await self._rows("SELECT * FROM schedules WHERE cancelled = 0 ORDER BY first_start")
        return [_schedule(r) for r in rows]

    async def cancel_schedule(self, schedule_id: str) -> bool:
        """Cancel a schedule and its pending jobs; ``False`` if there was none to cancel."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE schedules SET cancelled = 1 WHERE id = ? AND cancelled = 0", (schedule_id,)
            )
            if cursor.rowcount != 1:
                return False
            await db.execute(
                "UPDATE jobs SET state = 'cancelled' WHERE schedule_id = ? AND state = 'pending'",
                (schedule_id,),
            )
            return True

    async def add_jobs(self, jobs: Sequence[JobRecord]) -> None:
        """Add jobs; a job whose id already exists is left as it is (ids are stable)."""
        async with self._write() as db:
            await _insert_jobs(db, jobs)

    async def due_jobs(self, now: datetime) -> list[JobRecord]:
        rows = await self._rows(
            "SELECT * FROM jobs WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id",
            (now.isoformat(),),
        )
        return [_job(r) for r in rows]

    async def pending_jobs(self) -> list[JobRecord]:
        rows = await self._rows("SELECT * FROM jobs WHERE state = 'pending' ORDER BY due_at")
        return [_job(r) for r in rows]

    async def claim_job(self, job_id: str) -> bool:
        """Mark a pending job running; ``True`` only for the one caller that got it."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE jobs SET state = 'running' WHERE id = ? AND state = 'pending'", (job_id,)
            )
            return cursor.rowcount == 1

    async def finish_job(self, job_id: str, state: JobState) -> None:
        async with self._write() as db:
            await db.execute("UPDATE jobs SET state = ? WHERE id = ?", (state.value, job_id))

    async def recover_interrupted_jobs(self, rerun: frozenset[JobKind]) -> tuple[int, int]:
        """After a restart: jobs left 'running' are run again if their kind is in ``rerun``
        (their effects are guarded by the store, so a second run changes nothing), else
        dropped (at most once). A requeued job without a subject gets ``RERUN`` as its
        subject, so the runner knows to repost what the first run may not have posted.
        Returns (requeued, dropped)."""
        kinds = sorted(k.value for k in rerun)
        marks = ",".join("?" * len(kinds))
        async with self._write() as db:
            requeued = await db.execute(
                f"UPDATE jobs SET state = 'pending', subject = COALESCE(subject, '{RERUN}')"
                f" WHERE state = 'running' AND kind IN ({marks})",
                kinds,
            )
            dropped = await db.execute("UPDATE jobs SET state = 'dropped' WHERE state = 'running'")
            return requeued.rowcount, dropped.rowcount

    async def session_jobs(self, session_id: str, kinds: Iterable[JobKind]) -> list[JobRecord]:
        wanted = [k.value for k in kinds]
        rows = await self._rows(
            f"SELECT * FROM jobs WHERE session_id = ? AND state = 'pending'"
            f" AND kind IN ({','.join('?' * len(wanted))}) ORDER BY due_at",
            (session_id, *wanted),
        )
        return [_job(r) for r in rows]

    async def cancel_jobs(self, job_ids: Iterable[str]) -> None:
        async with self._write() as db:
            await db.executemany(
                "UPDATE jobs SET state = 'cancelled' WHERE id = ? AND state = 'pending'",
                [(job_id,) for job_id in job_ids],
            )

    async def reschedule_jobs(self, moves: Sequence[tuple[str, datetime]]) -> None:
        async with self._write() as db:
            await db.executemany(
                "UPDATE jobs SET due_at = ? WHERE id = ? AND state = 'pending'",
                [(due.isoformat(), job_id) for job_id, due in moves],
            )

    async def set_timer_pause(self, session_id: str, seconds_left: int | None) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE sessions SET paused_seconds_left = ? WHERE id = ?",
                (seconds_left, session_id),
            )

    async def session_for_occurrence(
        self, schedule_id: str, occurrence: int
    ) -> SessionRecord | None:
        rows = await self._rows(
            "SELECT * FROM sessions WHERE schedule_id = ? AND occurrence = ?",
            (schedule_id, occurrence),
        )
        return _session(rows[0]) if rows else None

    async def mark_digest_delivered(self, session_id: str) -> bool:
        """``True`` for the one caller that gets to deliver this session's digest."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE sessions SET digest_delivered = 1 WHERE id = ? AND digest_delivered = 0",
                (session_id,),
            )
            return cursor.rowcount == 1

    # -- safeguarding, audit, retention -----------------------------------------------------

    async def answers_with_status(
        self, session_id: str, status: AnswerStatus, question_number: int | None = None
    ) -> list[AnswerRecord]:
        sql = _ANSWER_SELECT + " WHERE a.session_id = ? AND a.status = ?"
        params: list[Any] = [session_id, status.value]
        if question_number is not None:
            sql += " AND a.question_number = ?"
            params.append(question_number)
        return [_answer(r) for r in await self._rows(sql + " ORDER BY a.seq", params)]

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

    async def identity_of_answer(self, answer_id: str) -> bytes | None:
        rows = await self._rows(
            "SELECT i.ciphertext FROM identities i JOIN answers a"
            " ON a.participant_id = i.participant_id WHERE a.id = ?",
            (answer_id,),
        )
        return bytes(rows[0]["ciphertext"]) if rows else None

    async def create_alert(self, alert: AlertRecord) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO alerts (id, kind, session_id, answer_id, categories, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    alert.id,
                    alert.kind.value,
                    alert.session_id,
                    alert.answer_id,
                    ",".join(alert.categories),
                    alert.created_at.isoformat(),
                ),
            )

    async def alert(self, alert_id: str) -> AlertRecord | None:
        rows = await self._rows("SELECT * FROM alerts WHERE id = ?", (alert_id,))
        return _alert(rows[0]) if rows else None

    async def alerts_for_answer(self, answer_id: str) -> list[AlertRecord]:
        rows = await self._rows(
            "SELECT * FROM alerts WHERE answer_id = ? ORDER BY created_at", (answer_id,)
        )
        return [_alert(r) for r in rows]

    async def acknowledge_alert(self, alert_id: str, at: datetime) -> bool:
        """``True`` for the first acknowledgement only."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE alerts SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL",
                (at.isoformat(), alert_id),
            )
            return cursor.rowcount == 1

    async def mark_alert_escalated(self, alert_id: str) -> bool:
        """``True`` if the alert was still unacknowledged and not yet escalated."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE alerts SET escalated = 1 WHERE id = ? AND escalated = 0"
                " AND acknowledged_at IS NULL",
                (alert_id,),
            )
            return cursor.rowcount == 1

    async def audit(self, entry: AuditEntry) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                (entry.at.isoformat(), entry.actor, entry.action, entry.subject, entry.detail),
            )

    async def audit_entries(self) -> list[AuditEntry]:
        rows = await self._rows("SELECT * FROM audit_log ORDER BY seq")
        return [
            AuditEntry(
                at=datetime.fromisoformat(r["at"]),
                actor=r["actor"],
                action=r["action"],
                subject=r["subject"],
                detail=r["detail"],
            )
            for r in rows
        ]

    async def sessions_to_purge(self, closed_before: datetime) -> list[str]:
        rows = await self._rows(
            "SELECT id FROM sessions WHERE status = 'closed' AND purged = 0 AND closed_at < ?",
            (closed_before.isoformat(),),
        )
        return [r["id"] for r in rows]

    async def purge_session(self, session_id: str, snapshot: str) -> int:
        """Keep the anonymised digest; delete answers, hashes, identities and alerts.
        Returns the number of answers deleted."""
        async with self._write() as db:
            await db.execute(
                "INSERT INTO digest_snapshots (session_id, content) VALUES (?, ?)"
                " ON CONFLICT (session_id) DO UPDATE SET content = excluded.content",
                (session_id, snapshot),
            )
            async with db.execute(
                "SELECT COUNT(*) FROM answers WHERE session_id = ?", (session_id,)
            ) as cursor:
                row = await cursor.fetchone()
            await db.execute("DELETE FROM alerts WHERE session_id = ?", (session_id,))
            await db.execute("DELETE FROM answers WHERE session_id = ?", (session_id,))
            await db.execute("DELETE FROM participants WHERE session_id = ?", (session_id,))
            await db.execute("UPDATE sessions SET purged = 1 WHERE id = ?", (session_id,))
            return int(row[0]) if row else 0

    async def digest_snapshot(self, session_id: str) -> str | None:
        rows = await self._rows(
            "SELECT content FROM digest_snapshots WHERE session_id = ?", (session_id,)
        )
        return str(rows[0]["content"]) if rows else None

    async def purge_old_alerts(self, created_before: datetime) -> int:
        """/worried alerts belong to no session: purge them by age."""
        async with self._write() as db:
            cursor = await db.execute(
                "DELETE FROM alerts WHERE session_id IS NULL AND created_at < ?",
                (created_before.isoformat(),),
            )
            return cursor.rowcount


def _alert(row: sqlite3.Row) -> AlertRecord:
    return AlertRecord(
        id=row["id"],
        kind=AlertKind(row["kind"]),
        session_id=row["session_id"],
        answer_id=row["answer_id"],
        categories=tuple(c for c in str(row["categories"]).split(",") if c),
        created_at=datetime.fromisoformat(row["created_at"]),
        acknowledged_at=_time(row["acknowledged_at"]),
        escalated=bool(row["escalated"]),
    )


async def _insert_jobs(db: aiosqlite.Connection, jobs: Sequence[JobRecord]) -> None:
    await db.executemany(
        "INSERT OR IGNORE INTO jobs (id, kind, due_at, schedule_id, occurrence, session_id,"
        " question_number, state, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                j.id,
                j.kind.value,
                j.due_at.isoformat(),
                j.schedule_id,
                j.occurrence,
                j.session_id,
                j.question_number,
                j.state.value,
                j.subject,
            )
            for j in jobs
        ],
    )


_ANSWER_SELECT = (
    "SELECT a.id, a.session_id, a.question_number, a.participant_id, p.alias, a.text,"
    " a.status, a.quote_ok FROM answers a JOIN participants p ON p.id = a.participant_id"
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _session(row: sqlite3.Row) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        platform=row["platform"],
        channel_id=row["channel_id"],
        question_set_id=row["question_set_id"],
        status=SessionStatus(row["status"]),
        current_question=row["current_question"],
        started_at=datetime.fromisoformat(row["started_at"]),
        closed_at=_time(row["closed_at"]),
        ends_at=_time(row["ends_at"]),
        question_seconds=row["question_seconds"],
        paused_seconds_left=row["paused_seconds_left"],
        schedule_id=row["schedule_id"],
        occurrence=row["occurrence"],
        purged=bool(row["purged"]),
    )


def _schedule(row: sqlite3.Row) -> ScheduleRecord:
    return ScheduleRecord(
        id=row["id"],
        platform=row["platform"],
        channel_id=row["channel_id"],
        question_set_id=row["question_set_id"],
        first_start=datetime.fromisoformat(row["first_start"]),
        time_zone=row["time_zone"],
        repeat=Repeat(row["repeat"]),
        length_minutes=row["length_minutes"],
        question_minutes=row["question_minutes"],
        cancelled=bool(row["cancelled"]),
    )


def _job(row: sqlite3.Row) -> JobRecord:
    return JobRecord(
        id=row["id"],
        kind=JobKind(row["kind"]),
        due_at=datetime.fromisoformat(row["due_at"]),
        state=JobState(row["state"]),
        schedule_id=row["schedule_id"],
        occurrence=row["occurrence"],
        session_id=row["session_id"],
        question_number=row["question_number"],
        subject=row["subject"],
    )


def _answer(row: sqlite3.Row) -> AnswerRecord:
    return AnswerRecord(
        id=row["id"],
        session_id=row["session_id"],
        question_number=row["question_number"],
        participant_id=row["participant_id"],
        alias=row["alias"],
        text=row["text"],
        status=AnswerStatus(row["status"]),
        quote_ok=bool(row["quote_ok"]),
    )
