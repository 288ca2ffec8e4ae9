"""Safeguarding on Discord end to end, what is Discord's own: how an alert reads and pings
nobody, where alerts go (channel, DMs, deputy) and staff notes. Real discord.py, real engine
and store, fake Discord. What every adapter does (held answers, the lead's buttons and
commands, reports, /help and /worried) is in the scenario suite, tests/scenarios."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.actions import acknowledge_action_id
from bot.core.errors import DeliveryFailed
from bot.core.outbound import AlertAudience, SafeguardingAlert, StaffNote
from tests.discord.harness import LEAD, STAFF, Room, button, buttons, open_room

DISCLOSURE = "my dad hits me and i'm scared to go home"
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@pytest.fixture
async def room(tmp_path: Path) -> AsyncIterator[Room]:
    async with open_room(tmp_path) as room:
        yield room


def shown(content: str) -> str:
    return _UNESCAPE.sub(r"\1", content).replace("\u200b", "")


def labels(message: dict[str, Any]) -> list[str]:
    return [b["label"] for b in buttons(message)]


async def start(room: Room, question_set: str = "check-in") -> dict[str, Any]:
    await room.command(room.facilitator, "start-session", **{"question-set": question_set})
    (question,) = room.questions()
    return question


async def disclose(room: Room) -> dict[str, Any]:
    """A young person answers with a disclosure; the group sees nothing: returns the alert."""
    question = await start(room)
    before = room.posts()
    reply = await room.answer(room.young[0], question, DISCLOSURE, quote=True)
    (to_them,) = room.private_replies(reply)
    assert "Childline" in to_them and "0800 1111" in to_them
    assert room.posts() == before  # nothing for the group, not even a notice
    (alert,) = room.alerts()
    return alert


async def test_an_alert_names_the_writer_last_and_pings_nobody(room: Room) -> None:
    alert = await disclose(room)

    assert alert["content"].endswith(f"On Discord: <@{room.young[0]}>")
    assert button(alert, "I'm on it")["style"] == 3  # green: the first thing to press
    (create,) = room.fake.requests_to("POST", rf"/channels/{room.safeguarding_channel}/messages")
    assert create.json["allowed_mentions"] == {"parse": []}  # the mention pings nobody
    await room.dms(room.facilitator)  # the rest of the dispatch, before the room closes


async def test_without_a_safeguarding_channel_the_lead_is_sent_alerts_and_acts_by_dm(
    tmp_path: Path,
) -> None:
    async with open_room(tmp_path, safeguarding_channel=False) as room:
        question = await start(room)
        before = room.posts()
        await room.answer(room.young[0], question, DISCLOSURE)

        (alert,) = await room.dms(room.lead)
        assert DISCLOSURE in shown(alert["content"])
        assert labels(alert) == ["I'm on it", "Release to the group", "Keep out of the digest"]
        assert room.posts() == before and room.alerts() == []
        # A press in a DM carries no roles: the configured user id makes the lead.
        picked = await room.click(room.lead, alert, "I'm on it")
        assert "user" in picked.payload and "member" not in picked.payload
        assert room.private_replies(picked) == [
            "Thanks: you've picked this up. The deputy won't be alerted."
        ]
        released = await room.click(room.lead, alert, "Release to the group")
        assert room.private_replies(released) and len(room.answers()) == 1


def escalation(alert_id: str = "al-1") -> SafeguardingAlert:
    return SafeguardingAlert(
        audience=AlertAudience.DEPUTY,
        alert_id=alert_id,
        text="⏰ An alert has not been picked up for 15 minutes.",
        writer=None,
        acknowledge_action_id=acknowledge_action_id(alert_id),
    )


async def test_an_escalation_goes_to_the_deputy_else_to_the_lead(tmp_path: Path) -> None:
    async with open_room(tmp_path) as room:  # no deputy set: the lead's channel
        await room.client.outbox.send(escalation())
        (alert,) = room.alerts()
        assert labels(alert) == ["I'm on it"]
    async with open_room(tmp_path, deputy_user_ids=frozenset({int(STAFF[0])})) as room:
        await room.client.outbox.send(escalation())
        (dm,) = room.fake.dm_messages(room.staff)
        assert "not been picked up" in dm["content"] and room.alerts() == []
        # The deputy unreachable: the lead's destination still gets it.
        dm_channel = dm["channel_id"]
        room.fake.fail("POST", rf"/channels/{dm_channel}/messages", status=403, code=50007)
        await room.client.outbox.send(escalation("al-2"))
        assert len(room.alerts()) == 1


async def test_a_refused_alert_falls_back_to_dms_or_fails_loudly(tmp_path: Path) -> None:
    lead_ids = frozenset({int(LEAD[0])})
    async with open_room(tmp_path, safeguarding_user_ids=lead_ids) as room:
        room.fake.forbid("POST", rf"/channels/{room.safeguarding_channel}/messages")
        await room.client.outbox.send(escalation())
        (dm,) = room.fake.dm_messages(room.lead)
        assert labels(dm) == ["I'm on it"]
    async with open_room(tmp_path) as room:  # a channel and nobody to DM
        room.fake.forbid("POST", rf"/channels/{room.safeguarding_channel}/messages")
        with pytest.raises(DeliveryFailed) as failed:
            await room.client.outbox.send(escalation())
        assert "'View Channel' and 'Send Messages'" in failed.value.hint


async def test_a_staff_note_goes_to_the_staff_channel_or_is_only_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    note = StaffNote(text="Check-in from session abc (anonymous): «@everyone **hi**»")
    async with open_room(tmp_path) as room:
        await room.client.outbox.send(note)
        (posted,) = room.posts(room.staff_channel)
        assert shown(posted["content"]) == note.text and "@everyone" not in posted["content"]
    async with open_room(tmp_path, staff_channel=False) as room:
        with caplog.at_level(logging.WARNING):
            assert await room.client.outbox.send(note) is None
        assert "DISCORD_STAFF_CHANNEL_ID is not set" in caplog.text
        assert "Check-in" not in caplog.text and "everyone" not in caplog.text
        assert room.posts(room.staff_channel) == []


ALERT_HEADER = "🛡️ **Safeguarding alert**: please look at this as soon as you can."


async def test_an_alert_opens_with_a_neutral_line_so_previews_show_no_words_or_name(
    tmp_path: Path,
) -> None:
    (tmp_path / "dm").mkdir()
    async with open_room(tmp_path) as room:
        alert = await disclose(room)
        first, details = alert["content"].split("\n", 1)
        assert first == ALERT_HEADER  # what a phone's notification shows first
        assert DISCLOSURE in shown(details) and details.endswith(f"<@{room.young[0]}>")
        await room.dms(room.facilitator)  # the rest of the dispatch, before the room closes
    async with open_room(tmp_path / "dm", safeguarding_channel=False) as room:
        question = await start(room)
        await room.answer(room.young[0], question, DISCLOSURE)
        (dm,) = await room.dms(room.lead)
        first, details = dm["content"].split("\n", 1)
        assert first == ALERT_HEADER
        assert DISCLOSURE in shown(details) and details.endswith(f"<@{room.young[0]}>")
