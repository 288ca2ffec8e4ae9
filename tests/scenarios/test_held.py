"""/held on every adapter: the safeguarding lead sees the held answers' words privately, and
can release one to the group (anonymously), keep it out, or ask who wrote it (with a reason,
audited); nobody else sees anything, and a long list is split within the platform's limits."""

from __future__ import annotations

import pytest

from tests.scenarios.room import (
    HELD_BUTTONS,
    HELD_KEEP_OUT,
    HELD_RELEASE,
    Held,
    Room,
    answers,
)
from tests.scenarios.steps import DISCLOSURE, alias, answer, everything, shows, start

REFUSED = "Only the safeguarding lead can see held answers. Nothing has been shown or changed."
LONG = ("my dad hits me and i'm scared to go home, " * 44).strip()  # about 1,850 characters


async def held_one(room: Room) -> Held:
    """A young person's disclosure is held; the lead lists held answers: the one entry."""
    question = await start(room)
    await answer(room, room.young[0], question, DISCLOSURE, quote=True)
    before = room.group()
    others = {who: room.private(who) for who in (room.facilitator, room.staff, *room.young)}

    shown = await room.command(room.lead, "held")

    assert shown, "the lead is shown the list privately"
    listing = room.held_list(room.lead)
    (held,) = listing.held
    assert held.buttons == HELD_BUTTONS
    assert DISCLOSURE in held.text and "Held for:" in held.text
    assert "question 1" in held.text and held.answer_id in held.text
    assert not any(person in listing.text for person in room.identifying())
    assert room.group() == before  # nothing from /held reaches the group
    for who, saw in others.items():
        assert room.private(who) == saw
    return held


async def test_a_held_answers_words_reach_the_lead_through_held_and_not_the_group(
    room: Room,
) -> None:
    held = await held_one(room)

    (looked,) = [e for e in await room.audit_entries() if e.action == "held-listed"]
    assert looked.actor.endswith(room.lead) and looked.detail == "1 shown of 1"
    for entry in await room.audit_entries():
        assert DISCLOSURE not in f"{entry.subject} {entry.detail}"
    assert held.answer_id not in "".join(p.text for p in room.group())


async def test_release_from_held_shows_it_to_the_group_anonymously(room: Room) -> None:
    held = await held_one(room)

    (done,) = await room.press_held(room.lead, held, HELD_RELEASE)

    assert "is now shown to the group, anonymously" in done
    (post,) = answers(room)
    assert shows(post, DISCLOSURE) and alias(post)
    assert not any(person in post.text for person in room.identifying())
    (empty,) = await room.command(room.lead, "held")
    assert empty == "Nothing is held back from the group right now."


async def test_keep_out_from_held_keeps_it_from_the_group(room: Room) -> None:
    held = await held_one(room)

    (kept,) = await room.press_held(room.lead, held, HELD_KEEP_OUT)

    assert "is kept out of the group and every digest" in kept
    (late,) = await room.press_held(room.lead, held, HELD_RELEASE)
    assert "isn't held" in late
    assert answers(room) == []
    actions = [e.action for e in await room.audit_entries()]
    assert "answer-kept-out" in actions


async def test_who_wrote_from_held_asks_for_a_reason_and_is_audited(room: Room) -> None:
    held = await held_one(room)

    (asked,) = await room.who_wrote_held(room.lead, held, "short")
    (told,) = await room.who_wrote_held(room.lead, held, "I need to phone them today")

    assert "Please give a reason" in asked or "reason" in asked.lower()
    assert f"{room.platform} user {room.young[0]}" in told
    (revealed,) = [e for e in await room.audit_entries() if e.action == "identity-revealed"]
    assert revealed.subject == held.answer_id and revealed.detail == "I need to phone them today"
    assert answers(room) == []  # asking who wrote it shows nothing to the group


@pytest.mark.parametrize("who", ["young", "facilitator", "staff"])
async def test_held_is_refused_to_everyone_but_the_lead_with_nothing_shown(
    room: Room, who: str
) -> None:
    question = await start(room)
    await answer(room, room.young[0], question, DISCLOSURE)
    person = {"young": room.young[1], "facilitator": room.facilitator, "staff": room.staff}[who]
    before = everything(room)

    (refused,) = await room.command(person, "held")

    assert refused == REFUSED
    after = everything(room)
    after.private[person].remove(REFUSED)
    assert after == before  # one kind line, and nothing else for anyone
    (attempt,) = [e for e in await room.audit_entries() if e.action == "held-list-refused"]
    assert DISCLOSURE not in f"{attempt.subject} {attempt.detail}"
    if who == "young":  # a young person is never named in the audit log
        assert person not in attempt.actor


async def test_a_long_held_list_is_split_within_the_platforms_limits(room: Room) -> None:
    question = await start(room)
    words = [f"{DISCLOSURE} ({n})" for n in range(11)] + [LONG]
    for n, text in enumerate(words):
        await answer(room, room.young[n % 4], question, text)
        await room.batch_time()  # a second later each time: the newest is the last written

    await room.command(room.lead, "held")

    first = room.held_list(room.lead)
    assert len(first.held) == 10 and "… and 2 more" in first.text
    assert all(h.buttons == HELD_BUTTONS for h in first.held)
    assert LONG in first.held[0].text.replace("\n", "")  # newest first, its words whole
    if room.platform == "discord":
        assert first.messages > 2  # five rows of buttons a message, and the long answer
    await room.command(room.lead, "held", page="2")
    second = room.held_list(room.lead)
    assert len(second.held) == 2 and "more" not in second.text
    ids = {h.answer_id for h in first.held} | {h.answer_id for h in second.held}
    assert len(ids) == 12
    assert [e.detail for e in await room.audit_entries() if e.action == "held-listed"] == [
        "10 shown of 12",
        "2 shown of 12",
    ]


async def test_held_can_be_narrowed_to_one_session_open_or_closed(room: Room) -> None:
    first = await start(room)
    await answer(room, room.young[0], first, DISCLOSURE)
    await room.command(room.facilitator, "end-session")
    second = await start(room)
    later = "someone keeps waiting for me outside school and i'm scared"
    await answer(room, room.young[1], second, later)

    await room.command(room.lead, "held")
    assert len(room.held_list(room.lead).held) == 2  # the closed session's answer too
    await room.command(room.lead, "held", session=first.session_id)

    (only,) = room.held_list(room.lead).held
    assert DISCLOSURE in only.text and later not in only.text
    (unknown,) = await room.command(room.lead, "held", session="no-such-session")
    assert "There's no session 'no-such-session'" in unknown


async def test_long_answers_make_shorter_pages_and_every_word_is_shown(room: Room) -> None:
    question = await start(room)
    words = [
        f"({n}) " + ("my dad hits me and i'm scared to go home. " * 47)[:1990] for n in range(5)
    ]
    for n, text in enumerate(words):
        await answer(room, room.young[n % 4], question, text.strip())
        await room.batch_time()

    await room.command(room.lead, "held")

    first = room.held_list(room.lead)
    assert len(first.held) == 4 and "… and 1 more" in first.text  # about 8,000 characters
    for held, text in zip(first.held, reversed(words[1:]), strict=True):
        assert text.strip() in held.text.replace("\n", "")  # whole, however it was split
