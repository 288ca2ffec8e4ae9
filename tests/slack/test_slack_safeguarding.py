"""Safeguarding and privacy over signed HTTP, what is Slack's own: how alerts read (escaped,
the writer as the one mention), where they go (channel, DMs, deputy), ephemeral versus direct
messages, staff notes. What every adapter does (held answers, the lead's buttons and
commands, reports, /help and /worried, the privacy note, batches) is in tests/scenarios."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack import modals
from adapters.slack.adapter import SlackAdapter
from adapters.slack.settings import SlackSettings
from bot.core.actions import acknowledge_action_id, consent_action_id
from bot.core.errors import DeliveryFailed
from bot.core.events import Person
from bot.core.outbound import AlertAudience, ConsentRequest, SafeguardingAlert, StaffNote
from tests.fakes.slack_server import ApiCall
from tests.slack.conftest import (
    CHANNEL,
    FACILITATOR,
    LEAD,
    MEMBERS,
    SAFEGUARDING_CHANNEL,
    STAFF_CHANNEL,
    Harness,
    slack_env,
)

A, B, C = MEMBERS
DISCLOSURE = "my dad hits me and i'm scared to go home"
FACILITATOR_DM = "D" + FACILITATOR.removeprefix("U")  # the fake's direct-message channel id


async def _started(harness: Harness) -> dict[str, Any]:
    """Start a session; wait for the question post AND the facilitator's private reply, so
    later tests can count replies without the facilitator's arriving in between."""
    before = len(harness.fake.hook_posts)
    await harness.command("/start-session", "case-for-change", user=FACILITATOR)
    await harness.fake.wait_until(lambda: len(harness.question_posts()) == 1)
    await harness.fake.wait_until(lambda: len(harness.fake.hook_posts) > before)
    return harness.question_posts()[0]


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    """Button text → action id, for every button on a message."""
    return {
        str(e["text"]["text"]): str(e["action_id"])
        for b in message.get("blocks", [])
        for e in b.get("elements", [])
        if e.get("type") == "button"
    }


def _ephemerals_to(harness: Harness, user: str) -> list[ApiCall]:
    return [c for c in harness.fake.calls_to("chat.postEphemeral") if c.params["user"] == user]


async def _press(
    harness: Harness, user: str, message: dict[str, Any], text: str, channel: str = CHANNEL
) -> None:
    """Press the button labelled ``text`` on a posted message."""
    reply = await harness.slack.press(
        user_id=user,
        channel_id=channel,
        message_ts=message["ts"],
        action_id=_buttons(message)[text],
    )
    assert reply.status == 200


async def _alert(harness: Harness) -> dict[str, Any]:
    """The (first) alert posted in the safeguarding channel."""
    await harness.fake.wait_until(lambda: bool(harness.fake.posts_in(SAFEGUARDING_CHANNEL)))
    return harness.fake.posts_in(SAFEGUARDING_CHANNEL)[0]


async def test_a_disclosure_alert_reads_as_slack_shows_it(harness: Harness) -> None:
    fake = harness.fake
    question = await _started(harness)
    view = await harness.open_answer_form(A, question)
    await harness.submit_answer(A, view, DISCLOSURE, quote_ok=True)
    alert = await _alert(harness)

    # the lead's alert: the words (escaped), who wrote them as the one real mention, buttons
    blocks = json.dumps(alert["blocks"], ensure_ascii=False)
    assert DISCLOSURE in blocks
    assert f"Written by <@{A}>" in blocks
    assert blocks.count("<@") == 1 and "<!" not in blocks
    assert DISCLOSURE not in alert["text"]  # the notification names the alert, not the words
    assert alert["text"].startswith("⚠️ Possible disclosure")
    buttons = _buttons(alert)
    assert list(buttons) == ["I'm on it", "Release to the group", "Keep out of the digest"]
    assert buttons["I'm on it"].startswith("cb:ack:")
    assert buttons["Release to the group"].startswith("cb:release:")
    assert buttons["Keep out of the digest"].startswith("cb:keep:")

    # the writer is told kindly where to get help, ephemerally (they just acted); the
    # facilitator, who did nothing just now, gets only "one went to the lead", by DM
    await fake.wait_until(
        lambda: bool(_ephemerals_to(harness, A) and fake.posts_in(FACILITATOR_DM))
    )
    (to_writer,) = _ephemerals_to(harness, A)
    assert "0800 1111" in to_writer.params["text"] and "Childline" in to_writer.params["text"]
    assert _ephemerals_to(harness, FACILITATOR) == []
    (to_facilitator,) = fake.posts_in(FACILITATOR_DM)
    assert "passed privately to the safeguarding lead" in to_facilitator["text"]
    assert "dad" not in json.dumps(to_facilitator)
    # nothing for the group, in any form
    await harness.adapter.settle()
    assert all("dad" not in json.dumps(m) for m in fake.posts_in(CHANNEL))


