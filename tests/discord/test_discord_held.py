"""The lead's /held list on Discord, rendered: split within 2000 characters and five rows of
buttons a message, each answer's buttons on the message that ends with its words."""

from __future__ import annotations

from adapters.discord import render
from bot.core.actions import keep_out_action_id, release_action_id, who_wrote_action_id
from bot.core.events import Person
from bot.core.outbound import HeldAnswer, HeldAnswerList

LEAD = Person(platform="discord", user_id="1300000000000000003")


def listing(words: list[str], more: str = "") -> HeldAnswerList:
    held = tuple(
        HeldAnswer(
            answer_id=f"a{n}",
            heading=f"Session s1 · question 1 · 24 Nov 2026, 09:00 UTC · answer a{n}",
            question="How are things?",
            words=text,
            why="Held for: abuse",
            release_action_id=release_action_id(f"a{n}"),
            keep_out_action_id=keep_out_action_id(f"a{n}"),
            who_wrote_action_id=who_wrote_action_id(f"a{n}"),
        )
        for n, text in enumerate(words)
    )
    return HeldAnswerList(
        channel_id="1", recipient=LEAD, intro="**Held answers**", answers=held, more=more
    )


def test_each_message_keeps_to_discords_limits_and_every_answer_keeps_its_buttons() -> None:
    words = ["short one", "x" * 1990, "*bold* <@123> @everyone", *(f"n{n}" for n in range(9))]
    messages = render.held_messages(listing(words, more="… and 3 more."))

    assert len(messages) >= 3
    for text, rows in messages:
        assert len(text) <= render.MESSAGE_LIMIT
        assert len(rows) <= render.ROWS_PER_MESSAGE
    rows = [row for _, message_rows in messages for row in message_rows]
    assert [row[0].custom_id for row in rows] == [release_action_id(f"a{n}") for n in range(12)]
    assert all(
        [b.label for b in row] == ["Release to the group", "Keep out", "Who wrote it?"]
        for row in rows
    )
    assert messages[0][0].startswith("**Held answers**")
    assert messages[-1][0].endswith("… and 3 more.")
    joined = "".join(text for text, _ in messages)
    assert "\\*bold\\* \\<@123> @\u200beveryone" in joined  # the words cannot ping or format
    assert joined.count("x") >= 1990  # a long answer is split, never cut


def test_an_answer_ends_on_the_message_that_carries_its_buttons() -> None:
    messages = render.held_messages(listing(["y" * 1990, "z" * 1990]))

    for text, rows in messages:
        for row in rows:
            answer = row[0].custom_id.split(":")[2]
            assert f"answer {answer}" in text or text.rstrip().endswith("»\nHeld for: abuse")
        if rows:
            assert text.endswith("Held for: abuse")


def test_a_long_answer_fills_two_messages_not_three() -> None:
    messages = render.held_messages(listing(["w" * 1990] * 4))

    assert len(messages) == 1 + 2 * 4  # the intro, then each answer over two messages
    assert all(len(text) <= render.MESSAGE_LIMIT for text, _ in messages)
