"""Fixtures for the command-line tests: the environment of an operator's shell, and a session
with answers in the database."""

from __future__ import annotations

import pytest

from adapters.local.adapter import LocalChannel
from bot.app import open_engine
from bot.config import Settings
from bot.core.events import Command, Role
from bot.core.outbound import QuestionPost


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CONSULTBOT_DATABASE", str(settings.database_path))
    monkeypatch.setenv("CONSULTBOT_PROMPTS_DIR", str(settings.prompts_dir))
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", settings.identity_key.decode())
    monkeypatch.setenv("CONSULTBOT_SAFEGUARDING_KEY", settings.safeguarding_key.decode())
    for key in ("CONSULTBOT_OLD_SAFEGUARDING_KEY", "CONSULTBOT_SMTP_HOST"):
        monkeypatch.delenv(key, raising=False)
    return settings


async def session_with_answers(settings: Settings, *answers: tuple[str, str]) -> str:
    """A closed check-in session where each (user id, text) answered the first question."""
    async with open_engine(settings) as engine:
        channel = LocalChannel(engine)
        facilitator = channel.person("f", Role.FACILITATOR)
        await channel.command(facilitator, Command.START_SESSION, **{"question-set": "check-in"})
        question = channel.outbox.of_type(QuestionPost)[-1]
        for user, text in answers:
            await channel.answer(channel.person(user), question, text, quote_ok=True)
        await channel.command(facilitator, Command.END_SESSION)
        return question.session_id