async def test_a_report_alert_reads_as_slack_shows_it(harness: Harness) -> None:
    question = await _started(harness)
    answer = await harness.answer(A, question, "The <!here> meetings are pointless")
    await _press(harness, C, answer, "🚩 Report privately")
    alert = await _alert(harness)
    blocks = json.dumps(alert["blocks"], ensure_ascii=False)
    assert "🚩" in alert["text"] and "&lt;!here&gt; meetings are pointless" in blocks
    assert "<@" not in blocks  # a report names nobody


async def test_a_worried_alert_reads_as_slack_shows_it(harness: Harness) -> None:
    await harness.command("/worried", "things at home are hard <!channel> & scary", user=B)
    alert = await _alert(harness)
    blocks = json.dumps(alert["blocks"], ensure_ascii=False)
    assert "things at home are hard &lt;!channel&gt; &amp; scary" in blocks
    assert f"Written by <@{B}>" in blocks


async def test_agreeing_to_a_note_sent_for_an_answer_opens_the_answer_form(
    harness: Harness,
) -> None:
    question = await _started(harness)
    session = _session(question)
    # as the engine sends it when an answer arrives from someone who has not agreed
    request = ConsentRequest(
        channel_id=CHANNEL,
        recipient=Person(platform="slack", user_id=C),
        session_id=session,
        question_number=1,
        text="Before you answer…",
        consent_action_id=consent_action_id(session, 1),
    )
    await harness.adapter.outbox.send(request)
    (note,) = harness.fake.ephemerals_for(C)
    await harness.slack.press(
        user_id=C, channel_id=CHANNEL, message_ts=note.ts, action_id=request.consent_action_id
    )
    (opened,) = await harness.fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == modals.ANSWER_VIEW_CALLBACK_ID
    assert opened.params["view"]["title"]["text"] == "Question 1"
    await harness.adapter.settle()
    assert harness.fake.hook_posts[1:] == []  # no "thanks": the form says it


async def test_without_an_alert_channel_each_lead_gets_a_direct_message(
    harness: Harness,
) -> None:
    env = slack_env(
        harness.fake,
        SLACK_SAFEGUARDING_CHANNEL_ID="",
        SLACK_SAFEGUARDING_USER_IDS=f"{LEAD},U0LEAD0002",
    )
    adapter = SlackAdapter(harness.engine, SlackSettings.from_env(env))
    try:
        body = harness.slack.slash_body("/worried", "", user_id=A, channel_id=CHANNEL)
        request = AsyncBoltRequest(body=dict(parse_qsl(body)), mode="socket_mode")
        assert (await adapter.app.async_dispatch(request)).status == 200
        await adapter.settle()
    finally:
        await adapter.aclose()
    opened = sorted(c.params["users"] for c in harness.fake.calls_to("conversations.open"))
    assert opened == [LEAD, "U0LEAD0002"]
    for dm in ("D0LEAD0001", "D0LEAD0002"):
        (alert,) = harness.fake.posts_in(dm)
        assert "/worried" in alert["text"] and f"<@{A}>" in json.dumps(alert["blocks"])
    assert harness.fake.posts_in(SAFEGUARDING_CHANNEL) == []


