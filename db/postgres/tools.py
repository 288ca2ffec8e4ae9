"""What an operator does to a PostgreSQL database: migrate it, check it, copy SQLite into it.

Each is a plain async function for ``consultbot db …`` to call, and ``python -m db.postgres``
runs them from a shell meanwhile (``main``). Expected failures are one line on stderr naming
``CONSULTBOT_DATABASE_URL`` and the host (never the password), exit 2.

``check`` changes nothing: it says where the database is, its schema version against this
code's, what it holds, and whose job leases are live or expired; it exits 1 when the schema
is older than the code (``migrate`` brings it up to date; so does any start).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import psycopg
from psycopg.rows import dict_row

from bot.core.errors import ConfigError, ConsultbotError
from db.postgres.copy import copy_from_sqlite
from db.postgres.migrate import latest_version, migrate, refuse_newer, schema_version
from db.postgres.url import SETTING, unreachable, unusable, where

EXIT_OK, EXIT_BEHIND, EXIT_USAGE = 0, 1, 2


async def _connect(url: str) -> psycopg.AsyncConnection[Any]:
    where(url)  # a malformed address fails here, naming the setting
    try:
        return await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as error:
        raise unreachable(url, error) from None


async def migrate_database(url: str) -> tuple[int, int]:
    """Bring the schema up to this code's; return (version before, version now)."""
    async with await _connect(url) as conn:
        try:
            return await migrate(conn)
        except psycopg.Error as error:
            raise unusable(url, error) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class Health:
    where: str
    server: str
    schema_version: int
    latest: int
    sessions: int = 0
    open_sessions: int = 0
    pending_jobs: int = 0
    running_jobs: int = 0
    expired_leases: int = 0

    @property
    def behind(self) -> bool:
        return self.schema_version < self.latest

    def report(self) -> str:
        lines = [
            f"PostgreSQL {self.server} at {self.where}",
            f"schema version {self.schema_version} (this code: {self.latest})"
            + (": run migrate, or start consultbot, to upgrade it" if self.behind else ""),
        ]
        if self.schema_version:
            lines.append(
                f"{self.sessions} sessions ({self.open_sessions} open),"
                f" {self.pending_jobs} jobs pending, {self.running_jobs} running"
                f" ({self.expired_leases} with an expired lease: their process stopped)"
            )
        return "\n".join(lines)


async def check_database(url: str) -> Health:
    """Where, which version, what it holds; changes nothing."""
    async with await _connect(url) as conn:
        try:
            version = await schema_version(conn)
            refuse_newer(version, latest_version())
            server = conn.info.parameter_status("server_version") or "?"
            health = Health(
                where=where(url), server=server, schema_version=version, latest=latest_version()
            )
            if version == 0:
                return health
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(
                "SELECT (SELECT count(*) FROM sessions) AS sessions,"
                " (SELECT count(*) FROM sessions WHERE status = 'open') AS open_sessions,"
                " (SELECT count(*) FROM jobs WHERE state = 'pending') AS pending_jobs,"
                " (SELECT count(*) FROM jobs WHERE state = 'running') AS running_jobs,"
                " (SELECT count(*) FROM jobs WHERE state = 'running'"
                "   AND (lease_until IS NULL OR lease_until < now())) AS expired_leases"
            )
            counts = await cursor.fetchone()
        except psycopg.Error as error:
            raise unusable(url, error) from None
    assert counts is not None
    return Health(
        where=health.where,
        server=health.server,
        schema_version=version,
        latest=health.latest,
        **{k: int(v) for k, v in counts.items()},
    )


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """``python -m db.postgres migrate | check | copy-from-sqlite FILE``"""
    parser = argparse.ArgumentParser(
        prog="python -m db.postgres", description="Migrate, check, or fill a PostgreSQL database."
    )
    parser.add_argument("--url", help=f"the database (default: ${SETTING})")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="bring the schema up to this code's")
    sub.add_parser("check", help="schema version, contents and job leases (changes nothing)")
    copy = sub.add_parser("copy-from-sqlite", help="copy a SQLite database into an empty one")
    copy.add_argument("file", type=Path, help="the SQLite database (CONSULTBOT_DATABASE)")
    args = parser.parse_args(argv)
    url = args.url or os.environ.get(SETTING, "")
    try:
        if not url:
            raise ConfigError(SETTING, "is not set (or give --url)")
        return asyncio.run(_run(args, url, out or sys.stdout))
    except ConsultbotError as error:
        print(f"python -m db.postgres: {error}", file=sys.stderr)
        return EXIT_USAGE


async def _run(args: argparse.Namespace, url: str, out: TextIO) -> int:
    if args.command == "migrate":
        before, now = await migrate_database(url)
        done = f"upgraded from schema version {before} to {now}" if before != now else "up to date"
        print(f"{where(url)}: {done}", file=out)
        return EXIT_OK
    if args.command == "check":
        health = await check_database(url)
        print(health.report(), file=out)
        return EXIT_BEHIND if health.behind else EXIT_OK
    copied = await copy_from_sqlite(args.file, url)
    rows = ", ".join(f"{n} {table}" for table, n in copied.items() if n)
    print(f"copied {args.file} into {where(url)}: {rows or 'no rows'}", file=out)
    return EXIT_OK
