"""Forward-only migrations: ``db/postgres/migrations/NNNN_name.sql``, numbered on their own
(PostgreSQL's history starts at the schema SQLite reached), tracked in ``consultbot_schema``.

Every pending migration and the version bump run in one transaction under an advisory lock,
so several processes starting at once migrate once, and a failed migration leaves nothing
half-done (PostgreSQL's DDL is transactional). A database newer than this code is refused
with both version numbers, before anything is written.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import psycopg
from psycopg.rows import tuple_row

from bot.core.errors import StorageError

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Any fixed number: every consultbot process agrees on it, nothing else uses it.
_MIGRATION_LOCK = 0x636F6E73  # "cons"


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every migration, in order."""
    found = []
    for entry in resources.files("db.postgres").joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002, … without gaps: {versions}")
    return found


def latest_version() -> int:
    return len(migration_scripts())


async def schema_version(conn: psycopg.AsyncConnection[Any]) -> int:
    """The database's schema version; 0 for an empty database."""
    async with conn.cursor(row_factory=tuple_row) as cursor:
        await cursor.execute("SELECT to_regclass('consultbot_schema') IS NOT NULL")
        exists = await cursor.fetchone()
        if not exists or not exists[0]:
            return 0
        await cursor.execute("SELECT version FROM consultbot_schema")
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


def refuse_newer(current: int, latest: int) -> None:
    if current > latest:
        raise StorageError(
            f"the PostgreSQL database is at schema version {current}, newer than this code "
            f"({latest}); upgrade consultbot"
        )


async def migrate(conn: psycopg.AsyncConnection[Any]) -> tuple[int, int]:
    """Apply every migration newer than the database; return (version before, version now)."""
    scripts = migration_scripts()
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        before = await schema_version(conn)
        refuse_newer(before, len(scripts))
        if before == len(scripts):
            return before, before
        if before == 0:
            await conn.execute("CREATE TABLE consultbot_schema (version integer NOT NULL)")
            await conn.execute("INSERT INTO consultbot_schema (version) VALUES (0)")
        for version, _name, sql in scripts[before:]:
            await conn.execute(sql.encode())  # no parameters: several statements in one go
            await conn.execute("UPDATE consultbot_schema SET version = %s", (version,))
    return before, len(scripts)
