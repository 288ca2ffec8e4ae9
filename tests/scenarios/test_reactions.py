"""Reactions, on every adapter: the anonymous buttons and the platform's own emoji reactions
(on the local adapter, injected as added / removed events), counted on the post and in the
digest, only for people who agreed to the privacy note."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.scenarios.room import Opened, Room, questions
from tests.scenarios.steps import all_answers, answered, digest_json, given, join, start


async def test_reacting_before_agreeing_shows_the_privacy_note_first_then_counts(
    room: Room,
) -> None:
    question = await start(room, "case-for-change")
    post = await answered(room, room.young[0], question, "Being moved without warning.")
    newcomer, stranger = room.young[1], room.young[2]

    # A native reaction from someone who has not agreed is not counted; nor is a press,
    # which shows the presser the privacy note, privately.
    await room.native_react(stranger, post, "💡")
    (note,) = await room.react(newcomer, post, "👍")
    assert "Before you answer" in note and "safeguarding lead" in note
    assert room.private(stranger) == []
    await room.settle()
    assert room.counts(post) == {"👍": 0, "💡": 0, "❤️": 0, "🔀": 0}

    agreed = await room.agree(newcomer)

    assert agreed == Opened("text", "Thanks. You can answer and react now.")
    await room.react(newcomer, post, "👍")
    await room.counts_become(post, {"👍": 1, "💡": 0, "❤️": 0, "🔀": 0})


async def test_both_kinds_of_reaction_are_counted_on_the_post_and_in_the_digest(
    room: Room,
) -> None:
    q1 = await start(room, "case-for-change")
    first, second, third = room.young[:3]
    a = await answered(room, first, q1, "I felt angry that nobody asked us first.", quote=True)
    b = await answered(room, second, q1, "Relieved, honestly. Someone is listening.")
    c = await answered(room, third, q1, "It made me think about my little brother.", quote=True)

    # Anonymous buttons: two "me too" on a, one "good point" on b; pressed twice is taken back.
    for who, post, emoji in ((second, a, "👍"), (third, a, "👍"), (first, b, "💡")):
        assert await room.react(who, post, emoji) == []  # counted quietly
    await room.react(first, c, "👍")
    await room.react(first, c, "👍")
    await room.counts_become(a, {"👍": 2, "💡": 0, "❤️": 0, "🔀": 0})
    await room.counts_become(b, {"👍": 0, "💡": 1, "❤️": 0, "🔀": 0})
    await room.counts_become(c, {"👍": 0, "💡": 0, "❤️": 0, "🔀": 0})

    # Native reactions: one added then taken back, two kept (❤️ with its variation selector).
    await room.native_react(third, b, "👍")
    await room.counts_become(b, {"👍": 1, "💡": 1})
    await room.native_react(third, b, "👍", added=False)
    await room.counts_become(b, {"👍": 0, "💡": 1})
    await room.native_react(second, a, "💡")
    await room.counts_become(a, {"👍": 2, "💡": 1, "❤️": 0, "🔀": 0})  # both kinds on one answer
    await room.native_react(second, c, "❤️")
    await room.counts_become(c, {"❤️": 1})
    assert c in [p for p in room.group() if p.is_answer]  # "Report privately" kept by edits
    # Ignored: a reaction on the question post.
    await room.native_react(first, q1, "👍")
    assert [room.counts(post) for post in (a, b, c)] == [
        {"👍": 2, "💡": 1, "❤️": 0, "🔀": 0},
        {"👍": 0, "💡": 1, "❤️": 0, "🔀": 0},
        {"👍": 0, "💡": 0, "❤️": 1, "🔀": 0},
    ]

    await room.command(room.facilitator, "next-question")
    q2 = questions(room)[-1]
    d = await answered(room, second, q2, "Partly. Not my story.", quote=True)
    assert room.counts(d) == {"👍": 0, "🤔": 0, "❤️": 0, "🔀": 0}  # question 2's own palette
    await room.native_react(third, d, "🤔")
    await room.counts_become(d, {"👍": 0, "🤔": 1, "❤️": 0, "🔀": 0})

    await room.command(room.facilitator, "end-session")
    await room.time_passes(31)  # the end-of-session check closes: the digest goes to staff
    (files,) = room.staff_files()
    kept = all_answers(digest_json(files))
    by_text = {x["text"]: x for x in kept}
    (unquoted,) = [x for x in kept if not x["quotable"]]

    def counts(answer: dict[str, Any]) -> dict[str, int]:
        return {r["emoji"]: r["count"] for r in answer["reactions"]}

    assert counts(by_text["I felt angry that nobody asked us first."]) == {
        "👍": 2,
        "💡": 1,
        "❤️": 0,
        "🔀": 0,
    }
    assert given(unquoted) == {"💡": 1}  # not quoted, still counted
    assert counts(by_text["It made me think about my little brother."]) == {
        "👍": 0,
        "💡": 0,
        "❤️": 1,
        "🔀": 0,
    }
    assert counts(by_text["Partly. Not my story."]) == {"👍": 0, "🤔": 1, "❤️": 0, "🔀": 0}


async def test_joining_only_to_react_is_enough_to_be_counted(room: Room) -> None:
    question = await start(room)
    post = await answered(room, room.young[0], question, "Keep the same social worker")
    await join(room, room.young[1], question)

    assert await room.react(room.young[1], post, "❤️") == []

    await room.counts_become(post, {"👍": 0, "❤️": 1})


async def test_presses_at_once_end_as_their_count_implies(room: Room) -> None:
    """A button pressed again before the first press was handled (a double tap, or two
    presses reaching two replicas) is one toggle after another, never two of the same."""
    question = await start(room)
    post = await answered(room, room.young[0], question, "Keep the same social worker")
    presser = room.young[0]

    await asyncio.gather(*(room.react(presser, post, "👍") for _ in range(2)))
    await room.counts_become(post, {"👍": 0, "❤️": 0})
    await asyncio.gather(*(room.react(presser, post, "❤️") for _ in range(3)))
    await room.counts_become(post, {"👍": 0, "❤️": 1})
