"""Forward-only migrations: ``db/sqlite/migrations/NNNN_name.sql``, tracked by
``PRAGMA user_version``."""

from __future__ import annotations

import re
from importlib import resources

import aiosqlite

from bot.core.errors import StorageError

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every migration, in order."""
    found = []
    for entry in resources.files("db.sqlite").joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002, … without gaps: {versions}")
    return found


async def schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(db: aiosqlite.Connection) -> int:
    """Apply every migration newer than the database; return the resulting version."""
    current = await schema_version(db)
    scripts = migration_scripts()
    if current > len(scripts):
        raise StorageError(
            f"the database is at schema version {current}, newer than this code "
            f"({len(scripts)}); upgrade consultbot"
        )
    for version, _name, sql in scripts[current:]:
        # executescript commits first; the version bump rides in the same script.
        await db.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
    return len(scripts)
