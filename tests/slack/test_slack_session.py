"""A whole consultation over signed HTTP against the real bolt app and a fake Slack."""

from __future__ import annotations

import json

from adapters.slack import modals
from tests.slack.conftest import (
    ALL_SLACK_IDS,
    CHANNEL,
    FACILITATOR,
    MEMBERS,
    STAFF_CHANNEL,
    Harness,
    button_counts,
)

A, B, C = MEMBERS


async def test_whole_session_ends_with_anonymous_digest_uploaded_to_staff(
    harness: Harness,
) -> None:
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
    assert "safeguarding lead" in json.dumps(note)
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
    answer_b = await harness.answer(B, question_1, "It felt like nobody asked us")  # not ticked
    answer_c = await harness.answer(C, question_1, "Hopeful, a bit", quote_ok=True)
    assert len(harness.answer_posts()) == 3
    thanks = await fake.wait_for("chat.postEphemeral", 3)
    assert {c.params["user"] for c in thanks} == {A, B, C}
    assert all("shown to the group anonymously" in c.params["text"] for c in thanks)
    assert all(c.params["channel"] == CHANNEL for c in thanks)
    assert "angry &amp; let down" in answer_a["text"]
    assert all(A not in json.dumps(post) for post in harness.answer_posts())

    # anonymous buttons: B and C say "me too" to A; A supports B
    for user, answer, index in ((B, answer_a, 0), (C, answer_a, 0), (A, answer_b, 2)):
        assert (await harness.press_reaction(user, answer, index)).status == 200
    # native reactions: B adds 💡 on A; C adds ❤️ on A and removes it again; the bot's own
    # reaction and a reaction on a message that is not an answer are not counted
    native = (
        (True, B, "bulb", answer_a, "Ev1"),
        (True, C, "heart", answer_a, "Ev2"),
        (False, C, "heart", answer_a, "Ev3"),
        (True, "UBOT", "+1", answer_a, "Ev4"),
        (True, B, "+1::skin-tone-3", answer_c, "Ev5"),
        (True, C, "+1", question_1, "Ev6"),
    )
    for added, user, name, message, event_id in native:
        event = slack.reaction_event(
            added=added, user_id=user, name=name, channel_id=CHANNEL, ts=message["ts"]
        )
        assert (await slack.event(event, event_id=event_id)).status == 200

    def shown(message: dict[str, object]) -> list[str]:
        return button_counts(fake.messages[(CHANNEL, str(message["ts"]))])

    await fake.wait_until(
        lambda: (
            shown(answer_a) == ["👍 2", "💡 1", "❤️ 0"]
            and shown(answer_b) == ["👍 0", "💡 0", "❤️ 1"]
            and shown(answer_c) == ["👍 1", "💡 0", "❤️ 0"]
        ),
        within=5,
    )

    await harness.command("/next-question", user=FACILITATOR)
    await fake.wait_until(lambda: len(harness.question_posts()) == 2)
    opened = len(fake.calls_to("views.open"))
    answer_q2 = await harness.answer(
        B, harness.question_posts()[1], "Partly. Not my story.", quote_ok=True
    )
    # B agreed once for the session: the second question opens the answer form directly
    assert fake.calls_to("views.open")[opened].params["view"]["callback_id"] == "cb-answer"
    assert button_counts(answer_q2) == ["👍 0", "🤔 0", "❤️ 0"]  # question 2's own palette
    event = slack.reaction_event(
        added=True, user_id=C, name="thinking_face", channel_id=CHANNEL, ts=answer_q2["ts"]
    )
    await slack.event(event, event_id="Ev7")
    await fake.wait_until(lambda: shown(answer_q2) == ["👍 0", "🤔 1", "❤️ 0"])

    await harness.command("/end-session", user=FACILITATOR)
    await fake.wait_until(lambda: len(fake.shared) == 1)
    (shared,) = fake.shared
    assert shared.channel_id == STAFF_CHANNEL
    assert set(shared.files) == {
        f"digest-{name}" for name in _digest_names(shared.files, ("md", "html", "csv", "json"))
    }
    for name, content in shared.files.items():
        text = content.decode()
        for slack_id in ALL_SLACK_IDS:
            assert slack_id not in text, f"{slack_id} leaked into {name}"
        # B did not tick "you can quote my exact words": not in any file, in any form
        assert "nobody asked us" not in text, f"an unquotable answer is in {name}"
        assert "Hopeful, a bit" in text, f"a quotable answer is missing from {name}"
        assert "I felt angry" in text and "let down" in text  # "&" is escaped per format
    # the closing check-in is posted after the session ends, without a question number
    await fake.wait_until(lambda: len(harness.question_posts()) == 3)
    check_in = harness.question_posts()[-1]
    assert check_in["blocks"][0]["text"]["text"] == "Check-in"

    digest = json.loads(next(v for k, v in shared.files.items() if k.endswith(".json")))
    assert digest["answer_count"] == 4
    assert digest["participant_count"] == 3
    q1, q2 = digest["questions"][:2]
    by_text = {a["text"]: a for a in q1["answers"]}
    assert {a["alias"] for a in q1["answers"]} == {
        _alias(answer_a),
        _alias(answer_b),
        _alias(answer_c),
    }
    assert set(by_text) == {
        "I felt angry & let down",
        "Hopeful, a bit",
        "(Not shown: this young person didn't agree to their exact words being quoted. "
        "The answer is counted in the themes and agreement.)",
    }
    counts_a = {r["emoji"]: r["count"] for r in by_text["I felt angry & let down"]["reactions"]}
    assert counts_a == {"👍": 2, "💡": 1, "❤️": 0}
    counts_c = {r["emoji"]: r["count"] for r in by_text["Hopeful, a bit"]["reactions"]}
    assert counts_c == {"👍": 1, "💡": 0, "❤️": 0}
    counts_q2 = {r["emoji"]: r["count"] for r in q2["answers"][0]["reactions"]}
    assert counts_q2 == {"👍": 0, "🤔": 1, "❤️": 0}
    markdown = next(v for k, v in shared.files.items() if k.endswith(".md")).decode()
    assert _alias(answer_b) in markdown and "Partly. Not my story." in markdown


def _alias(answer_post: dict[str, object]) -> str:
    """The alias shown in an answer post's first (context) block: ``*Calm Otter* answered…``."""
    blocks = answer_post["blocks"]
    assert isinstance(blocks, list)
    text = str(blocks[0]["elements"][0]["text"])
    return text.split("*")[1]


def _digest_names(files: dict[str, bytes], extensions: tuple[str, ...]) -> list[str]:
    session = next(iter(files)).removeprefix("digest-").rsplit(".", 1)[0]
    return [f"{session}.{ext}" for ext in extensions]
