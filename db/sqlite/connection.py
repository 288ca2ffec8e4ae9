"""The one SQLite connection every capability shares: WAL, ``synchronous=FULL``, one writer.

Every write runs in ``BEGIN IMMEDIATE … COMMIT`` under the single writer lock and returns
only after the commit, so anything the engine acknowledges to a young person is already
durable. Writers that arrive together share one transaction and one commit (group commit,
see ``_write``), each still confirmed only after that commit. The capability mixins
(``sessions``, ``answers``, …) build on this class and use only ``_write``, ``_rows`` (or
``_tuples``) and ``_forget``.

Deleting is meant to forget: ``secure_delete`` overwrites deleted rows with zeros, and after a
withdrawal or a purge ``_forget`` checkpoints the write-ahead log and truncates it, so the
words are in no byte of the database or its ``-wal`` file. The files are private to their
owner (``files.py``). A database another program keeps locked for longer than the busy
timeout, or a full disk, raises ``StorageError`` (one clear line, not a driver traceback).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.core.errors import StorageError
from db.sqlite.files import is_memory, make_sidecars_private, prepare_database_file
from db.sqlite.migrate import migrate, schema_version

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class SqliteConnection:
    def __init__(self, db: aiosqlite.Connection, *, upgraded_from: int, version: int) -> None:
        self._db = db
        self._lock = asyncio.Lock()
        self._batch: asyncio.Future[None] | None = None  # the open transaction's commit
        self._committer: asyncio.Future[None] | None = None  # its queued commit
        self.upgraded_from = upgraded_from  # the schema version before this open migrated it
        self.schema_version = version

    @classmethod
    async def open(cls, path: Path | str) -> Self:
        if not is_memory(path):
            try:
                prepare_database_file(Path(path))
            except OSError as e:
                raise StorageError(f"{path}: cannot be created: {e.strerror or e}") from e
        try:
            db = await aiosqlite.connect(str(path), isolation_level=None)
        except sqlite3.Error as e:
            raise StorageError(f"{path}: cannot be opened: {e}") from e
        try:
            await db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=FULL")
            await db.execute("PRAGMA secure_delete=ON")
            await db.execute("PRAGMA foreign_keys=ON")
            db.row_factory = sqlite3.Row
            before = await schema_version(db)
            version = await migrate(db)
            if not is_memory(path):
                make_sidecars_private(Path(path))
        except sqlite3.Error as e:
            await db.close()
            raise storage_error(e, path) from e
        except BaseException:
            await db.close()
            raise
        return cls(db, upgraded_from=before, version=version)

    async def close(self) -> None:
        async with self._lock:
            await self._commit_batch()
        await self._db.close()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write, confirmed only once it is committed: the context exits after the
        ``COMMIT`` of the transaction it ran in, and raises ``StorageError`` if that failed.

        Group commit: writers that queue up while a transaction is open share it, each in its
        own ``SAVEPOINT`` (so one writer's failure undoes only its own statements), and one
        ``COMMIT`` (two fsyncs) confirms them all; it is queued behind the writers already
        waiting, so a lone write is committed at once. Reads on this connection (the only
        writer) see a batch's statements before its commit; a failed commit fails them all."""
        async with self._lock:
            if self._batch is None:
                await self._begin()
                self._batch = asyncio.get_running_loop().create_future()
                self._batch.add_done_callback(_retrieve)
            batch = self._batch
            failed: BaseException | None = None
            try:
                # Inside the try: a writer cancelled here still queues the batch's commit,
                # or the batch would stay open (the database locked) until the next write.
                await self._savepoint("SAVEPOINT write")
                yield self._db
            except BaseException as e:
                failed = e
                with contextlib.suppress(Exception):
                    await self._savepoint("ROLLBACK TO write")
                    await self._savepoint("RELEASE write")
                if not self._db.in_transaction:  # SQLite undid the whole batch (a full disk)
                    self._fail_batch(storage_error(e) if isinstance(e, sqlite3.Error) else e)
            else:
                await self._savepoint("RELEASE write")
            finally:
                self._commit_soon()
        if failed is None:
            await asyncio.shield(batch)
            return
        if not isinstance(failed, asyncio.CancelledError):
            # The others in the batch are committed before the failure is told, so a writer
            # that failed never leaves the database locked behind it.
            with contextlib.suppress(Exception):
                await asyncio.shield(batch)
        if isinstance(failed, sqlite3.OperationalError):
            raise storage_error(failed) from failed
        raise failed

    async def _begin(self) -> None:
        # aiosqlite runs statements on its own thread in order, and a cancelled await does
        # not stop a statement already queued. So a cancelled BEGIN is waited for and undone
        # before the lock is let go, or the next writer's BEGIN would fail.
        begin = asyncio.ensure_future(self._db.execute("BEGIN IMMEDIATE"))
        try:
            await asyncio.shield(begin)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await begin
                await self._db.execute("ROLLBACK")
            raise
        except sqlite3.OperationalError as e:
            raise storage_error(e) from e

    async def _savepoint(self, sql: str) -> None:
        """A savepoint statement runs to its end even if the writer is cancelled."""
        try:
            await asyncio.shield(self._db.execute(sql))
        except sqlite3.OperationalError as e:
            raise storage_error(e) from e

    def _commit_soon(self) -> None:
        """Queue the commit of the open batch behind every writer already waiting."""
        if self._batch is not None and self._committer is None:
            self._committer = asyncio.ensure_future(self._commit_queued())

    async def _commit_queued(self) -> None:
        try:
            async with self._lock:
                await self._commit_batch()
        finally:
            self._committer = None
            self._commit_soon()  # a batch opened after this commit was queued

    async def _commit_batch(self) -> None:
        """Commit the open batch (the lock is held) and tell its writers how it went."""
        batch, self._batch = self._batch, None
        if batch is None or batch.done():
            return
        try:
            await asyncio.shield(self._db.execute("COMMIT"))
        except sqlite3.Error as e:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._db.execute("ROLLBACK"))
            batch.set_exception(storage_error(e))
        else:
            batch.set_result(None)

    def _fail_batch(self, error: BaseException) -> None:
        batch, self._batch = self._batch, None
        if batch is not None and not batch.done():
            batch.set_exception(error)

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            async with self._lock, self._db.execute(sql, params) as cursor:
                return list(await cursor.fetchall())
        except sqlite3.OperationalError as e:
            raise storage_error(e) from e

    async def _tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """``_rows`` as plain tuples: for a read of a few hundred thousand rows, where a
        ``sqlite3.Row`` each costs a third more time and memory."""
        try:
            async with self._lock, self._db.execute(sql, params) as cursor:
                cursor.row_factory = None
                rows: Iterable[Any] = await cursor.fetchall()  # typed as rows, but tuples now
                return list(rows)
        except sqlite3.OperationalError as e:
            raise storage_error(e) from e

    async def _forget(self) -> None:
        """After deleting what someone wrote: copy the log into the database (where
        ``secure_delete`` has zeroed the rows) and truncate it, so no old copy stays."""
        async with self._lock:
            await self._commit_batch()  # a checkpoint cannot run inside a transaction
            async with self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                row = await cursor.fetchone()
        if row is not None and row[0]:
            # Another connection is reading an older snapshot; the next checkpoint finishes.
            log.warning("the write-ahead log could not be emptied yet (a reader is busy)")


def _retrieve(batch: asyncio.Future[None]) -> None:
    """Mark a failed batch's error as seen even if all its writers were cancelled."""
    if not batch.cancelled():
        batch.exception()


def storage_error(error: sqlite3.Error, path: Path | str | None = None) -> StorageError:
    """One clear line for what went wrong with the database."""
    text = str(error)
    where = f"{path}: " if path is not None else "the database "
    if "locked" in text or "busy" in text:
        return StorageError(
            f"{where}is locked by another program (another consultbot command or a backup "
            f"kept it for over {BUSY_TIMEOUT_MS // 1000} seconds); try again"
        )
    if "full" in text:
        return StorageError(f"{where}cannot be written: the disk is full")
    return StorageError(f"{where}cannot be used: {text}")
