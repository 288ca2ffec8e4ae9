"""The glossary at start-up: an error-level word refuses the question set; a warn-level word is
told to the facilitator privately when they start a session with it."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.local.adapter import LocalChannel
from bot.app import load_data_files, open_engine
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.core.errors import DataFileError
from bot.core.events import Command, Role
from bot.core.outbound import PrivateNotice

FACILITATOR = LocalChannel.person("fac-1", Role.FACILITATOR)


def prompts_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the shipped prompts whose check-in set says ``new`` instead of ``old``."""
    folder = tmp_path / "prompts"
    shutil.copytree(DEFAULT_PROMPTS_DIR, folder)
    check_in = folder / "question-sets" / "check-in.toml"
    text = check_in.read_text(encoding="utf-8")
    assert old in text
    check_in.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_the_shipped_question_sets_start_without_any_finding(settings: Settings) -> None:
    assert load_data_files(settings).language_notes == {}


def test_an_error_level_word_refuses_the_set_at_start_naming_file_and_word(
    settings: Settings, tmp_path: Path
) -> None:
    folder = prompts_with(tmp_path, "Quick check-in", "Quick check-in for LAC")
    with pytest.raises(DataFileError) as refused:
        load_data_files(replace(settings, prompts_dir=folder))
    message = str(refused.value)
    assert "check-in.toml" in message and "title" in message and "LAC" in message


async def test_a_warn_level_word_is_told_to_the_facilitator_only(
    settings: Settings, tmp_path: Path
) -> None:
    folder = prompts_with(tmp_path, "Quick check-in", "Quick check-in about your placement")
    async with open_engine(replace(settings, prompts_dir=folder)) as engine:
        channel = LocalChannel(engine)
        sent = await channel.command(
            FACILITATOR, Command.START_SESSION, **{"question-set": "check-in"}
        )
    notes = [m for m in sent if isinstance(m, PrivateNotice)]
    assert len(notes) == 1 and notes[0].recipient == FACILITATOR
    assert "placement" in notes[0].text and "nothing was changed" in notes[0].text
    group = [m for m in sent if not isinstance(m, PrivateNotice)]
    assert all("asked adults" not in getattr(m, "text", "") for m in group)
