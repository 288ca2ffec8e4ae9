"""The lead's /held list on Slack, rendered: split within 50 blocks and about 12,000
characters a message, each answer whole (its words escaped) with its three buttons."""

from __future__ import annotations

import json

from adapters.slack import render
from bot.core.actions import keep_out_action_id, release_action_id, who_wrote_action_id
from bot.core.events import Person
from bot.core.outbound import HeldAnswer, HeldAnswerList

LEAD = Person(platform="slack", user_id="U0LEAD0001")


def listing(words: list[str]) -> HeldAnswerList:
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
        channel_id="C1", recipient=LEAD, intro="**Held answers**", answers=held, more="… more"
    )


def _check(messages: list[tuple[str, list[render.Block]]], count: int) -> None:
    releases = []
    for fallback, blocks in messages:
        assert "«" not in fallback  # the notification names no words
        assert len(blocks) <= render.BLOCKS_PER_MESSAGE
        assert sum(len(json.dumps(b)) for b in blocks) < 13_000 + 4_000  # JSON overhead
        for block in blocks:
            assert len((block.get("text") or {}).get("text", "")) <= render.SECTION_TEXT_LIMIT
        assert blocks[-1]["type"] in ("actions", "section")
        for block in blocks:
            if block["type"] == "actions":
                labels = [e["text"]["text"] for e in block["elements"]]
                assert labels == ["Release to the group", "Keep out", "Who wrote it?"]
                releases.append(block["elements"][0]["action_id"])
    assert releases == [release_action_id(f"a{n}") for n in range(count)]


def test_many_answers_are_split_at_fifty_blocks() -> None:
    messages = render.held_messages(listing([f"words {n}" for n in range(14)]))

    assert len(messages) == 2
    _check(messages, 14)


def test_long_answers_are_split_by_size_and_never_cut() -> None:
    long = "<!here> " + "w" * 2_900
    messages = render.held_messages(listing([long] * 6))

    assert len(messages) >= 2
    _check(messages, 6)
    text = json.dumps([b for _, blocks in messages for b in blocks])
    assert text.count("w" * 100) >= 6 * 29  # every answer whole
    assert "<!here>" not in text and "&lt;!here&gt;" in text  # the words cannot mention
