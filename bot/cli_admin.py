"""The operator's commands: ``consultbot db migrate | check | backup FILE |
copy-from-sqlite FILE`` on either backend (``db.admin``) and ``consultbot keys rotate
--identity | --safeguarding [--confirm]`` (see docs/running.md and docs/postgresql.md).

Like the rest of the command line, each prints what it did, or one line to stderr and exit
status 2 when it can't."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from bot.app import load_data_files, rotate_key
from bot.config import Settings
from bot.core.errors import InvalidRequest
from bot.safeguarding.keys import (
    IDENTITY,
    KEY_SETTINGS,
    OLD_SAFEGUARDING_KEY,
    SAFEGUARDING,
    Rotation,
)
from db.admin import backup_database, check_database, copy_sqlite_database, migrate_database

SubParsers = argparse._SubParsersAction  # argparse has no public name for it


def add_parsers(sub: SubParsers[argparse.ArgumentParser]) -> None:
    db = sub.add_parser(
        "db", help="upgrade, check or back up the database (SQLite, or PostgreSQL if set)"
    )
    actions = db.add_subparsers(dest="db_action", required=True)
    actions.add_parser("migrate", help="bring the database's schema up to this code's")
    backup = actions.add_parser(
        "backup", help="copy the database to a new file, safely while the bot runs"
    )
    backup.add_argument("file", type=Path, help="the copy to write (never overwritten)")
    actions.add_parser(
        "check", help="open the database (upgrading it), check keys and integrity; exit 0 if ok"
    )
    copy = actions.add_parser(
        "copy-from-sqlite",
        help="copy a SQLite database into the empty PostgreSQL one CONSULTBOT_DATABASE_URL names",
    )
    copy.add_argument("file", type=Path, help="the SQLite database (stop the bot first)")

    keys = sub.add_parser("keys", help="change a key on purpose (see docs/running.md)")
    key_actions = keys.add_subparsers(dest="keys_action", required=True)
    rotate = key_actions.add_parser(
        "rotate", help="carry what a key protects over to the new key in the environment"
    )
    which = rotate.add_mutually_exclusive_group(required=True)
    which.add_argument("--identity", action="store_true", help="CONSULTBOT_IDENTITY_KEY")
    which.add_argument("--safeguarding", action="store_true", help="CONSULTBOT_SAFEGUARDING_KEY")
    rotate.add_argument(
        "--confirm", action="store_true", help="go on even if some people can't be carried over"
    )


# The commands that work without the identity key: they copy or upgrade what is there.
KEYLESS_DB_ACTIONS = frozenset({"backup", "migrate", "copy-from-sqlite"})


async def run_db(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    if args.db_action == "backup":
        backup = await backup_database(settings, args.file)
        print(
            f"Backed up {backup.where} (schema version {backup.schema_version}) to {args.file}"
            + ("" if backup.tool.startswith("SQLite") else f" with {backup.tool}"),
            file=out,
        )
        return 0
    if args.db_action == "migrate":
        where, before, now = await migrate_database(settings)
        done = f"upgraded from schema version {before} to {now}" if before != now else "up to date"
        print(f"{where}: {done} (schema version {now})", file=out)
        return 0
    if args.db_action == "copy-from-sqlite":
        where, copied = await copy_sqlite_database(settings, args.file)
        rows = ", ".join(f"{n} {table}" for table, n in copied.items() if n)
        print(f"Copied {args.file} into {where}: {rows or 'no rows'}", file=out)
        return 0
    load_data_files(settings)  # checked, as a start would
    health = await check_database(settings)
    if health.integrity != "ok":
        raise InvalidRequest(
            f"{health.where} failed SQLite's integrity check: {health.integrity}; "
            "restore the last backup (docs/running.md)"
        )
    upgraded = ""
    if health.upgraded_from != health.schema_version:
        upgraded = f" (upgraded from schema version {health.upgraded_from} to"
        upgraded += f" {health.schema_version})"
    server = f" ({health.server})" if health.server else ""
    expired = ""
    if health.expired_leases:
        expired = f", {health.expired_leases} left running by a stopped process"
    print(
        f"ok: {health.where}{server} at schema version {health.schema_version}{upgraded}; "
        f"keys match; {_count(health.sessions, 'session')} ({health.open_sessions} open), "
        f"{_count(health.pending_jobs, 'job')} waiting{expired}",
        file=out,
    )
    return 0


async def run_keys(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    which = IDENTITY if args.identity else SAFEGUARDING
    old = os.environ.get(OLD_SAFEGUARDING_KEY, "").strip().encode() or None
    rotation = await rotate_key(settings, which, confirm=args.confirm, old_safeguarding_key=old)
    setting = KEY_SETTINGS[which]
    if rotation.unchanged_key:
        print(f"{setting} is already the key this database uses: nothing to do.", file=out)
        return 0
    if not rotation.done:
        raise InvalidRequest(_refusal(which, rotation))
    verb = "Re-keyed" if which == IDENTITY else "Re-sealed"
    print(
        f"{verb} {_people(rotation.changed)} in {_count(rotation.changed_sessions, 'session')} "
        f"under the new {setting}.",
        file=out,
    )
    if rotation.lost:
        print(_lost(which, rotation), file=out)
    return 0


def _refusal(which: str, rotation: Rotation) -> str:
    if which == IDENTITY:
        return (
            f"{_people(rotation.lost)} ({_sessions(rotation)}) can't be re-keyed: their "
            "identity can't be opened with CONSULTBOT_SAFEGUARDING_KEY. If you go on, their "
            "answers stay until the retention purge but they can no longer take them back "
            "with /withdraw (nor can staff for them). Run again with --confirm to go on"
        )
    return (
        f"{_people(rotation.lost)} ({_sessions(rotation)}) had who they are sealed with a key "
        f"that isn't here: set {OLD_SAFEGUARDING_KEY} to the old key, or run again with "
        "--confirm to go on without them (/who-wrote will then not know who wrote their "
        "answers; they are kept, to re-seal if the old key turns up)"
    )


def _lost(which: str, rotation: Rotation) -> str:
    if which == IDENTITY:
        return (
            f"{_people(rotation.lost)} ({_sessions(rotation)}) could not be re-keyed: they "
            "can no longer take their answers back with /withdraw; their answers go at the "
            "retention purge."
        )
    return (
        f"{_people(rotation.lost)} ({_sessions(rotation)}) could not be re-sealed: /who-wrote "
        f"can no longer say who wrote their answers unless you run this again with "
        f"{OLD_SAFEGUARDING_KEY} set to the key they were sealed with."
    )


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _sessions(rotation: Rotation) -> str:
    shown = ", ".join(rotation.lost_sessions[:5])
    more = f" and {len(rotation.lost_sessions) - 5} more" if len(rotation.lost_sessions) > 5 else ""
    return f"in session{'s' if len(rotation.lost_sessions) > 1 else ''} {shown}{more}"
