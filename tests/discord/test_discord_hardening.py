"""Discord fixes from the hardening issue: answers taken back are deleted from the channel,
and the commands young people don't need are hidden from them. Real discord.py, real engine
and store, fake Discord."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import DEFAULT_PROMPTS_DIR, PROJECT_ROOT
from bot.sessions.notices import load_notices
from tests.discord.harness import Room, open_room

MESSAGE = r"/channels/\d+/messages/(\d+)$"
MANAGE_MESSAGES = str(1 << 13)


@pytest.fixture
async def room(tmp_path: Path) -> AsyncIterator[Room]:
    async with open_room(tmp_path) as room:
        yield room


async def _session_with_answers(room: Room) -> tuple[str, str]:
    """A session with one answer each from the first two young people: (mine, theirs)."""
    await room.command(room.facilitator, "start-session", **{"question-set": "check-in"})
    (question,) = room.questions()
    await room.answer(room.young[0], question, "Mine, and I want it back.")
    await room.answer(room.young[1], question, "Somebody else's.")
    mine, theirs = (m["id"] for m in room.answers())
    return mine, theirs


def _deleted(room: Room) -> list[str]:
    return [r.path.rsplit("/", 1)[1] for r in room.fake.requests_to("DELETE", MESSAGE)]


async def test_withdraw_deletes_the_persons_answer_posts_from_the_channel(room: Room) -> None:
    mine, theirs = await _session_with_answers(room)
    await room.press(room.young[1], mine, "👍")  # a count edit that may still be waiting

    handle = await room.command(room.young[0], "withdraw")
    await room.fake.wait_for(lambda: _deleted(room))
    await asyncio.sleep(0.4)  # longer than the edit interval: a waiting edit would land now

    assert _deleted(room) == [mine]
    assert mine not in room.fake.messages and theirs in room.fake.messages
    (deletion,) = room.fake.requests_to("DELETE", MESSAGE)
    late_edits = [
        r for r in room.fake.requests_to("PATCH", rf"/messages/{mine}$") if r.at > deletion.at
    ]
    assert late_edits == []
    assert any("from the group's chat too" in t for t in room.private_replies(handle))


async def test_keeping_an_answer_out_deletes_its_post(room: Room) -> None:
    mine, theirs = await _session_with_answers(room)
    answer_id = next(
        b["custom_id"].split(":")[2]
        for row in room.fake.messages[mine]["components"]
        for b in row["components"]
        if b["custom_id"].startswith("cb:report:")
    )
    handle = await room.command(room.lead, "keep-out", answer=answer_id)
    await room.fake.wait_for(lambda: _deleted(room))

    assert _deleted(room) == [mine] and theirs in room.fake.messages
    assert any("taken out of the chat too" in t for t in room.private_replies(handle))


async def test_a_refused_deletion_is_said_truthfully_to_the_young_person(room: Room) -> None:
    mine, _ = await _session_with_answers(room)
    room.fake.forbid("DELETE", MESSAGE)

    handle = await room.command(room.young[0], "withdraw")
    await room.fake.wait_for(lambda: len(room.private_replies(handle)) >= 2)

    refused = load_notices(DEFAULT_PROMPTS_DIR).posts_not_removed
    assert room.private_replies(handle)[-1] == refused
    assert mine in room.fake.messages  # still there: and the young person was told so


async def test_privileged_commands_are_hidden_from_members_by_default(room: Room) -> None:
    synced = {c["name"]: c for cs in room.fake.commands.values() for c in cs}
    hidden = {n for n, c in synced.items() if c.get("default_member_permissions") is not None}
    staff_and_lead = {"who-wrote", "release", "keep-out", "schedule-session", "digest"}
    assert hidden == staff_and_lead | ({"report", "you-said-we-did"} & set(synced))
    assert {str(synced[n]["default_member_permissions"]) for n in hidden} == {MANAGE_MESSAGES}
    for everyone in ("withdraw", "privacy", "help", "worried", "start-session"):
        assert synced[everyone].get("default_member_permissions") is None


def test_the_docs_give_discords_minimum_age_and_what_younger_groups_do() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    discord_doc = (PROJECT_ROOT / "docs" / "discord.md").read_text(encoding="utf-8")
    assert "any age" not in readme
    for text in (" ".join(readme.split()), " ".join(discord_doc.split())):
        assert "13 or over" in text
        assert "under 13" in text and "in person" in text
