"""Choosing PostgreSQL: ``CONSULTBOT_DATABASE_URL`` is checked at start, and anything wrong
with it (malformed, unreachable, a schema newer than the code) is one line naming the
setting and the host, never the password, with exit code 2."""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest

from bot.cli import main
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.core.errors import ConfigError
from db.postgres.migrate import latest_version

SAFEGUARDING_KEY = "ZGVtby1vbmx5LWtleS1ub3QtZm9yLXJlYWwtdXNlISE="


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An operator's environment; returns the SQLite path that must never be created."""
    sqlite = tmp_path / "consultbot.db"
    monkeypatch.setenv("CONSULTBOT_DATABASE", str(sqlite))
    monkeypatch.setenv("CONSULTBOT_PROMPTS_DIR", str(DEFAULT_PROMPTS_DIR))
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", "test-key-0123456789")
    monkeypatch.setenv("CONSULTBOT_SAFEGUARDING_KEY", SAFEGUARDING_KEY)
    return sqlite


def _env(url: str) -> dict[str, str]:
    return {
        "CONSULTBOT_IDENTITY_KEY": "test-key-0123456789",
        "CONSULTBOT_SAFEGUARDING_KEY": SAFEGUARDING_KEY,
        "CONSULTBOT_DATABASE_URL": url,
    }


def test_empty_means_sqlite_and_an_address_is_kept_as_given() -> None:
    assert Settings.from_env(_env("")).database_url is None
    url = "postgresql://consultbot:p%40ss@db.example.org:5433/consultbot?sslmode=require"
    assert Settings.from_env(_env(f"  {url} ")).database_url == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://consultbot:Pw-123@db.example.org/consultbot", "must start with postgresql://"),
        ("postgresql://consultbot:Pw-123@db.example.org:54x/consultbot", "port"),
        ("postgresql://consultbot:Pw-123@db.example.org", "must name the database"),
    ],
)
def test_a_malformed_address_names_the_setting_and_host_not_the_password(
    url: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as bad:
        Settings.from_env(_env(url))
    message = str(bad.value)
    assert message.startswith("config CONSULTBOT_DATABASE_URL: ") and problem in message
    assert "db.example.org" in message and "Pw-123" not in message


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_consultbot_refuses_a_malformed_address_in_one_line(
    shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONSULTBOT_DATABASE_URL", "postgres://u:Pw-123@db.example.org:x/cb")
    assert main(["sessions"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "CONSULTBOT_DATABASE_URL" in line and "db.example.org" in line
    assert "Pw-123" not in line and not shell.exists()


def test_consultbot_refuses_an_unclosed_ipv6_host_in_one_line(
    shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONSULTBOT_DATABASE_URL", "postgresql://u:Pw-123@[::1/x")
    assert main(["sessions"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("consultbot: config CONSULTBOT_DATABASE_URL: ")
    assert "host [::1" in line and "square brackets" in line
    assert "Pw-123" not in line and "Traceback" not in line and not shell.exists()


@pytest.mark.postgres
def test_consultbot_names_an_unreachable_host_in_one_line(
    shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONSULTBOT_DATABASE_URL", "postgresql://u:Pw-123@127.0.0.1:9/consultbot")
    assert main(["sessions"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "CONSULTBOT_DATABASE_URL" in line and "127.0.0.1:9/consultbot" in line
    assert "Pw-123" not in line and not shell.exists()


def test_consultbot_runs_on_postgresql_when_the_address_is_set(
    shell: Path,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CONSULTBOT_DATABASE_URL", postgres_url)
    assert main(["sessions"]) == 0
    assert not shell.exists()  # SQLite untouched
    with psycopg.connect(postgres_url) as conn:  # the keys were checked against PostgreSQL
        names = {name for (name,) in conn.execute("SELECT name FROM key_fingerprints")}
    assert names == {"identity", "safeguarding"}


def test_consultbot_refuses_a_schema_newer_than_the_code_with_both_versions(
    shell: Path,
    fresh_postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    newer = latest_version() + 1  # whatever the latest migration is
    with psycopg.connect(fresh_postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE consultbot_schema SET version = %s", (newer,))
    monkeypatch.setenv("CONSULTBOT_DATABASE_URL", fresh_postgres_url)
    assert main(["sessions"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert f"schema version {newer}, newer than this code ({latest_version()})" in line


def test_without_the_postgresql_extra_installed_it_says_how_to_get_it(
    shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "db.postgres", None)  # as if psycopg were not installed
    monkeypatch.setenv("CONSULTBOT_DATABASE_URL", "postgresql://u:Pw-123@db.example.org/cb")
    assert main(["sessions"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "CONSULTBOT_DATABASE_URL" in line and "pip install 'consultbot[postgres]'" in line
    assert "Pw-123" not in line and not shell.exists()
