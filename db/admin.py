"""``consultbot db …`` on whichever backend the settings choose: the SQLite file by default,
PostgreSQL when ``CONSULTBOT_DATABASE_URL`` is set.

- ``migrate``: bring the schema up to this code's (any start does it too).
- ``check``: open the database as a start would (migrating it), check the keys, and say
  what it holds; SQLite adds its quick integrity check, PostgreSQL the server's version and
  any job leases of a stopped process.
- ``backup FILE``: SQLite's online backup API; on PostgreSQL, ``pg_dump`` (``dump.py``).
- ``copy-from-sqlite FILE``: a SQLite database into the empty PostgreSQL one
  (``db.postgres.copy``).

A database newer than the code is refused with both version numbers; an address that is
malformed or a server that can't be reached is one ``ConfigError`` naming
``CONSULTBOT_DATABASE_URL`` and the host, never the password. The PostgreSQL driver is an
optional extra, so it is imported only when asked for.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.core.errors import ConfigError, ConsultbotError, StorageError
from bot.core.records import SessionStatus
from bot.safeguarding.keys import IDENTITY, SAFEGUARDING, check_keys
from db.sqlite import SqliteStore, maintenance

SETTING = "CONSULTBOT_DATABASE_URL"


@dataclass(frozen=True, slots=True, kw_only=True)
class DatabaseHealth:
    where: str  # the SQLite file, or host:port/database
    schema_version: int
    upgraded_from: int  # the version before this check migrated it (equal: no migration)
    integrity: str  # "ok", or what SQLite's quick check found (PostgreSQL: "ok")
    sessions: int
    open_sessions: int
    pending_jobs: int
    server: str = ""  # PostgreSQL's version; "" for SQLite
    expired_leases: int = 0  # running jobs whose process stopped (PostgreSQL)


@dataclass(frozen=True, slots=True, kw_only=True)
class Backup:
    where: str
    schema_version: int
    tool: str  # "SQLite's backup API" or pg_dump's version line


def _keys(settings: Settings) -> dict[str, bytes]:
    return {IDENTITY: settings.identity_key, SAFEGUARDING: settings.safeguarding_key}


def _driver() -> None:
    try:
        import psycopg  # noqa: F401
    except ModuleNotFoundError as e:  # psycopg is the optional extra "postgres"
        need = "needs PostgreSQL support: pip install 'consultbot[postgres]'"
        raise ConfigError(SETTING, need) from e


async def migrate_database(settings: Settings) -> tuple[str, int, int]:
    """(where, version before, version now)."""
    if settings.database_url:
        _driver()
        from db.postgres import tools
        from db.postgres.url import where

        before, now = await tools.migrate_database(settings.database_url)
        return where(settings.database_url), before, now
    path = settings.database_path
    if not path.is_file():
        raise StorageError(f"there is no database at {path} (it is created on first start)")
    store = await SqliteStore.open(path)
    await store.close()
    return str(path), store.upgraded_from, store.schema_version


async def check_database(settings: Settings) -> DatabaseHealth:
    """Open it as a start would (migrating), check the keys, count what it holds. Never
    creates a SQLite file."""
    if settings.database_url:
        return await _check_postgres(settings, settings.database_url)
    path = settings.database_path
    if not path.is_file():
        raise StorageError(f"there is no database at {path} (it is created on first start)")
    store = await SqliteStore.open(path)
    try:
        await check_keys(store, _keys(settings), database=str(path))
        summaries = await store.session_summaries()
        jobs = await store.pending_jobs()
        integrity = await asyncio.to_thread(maintenance.quick_check, path)
        return DatabaseHealth(
            where=str(path),
            schema_version=store.schema_version,
            upgraded_from=store.upgraded_from,
            integrity=integrity,
            sessions=len(summaries),
            open_sessions=sum(s.session.status is SessionStatus.OPEN for s in summaries),
            pending_jobs=len(jobs),
        )
    finally:
        await store.close()


async def _check_postgres(settings: Settings, url: str) -> DatabaseHealth:
    _driver()
    from db.postgres import PostgresStore, tools

    store = await PostgresStore.open(url)
    try:
        health = await tools.check_database(url)
        await check_keys(store, _keys(settings), database=f"the database at {health.where}")
    finally:
        await store.close()
    return DatabaseHealth(
        where=health.where,
        schema_version=store.schema_version,
        upgraded_from=store.upgraded_from,
        integrity="ok",
        sessions=health.sessions,
        open_sessions=health.open_sessions,
        pending_jobs=health.pending_jobs,
        server=f"PostgreSQL {health.server}",
        expired_leases=health.expired_leases,
    )


async def backup_database(settings: Settings, target: Path) -> Backup:
    """A consistent copy to ``target`` (a new file, 0600), taken while the bot runs."""
    try:
        if settings.database_url:
            _driver()
            from db.postgres.dump import dump_database

            dumped = await dump_database(settings.database_url, target)
            version = dumped.schema_version
            return Backup(where=dumped.where, schema_version=version, tool=dumped.tool)
        path = settings.database_path
        version = await asyncio.to_thread(maintenance.backup, path, target)
        return Backup(where=str(path), schema_version=version, tool="SQLite's backup API")
    except FileExistsError:
        raise ConsultbotError(
            f"{target} already exists: a backup never overwrites a file, so give a new name"
        ) from None
    except OSError as e:
        raise ConsultbotError(f"{target}: cannot be written: {e.strerror or e}") from e


async def copy_sqlite_database(settings: Settings, source: Path) -> tuple[str, dict[str, int]]:
    """Copy the SQLite database ``source`` into the (empty) PostgreSQL database the settings
    name; (where, rows copied per table)."""
    if not settings.database_url:
        raise ConfigError(SETTING, "is not set: it names the PostgreSQL database to copy into")
    if not await asyncio.to_thread(source.is_file):
        raise StorageError(f"there is no SQLite database at {source}")
    _driver()
    from db.postgres.copy import copy_from_sqlite
    from db.postgres.url import where

    copied = await copy_from_sqlite(source, settings.database_url)
    return where(settings.database_url), copied
