"""The real bolt AsyncApp in HTTP mode on 127.0.0.1, its Web API client pointed at FakeSlack,
and a real engine on a temporary SQLite file.

``harness`` shows answers to the group at once (``reveal_seconds=0``) so tests read in order;
``batched_harness`` keeps the default shuffled batches (60 s).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from adapters.slack import modals, render
from adapters.slack.adapter import SlackAdapter
from adapters.slack.settings import SlackSettings
from bot.app import open_engine
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.engine import Engine
from tests.fakes.slack_server import FakeSlack, Reply, SlackRequests

SECRET = "test-signing-secret-0123"
CHANNEL = "C0GROUP001"
STAFF_CHANNEL = "C0STAFF001"
FACILITATOR = "U0FACIL001"
GROUP_FACILITATOR = "U0FACIL002"  # a facilitator by user group, not by id
STAFF = "U0STAFF001"
FACILITATOR_GROUP = "S0FACIL001"
LEAD = "U0LEAD0001"  # the designated safeguarding lead
SAFEGUARDING_CHANNEL = "C0SAFE0001"  # the lead's private alert channel
MEMBERS = ("U0MEMBER0A", "U0MEMBER0B", "U0MEMBER0C")
UPDATE_INTERVAL = 0.3  # the production 1 s, shortened to keep the suite fast

ALL_SLACK_IDS = (
    CHANNEL,
    STAFF_CHANNEL,
    FACILITATOR,
    GROUP_FACILITATOR,
    STAFF,
    FACILITATOR_GROUP,
    LEAD,
    SAFEGUARDING_CHANNEL,
    *MEMBERS,
    "UBOT",
    "T1",
)


def slack_env(fake: FakeSlack, **extra: str) -> dict[str, str]:
    return {
        # The bare names (/start-session), as the core's words spell them; the default
        # prefix (/cb-start-session) has its own tests in test_slack_hardening.py.
        "SLACK_COMMAND_PREFIX": "",
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "SLACK_FACILITATOR_USER_IDS": FACILITATOR,
        "SLACK_FACILITATOR_GROUP_IDS": FACILITATOR_GROUP,
        "SLACK_STAFF_USER_IDS": STAFF,
        "SLACK_STAFF_CHANNEL_ID": STAFF_CHANNEL,
        "SLACK_SAFEGUARDING_USER_IDS": LEAD,
        "SLACK_SAFEGUARDING_CHANNEL_ID": SAFEGUARDING_CHANNEL,
        **extra,
    }


@dataclass
class Harness:
    fake: FakeSlack
    slack: SlackRequests
    adapter: SlackAdapter
    engine: Engine

    async def command(self, command: str, text: str = "", *, user: str) -> Reply:
        return await self.slack.slash(command, text, user_id=user, channel_id=CHANNEL)

    def question_posts(self) -> list[dict[str, Any]]:
        return [m for m in self.fake.posts_in(CHANNEL) if _button_ids(m, "cb:answer:")]

    def answer_posts(self) -> list[dict[str, Any]]:
        return [m for m in self.fake.posts_in(CHANNEL) if _button_ids(m, "cb:react:")]

    async def open_answer_form(
        self, user: str, question: Mapping[str, Any], *, agree: bool = True
    ) -> dict[str, Any]:
        """Press "Answer anonymously"; return the answer modal. The first time in a session
        the privacy note opens instead: with ``agree`` it is submitted ("I understand") and
        the answer modal that replaces it is returned; without, the note itself."""
        opened = len(self.fake.calls_to("views.open"))
        (action_id,) = _button_ids(question, "cb:answer:")
        reply = await self.slack.press(
            user_id=user, channel_id=CHANNEL, message_ts=question["ts"], action_id=action_id
        )
        assert reply.status == 200
        calls = await self.fake.wait_for("views.open", opened + 1)
        view: dict[str, Any] = calls[-1].params["view"]
        if view["callback_id"] != modals.CONSENT_VIEW_CALLBACK_ID or not agree:
            return view
        agreed = await self.slack.submit(user_id=user, view=view)
        assert agreed.status == 200
        update = agreed.json()
        assert update["response_action"] == "update", update
        answer_view: dict[str, Any] = update["view"]
        return answer_view

    async def join(self, user: str, question: Mapping[str, Any]) -> None:
        """Agree to the session's privacy note (through the answer button) without
        answering, as someone who only wants to react would."""
        view = await self.open_answer_form(user, question)
        assert view["callback_id"] == modals.ANSWER_VIEW_CALLBACK_ID

    async def submit_answer(
        self, user: str, view: Mapping[str, Any], text: str, *, quote_ok: bool = False
    ) -> None:
        values: dict[str, dict[str, str | list[str]]] = {
            modals.ANSWER_INPUT_BLOCK_ID: {modals.ANSWER_INPUT_ACTION_ID: text}
        }
        if quote_ok:
            values[modals.QUOTE_BLOCK_ID] = {modals.QUOTE_ACTION_ID: [modals.QUOTE_OPTION_VALUE]}
        reply = await self.slack.submit(user_id=user, view=view, values=values)
        assert reply.status == 200
        assert reply.body == ""  # an empty ack closes the modal

    async def answer(
        self, user: str, question: Mapping[str, Any], text: str, *, quote_ok: bool = False
    ) -> dict[str, Any]:
        """The whole answering path: button → (privacy note →) modal → submit → the
        anonymous post. Needs answers shown at once (``harness``)."""
        posted = len(self.answer_posts())
        thanked = len(self.fake.calls_to("chat.postEphemeral"))
        view = await self.open_answer_form(user, question)
        await self.submit_answer(user, view, text, quote_ok=quote_ok)
        await self.fake.wait_until(lambda: len(self.answer_posts()) > posted)
        # the thanks comes after the core has recorded where the answer was posted
        await self.fake.wait_for("chat.postEphemeral", thanked + 1)
        return self.answer_posts()[-1]

    async def press_reaction(self, user: str, answer: Mapping[str, Any], index: int) -> Reply:
        action_id = _button_ids(answer, "cb:react:")[index]
        return await self.slack.press(
            user_id=user, channel_id=CHANNEL, message_ts=answer["ts"], action_id=action_id
        )


def _button_ids(message: Mapping[str, Any], prefix: str) -> list[str]:
    return [
        str(element["action_id"])
        for block in message.get("blocks", [])
        for element in block.get("elements", [])
        if str(element.get("action_id", "")).startswith(prefix)
    ]


def button_counts(message: Mapping[str, Any]) -> list[str]:
    """The reaction buttons' texts, e.g. ``["👍 2", "💡 1", "❤️ 0"]``."""
    return [
        str(element["text"]["text"])
        for block in message.get("blocks", [])
        if block.get("block_id") == render.REACTIONS_BLOCK_ID
        for element in block["elements"]
    ]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(usergroups={FACILITATOR_GROUP: [GROUP_FACILITATOR]}) as fake:
        yield fake


