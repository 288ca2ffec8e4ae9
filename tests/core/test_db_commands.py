"""``consultbot db backup`` and ``consultbot db check``: what an operator runs from cron and
from a health check."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.app import open_engine
from bot.cli import main
from bot.config import Settings
from db.sqlite.migrate import migration_scripts
from tests.core.conftest import session_with_answers

LATEST = len(migration_scripts())


def test_a_backup_is_a_consistent_private_copy_taken_while_the_bot_runs(
    cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(session_with_answers(cli_env, ("u", "my foster carer is great")))
    target = tmp_path / "backups" / "consultbot-2026-12-01.db"

    async def backup_while_open() -> int:
        async with open_engine(cli_env):  # the bot is running, with the database open
            return await asyncio.to_thread(main, ["db", "backup", str(target)])

    assert asyncio.run(backup_while_open()) == 0
    assert str(target) in capsys.readouterr().out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with sqlite3.connect(target) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST,)
        assert db.execute("SELECT text FROM answers").fetchall() == [("my foster carer is great",)]
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no -wal, no .tmp


def test_a_backup_never_overwrites_a_file(
    cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(session_with_answers(cli_env, ("u", "hello")))
    target = tmp_path / "existing.db"
    target.write_bytes(b"yesterday's backup")
    assert main(["db", "backup", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert target.read_bytes() == b"yesterday's backup"


def test_check_reports_the_schema_version_and_that_the_keys_match(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(session_with_answers(cli_env, ("u", "hello")))
    assert main(["db", "check"]) == 0
    out = capsys.readouterr().out
    assert f"schema version {LATEST}" in out and "keys match" in out and "1 session" in out


def test_check_without_a_database_is_one_line_and_creates_nothing(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no database" in err
    assert not cli_env.database_path.exists()


def test_check_upgrades_an_older_database_and_says_so(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(cli_env.database_path) as db:
        for version, _, sql in migration_scripts()[:3]:
            db.executescript(f"{sql}\nPRAGMA user_version = {version};")
    assert main(["db", "check"]) == 0
    assert f"upgraded from schema version 3 to {LATEST}" in capsys.readouterr().out


def test_migrate_upgrades_an_older_sqlite_file_and_then_says_it_is_up_to_date(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "migrate"]) == 2  # no file: one line, and nothing created
    assert "no database" in capsys.readouterr().err and not cli_env.database_path.exists()
    with sqlite3.connect(cli_env.database_path) as db:
        for version, _, sql in migration_scripts()[:3]:
            db.executescript(f"{sql}\nPRAGMA user_version = {version};")
    assert main(["db", "migrate"]) == 0
    assert f"upgraded from schema version 3 to {LATEST}" in capsys.readouterr().out
    assert main(["db", "migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
