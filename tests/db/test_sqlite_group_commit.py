"""Group commit in the SQLite writer: writers arriving together share a transaction, yet each
is confirmed only once committed, and one writer's failure undoes only its own statements."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.core.errors import StorageError
from db.sqlite import SqliteStore
from tests.db.builders import job


def committed_jobs(path: Path) -> set[str]:
    """What another connection (another process, after a crash) would find."""
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT id FROM jobs")}


async def test_each_writer_returns_only_after_its_own_write_is_committed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "group.db"
    store = await SqliteStore.open(path)
    seen_on_return: dict[str, set[str]] = {}

    async def add(job_id: str) -> None:
        await store.add_jobs([job(job_id)])
        seen_on_return[job_id] = committed_jobs(path)

    try:
        await asyncio.gather(*(add(f"j{n}") for n in range(30)))
    finally:
        await store.close()
    assert len(seen_on_return) == 30
    for job_id, seen in seen_on_return.items():
        assert job_id in seen, f"{job_id} was confirmed before it was committed"


async def test_a_failing_writer_undoes_only_its_own_statements(tmp_path: Path) -> None:
    path = tmp_path / "group.db"
    store = await SqliteStore.open(path)

    async def failing() -> None:
        async with store._write() as db:
            await db.execute(
                "INSERT INTO jobs (id, kind, due_at, state) VALUES ('doomed', 'reveal', ?,"
                " 'pending')",
                ("2026-01-01T00:00:00+00:00",),
            )
            raise ValueError("this writer changes its mind")

    try:
        results = await asyncio.gather(
            store.add_jobs([job("before")]),
            failing(),
            store.add_jobs([job("after")]),
            return_exceptions=True,
        )
    finally:
        await store.close()
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], ValueError)
    assert committed_jobs(path) == {"before", "after"}


async def test_a_write_that_breaks_a_rule_is_refused_and_the_others_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "group.db"
    store = await SqliteStore.open(path)

    async def broken() -> None:
        async with store._write() as db:
            await db.execute("INSERT INTO no_such_table VALUES (1)")

    try:
        results = await asyncio.gather(
            store.add_jobs([job("kept")]), broken(), return_exceptions=True
        )
        await store.add_jobs([job("later")])
    finally:
        await store.close()
    assert results[0] is None
    assert isinstance(results[1], StorageError | sqlite3.Error)
    assert committed_jobs(path) == {"kept", "later"}


@pytest.mark.parametrize("writers", [1, 5])
async def test_close_commits_nothing_half_done(tmp_path: Path, writers: int) -> None:
    path = tmp_path / "group.db"
    store = await SqliteStore.open(path)
    await asyncio.gather(*(store.add_jobs([job(f"j{n}")]) for n in range(writers)))
    await store.close()
    assert committed_jobs(path) == {f"j{n}" for n in range(writers)}


async def test_a_writer_cancelled_at_its_savepoint_leaves_the_database_unlocked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "group.db"
    store = await SqliteStore.open(path)
    try:
        writer = asyncio.ensure_future(store.add_jobs([job("cancelled")]))
        for _ in range(100_000):  # until its BEGIN is done: it then awaits its SAVEPOINT
            if store._batch is not None:
                break
            await asyncio.sleep(0)
        assert store._batch is not None, "the writer never began"
        writer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await writer
        if store._committer is not None:  # the commit it queued, not a later write's
            await store._committer
        with sqlite3.connect(path, timeout=0) as other:  # another process, not waiting
            other.execute(
                "INSERT INTO jobs (id, kind, due_at, state) VALUES ('other', 'reveal', ?,"
                " 'pending')",
                ("2026-01-01T00:00:00+00:00",),
            )
        assert "other" in committed_jobs(path)
    finally:
        await store.close()
