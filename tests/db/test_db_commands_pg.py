"""``consultbot db migrate | check | backup | copy-from-sqlite`` on PostgreSQL: the same
commands as on SQLite, chosen by ``CONSULTBOT_DATABASE_URL``, and one line with exit 2 for an
address that is wrong, a server that can't be reached, or a schema newer than the code."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from bot.cli import main
from bot.config import Settings
from db.postgres import PostgresStore
from db.postgres.migrate import latest_version
from tests.core.conftest import cli_env, session_with_answers  # noqa: F401 (a fixture)
from tests.db.cluster import find_bindir

pytestmark = pytest.mark.postgres


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _password(url: str) -> str:
    return str(conninfo_to_dict(url).get("password") or "no-password-in-this-address")


@pytest.fixture
def on_postgres(cli_env: Settings) -> Settings:  # noqa: F811
    """The operator's shell; each test sets ``CONSULTBOT_DATABASE_URL``."""
    return cli_env


def test_migrate_then_check_an_empty_database(
    on_postgres: Settings,
    empty_postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CONSULTBOT_DATABASE_URL", empty_postgres_url)
    code, out, _ = _cli(capsys, "db", "migrate")
    assert code == 0 and f"upgraded from schema version 0 to {latest_version()}" in out
    code, out, _ = _cli(capsys, "db", "migrate")
    assert code == 0 and "up to date" in out
    code, out, err = _cli(capsys, "db", "check")
    assert code == 0, err
    assert out.startswith("ok: ") and "(PostgreSQL " in out and "keys match" in out
    assert f"schema version {latest_version()}" in out and "0 sessions (0 open)" in out
    assert _password(empty_postgres_url) not in out
    assert not on_postgres.database_path.exists()  # no SQLite file was made on the side


def test_a_sqlite_database_copied_across_checks_out_and_backs_up_with_pg_dump(
    on_postgres: Settings,
    postgres_url: str,
    empty_postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    asyncio.run(session_with_answers(on_postgres, ("u", "my foster carer is great")))
    monkeypatch.setenv("CONSULTBOT_DATABASE_URL", postgres_url)
    code, out, err = _cli(capsys, "db", "copy-from-sqlite", str(on_postgres.database_path))
    assert code == 0, err
    assert "1 sessions" in out and "1 answers" in out and _password(postgres_url) not in out
    code, out, _ = _cli(capsys, "db", "check")
    assert code == 0 and "keys match; 1 session (0 open)" in out

    bindir = find_bindir()  # the client tools come with the server's binaries
    if shutil.which("pg_dump") is None and bindir is not None:
        monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    target = tmp_path / "backups" / "consultbot.dump"
    code, out, err = _cli(capsys, "db", "backup", str(target))
    assert code == 0, err
    assert f"to {target} with pg_dump" in out and _password(postgres_url) not in out + err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no leftovers
    code, _, err = _cli(capsys, "db", "backup", str(target))
    assert code == 2 and "already exists" in err

    # The restore in docs/postgresql.md, into a new empty database.
    restore = shutil.which("pg_restore")
    assert restore is not None
    subprocess.run(
        [restore, "--no-owner", f"--dbname={empty_postgres_url}", str(target)],
        check=True,
        capture_output=True,
        timeout=120,
    )

    async def restored_answers() -> list[str]:
        store = await PostgresStore.open(empty_postgres_url)
        try:
            (session_id,) = await store.all_session_ids()
            return [a.answer.text for a in await store.answers_for_session(session_id)]
        finally:
            await store.close()

    assert asyncio.run(restored_answers()) == ["my foster carer is great"]


def test_a_backup_without_pg_dump_says_what_to_install(
    on_postgres: Settings,
    postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CONSULTBOT_DATABASE_URL", postgres_url)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = _cli(capsys, "db", "backup", str(tmp_path / "x.dump"))
    assert code == 2 and err.count("\n") == 1
    assert "pg_dump is not on the PATH" in err and "postgresql-client" in err
    assert not (tmp_path / "x.dump").exists()


def test_copy_from_sqlite_needs_the_address_to_copy_into(
    on_postgres: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(session_with_answers(on_postgres, ("u", "hello")))
    monkeypatch.delenv("CONSULTBOT_DATABASE_URL", raising=False)
    code, _, err = _cli(capsys, "db", "copy-from-sqlite", str(on_postgres.database_path))
    assert code == 2 and err.count("\n") == 1
    assert "CONSULTBOT_DATABASE_URL: is not set" in err


@pytest.mark.parametrize(
    "action", [["migrate"], ["check"], ["backup", "never.dump"], ["copy-from-sqlite", "x.db"]]
)
@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("postgresql://bot:Hush-77@127.0.0.1:9/consultbot", "127.0.0.1:9/consultbot"),
        ("mysql://bot:Hush-77@db.example.org/consultbot", "db.example.org"),
        ("postgresql://bot:Hush-77@db.example.org:port/consultbot", "db.example.org"),
    ],
)
def test_a_wrong_or_unreachable_address_is_one_line_naming_the_setting_and_the_host(
    on_postgres: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    action: list[str],
    url: str,
    host: str,
) -> None:
    (tmp_path / "x.db").write_bytes(b"")  # copy-from-sqlite gets as far as the server
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONSULTBOT_DATABASE_URL", url)
    code, out, err = _cli(capsys, "db", *action)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "CONSULTBOT_DATABASE_URL" in err and host in err and "Hush-77" not in err
    assert not (tmp_path / "never.dump").exists()


@pytest.mark.parametrize("action", ["migrate", "check"])
def test_a_schema_newer_than_the_code_is_refused_with_both_versions(
    on_postgres: Settings,
    fresh_postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    action: str,
) -> None:
    with psycopg.connect(fresh_postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE consultbot_schema SET version = 42")
    monkeypatch.setenv("CONSULTBOT_DATABASE_URL", fresh_postgres_url)
    code, out, err = _cli(capsys, "db", action)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"schema version 42, newer than this code ({latest_version()})" in err
    with psycopg.connect(fresh_postgres_url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM consultbot_schema").fetchone() == (42,)
