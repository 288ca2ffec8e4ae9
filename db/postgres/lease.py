"""Job leases: how several processes share one jobs table and each job runs exactly once.

A runner first *reserves* a batch of due jobs (``FOR UPDATE SKIP LOCKED``: processes never
wait on each other's rows) by writing its name and a lease on them; they stay ``pending``.
It then *claims* each one just before running it (``pending`` → ``running``, committed), and
only one claim can succeed. While a job runs, this process renews its lease (``Lease.renew``,
every third of the lease). If the process dies, the lease runs out: a reserved job is simply
free again, and a running one is requeued or dropped (``Lease.expire``) by whichever live
process looks next, under the runner's own policy (``bot.scheduling.runner``). A live
process's jobs are never taken: recovery takes only expired leases.

Times are the database's clock (``now()``), so processes on different machines agree.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from psycopg import AsyncConnection

from bot.core.records import RERUN

DEFAULT_LEASE = timedelta(seconds=60)
DEFAULT_BATCH = 50


def process_name() -> str:
    """``host:pid:random``: unique per process and per store, and readable in the table."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(slots=True)
class Lease:
    owner: str
    length: timedelta = DEFAULT_LEASE
    batch: int = DEFAULT_BATCH
    running: set[str] = field(default_factory=set)  # claimed here, not yet finished
    rerun: list[str] | None = None  # the runner's policy, once it has told us (recovery)

    async def renew(self, conn: AsyncConnection[Any]) -> int:
        """Extend the lease of every job this process is running."""
        if not self.running:
            return 0
        cursor = await conn.execute(
            "UPDATE jobs SET lease_until = now() + %s"
            " WHERE state = 'running' AND claimed_by = %s AND id = ANY(%s)",
            (self.length, self.owner, sorted(self.running)),
        )
        return cursor.rowcount

    async def expire(self, conn: AsyncConnection[Any], rerun: list[str]) -> tuple[int, int]:
        """Settle running jobs whose lease ran out (their process died): kinds in ``rerun``
        go back to pending (marked ``RERUN`` if they have no subject), the rest are dropped.
        Returns (requeued, dropped). Call inside a transaction."""
        requeued = await conn.execute(
            "UPDATE jobs SET state = 'pending', subject = COALESCE(subject, %s),"
            " claimed_by = NULL, claimed_at = NULL, lease_until = NULL"
            " WHERE state = 'running' AND (lease_until IS NULL OR lease_until < now())"
            " AND kind = ANY(%s)",
            (RERUN, rerun),
        )
        dropped = await conn.execute(
            "UPDATE jobs SET state = 'dropped', lease_until = NULL"
            " WHERE state = 'running' AND (lease_until IS NULL OR lease_until < now())"
        )
        return requeued.rowcount, dropped.rowcount
