"""Fixtures for the store's contract suite: the same tests over SQLite and PostgreSQL.

``store`` is parametrised over both backends; ``backend`` opens more stores on the same
database (a second process, a restart). PostgreSQL comes from one throwaway cluster per test
session (``cluster.py``), started on first use and stopped at the end. Each test gets a
clean, migrated database: a copy of a migrated template, emptied and lent again after the
test (a ``DELETE`` of every table takes milliseconds where ``CREATE DATABASE … TEMPLATE`` takes
a tenth to half a second on a busy machine). Tests that change the schema ask for
``fresh_postgres_url`` (a new copy, dropped after) or ``empty_postgres_url`` (not migrated).

Without PostgreSQL binaries (and without ``CONSULTBOT_TEST_DATABASE_URL``) the PostgreSQL
tests are skipped, or fail when ``CONSULTBOT_REQUIRE_POSTGRES=1`` (``make test-pg`` and CI
set it). Every test that uses PostgreSQL is marked ``postgres``: ``pytest -m "not postgres"``
leaves them out.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from bot.core.store import Store
from db.postgres import PostgresStore
from db.postgres.connection import AsyncConnection
from db.postgres.migrate import latest_version, migrate
from db.sqlite import SqliteStore
from tests.db.cluster import NOT_FOUND, Cluster, Databases, find_bindir

PG_FIXTURES = {"pg_server", "pg_url", "postgres_url", "fresh_postgres_url", "empty_postgres_url"}
# Short enough for a test to wait one out, long enough that a busy machine renews in time.
TEST_LEASE = timedelta(seconds=1)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        on_pg = callspec is not None and "postgres" in callspec.params.values()
        if names & PG_FIXTURES or on_pg:
            item.add_marker(pytest.mark.postgres)


@dataclass
class PgServer:
    databases: Databases
    template: str
    cluster: Cluster | None = None
    spare: list[str] = field(default_factory=list)

    def lend(self) -> str:
        return self.spare.pop() if self.spare else self.databases.create(self.template)

    def give_back(self, name: str) -> None:
        """Empty it for the next test; a database that can't be emptied (a store left open
        holds a lock) or whose schema a test changed is dropped instead."""
        try:
            with psycopg.connect(self.databases.url(name), autocommit=True) as conn:
                conn.execute("SET lock_timeout = '2s'")
                with conn.transaction():
                    _empty(conn)
                version = conn.execute("SELECT version FROM consultbot_schema").fetchone()
            if version == (latest_version(),):
                self.spare.append(name)
                return
        except psycopg.Error:
            pass
        self.databases.drop(name)


def _empty(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
    tables = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        " AND tablename <> 'consultbot_schema'"
    ).fetchall()
    for (table,) in tables:
        conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
    identities = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND is_identity = 'YES'"
    ).fetchall()
    for table, column in identities:
        conn.execute(
            sql.SQL("ALTER TABLE {} ALTER COLUMN {} RESTART").format(
                sql.Identifier(table), sql.Identifier(column)
            )
        )


def _unavailable(reason: str) -> None:
    if os.environ.get("CONSULTBOT_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here: {reason}", pytrace=False)
    pytest.skip(reason)


async def _migrate(url: str) -> None:
    async with await AsyncConnection.connect(url, autocommit=True) as conn:
        await migrate(conn)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    cluster = None
    admin_url = os.environ.get("CONSULTBOT_TEST_DATABASE_URL", "")
    if not admin_url:
        bindir = find_bindir()
        if bindir is None:
            _unavailable(NOT_FOUND)
            return
        cluster = Cluster(bindir).start()
        admin_url = cluster.url()
    databases = Databases(admin_url)
    try:
        template = databases.create()
        asyncio.run(_migrate(databases.url(template)))
        yield PgServer(databases=databases, template=template, cluster=cluster)
    finally:
        databases.close()
        if cluster is not None:
            cluster.stop()


@pytest.fixture
def postgres_url(pg_server: PgServer) -> Iterator[str]:
    """A clean, migrated database for this test."""
    name = pg_server.lend()
    yield pg_server.databases.url(name)
    pg_server.give_back(name)


@pytest.fixture
def fresh_postgres_url(pg_server: PgServer) -> Iterator[str]:
    """A new migrated database, dropped after the test: for tests that change the schema."""
    name = pg_server.databases.create(pg_server.template)
    yield pg_server.databases.url(name)
    pg_server.databases.drop(name)


@pytest.fixture
def empty_postgres_url(pg_server: PgServer) -> Iterator[str]:
    """A new database with no schema at all, dropped after the test."""
    name = pg_server.databases.create()
    yield pg_server.databases.url(name)
    pg_server.databases.drop(name)


@pytest.fixture
def pg_url(postgres_url: str) -> str:
    return postgres_url


@dataclass
class Backend:
    """One database under test, and how to open (more) stores on it."""

    name: str
    location: str  # a file path or a PostgreSQL URL
    lease_wait: float  # how long a dead process's job stays claimed (0: SQLite has no lease)
    opened: list[Any] = field(default_factory=list)

    async def open(self, **options: Any) -> Store:
        store: SqliteStore | PostgresStore
        if self.name == "sqlite":
            store = await SqliteStore.open(self.location)
        else:
            store = await PostgresStore.open(self.location, lease=TEST_LEASE, **options)
        self.opened.append(store)
        return store

    async def close_all(self) -> None:
        while self.opened:
            await self.opened.pop().close()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        return Backend("sqlite", str(tmp_path / "store.db"), lease_wait=0)
    url: str = request.getfixturevalue("postgres_url")
    return Backend("postgres", url, lease_wait=TEST_LEASE.total_seconds() + 0.2)


@pytest.fixture
async def backend(database: Backend) -> AsyncIterator[Backend]:
    """Every store a test opens is closed after it, even when the test fails first."""
    yield database
    await database.close_all()


@pytest.fixture
async def store(backend: Backend) -> Store:
    return await backend.open()
