"""A /held list's buttons carry their meaning in their action ids, so a press after the bot
restarted (a new process, the same database) still releases, keeps out or asks who wrote."""

from __future__ import annotations

from pathlib import Path

from adapters.local.adapter import LocalChannel
from bot.app import open_engine
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.core.events import Command, Role
from bot.core.outbound import AnswerPost, HeldAnswerList, PrivateNotice, QuestionPost
from tests.scenarios.steps import DISCLOSURE

WORRY = "someone keeps waiting for me outside school and i'm scared"


def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_path=tmp_path / "held.db",
        prompts_dir=DEFAULT_PROMPTS_DIR,
        identity_key=b"test-key-0123456789",
        reveal_seconds=0,
    )


async def test_held_buttons_still_work_after_a_restart(tmp_path: Path) -> None:
    async with open_engine(settings(tmp_path)) as engine:
        channel = LocalChannel(engine)
        facilitator = channel.person("fac", Role.FACILITATOR)
        lead = channel.person("lead", Role.SAFEGUARDING_LEAD)
        await channel.command(facilitator, Command.START_SESSION, **{"question-set": "check-in"})
        question = channel.outbox.of_type(QuestionPost)[-1]
        await channel.answer(channel.person("young-1"), question, DISCLOSURE)
        await channel.answer(channel.person("young-2"), question, WORRY)
        await channel.command(lead, Command.HELD)
        (listing,) = channel.outbox.of_type(HeldAnswerList)
        by_words = {held.words: held for held in listing.answers}
        newest, older = by_words[WORRY], by_words[DISCLOSURE]

    async with open_engine(settings(tmp_path)) as engine:  # a new process, the same store
        channel = LocalChannel(engine)
        lead = channel.person("lead", Role.SAFEGUARDING_LEAD)
        released, _ = await channel.press_button(lead, older.release_action_id)
        await channel.press_button(lead, newest.keep_out_action_id)
        asked = await channel.ask_who_wrote(lead, newest.who_wrote_action_id, "to call them now")

        assert any("now shown to the group" in getattr(m, "text", "") for m in released)
        (post,) = channel.outbox.of_type(AnswerPost)
        assert post.text == DISCLOSURE and "young-1" not in post.alias
        assert isinstance(asked[0], PrivateNotice) and "local user young-2" in asked[0].text
        await channel.command(lead, Command.HELD)
        notices = [m.text for m in channel.outbox.of_type(PrivateNotice) if m.recipient == lead]
        assert notices[-1] == "Nothing is held back from the group right now."
