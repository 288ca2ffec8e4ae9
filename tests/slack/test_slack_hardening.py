"""Slack fixes from the hardening issue: what a young person types stays text in a
facilitator's direct message, a replayed form is stored once, answers taken back leave the
channel, and the commands carry a prefix of their own."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from adapters.slack import commands, render
from adapters.slack.adapter import SlackAdapter, serve
from adapters.slack.settings import SlackSettings
from bot.cli import build_parser
from bot.config import DEFAULT_PROMPTS_DIR
from bot.core.events import Command
from bot.core.ports import Outbox
from bot.engine import Engine
from bot.sessions.notices import load_notices
from tests.fakes.slack_server import FakeSlack, SlackRequests
from tests.slack.conftest import (
    CHANNEL,
    FACILITATOR,
    LEAD,
    MEMBERS,
    SECRET,
    STAFF_CHANNEL,
    Harness,
    slack_env,
)

A, B, C = MEMBERS
FACILITATOR_DM = "D" + FACILITATOR.removeprefix("U")


def test_a_channel_link_quoted_in_a_notice_stays_text() -> None:
    quoted = render.notice_text("Check-in from session s1 (anonymous): «see <#C0STAFF001>»")
    assert "<#C0STAFF001>" not in quoted
    assert "&lt;#C0STAFF001&gt;" in quoted
    # the bot's own words around a quote still render
    hint = render.notice_text("Invite me to <#C0ABC> «**not bold** <#C0DEF|x>»")
    assert hint.startswith("Invite me to <#C0ABC> «**not bold** &lt;#C0DEF|x&gt;»")


async def test_a_channel_typed_in_the_check_in_is_no_link_in_the_facilitators_dm(
    harness: Harness,
) -> None:
    fake = harness.fake
    await harness.command("/start-session", "check-in", user=FACILITATOR)
    await fake.wait_until(lambda: len(harness.question_posts()) == 1)
    await harness.command("/end-session", user=FACILITATOR)
    await fake.wait_until(
        lambda: any(p["blocks"][0]["text"]["text"] == "Check-in" for p in harness.question_posts())
    )
    check_in = harness.question_posts()[-1]
    view = await harness.open_answer_form(A, check_in)
    await harness.submit_answer(A, view, f"fine, but look at <#{STAFF_CHANNEL}>")
    await fake.wait_until(lambda: bool(fake.posts_in(FACILITATOR_DM)))
    await harness.adapter.settle()

    (note,) = fake.posts_in(FACILITATOR_DM)
    sent = note["text"] + json.dumps(note["blocks"])
    assert f"<#{STAFF_CHANNEL}>" not in sent
    assert f"&lt;#{STAFF_CHANNEL}&gt;" in sent


async def test_a_replayed_answer_form_is_stored_once(harness: Harness, tmp_path: Path) -> None:
    """Slack signs a request, but the same signed view_submission can be sent again within
    the 5-minute window: the answer must still be stored and shown once."""
    fake, slack = harness.fake, harness.slack
    await harness.command("/start-session", "check-in", user=FACILITATOR)
    await fake.wait_until(lambda: len(harness.question_posts()) == 1)
    view = await harness.open_answer_form(A, harness.question_posts()[0])
    payload = slack.view_submission_payload(
        user_id=A, view=view, values={"answer": {"text": "We should be asked first."}}
    )
    body = urlencode({"payload": json.dumps(payload)})
    for _ in range(3):  # one signed request, sent three times
        reply = await slack.post(body, "application/x-www-form-urlencoded")
        assert reply.status == 200
    await fake.wait_until(lambda: len(harness.answer_posts()) >= 1)
    await harness.adapter.settle()

    assert len(harness.answer_posts()) == 1
    assert [e.user for e in fake.ephemerals.values() if e.channel == CHANNEL] == [A]  # thanked once
    with sqlite3.connect(tmp_path / "t.db") as db:  # the engine's database (conftest)
        assert db.execute("SELECT COUNT(*) FROM answers").fetchone() == (1,)


async def _two_answers(harness: Harness) -> tuple[dict[str, Any], dict[str, Any]]:
    await harness.command("/start-session", "check-in", user=FACILITATOR)
    await harness.fake.wait_until(lambda: len(harness.question_posts()) == 1)
    question = harness.question_posts()[0]
    mine = await harness.answer(A, question, "Mine, and I want it back.")
    theirs = await harness.answer(B, question, "Somebody else's.")
    return mine, theirs


def _answer_id(post: dict[str, Any]) -> str:
    ids = [
        str(e["action_id"])
        for b in post["blocks"]
        for e in b.get("elements", [])
        if str(e.get("action_id", "")).startswith("cb:react:")
    ]
    return ids[0].split(":")[2]


async def test_withdraw_deletes_the_persons_answer_posts_from_the_channel(
    harness: Harness,
) -> None:
    fake = harness.fake
    mine, theirs = await _two_answers(harness)
    await harness.press_reaction(B, mine, 0)  # a count update that may still be waiting

    await harness.command("/withdraw", "", user=A)
    await fake.wait_for("chat.delete")
    await harness.adapter.settle()

    assert [(c.params["channel"], c.params["ts"]) for c in fake.calls_to("chat.delete")] == [
        (CHANNEL, mine["ts"])
    ]
    assert [m["ts"] for m in harness.answer_posts()] == [theirs["ts"]]
    deleted_at = fake.calls.index(fake.calls_to("chat.delete")[0])
    updated_at = [
        i
        for i, c in enumerate(fake.calls)
        if c.method == "chat.update" and c.params["ts"] == mine["ts"]
    ]
    assert all(i < deleted_at for i in updated_at)  # no count update on a deleted post
    replies = [body.get("text", "") for _, body in fake.hook_posts]
    assert any("from the group's chat too" in text for text in replies)


async def test_keeping_an_answer_out_deletes_its_post(harness: Harness) -> None:
    fake = harness.fake
    mine, theirs = await _two_answers(harness)

    await harness.command("/keep-out", _answer_id(mine), user=LEAD)
    await fake.wait_for("chat.delete")

    assert [c.params["ts"] for c in fake.calls_to("chat.delete")] == [mine["ts"]]
    assert [m["ts"] for m in harness.answer_posts()] == [theirs["ts"]]


async def test_a_refused_deletion_is_said_truthfully_to_the_young_person(
    harness: Harness,
) -> None:
    fake = harness.fake
    mine, _ = await _two_answers(harness)
    fake.fail("chat.delete", "cant_delete_message")

    await harness.command("/withdraw", "", user=A)
    refused = load_notices(DEFAULT_PROMPTS_DIR).posts_not_removed
    await fake.wait_until(lambda: any(b.get("text") == refused for _, b in fake.hook_posts))

    assert mine["ts"] in [m["ts"] for m in harness.answer_posts()]  # still there, as told


@asynccontextmanager
async def _app_with(
    fake: FakeSlack, engine: Engine, env: dict[str, str]
) -> AsyncIterator[SlackRequests]:
    settings = SlackSettings.from_env(env)
    adapter = SlackAdapter(engine, settings)
    runner = web.AppRunner(adapter.web_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with SlackRequests(f"http://127.0.0.1:{port}/slack/events", SECRET, fake) as slack:
            yield slack
            await adapter.settle()
    finally:
        await adapter.aclose()
        await runner.cleanup()


async def test_commands_carry_the_cb_prefix_and_the_bots_words_spell_it(
    fake: FakeSlack, engine: Engine
) -> None:
    env = slack_env(fake)
    env.pop("SLACK_COMMAND_PREFIX", None)  # the default
    async with _app_with(fake, engine, env) as slack:
        await slack.slash("/cb-privacy", user_id=A, channel_id=CHANNEL)
        await fake.wait_until(lambda: len(fake.hook_posts) == 1)
        await slack.slash("/privacy", user_id=A, channel_id=CHANNEL)  # an older manifest's
        await fake.wait_until(lambda: len(fake.hook_posts) == 2)
    texts = [body["text"] for _, body in fake.hook_posts]
    assert texts[0] == texts[1]
    assert "/cb-withdraw" in texts[0]
    assert re.search(r"(?<!cb-)/withdraw", texts[0]) is None


def test_command_names_are_spelled_outside_quoted_words_only() -> None:
    text = "Use /end-session or /next-question. Check-in: «I typed /withdraw» (see /help)"
    assert commands.spell_commands(text, "cb-") == (
        "Use /cb-end-session or /cb-next-question. Check-in: «I typed /withdraw» (see /cb-help)"
    )
    assert commands.spell_commands(text, "") == text
    assert commands.spell_commands("https://x.example/help and /helpful", "cb-") == (
        "https://x.example/help and /helpful"
    )
    assert commands.command_from_slash("/cb-keep-out") is Command.KEEP_OUT
    assert commands.command_from_slash("/keep-out") is Command.KEEP_OUT
    assert commands.command_from_slash("/cb-weather") is None
    assert commands.command_pattern("cb-").match("/cb-who-wrote")
    assert not commands.command_pattern("cb-").match("/xx-who-wrote")


async def test_http_mode_listens_on_loopback_unless_told_otherwise(
    fake: FakeSlack, engine: Engine
) -> None:
    settings = SlackSettings.from_env(slack_env(fake))
    for host, reachable_from_127_0_0_2 in ((None, False), ("0.0.0.0", True)):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        listening = asyncio.Event()

        async def started(_outbox: Outbox, listening: asyncio.Event = listening) -> None:
            listening.set()

        extra = {} if host is None else {"host": host}
        task = asyncio.create_task(
            serve(engine, settings, http=True, port=port, on_start=started, **extra)
        )
        try:
            await asyncio.wait_for(listening.wait(), 5)
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            try:
                _, writer = await asyncio.open_connection("127.0.0.2", port)
                writer.close()
                reached = True
            except OSError:
                reached = False
            assert reached is reachable_from_127_0_0_2, host
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def test_run_takes_a_host_and_defaults_to_loopback() -> None:
    parser = build_parser()
    assert parser.parse_args(["run", "--platform", "slack", "--http"]).host == "127.0.0.1"
    given = parser.parse_args(["run", "--platform", "slack", "--http", "--host", "0.0.0.0"])
    assert given.host == "0.0.0.0"
