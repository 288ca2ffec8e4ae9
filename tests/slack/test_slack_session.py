"""A consultation over signed HTTP against the real bolt app and a fake Slack: what is
Slack's own. What every adapter does is in the scenario suite, tests/scenarios."""

from __future__ import annotations

import json

from adapters.slack import modals
from tests.slack.conftest import (
    CHANNEL,
    FACILITATOR,
    MEMBERS,
    Harness,
    button_counts,
)

A, B, C = MEMBERS


async def test_a_session_looks_as_slack_shows_it(harness: Harness) -> None:
    """What the scenario suite (tests/scenarios) cannot say for every platform: Slack's
    markup, the privacy note and answer form as modals, thanks as ephemeral messages, and
    Slack's own reactions (the bot's, skin tones)."""
    fake, slack = harness.fake, harness.slack

    reply = await harness.command("/start-session", "case-for-change", user=FACILITATOR)
    assert reply.status == 200
    assert reply.body == ""  # acked silently; the work happens after the ack
    await fake.wait_until(lambda: len(harness.question_posts()) == 1)
    question_1 = harness.question_posts()[0]
    intro = fake.posts_in(CHANNEL)[0]
    assert "*Our response to the Case for Change*" in intro["text"]  # **bold** → *bold*
    await fake.wait_until(lambda: len(fake.hook_posts) == 1)  # "session started" to the facilitator
    assert fake.hook_posts[0][1]["response_type"] == "ephemeral"

    # The first press shows the privacy note (a modal); "I understand" swaps in the form.
    note = await harness.open_answer_form(A, question_1, agree=False)
    assert note["callback_id"] == modals.CONSENT_VIEW_CALLBACK_ID
    assert note["submit"]["text"] == "I understand"
    agreed = await slack.submit(user_id=A, view=note)
    update = agreed.json()
    assert update["response_action"] == "update"
    view = update["view"]
    assert view["title"]["text"] == "Question 1"
    assert len(view["title"]["text"]) <= 24
    assert "What was your initial response?" in json.dumps(view)
    quote = next(b for b in view["blocks"] if b.get("block_id") == modals.QUOTE_BLOCK_ID)
    assert "initial_options" not in quote["element"]  # unticked unless they tick it
    await harness.submit_answer(A, view, "I felt angry & let down", quote_ok=True)
    await fake.wait_until(lambda: len(harness.answer_posts()) == 1)
    answer_a = harness.answer_posts()[0]
    await harness.answer(B, question_1, "It felt like nobody asked us")
    thanks = await fake.wait_for("chat.postEphemeral", 2)
    assert {c.params["user"] for c in thanks} == {A, B}
    assert all("shown to the group anonymously" in c.params["text"] for c in thanks)
    assert all(c.params["channel"] == CHANNEL for c in thanks)
    assert "angry &amp; let down" in answer_a["text"]

    # Slack's own reactions: the bot's own is not counted; a skin tone is the same 👍.
    for user, name, event_id in (("UBOT", "+1", "Ev1"), (B, "+1::skin-tone-3", "Ev2")):
        event = slack.reaction_event(
            added=True, user_id=user, name=name, channel_id=CHANNEL, ts=answer_a["ts"]
        )
        assert (await slack.event(event, event_id=event_id)).status == 200
    await fake.wait_until(
        lambda: button_counts(fake.messages[(CHANNEL, answer_a["ts"])])[0] == "👍 1"
    )
    await harness.adapter.settle()
    assert button_counts(fake.messages[(CHANNEL, answer_a["ts"])]) == [
        "👍 1",
        "💡 0",
        "❤️ 0",
        "🔀 0",
    ]