def _deputy_alert() -> SafeguardingAlert:
    return SafeguardingAlert(
        audience=AlertAudience.DEPUTY,
        alert_id="al-9",
        text="⏰ An alert has not been picked up for 15 minutes.",
        writer=None,
        acknowledge_action_id=acknowledge_action_id("al-9"),
    )


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ({"SLACK_DEPUTY_CHANNEL_ID": "C0DEPUTY01"}, "C0DEPUTY01"),
        ({"SLACK_DEPUTY_USER_IDS": "U0DEPUTY01"}, "D0DEPUTY01"),
        ({}, SAFEGUARDING_CHANNEL),  # no deputy set: the lead's destination again
    ],
)
async def test_deputy_alerts_go_to_the_deputy_else_the_lead(
    harness: Harness, extra: dict[str, str], where: str
) -> None:
    adapter = SlackAdapter(harness.engine, SlackSettings.from_env(slack_env(harness.fake, **extra)))
    try:
        await adapter.outbox.send(_deputy_alert())
    finally:
        await adapter.aclose()
    (post,) = [c for c in harness.fake.calls_to("chat.postMessage")]
    assert post.params["channel"] == where
    assert _buttons(post.params) == {"I'm on it": "cb:ack:al-9:0"}


async def test_staff_notes_go_to_the_staff_channel_or_are_logged_without_text(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.adapter.outbox.send(StaffNote(text="One answer went to the lead <!here>"))
    (post,) = harness.fake.posts_in(STAFF_CHANNEL)
    assert post["text"] == "One answer went to the lead &lt;!here&gt;"

    env = slack_env(harness.fake, SLACK_STAFF_CHANNEL_ID="")
    adapter = SlackAdapter(harness.engine, SlackSettings.from_env(env))
    with caplog.at_level(logging.WARNING, logger="adapters.slack.outbox"):
        await adapter.outbox.send(StaffNote(text="secret words"))
    await adapter.aclose()
    assert "SLACK_STAFF_CHANNEL_ID" in caplog.text and "secret words" not in caplog.text
    assert len(harness.fake.calls_to("chat.postMessage")) == 1


def _session(question: dict[str, Any]) -> str:
    return str(question["blocks"][-1]["elements"][0]["value"])


async def _worried_through(adapter: SlackAdapter, harness: Harness, text: str) -> None:
    """``/worried`` from A, dispatched to ``adapter`` (Socket Mode: no signature needed)."""
    body = harness.slack.slash_body("/worried", text, user_id=A, channel_id=CHANNEL)
    request = AsyncBoltRequest(body=dict(parse_qsl(body)), mode="socket_mode")
    assert (await adapter.app.async_dispatch(request)).status == 200
    await adapter.settle()


async def test_alert_channel_that_refuses_falls_back_to_each_lead_by_direct_message(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    env = slack_env(harness.fake, SLACK_SAFEGUARDING_USER_IDS=f"{LEAD},U0LEAD0002")
    adapter = SlackAdapter(harness.engine, SlackSettings.from_env(env))
    harness.fake.fail("chat.postMessage", "not_in_channel")  # nobody invited the bot there
    try:
        with caplog.at_level(logging.INFO):
            await _worried_through(adapter, harness, "nobody listens at my placement")
    finally:
        await adapter.aclose()
    tried = [c.params["channel"] for c in harness.fake.calls_to("chat.postMessage")]
    assert tried == [SAFEGUARDING_CHANNEL, "D0LEAD0001", "D0LEAD0002"]
    for dm in ("D0LEAD0001", "D0LEAD0002"):
        (alert,) = harness.fake.posts_in(dm)
        assert "nobody listens at my placement" in json.dumps(alert["blocks"])
        assert list(_buttons(alert)) == ["I'm on it"]
    assert "refused" in caplog.text and "nobody listens" not in caplog.text


@pytest.mark.parametrize(
    ("extra", "failing", "where"),
    [
        # the deputy channel refuses: the deputy gets a DM instead
        (
            {"SLACK_DEPUTY_CHANNEL_ID": "C0DEPUTY01", "SLACK_DEPUTY_USER_IDS": "U0DEPUTY01"},
            ("chat.postMessage",),
            "D0DEPUTY01",
        ),
        # the deputy channel refuses and the deputy can't be messaged: the lead's channel
        (
            {"SLACK_DEPUTY_CHANNEL_ID": "C0DEPUTY01", "SLACK_DEPUTY_USER_IDS": "U0DEPUTY01"},
            ("chat.postMessage", "conversations.open"),
            SAFEGUARDING_CHANNEL,
        ),
        # only a deputy channel, and it refuses: the lead's channel
        ({"SLACK_DEPUTY_CHANNEL_ID": "C0DEPUTY01"}, ("chat.postMessage",), SAFEGUARDING_CHANNEL),
    ],
)
async def test_deputy_alert_nobody_could_take_falls_back_to_the_lead(
    harness: Harness, extra: dict[str, str], failing: tuple[str, ...], where: str
) -> None:
    adapter = SlackAdapter(harness.engine, SlackSettings.from_env(slack_env(harness.fake, **extra)))
    for method in failing:
        harness.fake.fail(method, "channel_not_found")
    try:
        await adapter.outbox.send(_deputy_alert())
    finally:
        await adapter.aclose()
    assert harness.fake.calls_to("chat.postMessage")[0].params["channel"] == "C0DEPUTY01"
    (alert,) = harness.fake.posts_in(where)
    assert _buttons(alert) == {"I'm on it": "cb:ack:al-9:0"}
    posted = [channel for (channel, _) in harness.fake.messages]
    assert posted == [where]  # delivered once, where it first arrived


async def test_alert_fails_only_when_every_destination_failed_and_logs_no_words(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    env = slack_env(
        harness.fake, SLACK_DEPUTY_CHANNEL_ID="C0DEPUTY01", SLACK_DEPUTY_USER_IDS="U0DEPUTY01"
    )
    adapter = SlackAdapter(harness.engine, SlackSettings.from_env(env))
    harness.fake.fail("chat.postMessage", "not_in_channel", times=10)
    try:
        with caplog.at_level(logging.INFO), pytest.raises(DeliveryFailed):
            await adapter.outbox.send(_deputy_alert())
    finally:
        await adapter.aclose()
    tried = [c.params["channel"] for c in harness.fake.calls_to("chat.postMessage")]
    assert tried == ["C0DEPUTY01", "D0DEPUTY01", SAFEGUARDING_CHANNEL, "D0LEAD0001"]
    assert "al-9" in caplog.text and "not been picked up" not in caplog.text


async def test_check_in_answers_reach_the_facilitator_by_direct_message_verbatim(
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
    await harness.submit_answer(A, view, "tired but ok @here, see #general or https://x.example")
    await fake.wait_until(lambda: bool(fake.posts_in(FACILITATOR_DM)))
    await harness.adapter.settle()

    # the facilitator was not looking: a DM (kept by Slack), never an ephemeral message
    assert _ephemerals_to(harness, FACILITATOR) == []
    (note,) = fake.posts_in(FACILITATOR_DM)
    assert fake.calls_to("conversations.open")[-1].params["users"] == FACILITATOR
    quoting = [b["text"] for b in note["blocks"] if "tired but ok" in b["text"]["text"]]
    assert quoting and all(t["type"] == "mrkdwn" and t["verbatim"] is True for t in quoting)
    # the young person who answered is thanked where they are, ephemerally
    await fake.wait_until(lambda: bool(_ephemerals_to(harness, A)))
    assert "Only the facilitator will see it" in _ephemerals_to(harness, A)[-1].params["text"]
    assert fake.posts_in("D0MEMBER0A") == []
