"""One Discord gateway connection among several processes: a leader chosen by a PostgreSQL
advisory lock, and warm standbys that take over when it dies.

Discord allows one gateway session per bot (per shard), so of several bot processes on one
database only the one holding the lock connects. ``Leadership.wait`` opens a dedicated
connection (not from the pool: a session-level advisory lock belongs to its connection) and
tries ``pg_try_advisory_lock`` every ``poll`` seconds until it gets it. A standby meanwhile
has everything else ready (data files read, store open, engine built), so taking over is
connecting to the gateway.

The lock lives as long as the leader's connection: when the leader's process dies (a crash,
SIGKILL, a lost machine), the server ends its session and frees the lock: at once when the
socket closes, or once TCP keepalives give up on a machine that vanished (``keepalives_*``
below: about 20 s). Then the next standby's try succeeds. The leader checks its connection
every ``poll`` seconds; if it is lost, the lock may already be someone else's, so
``held`` ends and the caller must stop using the gateway (``consultbot run`` exits with an
error; its supervisor restarts it as a standby).

Sharding (not built): one lock per shard, key ``lock_key("discord", shard_id)``, with each
process trying the shards it may run and passing ``shard_ids`` to discord.py's
``AutoShardedClient`` for the ones it holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from db.postgres.url import unreachable, where

log = logging.getLogger(__name__)

DEFAULT_POLL_SECONDS = 2.0
# A leader whose machine vanished (no FIN, no RST) is given up by the server after about
# 10 + 3 × 3 s of silence, and its lock is then free; the leader notices a vanished server
# the same way.
_KEEPALIVES = "keepalives=1 keepalives_idle=10 keepalives_interval=3 keepalives_count=3"
_SERVER_KEEPALIVES = (
    "SET tcp_keepalives_idle = 10",
    "SET tcp_keepalives_interval = 3",
    "SET tcp_keepalives_count = 3",
)


def lock_key(platform: str, shard: int = 0) -> int:
    """A stable signed 64-bit advisory lock key for one platform connection (one shard)."""
    digest = hashlib.sha256(f"consultbot:{platform}:gateway:{shard}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class LeadershipLost(Exception):
    """The leader's lock connection broke: another process may hold the lock now."""


class Leadership:
    def __init__(self, url: str, key: int, *, poll: float = DEFAULT_POLL_SECONDS) -> None:
        self._url = url
        self._key = key
        self._poll = poll

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        where(self._url)
        try:
            conninfo = make_conninfo(self._url, application_name="consultbot-leader")
            conn = await psycopg.AsyncConnection.connect(
                f"{conninfo} {_KEEPALIVES}", autocommit=True, connect_timeout=10
            )
            for setting in _SERVER_KEEPALIVES:  # and the server gives up on a vanished leader
                await conn.execute(setting)
            return conn
        except psycopg.OperationalError as error:
            raise unreachable(self._url, error) from None

    @asynccontextmanager
    async def held(self) -> AsyncIterator[asyncio.Task[None]]:
        """Wait until this process holds the lock; yield a task that ends (raising
        ``LeadershipLost``) if the lock's connection is lost. The lock is let go on exit."""
        conn = await self._connect()
        try:
            waited = False
            while not await self._try(conn):
                if not waited:
                    log.info("standing by: another process holds the gateway (lock %d)", self._key)
                    waited = True
                await asyncio.sleep(self._poll)
            log.info("this process now holds the gateway (lock %d)", self._key)
            watch = asyncio.create_task(self._watch(conn), name="consultbot-leadership")
            try:
                yield watch
            finally:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError, LeadershipLost):
                    await watch
                with contextlib.suppress(psycopg.Error):
                    await conn.execute("SELECT pg_advisory_unlock(%s)", (self._key,))
        finally:
            with contextlib.suppress(psycopg.Error):
                await conn.close()

    async def _try(self, conn: psycopg.AsyncConnection[Any]) -> bool:
        try:
            row = await (
                await conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,))
            ).fetchone()
        except psycopg.OperationalError as error:
            raise unreachable(self._url, error) from None
        return bool(row and row[0])

    async def _watch(self, conn: psycopg.AsyncConnection[Any]) -> None:
        while True:
            await asyncio.sleep(self._poll)
            try:
                await conn.execute("SELECT 1")
            except psycopg.Error as error:
                raise LeadershipLost(
                    f"lost the database connection that holds the gateway lock at "
                    f"{where(self._url)}: another process may hold it now"
                ) from error
