"""The SQLite store: migrations, WAL, durability settings, one open session per channel."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.core.errors import ChannelBusy
from bot.core.records import SessionRecord, SessionStatus
from db.migrate import migration_scripts
from db.store import SqliteStore


def _session(session_id: str, channel: str = "c1") -> SessionRecord:
    return SessionRecord(
        id=session_id,
        platform="local",
        channel_id=channel,
        question_set_id="check-in",
        status=SessionStatus.OPEN,
        current_question=1,
        started_at=datetime(2026, 11, 24, 18, 0, tzinfo=UTC),
        closed_at=None,
    )


async def test_new_database_is_migrated_to_latest_with_wal(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "s.db")
    await store.close()
    async with aiosqlite.connect(tmp_path / "s.db") as db:
        version = await (await db.execute("PRAGMA user_version")).fetchone()
        mode = await (await db.execute("PRAGMA journal_mode")).fetchone()
    assert version is not None and version[0] == len(migration_scripts())
    assert mode is not None and mode[0] == "wal"


async def test_reopening_keeps_data_and_does_not_migrate_twice(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "s.db")
    await store.create_session(_session("aaaaaa"))
    await store.close()
    store = await SqliteStore.open(tmp_path / "s.db")
    assert (await store.session("aaaaaa")) is not None
    await store.close()


async def test_one_open_session_per_channel_but_a_closed_one_frees_it(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "s.db")
    await store.create_session(_session("aaaaaa"))
    with pytest.raises(ChannelBusy):
        await store.create_session(_session("bbbbbb"))
    await store.create_session(_session("cccccc", channel="c2"))
    assert await store.close_session("aaaaaa", datetime.now(UTC))
    assert not await store.close_session("aaaaaa", datetime.now(UTC))  # already closed
    await store.create_session(_session("bbbbbb"))
    await store.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "s.db") as db:
        await db.execute("PRAGMA user_version = 999")
    with pytest.raises(RuntimeError, match="newer than this code"):
        await SqliteStore.open(tmp_path / "s.db")


async def test_a_write_cancelled_mid_transaction_does_not_break_the_store(tmp_path: Path) -> None:
    import asyncio

    store = await SqliteStore.open(tmp_path / "s.db")
    task = asyncio.create_task(store.create_session(_session("aaaaaa")))
    await asyncio.sleep(0)  # let it take the lock and start its BEGIN
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await store.create_session(_session("bbbbbb", channel="c2"))  # later writes still work
    assert await store.session("bbbbbb") is not None
    await store.close()
