"""The operator's tools for PostgreSQL (``python -m db.postgres``, for ``consultbot db …``):
migrate, check, and copying a SQLite database in with nothing lost or renumbered."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from bot.config import PROJECT_ROOT
from bot.core.errors import StorageError
from bot.core.records import AlertKind, AuditEntry, JobKind
from bot.core.store import Store
from db.postgres import PostgresStore
from db.postgres.copy import copy_from_sqlite
from db.postgres.migrate import latest_version
from db.postgres.tools import main
from db.sqlite import SqliteStore
from tests.db.builders import T0, alert, answer, job, participant, schedule, session

pytestmark = pytest.mark.postgres


async def _fill(store: Store) -> None:
    """A bit of everything a running install holds."""
    await store.adopt_codebook("v1")
    await store.create_session(
        session("s1", channel="c1", ends_at=T0 + timedelta(hours=1), label="Policy group")
    )
    await store.create_session(session("s2", channel="c2", started_at=T0 + timedelta(days=1)))
    amy = await participant(store, "s1", "amy", identity=b"\x00\xffsealed")
    ben = await participant(store, "s1", "ben")
    first = await answer(store, amy, "Moving 9 times 🏠", tags=(("stability-moves", "moving"),))
    await answer(store, ben, "held back", question=2)
    await store.record_answer_post(first.id, "msg-1")
    await store.set_reaction(first.id, ben.id, "👍", True)
    await store.set_tag(first.id, "voice", True)
    await store.create_alert(alert("al1", answer_id=first.id))
    await store.create_alert(alert("w1", session_id=None, kind=AlertKind.WORRIED))
    await store.acknowledge_alert("al1", T0 + timedelta(minutes=3))
    await store.create_schedule(
        schedule("plan1", label="Weekly"), [job("plan1:1:start", 60, JobKind.START)]
    )
    await store.adopt_codebook("v2")  # the answers so far were tagged with v1
    await store.add_jobs([job("reveal", 1, session_id="s1"), job("running", 2, JobKind.CLOSE)])
    assert await store.claim_job("running")  # left running: the process "died"
    await store.close_session("s2", T0 + timedelta(days=2))
    await store.purge_session("s2", '{"snapshot": true}')
    await store.audit(AuditEntry(at=T0, actor="discord:lead", action="x", subject="", detail=""))
    await store.remember_key_fingerprint("identity", "f" * 64)


async def _everything(store: Store) -> list[object]:
    return [
        await store.session_summaries(),
        [await store.answers_for_session(s) for s in ("s1", "s2")],
        await store.answer_for_message("msg-1"),
        await store.alert("al1"),
        await store.alert("w1"),
        await store.schedules(),
        await store.pending_jobs(),
        await store.audit_entries(),
        await store.key_fingerprint("identity"),
        await store.sealed_identities(),
        await store.digest_snapshot("s2"),
        await store.session_attendance("s1"),
        await store.answers_to_retag("v3"),
        await store.adopt_codebook("v2"),
    ]


async def test_a_copied_database_reads_exactly_like_the_sqlite_one(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "consultbot.db"
    sqlite_store = await SqliteStore.open(source)
    await _fill(sqlite_store)
    expected = await _everything(sqlite_store)
    await sqlite_store.close()

    copied = await copy_from_sqlite(source, postgres_url)
    assert copied["answers"] == 2 and copied["jobs"] == 3 and copied["participants"] == 2

    store = await PostgresStore.open(postgres_url)
    assert await _everything(store) == expected
    # The job left running comes back like after any crash, then numbering carries on.
    assert await store.recover_interrupted_jobs(frozenset({JobKind.CLOSE})) == (1, 0)
    carol = await participant(store, "s1", "carol")
    assert carol.id == 3  # after the copied 1 and 2
    later = AuditEntry(at=T0, actor="cli", action="later", subject="", detail="")
    await store.audit(later)
    assert (await store.audit_entries())[-1] == later
    await store.close()


async def test_copying_into_a_database_that_holds_data_is_refused_and_changes_nothing(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "consultbot.db"
    await (await SqliteStore.open(source)).close()
    store = await PostgresStore.open(postgres_url)
    await store.create_session(session("already-here"))
    with pytest.raises(StorageError, match=r"already holds data \(sessions\)"):
        await copy_from_sqlite(source, postgres_url)
    assert await store.all_session_ids() == ["already-here"]
    await store.close()


async def test_a_sqlite_column_the_copy_does_not_know_is_refused_by_name(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "consultbot.db"
    await (await SqliteStore.open(source)).close()
    with sqlite3.connect(source) as db:
        db.execute("ALTER TABLE answers ADD COLUMN mood TEXT")
    with pytest.raises(StorageError, match=r"answers\.mood"):
        await copy_from_sqlite(source, postgres_url)


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_migrate_then_check_from_the_command_line(
    empty_postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(capsys, "--url", empty_postgres_url, "check")
    assert code == 1 and f"schema version 0 (this code: {latest_version()})" in out
    code, out, _ = _cli(capsys, "--url", empty_postgres_url, "migrate")
    assert code == 0 and f"upgraded from schema version 0 to {latest_version()}" in out
    code, out, _ = _cli(capsys, "--url", empty_postgres_url, "migrate")
    assert code == 0 and "up to date" in out
    code, out, _ = _cli(capsys, "--url", empty_postgres_url, "check")
    assert code == 0 and "0 sessions (0 open), 0 jobs pending, 0 running" in out
    assert "password" not in out.lower()


def test_check_counts_what_is_there_and_expired_leases(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "consultbot.db"

    async def prepare() -> None:
        store = await SqliteStore.open(source)
        await _fill(store)
        await store.close()
        await copy_from_sqlite(source, postgres_url)

    asyncio.run(prepare())
    code, out, _ = _cli(capsys, "--url", postgres_url, "check")
    assert code == 0
    assert "2 sessions (1 open), 2 jobs pending, 1 running (1 with an expired lease" in out


def test_a_newer_schema_and_an_unreachable_server_are_one_line_exit_2(
    fresh_postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(fresh_postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE consultbot_schema SET version = 42")
    code, out, err = _cli(capsys, "--url", fresh_postgres_url, "check")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"version 42, newer than this code ({latest_version()})" in err
    code, _, err = _cli(capsys, "--url", "postgresql://u:Hush-77@127.0.0.1:9/x", "migrate")
    assert code == 2 and err.count("\n") == 1
    assert "CONSULTBOT_DATABASE_URL" in err and "127.0.0.1:9/x" in err and "Hush-77" not in err


def test_without_an_address_it_says_which_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CONSULTBOT_DATABASE_URL", raising=False)
    code, _, err = _cli(capsys, "check")
    assert code == 2 and "CONSULTBOT_DATABASE_URL: is not set" in err


def test_python_m_db_postgres_runs(postgres_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "db.postgres", "check"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "CONSULTBOT_DATABASE_URL": postgres_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"schema version {latest_version()}" in done.stdout
