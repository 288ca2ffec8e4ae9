"""Forgetting reaches the disk: withdrawn and purged words are not left in any byte of the
database or its write-ahead log, and the files are readable by their owner only."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.local.adapter import LocalChannel
from bot.app import open_runtime
from bot.cli import main
from bot.config import Settings
from bot.core.events import Command
from tests.core.conftest import session_with_answers
from tests.privacy.conftest import AMY, BEN, FACILITATOR, start
from tests.scheduling.conftest import FakeClock, RecordingWaker

SECRET = "zebra-marmalade-quokka"


def _database_files(db: Path) -> list[Path]:
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask, so only our own modes can keep files private."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


async def test_withdrawn_words_leave_no_trace_in_the_database_or_its_log(
    settings: Settings,
) -> None:
    clock = FakeClock()
    async with open_runtime(settings, clock=clock, waker=RecordingWaker()) as rt:
        channel = LocalChannel(rt.engine)
        question = await start(channel)
        # Long enough to spill onto overflow pages, and one short answer on the same page.
        await channel.answer(AMY, question, f"{SECRET} " + "and more words " * 120, quote_ok=True)
        await channel.answer(AMY, question, f"short {SECRET}", quote_ok=True)
        await channel.answer(BEN, question, "my foster carer is great", quote_ok=True)
        await channel.command(AMY, Command.WITHDRAW)
        for path in _database_files(settings.database_path):  # while the bot still runs
            assert SECRET.encode() not in path.read_bytes(), path.name
        assert (await rt.engine.digest(question.session_id)).answer_count == 1
    for path in _database_files(settings.database_path):
        assert SECRET.encode() not in path.read_bytes(), path.name


async def test_purged_words_leave_no_trace_in_the_database_or_its_log(
    settings: Settings,
) -> None:
    clock = FakeClock()
    async with open_runtime(settings, clock=clock, waker=RecordingWaker()) as rt:
        channel = LocalChannel(rt.engine)
        question = await start(channel)
        await channel.answer(AMY, question, f"{SECRET} in the check-in")  # never quoted
        await channel.command(FACILITATOR, Command.END_SESSION)
        clock.advance(days=31)
        assert await rt.engine.purge() == 1
        for path in _database_files(settings.database_path):
            assert SECRET.encode() not in path.read_bytes(), path.name


@pytest.mark.usefixtures("open_umask")
async def test_the_database_and_its_log_are_private_to_the_owner(tmp_path: Path) -> None:
    settings = Settings(
        database_path=tmp_path / "new-folder" / "consultbot.db",
        prompts_dir=Settings.from_env({}, require_identity_key=False).prompts_dir,
        identity_key=b"test-key-0123456789",
    )
    async with open_runtime(settings, clock=FakeClock(), waker=RecordingWaker()) as rt:
        channel = LocalChannel(rt.engine)
        question = await start(channel)
        await channel.answer(AMY, question, "an answer", quote_ok=True)
        files = _database_files(settings.database_path)
        assert {p.name for p in files} >= {"consultbot.db", "consultbot.db-wal"}
        for path in files:
            assert _mode(path) == 0o600, path.name
    assert _mode(settings.database_path.parent) == 0o700


@pytest.mark.usefixtures("open_umask")
def test_an_existing_database_readable_by_others_is_made_private(settings: Settings) -> None:
    asyncio.run(session_with_answers(settings, ("u", "hello")))
    os.chmod(settings.database_path, 0o644)
    asyncio.run(session_with_answers(settings, ("v", "hello again")))
    assert _mode(settings.database_path) == 0o600


@pytest.mark.usefixtures("open_umask")
def test_digests_from_the_command_line_and_the_demo_are_private(
    cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = asyncio.run(session_with_answers(cli_env, ("u", "hello")))
    out = tmp_path / "staff" / "digest.md"
    assert main(["digest", session_id, "--out", str(out)]) == 0
    assert _mode(out) == 0o600 and _mode(out.parent) == 0o700
    demo = tmp_path / "demo-digests"
    assert main(["demo", "--out", str(demo), "--participants", "3"]) == 0
    capsys.readouterr()
    assert _mode(demo) == 0o700
    assert sorted(_mode(p) for p in demo.iterdir()) == [0o600] * 5


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CONSULTBOT_DATABASE", str(settings.database_path))
    monkeypatch.setenv("CONSULTBOT_PROMPTS_DIR", str(settings.prompts_dir))
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", settings.identity_key.decode())
    monkeypatch.setenv("CONSULTBOT_SAFEGUARDING_KEY", settings.safeguarding_key.decode())
    return settings
