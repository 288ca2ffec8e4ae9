"""The one SQLite connection every capability shares: WAL, ``synchronous=FULL``, one writer.

Every write runs in ``BEGIN IMMEDIATE … COMMIT`` under the single writer lock and returns
only after the commit, so anything the engine acknowledges to a young person is already
durable. The capability mixins (``sessions``, ``answers``, …) build on this class and use only
``_write`` and ``_rows``.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Self

import aiosqlite

from db.sqlite.migrate import migrate


class SqliteConnection:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Self:
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
