"""The connection pool every capability shares, one transaction per operation.

``PostgresConnection.open(url)`` checks the address, migrates (refusing a schema newer than
the code), opens a ``psycopg_pool`` pool and starts two background tasks: the lease keeper
(renews this process's running jobs and settles other processes' expired ones, see
``lease.py``) and, when given a ``wake`` callback, the ``LISTEN`` for job wake-ups
(``notify.py``). Every write runs in its own transaction and returns after ``COMMIT``, so
anything acknowledged to a young person is durable. Where a read decides a write (a free
alias, a count before a delete), the mixin locks the row the decision hangs on first
(``SELECT … FOR UPDATE``): PostgreSQL runs writers side by side, unlike SQLite.

Connections use UTC, so times come back as aware UTC datetimes. A server that can't be
reached at start is one ``ConfigError`` naming ``CONSULTBOT_DATABASE_URL`` and the host;
one lost later is a ``StorageError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any, LiteralString, Self

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

from db.postgres.lease import DEFAULT_BATCH, DEFAULT_LEASE, Lease, process_name
from db.postgres.migrate import migrate
from db.postgres.notify import listen
from db.postgres.url import unreachable, unusable, where

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 10
DEFAULT_POOL_SIZE = 10

Connection = AsyncConnection[DictRow]


async def _utc(conn: Connection) -> None:
    await conn.execute("SET TIME ZONE 'UTC'")


class PostgresConnection:
    def __init__(
        self,
        url: str,
        pool: AsyncConnectionPool[Connection],
        lease: Lease,
        *,
        upgraded_from: int,
        schema_version: int,
    ) -> None:
        self._url = url
        self._pool = pool
        self._lease = lease
        self._tasks: list[asyncio.Task[None]] = []
        self.upgraded_from = upgraded_from  # the schema version before this open migrated it
        self.schema_version = schema_version

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        wake: Callable[[datetime], None] | None = None,
        lease: timedelta = DEFAULT_LEASE,
        batch: int = DEFAULT_BATCH,
        owner: str | None = None,
        pool_size: int = DEFAULT_POOL_SIZE,
    ) -> Self:
        """Connect, migrate, and start the pool and the background tasks."""
        where(url)  # a malformed address fails here, naming the setting
        try:
            first = await AsyncConnection.connect(
                url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
            )
        except psycopg.OperationalError as error:
            raise unreachable(url, error) from None
        try:
            async with first:
                before, version = await migrate(first)
        except psycopg.Error as error:
            raise unusable(url, error) from None
        pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True, "row_factory": dict_row},
            configure=_utc,
            check=AsyncConnectionPool.check_connection,  # a server restart costs no request
            open=False,
            name="consultbot",
        )
        try:
            await pool.open(wait=True, timeout=CONNECT_TIMEOUT_SECONDS)
        except psycopg.OperationalError as error:
            await pool.close()
            raise unreachable(url, error) from None
        store = cls(
            url,
            pool,
            Lease(owner=owner or process_name(), length=lease, batch=batch),
            upgraded_from=before,
            schema_version=version,
        )
        store._tasks.append(asyncio.create_task(store._keep_leases(), name="consultbot-leases"))
        if wake is not None:
            ready = asyncio.Event()
            store._tasks.append(asyncio.create_task(listen(url, wake, ready=ready)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ready.wait(), CONNECT_TIMEOUT_SECONDS)
        return store

    @property
    def owner(self) -> str:
        """This store's name in ``jobs.claimed_by``."""
        return self._lease.owner

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        await self._pool.close()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        try:
            async with self._pool.connection() as conn, conn.transaction():
                yield conn
        except psycopg.OperationalError as error:
            raise unusable(self._url, error) from error

    @asynccontextmanager
    async def _snapshot(self) -> AsyncIterator[Connection]:
        """Several reads that must agree with each other (a digest): one read-only snapshot."""
        try:
            async with self._pool.connection() as conn, conn.transaction():
                await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield conn
        except psycopg.OperationalError as error:
            raise unusable(self._url, error) from error

    async def _rows(self, sql: LiteralString, params: Sequence[Any] = ()) -> list[DictRow]:
        try:
            async with self._pool.connection() as conn:
                cursor = await conn.execute(sql, params)
                return await cursor.fetchall()
        except psycopg.OperationalError as error:
            raise unusable(self._url, error) from error

    async def _keep_leases(self) -> None:
        """Every third of a lease: renew ours, settle expired ones (once the runner has told
        us its policy by recovering at start). A failed round is logged and tried again."""
        interval = max(self._lease.length.total_seconds() / 3, 0.05)
        while True:
            await asyncio.sleep(interval)
            try:
                async with self._pool.connection() as conn:
                    await self._lease.renew(conn)
                    if self._lease.rerun is not None:
                        async with conn.transaction():
                            requeued, dropped = await self._lease.expire(conn, self._lease.rerun)
                        if requeued or dropped:
                            log.warning(
                                "jobs of a stopped process: %d to run again, %d dropped",
                                requeued,
                                dropped,
                            )
            except psycopg.Error as error:
                log.warning("job leases not renewed this round: %s", error)
