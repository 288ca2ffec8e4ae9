"""Schedules and jobs (``JobStore``): what is due and when, each job run exactly once across
every process sharing the database (``lease.py``), and the question timer's pause.

How the runner's calls map onto leases: ``due_jobs`` *reserves* up to ``batch`` due jobs for
this process, skipping rows another process holds (``FOR UPDATE SKIP LOCKED``), and wakes
the other processes when it had to leave some (a full batch); ``claim_job`` turns one
reserved (or free) pending job into ``running`` under this process's lease, ``True`` for
exactly one caller; ``finish_job`` ends it, unless our lease had run out and another
process took the job over. ``recover_interrupted_jobs`` settles only expired leases, and
hands the runner's policy to the lease keeper, which settles them from then on whenever a
process dies, not only at start.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.core.records import JobKind, JobRecord, JobState, ScheduleRecord
from db.postgres.connection import Connection, PostgresConnection
from db.postgres.rows import job_record, schedule_record

log = logging.getLogger(__name__)


class PostgresJobs(PostgresConnection):
    async def create_schedule(self, schedule: ScheduleRecord, jobs: Sequence[JobRecord]) -> None:
        """Store a schedule and its first jobs in one transaction."""
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO schedules (id, platform, channel_id, question_set_id, first_start,"
                " time_zone, repeat, length_minutes, question_minutes, label)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    schedule.id,
                    schedule.platform,
                    schedule.channel_id,
                    schedule.question_set_id,
                    schedule.first_start,
                    schedule.time_zone,
                    schedule.repeat.value,
                    schedule.length_minutes,
                    schedule.question_minutes,
                    schedule.label,
                ),
            )
            await _insert_jobs(conn, jobs)

    async def schedule(self, schedule_id: str) -> ScheduleRecord | None:
        rows = await self._rows("SELECT * FROM schedules WHERE id = %s", (schedule_id,))
        return schedule_record(rows[0]) if rows else None

    async def schedules(self) -> list[ScheduleRecord]:
        rows = await self._rows(
            "SELECT * FROM schedules WHERE NOT cancelled ORDER BY first_start, id"
        )
        return [schedule_record(r) for r in rows]

    async def cancel_schedule(self, schedule_id: str) -> bool:
        """Cancel a schedule and its pending jobs; ``False`` if there was none to cancel."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE schedules SET cancelled = true WHERE id = %s AND NOT cancelled",
                (schedule_id,),
            )
            if cursor.rowcount != 1:
                return False
            await conn.execute(
                "UPDATE jobs SET state = 'cancelled', lease_until = NULL"
                " WHERE schedule_id = %s AND state = 'pending'",
                (schedule_id,),
            )
            return True

    async def add_jobs(self, jobs: Sequence[JobRecord]) -> None:
        """Add jobs; a job whose id already exists is left as it is (ids are stable)."""
        if jobs:
            async with self._write() as conn:
                await _insert_jobs(conn, jobs)

    async def due_jobs(self, now: datetime) -> list[JobRecord]:
        """Reserve and return up to ``batch`` pending jobs due by ``now``, oldest first."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "WITH picked AS ("
                "  SELECT id FROM jobs WHERE state = 'pending' AND due_at <= %(now)s"
                "  AND (claimed_by IS NULL OR claimed_by = %(me)s OR lease_until < now())"
                "  ORDER BY due_at, id LIMIT %(batch)s FOR UPDATE SKIP LOCKED)"
                " UPDATE jobs SET claimed_by = %(me)s, claimed_at = now(),"
                "  lease_until = now() + %(lease)s"
                " FROM picked WHERE jobs.id = picked.id RETURNING jobs.*",
                {
                    "now": now,
                    "me": self._lease.owner,
                    "batch": self._lease.batch,
                    "lease": self._lease.length,
                },
            )
            rows = await cursor.fetchall()
            if len(rows) == self._lease.batch:  # there may be more: let every process help
                await conn.execute(
                    "SELECT pg_notify('consultbot_jobs', extract(epoch FROM now())::text)"
                )
        # Reserved jobs are still pending: only claim_job makes one running.
        return sorted((job_record(r) for r in rows), key=lambda j: (j.due_at, j.id))

    async def pending_jobs(self) -> list[JobRecord]:
        rows = await self._rows("SELECT * FROM jobs WHERE state = 'pending' ORDER BY due_at, id")
        return [job_record(r) for r in rows]

    async def claim_job(self, job_id: str) -> bool:
        """Mark a pending job running under our lease; ``True`` only for the one caller that
        got it. A job another live process has reserved is left to it."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE jobs SET state = 'running', claimed_by = %(me)s, claimed_at = now(),"
                " lease_until = now() + %(lease)s"
                " WHERE id = %(id)s AND state = 'pending'"
                " AND (claimed_by IS NULL OR claimed_by = %(me)s OR lease_until < now())",
                {"id": job_id, "me": self._lease.owner, "lease": self._lease.length},
            )
            claimed = cursor.rowcount == 1
        if claimed:
            self._lease.running.add(job_id)
        return claimed

    async def finish_job(self, job_id: str, state: JobState) -> None:
        self._lease.running.discard(job_id)  # first: a failed write must not renew it forever
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE jobs SET state = %(state)s, lease_until = NULL WHERE id = %(id)s"
                " AND ((state = 'running' AND claimed_by = %(me)s)"
                "  OR (state IN ('running', 'pending') AND claimed_by IS NULL))",
                {"state": state.value, "id": job_id, "me": self._lease.owner},
            )
            if cursor.rowcount != 1:
                log.warning("job %s was taken over after this process's lease ran out", job_id)

    async def retry_job(self, job_id: str, due_at: datetime) -> None:
        """Back to pending under nobody's lease, so whichever process is awake takes it."""
        self._lease.running.discard(job_id)
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE jobs SET state = 'pending', due_at = %(due)s, attempts = attempts + 1,"
                " claimed_by = NULL, claimed_at = NULL, lease_until = NULL"
                " WHERE id = %(id)s AND state = 'running'"
                " AND (claimed_by = %(me)s OR claimed_by IS NULL)",
                {"due": due_at, "id": job_id, "me": self._lease.owner},
            )
            if cursor.rowcount != 1:
                log.warning("job %s was taken over after this process's lease ran out", job_id)

    async def recover_interrupted_jobs(self, rerun: frozenset[JobKind]) -> tuple[int, int]:
        """Settle jobs left running by a process whose lease has run out: kinds in ``rerun``
        are requeued (``RERUN`` as subject when they have none), the rest dropped. Jobs of
        live processes are left alone. From now on the lease keeper does the same whenever a
        lease runs out. Returns (requeued, dropped)."""
        kinds = sorted(k.value for k in rerun)
        self._lease.rerun = kinds
        async with self._write() as conn:
            return await self._lease.expire(conn, kinds)

    async def session_jobs(self, session_id: str, kinds: Iterable[JobKind]) -> list[JobRecord]:
        rows = await self._rows(
            "SELECT * FROM jobs WHERE session_id = %s AND state = 'pending'"
            " AND kind = ANY(%s) ORDER BY due_at, id",
            (session_id, [k.value for k in kinds]),
        )
        return [job_record(r) for r in rows]

    async def cancel_jobs(self, job_ids: Iterable[str]) -> None:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE jobs SET state = 'cancelled', lease_until = NULL"
                " WHERE id = ANY(%s) AND state = 'pending'",
                (list(job_ids),),
            )

    async def reschedule_jobs(self, moves: Sequence[tuple[str, datetime]]) -> None:
        """Move pending jobs; a reservation is let go, so whoever is due to run it looks again."""
        if not moves:
            return
        async with self._write() as conn:
            await conn.execute(
                "UPDATE jobs SET due_at = m.due_at,"
                " claimed_by = NULL, claimed_at = NULL, lease_until = NULL"
                " FROM unnest(%s::text[], %s::timestamptz[]) AS m(id, due_at)"
                " WHERE jobs.id = m.id AND jobs.state = 'pending'",
                ([job_id for job_id, _ in moves], [due for _, due in moves]),
            )

    # The pause is kept on the session row (moving on clears it); only the timer sets it.
    async def set_timer_pause(self, session_id: str, seconds_left: int | None) -> None:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE sessions SET paused_seconds_left = %s WHERE id = %s",
                (seconds_left, session_id),
            )


async def _insert_jobs(conn: Connection, jobs: Sequence[JobRecord]) -> None:
    """One statement for any number of jobs, so the wake-up trigger fires once."""
    if not jobs:
        return
    await conn.execute(
        "INSERT INTO jobs (id, kind, due_at, schedule_id, occurrence, session_id,"
        " question_number, state, subject)"
        " SELECT * FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::text[],"
        " %s::integer[], %s::text[], %s::integer[], %s::text[], %s::text[])"
        " ON CONFLICT (id) DO NOTHING",
        (
            [j.id for j in jobs],
            [j.kind.value for j in jobs],
            [j.due_at for j in jobs],
            [j.schedule_id for j in jobs],
            [j.occurrence for j in jobs],
            [j.session_id for j in jobs],
            [j.question_number for j in jobs],
            [j.state.value for j in jobs],
            [j.subject for j in jobs],
        ),
    )
