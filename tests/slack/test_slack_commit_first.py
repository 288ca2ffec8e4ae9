"""Commit before the form closes: on Slack the answer form closes when the app acks its
submit, so the ack comes only after the answer is committed (or, past the budget, the form
says "saving…" and then "saved"). The last test kills the real ``consultbot run`` mid-flood
and finds every answer whose form closed in the database."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from cryptography.fernet import Fernet

from adapters.slack import modals, saving
from tests.fakes.slack_server import FakeSlack, SlackRequests
from tests.slack.conftest import CHANNEL, FACILITATOR, MEMBERS, SECRET, Harness, slack_env

ROOT = Path(__file__).resolve().parents[2]


def stored_texts(database: Path) -> set[str]:
    """What another process finds in the database (after recovering its log)."""
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute("SELECT text FROM answers")}


def answer_values(text: str) -> dict[str, dict[str, str | list[str]]]:
    return {modals.ANSWER_INPUT_BLOCK_ID: {modals.ANSWER_INPUT_ACTION_ID: text}}


async def test_the_form_closes_only_once_the_answer_is_stored(
    harness: Harness, tmp_path: Path
) -> None:
    await harness.command("/start-session", "check-in", user=FACILITATOR)
    await harness.adapter.settle()
    (question,) = harness.question_posts()
    view = await harness.open_answer_form(MEMBERS[0], question)
    reply = await harness.slack.submit(
        user_id=MEMBERS[0], view=view, values=answer_values("more time with my sister")
    )
    assert (reply.status, reply.body) == (200, ""), "an empty ack closes the form"
    assert "more time with my sister" in stored_texts(tmp_path / "t.db")


async def test_a_slow_save_shows_saving_then_saved_and_the_thanks(
    harness: Harness, tmp_path: Path
) -> None:
    harness.adapter.commit_budget = 0  # saving always takes longer than no time at all
    await harness.command("/start-session", "check-in", user=FACILITATOR)
    await harness.adapter.settle()
    (question,) = harness.question_posts()
    view = await harness.open_answer_form(MEMBERS[1], question)
    thanked = len(harness.fake.calls_to("chat.postEphemeral"))
    reply = await harness.slack.submit(
        user_id=MEMBERS[1], view=view, values=answer_values("a quiet room to do homework")
    )
    assert reply.status == 200
    update = reply.json()
    assert update["response_action"] == "update"
    assert modals.SAVING_TEXT.split("…")[0] in json.dumps(update["view"])
    (saved,) = await harness.fake.wait_for("views.update")
    assert modals.SAVED_TEXT in json.dumps(saved.params["view"])
    assert "a quiet room to do homework" in stored_texts(tmp_path / "t.db")
    calls = await harness.fake.wait_for("chat.postEphemeral", thanked + 1)
    assert calls[-1].params["user"] == MEMBERS[1]


async def test_a_slow_save_that_stored_nothing_never_says_saved_and_shows_the_words(
    harness: Harness, tmp_path: Path
) -> None:
    harness.adapter.commit_budget = 0
    await harness.command("/start-session", "check-in", user=FACILITATOR)
    await harness.adapter.settle()
    (question,) = harness.question_posts()
    view = await harness.open_answer_form(MEMBERS[1], question)
    await harness.command("/end-session", user=FACILITATOR)
    await harness.adapter.settle()
    told = len(harness.fake.calls_to("chat.postEphemeral"))
    words = "I'd like *more* say about <where> I live"
    reply = await harness.slack.submit(user_id=MEMBERS[1], view=view, values=answer_values(words))
    assert reply.json()["response_action"] == "update"
    (after,) = await harness.fake.wait_for("views.update")
    shown = json.dumps(after.params["view"])
    assert modals.SAVED_TEXT not in shown
    assert saving.NOT_SAVED_TEXT in shown
    assert json.dumps(words)[1:-1] in shown, "their words are shown back, as typed"
    assert words not in stored_texts(tmp_path / "t.db")
    calls = await harness.fake.wait_for("chat.postEphemeral", told + 1)
    assert calls[-1].params["user"] == MEMBERS[1], "the reason comes by message too"


async def test_a_refusal_within_the_budget_keeps_the_form_open_with_the_reason(
    harness: Harness, tmp_path: Path
) -> None:
    harness.adapter.commit_budget = 600  # always within it, however busy the machine
    await harness.command("/start-session", "check-in", user=FACILITATOR)
    await harness.adapter.settle()
    (question,) = harness.question_posts()
    view = await harness.open_answer_form(MEMBERS[0], question)
    await harness.command("/end-session", user=FACILITATOR)
    await harness.adapter.settle()
    reply = await harness.slack.submit(
        user_id=MEMBERS[0], view=view, values=answer_values("a bus pass that works")
    )
    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "errors", "the form stays open, with what was typed"
    reason = body["errors"][modals.ANSWER_INPUT_BLOCK_ID]
    assert reason and reason != modals.SAVED_TEXT
    assert "a bus pass that works" not in stored_texts(tmp_path / "t.db")


# -- the crash test -------------------------------------------------------------------------

PEOPLE = [f"U0CRASH{n:03d}" for n in range(16)]
CLOSED_BEFORE_KILL = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_bot(fake: FakeSlack, database: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **slack_env(fake),
        "PYTHONPATH": str(ROOT),
        "CONSULTBOT_IDENTITY_KEY": "test-key-0123456789",
        "CONSULTBOT_SAFEGUARDING_KEY": Fernet.generate_key().decode(),
        "CONSULTBOT_DATABASE": str(database),
        "CONSULTBOT_LOG_LEVEL": "WARNING",
    }
    argv = [sys.executable, "-m", "bot.cli", "run", "--platform", "slack", "--http"]
    return subprocess.Popen(
        [*argv, "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def _wait_until_listening(bot: subprocess.Popen[bytes], port: int) -> None:
    while True:
        assert bot.poll() is None, bot.stderr.read().decode() if bot.stderr else ""
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return


async def _answer_forms(fake: FakeSlack, slack: SlackRequests) -> dict[str, dict[str, Any]]:
    """A session is started, and everyone agrees to its privacy note: their answer forms."""
    reply = await slack.slash("/start-session", "check-in", user_id=FACILITATOR, channel_id=CHANNEL)
    assert reply.status == 200
    await fake.wait_until(lambda: bool(_question(fake)[0]), within=30)
    ts, action_id = _question(fake)
    forms: dict[str, dict[str, Any]] = {}
    for user in PEOPLE:
        opened = len(fake.calls_to("views.open"))
        await slack.press(user_id=user, channel_id=CHANNEL, message_ts=ts, action_id=action_id)
        calls = await fake.wait_for("views.open", opened + 1, within=30)
        agreed = await slack.submit(user_id=user, view=calls[-1].params["view"])
        forms[user] = agreed.json()["view"]
    return forms


def _question(fake: FakeSlack) -> tuple[str, str]:
    for message in fake.posts_in(CHANNEL):
        for block in message.get("blocks", []):
            for element in block.get("elements", []):
                if str(element.get("action_id", "")).startswith("cb:answer:"):
                    return str(message["ts"]), str(element["action_id"])
    return ("", "")


async def test_every_answer_whose_form_closed_survives_killing_the_bot(tmp_path: Path) -> None:
    database = tmp_path / "crash.db"
    port = _free_port()
    async with FakeSlack() as fake:
        bot = _start_bot(fake, database, port)
        closed: list[str] = []
        try:
            await _wait_until_listening(bot, port)
            url = f"http://127.0.0.1:{port}/slack/events"
            async with SlackRequests(url, SECRET, fake) as slack:
                forms = await _answer_forms(fake, slack)
                enough = asyncio.Event()

                async def flood(user: str) -> None:
                    n = 0
                    while not enough.is_set():
                        n += 1
                        text = f"{user} answer {n}"
                        payload = slack.view_submission_payload(
                            user_id=user, view=forms[user], values=answer_values(text)
                        )
                        body = urlencode({"payload": json.dumps(payload)})
                        try:
                            reply = await slack.post(body, "application/x-www-form-urlencoded")
                        except OSError:
                            return  # the bot is gone
                        if (reply.status, reply.body) == (200, ""):  # the form closed
                            closed.append(text)
                            if len(closed) >= CLOSED_BEFORE_KILL:
                                enough.set()

                floods = [asyncio.ensure_future(flood(user)) for user in PEOPLE]
                await enough.wait()
                bot.send_signal(signal.SIGKILL)  # mid-flood: other submissions are in flight
                await asyncio.gather(*floods, return_exceptions=True)
        finally:
            bot.kill()
            bot.wait(timeout=10)
    assert bot.returncode == -signal.SIGKILL
    assert len(closed) >= CLOSED_BEFORE_KILL
    missing = [text for text in closed if text not in stored_texts(database)]
    assert missing == []
