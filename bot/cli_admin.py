"""The operator's commands: ``consultbot db backup FILE``, ``consultbot db check`` and
``consultbot keys rotate --identity | --safeguarding [--confirm]`` (see docs/running.md).

Like the rest of the command line, each prints what it did, or one line to stderr and exit
status 2 when it can't."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from bot.app import backup_database, check_database, rotate_key
from bot.config import Settings
from bot.core.errors import InvalidRequest
from bot.safeguarding.keys import (
    IDENTITY,
    KEY_SETTINGS,
    OLD_SAFEGUARDING_KEY,
    SAFEGUARDING,
    Rotation,
)

SubParsers = argparse._SubParsersAction  # argparse has no public name for it


def add_parsers(sub: SubParsers[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="back up the database, or check it (a health check)")
    actions = db.add_subparsers(dest="db_action", required=True)
    backup = actions.add_parser(
        "backup", help="copy the database to a new file, safely while the bot runs"
    )
    backup.add_argument("file", type=Path, help="the copy to write (never overwritten)")
    actions.add_parser(
        "check", help="open the database (upgrading it), check keys and integrity; exit 0 if ok"
    )

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


async def run_db(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    if args.db_action == "backup":
        version = await backup_database(settings, args.file)
        print(
            f"Backed up {settings.database_path} (schema version {version}) to {args.file}",
            file=out,
        )
        return 0
    health = await check_database(settings)
    if health.integrity != "ok":
        raise InvalidRequest(
            f"{settings.database_path} failed SQLite's integrity check: {health.integrity}; "
            "restore the last backup (docs/running.md)"
        )
    upgraded = ""
    if health.upgraded_from != health.schema_version:
        upgraded = f" (upgraded from schema version {health.upgraded_from} to"
        upgraded += f" {health.schema_version})"
    print(
        f"ok: {settings.database_path} at schema version {health.schema_version}{upgraded}; "
        f"keys match; {_count(health.sessions, 'session')} ({health.open_sessions} open), "
        f"{_count(health.pending_jobs, 'job')} waiting",
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