def _settings(tmp_path: Path, reveal_seconds: int) -> Settings:
    return Settings(
        database_path=tmp_path / "t.db",
        prompts_dir=DEFAULT_PROMPTS_DIR,
        identity_key=b"test-key-0123456789",
        reveal_seconds=reveal_seconds,
    )


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    async with open_engine(_settings(tmp_path, reveal_seconds=0)) as engine:
        yield engine


@asynccontextmanager
async def _running(fake: FakeSlack, engine: Engine) -> AsyncIterator[Harness]:
    settings = SlackSettings.from_env(slack_env(fake))
    adapter = SlackAdapter(engine, settings, update_interval=UPDATE_INTERVAL)
    runner = web.AppRunner(adapter.web_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with SlackRequests(f"http://127.0.0.1:{port}/slack/events", SECRET, fake) as slack:
            yield Harness(fake=fake, slack=slack, adapter=adapter, engine=engine)
    finally:
        await adapter.aclose()
        await runner.cleanup()


@pytest.fixture
async def harness(fake: FakeSlack, engine: Engine) -> AsyncIterator[Harness]:
    async with _running(fake, engine) as harness:
        yield harness


@pytest.fixture
async def batched_harness(fake: FakeSlack, tmp_path: Path) -> AsyncIterator[Harness]:
    """Answers reach the group in shuffled batches, the default (``reveal_seconds=60``).
    No timed jobs run here, so a batch only appears when the facilitator moves on or ends."""
    settings = Settings(
        database_path=tmp_path / "batched.db",
        prompts_dir=DEFAULT_PROMPTS_DIR,
        identity_key=b"test-key-0123456789",
    )
    assert settings.reveal_seconds == 60
    async with open_engine(settings) as engine, _running(fake, engine) as harness:
        yield harness
