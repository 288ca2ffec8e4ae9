"""A session label ("Policy group, 3 Dec"): given to /start-session or ``consultbot schedule
add``, shown in /sessions, ``consultbot sessions`` and every digest format; no facilitator's
or young person's name or platform id appears anywhere in the digest."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import discord
import pytest
from discord import app_commands

from adapters.discord.commands import add_commands
from adapters.local.adapter import LocalChannel
from bot.app import open_runtime
from bot.cli import main
from bot.core.events import Command, Role
from bot.core.outbound import PrivateNotice

from .formats import csv_rows, docx_paragraphs, json_data, readable
from .scripted import FACILITATOR, LABEL, PEOPLE, Scripted, settings_for, use_from_cli

STAFF = LocalChannel.person("staff-3", Role.STAFF)


def test_the_label_heads_every_digest_format(session: Scripted) -> None:
    heading = f"Our response to the Case for Change: {LABEL}"
    text = readable(session.files)
    assert session.files["md"].decode().startswith(f"# {heading}\n")
    assert text["html"].lstrip().startswith(heading)
    assert docx_paragraphs(session.files["docx"])[0] == ("Title", heading)
    assert {row["session-label"] for row in csv_rows(session.files["csv"])} == {LABEL}
    assert json_data(session.files["json"])["label"] == LABEL


def test_the_digest_names_nobody(session: Scripted) -> None:
    who = [p.user_id for p in (*PEOPLE.values(), FACILITATOR)]
    for fmt, content in readable(session.files).items():
        assert not [user for user in who if user in content], fmt


def test_sessions_lists_the_label_in_the_chat_and_on_the_command_line(
    session: Scripted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def listed() -> str:
        async with open_runtime(session.settings) as runtime:
            channel = LocalChannel(runtime.engine)
            (reply,) = await channel.command(STAFF, Command.SESSIONS)
            assert isinstance(reply, PrivateNotice)
            return reply.text

    line = f"• {session.session_id} · {LABEL} · case-for-change · closed · 03 Jul 2026 ·"
    assert line in asyncio.run(listed())
    assert "10 answers from 8 people" in asyncio.run(listed())  # the held one too
    use_from_cli(session.settings, monkeypatch)
    assert main(["sessions"]) == 0
    assert line in capsys.readouterr().out


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ("x" * 61, "please keep it to 60"),
        ("@everyone party", "can't mention anyone"),
        ("for <@123>", "can't mention anyone"),
    ],
)
def test_a_label_that_is_too_long_or_mentions_someone_is_refused(
    tmp_path: Path, label: str, problem: str
) -> None:
    async def start() -> tuple[str, int]:
        async with open_runtime(settings_for(tmp_path)) as runtime:
            channel = LocalChannel(runtime.engine)
            (reply,) = await channel.command(
                FACILITATOR, Command.START_SESSION, **{"question-set": "check-in"}, label=label
            )
            return getattr(reply, "text", ""), len(await runtime.store.session_summaries())

    text, sessions = asyncio.run(start())
    assert problem in text and sessions == 0


def test_a_scheduled_session_carries_its_label(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(tmp_path)
    use_from_cli(settings, monkeypatch)
    args = ["schedule", "add", "--question-set", "check-in", "--start", "2099-12-01 18:00"]
    args += ["--platform", "discord", "--channel", "120000000000000001"]
    args += ["--label", "Policy group, 1 Dec"]
    assert main(args) == 0
    assert "labelled Policy group, 1 Dec." in capsys.readouterr().out

    async def start_it() -> str | None:
        async with open_runtime(settings) as runtime:
            (schedule,) = await runtime.store.schedules()
            assert schedule.label == "Policy group, 1 Dec"
            await runtime.engine.start_scheduled(schedule, 0)
            started = await runtime.store.session_for_occurrence(schedule.id, 0)
            assert started is not None
            return started.label

    assert asyncio.run(start_it()) == "Policy group, 1 Dec"


def test_discord_offers_the_label_and_word_format() -> None:
    client = discord.Client(intents=discord.Intents.none())
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)

    async def run(*_: object) -> None:
        return None

    add_commands(tree, run=run, question_sets=list)
    start = tree.get_command("start-session")
    digest = tree.get_command("digest")
    assert isinstance(start, app_commands.Command) and isinstance(digest, app_commands.Command)
    label = next(p for p in start.parameters if p.name == "label")
    assert not label.required and label.max_value == 60
    formats = next(p for p in digest.parameters if p.display_name == "format")
    assert [c.value for c in formats.choices] == ["all", "md", "html", "csv", "json", "docx"]
