"""Copy a SQLite database into an empty PostgreSQL one: moving a running install across.

The SQLite file is first brought to this code's schema (as any start would), then read
through a read-only connection; every table is copied with ``COPY`` in one PostgreSQL
transaction, so a failed copy leaves the target empty. Text times become ``timestamptz``,
0/1 flags booleans, ids keep their numbers (and the identity columns continue after them).
Jobs left ``running`` arrive without a lease, so the first runner to start settles them as
after any crash. The copy refuses a target that holds any row, and a SQLite table or
column it does not know (a newer SQLite schema needs this module to learn it first); it
ends by counting the rows on both sides.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import psycopg
from psycopg import sql

from bot.core.errors import StorageError
from db.postgres.migrate import migrate
from db.postgres.url import unreachable, unusable, where
from db.sqlite import SqliteStore

Convert = Callable[[Any], Any]


def _text(value: Any) -> Any:
    return None if value is None else str(value).replace("\x00", "\ufffd")


def _int(value: Any) -> Any:
    return None if value is None else int(value)


def _flag(value: Any) -> Any:
    return None if value is None else bool(value)


def _bytes(value: Any) -> Any:
    return None if value is None else bytes(value)


def _time(value: Any) -> Any:
    if value is None:
        return None
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)  # written as UTC


def _wall_clock(value: Any) -> Any:
    return None if value is None else datetime.fromisoformat(str(value)).replace(tzinfo=None)


def _day(value: Any) -> Any:
    return None if value is None else date.fromisoformat(str(value))


T, N, F, B, TIME, WALL, DAY = _text, _int, _flag, _bytes, _time, _wall_clock, _day

# Parents before children. Every column SQLite has, and how it becomes PostgreSQL's.
TABLES: dict[str, dict[str, Convert]] = {
    "sessions": {
        "id": T, "platform": T, "channel_id": T, "question_set_id": T, "status": T,
        "current_question": N, "started_at": TIME, "closed_at": TIME, "schedule_id": T,
        "occurrence": N, "ends_at": TIME, "question_seconds": N, "paused_seconds_left": N,
        "digest_delivered": F, "purged": F, "label": T,
    },
    "schedules": {
        "id": T, "platform": T, "channel_id": T, "question_set_id": T, "first_start": WALL,
        "time_zone": T, "repeat": T, "length_minutes": N, "question_minutes": N,
        "cancelled": F, "label": T,
    },
    "participants": {
        "id": N, "session_id": T, "person_key": T, "alias": T, "consented": F,
    },
    "identities": {"participant_id": N, "ciphertext": B},
    "answers": {
        "seq": N, "id": T, "session_id": T, "question_number": N, "participant_id": N,
        "text": T, "status": T, "quote_ok": F, "tagged_with": T, "submission_id": T,
        "reactions_revision": N,
    },
    "answer_posts": {"answer_id": T, "message_ref": T},
    "reactions": {"answer_id": T, "participant_id": N, "emoji": T},
    "answer_tags": {"answer_id": T, "theme_id": T, "origin": T, "active": F, "evidence": T},
    "jobs": {
        "id": T, "kind": T, "due_at": TIME, "schedule_id": T, "occurrence": N,
        "session_id": T, "question_number": N, "state": T, "subject": T, "attempts": N,
    },
    "alerts": {
        "id": T, "kind": T, "session_id": T, "answer_id": T, "categories": T,
        "created_at": TIME, "acknowledged_at": TIME, "escalated": F, "sealed": B,
    },
    "alert_deliveries": {
        "alert_id": T, "audience": T, "due_at": TIME, "attempts": N, "delivered_at": TIME,
    },
    "audit_log": {"seq": N, "at": TIME, "actor": T, "action": T, "subject": T, "detail": T},
    "digest_snapshots": {"session_id": T, "content": T},
    "key_fingerprints": {"name": T, "fingerprint": T},
    "codebook_state": {"id": N, "version": T},
    "count_displays": {"answer_id": T, "revision": N, "payload": T},
    "deliveries": {"key": T, "seen_at": TIME},
    "actions": {"id": T, "theme_id": T, "heard": T, "created_at": TIME},
    "action_sessions": {"action_id": T, "session_id": T},
    "action_updates": {
        "action_id": T, "number": N, "at": TIME, "recorded_by": T, "taken_to": T,
        "decision": T, "because": T, "follow_up": DAY,
    },
    "end_check_votes": {"participant_id": N, "session_id": T, "question": N, "choice": N},
    "group_summaries": {"session_id": T, "content": T, "saved_at": TIME},
}  # fmt: skip
# Not copied: a sign-in link or a browser session is short-lived; staff sign in again.
NOT_COPIED = frozenset({"sign_in_links", "browser_sessions"})
IDENTITY_COLUMNS = (("participants", "id"), ("answers", "seq"), ("audit_log", "seq"))


async def _source_columns(db: aiosqlite.Connection) -> dict[str, list[str]]:
    async with db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ) as cursor:
        names = [str(r[0]) for r in await cursor.fetchall()]
    found = {}
    for name in names:
        async with db.execute(f'PRAGMA table_info("{name}")') as cursor:
            found[name] = [str(r[1]) for r in await cursor.fetchall()]
    return found


def _check_known(found: dict[str, list[str]], path: Path) -> None:
    unknown = [
        f"{table}.{column}" if table in TABLES else table
        for table, columns in found.items()
        if table not in NOT_COPIED
        for column in (columns if table in TABLES else columns[:1])
        if table not in TABLES or column not in TABLES[table]
    ]
    if unknown:
        raise StorageError(
            f"{path} has tables or columns this copy does not know ({', '.join(unknown)}): "
            "upgrade consultbot, or teach db/postgres/copy.py the newer SQLite schema"
        )


async def copy_from_sqlite(source: Path, url: str) -> dict[str, int]:
    """Copy every row of the SQLite database at ``source`` into the (migrated, empty)
    PostgreSQL database at ``url``; return the rows copied per table."""
    if not await asyncio.to_thread(source.is_file):
        raise StorageError(f"there is no SQLite database at {source}")
    store = await SqliteStore.open(source)  # brought to this code's schema, as a start would
    await store.close()
    try:
        target = await psycopg.AsyncConnection.connect(url)
    except psycopg.OperationalError as error:
        raise unreachable(url, error) from None
    try:
        async with target:
            await target.set_autocommit(True)
            await migrate(target)
            await target.set_autocommit(False)
            async with aiosqlite.connect(f"file:{source}?mode=ro", uri=True) as db:
                found = await _source_columns(db)
                _check_known(found, source)
                async with target.transaction():
                    await _refuse_rows(target, url)
                    copied = {}
                    for table, columns in TABLES.items():
                        present = [c for c in columns if c in found.get(table, [])]
                        copied[table] = await _copy_table(db, target, table, present)
                    await _continue_identities(target)
                    await _compare_counts(target, copied)
    except sqlite3.Error as error:
        raise StorageError(f"{source}: cannot be read: {error}") from None
    except psycopg.Error as error:
        raise unusable(url, error) from None
    return copied


async def _refuse_rows(target: psycopg.AsyncConnection[Any], url: str) -> None:
    for table in TABLES:
        query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table))
        row = await (await target.execute(query)).fetchone()
        if row and row[0]:
            raise StorageError(
                f"the PostgreSQL database at {where(url)} already holds data ({table}): "
                "copy only into a new, empty database"
            )


async def _copy_table(
    db: aiosqlite.Connection,
    target: psycopg.AsyncConnection[Any],
    table: str,
    columns: list[str],
) -> int:
    if not columns:
        return 0
    convert = [TABLES[table][c] for c in columns]
    names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    select = f'SELECT {", ".join(columns)} FROM "{table}"'  # names from TABLES, not input
    copied = 0
    async with (
        target.cursor() as cursor,
        cursor.copy(
            sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), names)
        ) as copy,
        db.execute(select) as rows,
    ):
        async for row in rows:
            await copy.write_row([f(v) for f, v in zip(convert, row, strict=True)])
            copied += 1
    return copied


async def _continue_identities(target: psycopg.AsyncConnection[Any]) -> None:
    """New participants, answers and audit entries are numbered after the copied ones."""
    for table, column in IDENTITY_COLUMNS:
        await target.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({t}, {c}),"
                " COALESCE((SELECT max({col}) FROM {tbl}), 0) + 1, false)"
            ).format(
                t=sql.Literal(table),
                c=sql.Literal(column),
                col=sql.Identifier(column),
                tbl=sql.Identifier(table),
            )
        )


async def _compare_counts(target: psycopg.AsyncConnection[Any], copied: dict[str, int]) -> None:
    for table, expected in copied.items():
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        row = await (await target.execute(query)).fetchone()
        if not row or row[0] != expected:
            raise StorageError(f"copying {table}: {expected} rows read but not all written")
