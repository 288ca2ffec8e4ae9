"""Schedules and jobs (``JobStore``): what is due and when, claimed by one runner at a time,
recovered after a crash; and the question timer's pause, kept on the session."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import aiosqlite

from bot.core.records import RERUN, JobKind, JobRecord, JobState, ScheduleRecord
from db.sqlite.connection import SqliteConnection
from db.sqlite.rows import job_record, schedule_record


class SqliteJobs(SqliteConnection):
    async def create_schedule(self, schedule: ScheduleRecord, jobs: Sequence[JobRecord]) -> None:
        """Store a schedule and its first jobs in one transaction."""
        async with self._write() as db:
            await db.execute(
                "INSERT INTO schedules (id, platform, channel_id, question_set_id, first_start,"
                " time_zone, repeat, length_minutes, question_minutes, label)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    schedule.label,
                ),
            )
            await _insert_jobs(db, jobs)

    async def schedule(self, schedule_id: str) -> ScheduleRecord | None:
        rows = await self._rows("SELECT * FROM schedules WHERE id = ?", (schedule_id,))
        return schedule_record(rows[0]) if rows else None

    async def schedules(self) -> list[ScheduleRecord]:
        rows = await self._rows("SELECT * FROM schedules WHERE cancelled = 0 ORDER BY first_start")
        return [schedule_record(r) for r in rows]

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
        return [job_record(r) for r in rows]

    async def pending_jobs(self) -> list[JobRecord]:
        rows = await self._rows("SELECT * FROM jobs WHERE state = 'pending' ORDER BY due_at")
        return [job_record(r) for r in rows]

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

    async def retry_job(self, job_id: str, due_at: datetime) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE jobs SET state = 'pending', due_at = ?, attempts = attempts + 1"
                " WHERE id = ? AND state = 'running'",
                (due_at.isoformat(), job_id),
            )

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
        return [job_record(r) for r in rows]

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

    # The pause is kept on the session row (moving on clears it); only the timer sets it.
    async def set_timer_pause(self, session_id: str, seconds_left: int | None) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE sessions SET paused_seconds_left = ? WHERE id = ?",
                (seconds_left, session_id),
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
