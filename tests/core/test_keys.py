"""The keys a database was set up with: a changed key is refused at start, and rotating one is
an explicit command that says what it can and cannot carry over."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from cryptography.fernet import Fernet

from adapters.local.adapter import LocalChannel
from bot.app import open_engine
from bot.cli import main
from bot.config import Settings
from bot.core.events import Command
from tests.core.conftest import session_with_answers

NEW_IDENTITY_KEY = "a-brand-new-identity-key-0123456789"


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_changed_identity_key_is_refused_at_start_naming_the_key(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(session_with_answers(cli_env, ("u", "my foster carer is great")))
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", NEW_IDENTITY_KEY)
    assert main(["withdraw", "--platform", "local", "--user", "u"]) == 2
    captured = capsys.readouterr()
    line = _one_line(captured.err)
    assert "CONSULTBOT_IDENTITY_KEY" in line and "keys rotate --identity" in line
    assert "Nothing was stored" not in captured.out
    # Nothing was touched: with the key it was set up with, the answer is found.
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", cli_env.identity_key.decode())
    assert main(["withdraw", "--platform", "local", "--user", "u"]) == 0
    assert "Deleted 1 answers" in capsys.readouterr().out


def test_a_changed_safeguarding_key_is_refused_at_start_naming_the_key(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(session_with_answers(cli_env, ("u", "my foster carer is great")))
    monkeypatch.setenv("CONSULTBOT_SAFEGUARDING_KEY", Fernet.generate_key().decode())
    assert main(["sessions"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "CONSULTBOT_SAFEGUARDING_KEY" in line and "keys rotate --safeguarding" in line


def test_the_database_keeps_a_keyed_fingerprint_never_the_keys(cli_env: Settings) -> None:
    asyncio.run(session_with_answers(cli_env, ("u", "hello")))
    raw = cli_env.database_path.read_bytes()
    for key in (cli_env.identity_key, cli_env.safeguarding_key):
        assert key not in raw
    with sqlite3.connect(cli_env.database_path) as db:
        rows = dict(db.execute("SELECT name, fingerprint FROM key_fingerprints").fetchall())
    assert set(rows) == {"identity", "safeguarding"}
    assert all(len(fp) == 64 for fp in rows.values())
    assert cli_env.identity_key.hex() not in rows.values()


def test_rotating_the_identity_key_rekeys_everyone_so_withdrawal_still_works(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(session_with_answers(cli_env, ("u", "my foster carer is great"), ("v", "ok")))
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", NEW_IDENTITY_KEY)
    assert main(["keys", "rotate", "--identity"]) == 0
    assert "Re-keyed 2 people in 1 session" in capsys.readouterr().out
    assert main(["withdraw", "--platform", "local", "--user", "u"]) == 0
    assert "Deleted 1 answers" in capsys.readouterr().out
    assert main(["audit"]) == 0
    assert "cli  identity-key-rotated" in capsys.readouterr().out
    # The old key is now the wrong one.
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", cli_env.identity_key.decode())
    assert main(["sessions"]) == 2


def test_rotating_when_someone_cannot_be_rekeyed_says_what_is_lost_and_needs_confirm(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(session_with_answers(cli_env, ("u", "first"), ("v", "second")))
    # One identity was sealed with a key nobody has any more.
    lost = Fernet(Fernet.generate_key()).encrypt(b"local\x1fv")
    with sqlite3.connect(cli_env.database_path) as db:
        (pid,) = db.execute("SELECT MAX(participant_id) FROM identities").fetchone()
        db.execute("UPDATE identities SET ciphertext = ? WHERE participant_id = ?", (lost, pid))
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", NEW_IDENTITY_KEY)
    assert main(["keys", "rotate", "--identity"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "1 person" in line and "--confirm" in line and "/withdraw" in line
    assert main(["sessions"]) == 2  # nothing changed: still set up with the old key
    capsys.readouterr()
    assert main(["keys", "rotate", "--identity", "--confirm"]) == 0
    out = capsys.readouterr().out
    assert "Re-keyed 1 person" in out and "1 person" in out and "can no longer" in out
    assert main(["withdraw", "--platform", "local", "--user", "u"]) == 0
    assert "Deleted 1 answers" in capsys.readouterr().out
    assert main(["withdraw", "--platform", "local", "--user", "v"]) == 0
    assert "Nothing was stored" in capsys.readouterr().out


def test_rotating_the_safeguarding_key_reseals_who_wrote_what(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(session_with_answers(cli_env, ("u", "first")))
    new = Fernet.generate_key()
    monkeypatch.setenv("CONSULTBOT_SAFEGUARDING_KEY", new.decode())
    # Without the old key every identity would become unreadable: refused unless confirmed.
    assert main(["keys", "rotate", "--safeguarding"]) == 2
    assert "CONSULTBOT_OLD_SAFEGUARDING_KEY" in _one_line(capsys.readouterr().err)
    monkeypatch.setenv("CONSULTBOT_OLD_SAFEGUARDING_KEY", cli_env.safeguarding_key.decode())
    assert main(["keys", "rotate", "--safeguarding"]) == 0
    assert "Re-sealed 1 person" in capsys.readouterr().out
    with sqlite3.connect(cli_env.database_path) as db:
        (token,) = db.execute("SELECT ciphertext FROM identities").fetchone()
    assert Fernet(new).decrypt(token) == b"local\x1fu"
    monkeypatch.delenv("CONSULTBOT_OLD_SAFEGUARDING_KEY")
    assert main(["sessions"]) == 0


async def _worried(settings: Settings, words: str) -> None:
    async with open_engine(settings) as engine:
        await LocalChannel(engine).command(LocalChannel.person("w"), Command.WORRIED, message=words)


def test_rotating_the_safeguarding_key_carries_an_alerts_sealed_words_over_or_says_so(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    words = "please can someone ring me"
    asyncio.run(_worried(cli_env, words))
    new = Fernet.generate_key()
    monkeypatch.setenv("CONSULTBOT_SAFEGUARDING_KEY", new.decode())
    # Nobody's identity is stored, but the alert's words would become unreadable: refused.
    assert main(["keys", "rotate", "--safeguarding"]) == 2
    refusal = _one_line(capsys.readouterr().err)
    assert "1 alert" in refusal and "CONSULTBOT_OLD_SAFEGUARDING_KEY" in refusal
    monkeypatch.setenv("CONSULTBOT_OLD_SAFEGUARDING_KEY", cli_env.safeguarding_key.decode())
    assert main(["keys", "rotate", "--safeguarding"]) == 0
    assert "Re-sealed the sealed words of 1 alert." in capsys.readouterr().out
    with sqlite3.connect(cli_env.database_path) as db:
        (token,) = db.execute("SELECT sealed FROM alerts").fetchone()
    assert words in Fernet(new).decrypt(token).decode()
