"""Safeguarding, on every adapter: a held answer (a kind reply to the writer, an alert for the
lead, nothing for the group), private reports, the lead's release / keep-out / who-wrote (by
button and by command, refused to anyone else), /help and /worried."""

from __future__ import annotations

import pytest

from tests.scenarios.room import (
    ACKNOWLEDGE,
    ALERT_BUTTONS,
    KEEP_OUT,
    RELEASE,
    Alert,
    Room,
    answers,
)
from tests.scenarios.steps import (
    DISCLOSURE,
    PASSED_TO_LEAD,
    alias,
    answer,
    answered,
    digest_json,
    shows,
    start,
)

ONLY_THE_LEAD = "Only the safeguarding lead can do that"


async def disclose(room: Room) -> Alert:
    """A young person answers with a disclosure: they are told kindly where to get help, the
    group sees nothing (not even a notice); returns the lead's alert."""
    question = await start(room)
    before = room.group()
    (to_them,) = await answer(room, room.young[0], question, DISCLOSURE, quote=True)
    assert "Childline" in to_them and "0800 1111" in to_them
    assert room.group() == before
    (alert,) = room.alerts()
    return alert


async def test_a_disclosure_reaches_only_the_safeguarding_lead(room: Room) -> None:
    alert = await disclose(room)

    assert DISCLOSURE in alert.text
    assert alert.writer == room.young[0]  # who wrote it: for the lead alone
    assert alert.buttons == ALERT_BUTTONS
    # The facilitator hears only that an answer went to the lead: no words, no name.
    started, *since = room.private(room.facilitator)
    assert "has started" in started and since == [PASSED_TO_LEAD]
    for someone in (room.staff, *room.young[1:]):
        assert room.private(someone) == []
    # Not at the end, and not in the digest.
    await room.command(room.facilitator, "end-session")
    (files,) = room.staff_files()
    for content in files.values():
        assert DISCLOSURE.encode() not in content
    assert digest_json(files)["answer_count"] == 0
    assert not any(DISCLOSURE in post.text for post in room.group())


async def test_only_the_lead_can_release_a_held_answer_and_the_group_sees_an_alias(
    room: Room,
) -> None:
    alert = await disclose(room)

    for someone in (room.facilitator, room.young[1]):
        (refused,) = await room.press_alert(someone, alert, RELEASE)
        assert refused.startswith(ONLY_THE_LEAD)
    assert answers(room) == []

    picked = await room.press_alert(room.lead, alert, ACKNOWLEDGE)
    assert picked == ["Thanks: you've picked this up. The deputy won't be alerted."]
    again = await room.press_alert(room.lead, alert, ACKNOWLEDGE)
    assert again == ["Someone has already picked this up. Thank you."]
    (told,) = await room.command(
        room.lead, "who-wrote", answer=alert.answer_id, reason="need to call them today"
    )
    assert f"{room.platform} user {room.young[0]}" in told
    (done,) = await room.press_alert(room.lead, alert, RELEASE)

    assert "is now shown to the group, anonymously" in done
    (post,) = answers(room)
    assert shows(post, DISCLOSURE) and "answered question 1" in post.text
    assert alias(post) and room.young[0] not in post.text


async def test_the_lead_keeps_an_answer_out_and_it_cannot_be_released_after(room: Room) -> None:
    alert = await disclose(room)

    (kept,) = await room.press_alert(room.lead, alert, KEEP_OUT)
    (late,) = await room.press_alert(room.lead, alert, RELEASE)

    assert "is kept out of the group and every digest" in kept
    assert "isn't held" in late
    assert answers(room) == []


async def test_the_lead_can_release_and_keep_out_by_command(room: Room) -> None:
    alert = await disclose(room)
    refused = await room.command(room.facilitator, "release", answer=alert.answer_id)
    assert refused[0].startswith(ONLY_THE_LEAD) and answers(room) == []

    (released,) = await room.command(room.lead, "release", answer=alert.answer_id)

    assert "is now shown to the group, anonymously" in released
    (post,) = answers(room)
    assert DISCLOSURE in post.text
    (kept,) = await room.command(room.lead, "keep-out", answer=alert.answer_id)
    assert "kept out" in kept
    await room.command(room.facilitator, "end-session")
    (files,) = room.staff_files()
    assert digest_json(files)["answer_count"] == 0


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("release", {"answer": "abc123"}),
        ("keep-out", {"answer": "abc123"}),
        ("who-wrote", {"answer": "abc123", "reason": "just curious about it"}),
    ],
)
async def test_lead_commands_are_refused_to_everyone_else(
    room: Room, command: str, options: dict[str, str]
) -> None:
    for someone in (room.facilitator, room.staff, room.young[0]):
        (refused,) = await room.command(someone, command, **options)
        assert refused.startswith(ONLY_THE_LEAD)
    assert room.alerts() == []


async def test_reporting_an_answer_privately_alerts_the_lead_and_nobody_else(
    room: Room,
) -> None:
    question = await start(room)
    words = "The review meetings are pointless"
    post = await answered(room, room.young[0], question, words, quote=True)
    posted, writer_saw = len(room.group()), len(room.private(room.young[0]))

    (reply,) = await room.report(room.young[1], post)

    assert "The safeguarding lead will look at it. Nobody else knows you reported it" in reply
    (alert,) = room.alerts()
    assert words in alert.text and alert.writer is None  # a report names nobody
    assert alert.buttons == (ACKNOWLEDGE, KEEP_OUT)
    assert len(room.group()) == posted  # nothing new for the group
    assert len(room.private(room.young[0])) == writer_saw
    assert not any("report" in text for text in room.private(room.facilitator))

    (kept,) = await room.press_alert(room.lead, alert, KEEP_OUT)
    assert "kept out" in kept
    await room.command(room.facilitator, "end-session")
    (files,) = room.staff_files()
    assert digest_json(files)["questions"][0]["answers"] == []


async def test_help_and_worried_are_private_and_worried_reaches_the_lead(room: Room) -> None:
    (text,) = await room.command(room.young[2], "help")
    assert "Childline" in text and "0800 1111" in text and "/worried" in text
    assert room.alerts() == []

    (reply,) = await room.command(room.young[2], "worried", message="things at home are bad")

    assert "trusted adult" in reply and "0800 1111" in reply
    (alert,) = room.alerts()
    assert "things at home are bad" in alert.text
    assert alert.writer == room.young[2]
    assert alert.buttons == (ACKNOWLEDGE,)
    assert room.group() == []  # the group sees nothing
    assert await room.command(room.young[3], "worried")  # the message is optional
    assert len(room.alerts()) == 2


PAST_AND_OVER = (
    "When I was 8 my dad hit us, that is why I went into care. I am safe now but nobody "
    "explained it to me."
)


async def test_a_past_and_over_story_reaches_the_group_and_the_lead_gets_a_quiet_note(
    room: Room,
) -> None:
    question = await start(room)

    told = await answer(room, room.young[0], question, PAST_AND_OVER, quote=True)

    # The group sees it like any answer; the writer gets the usual thanks, nothing alarming.
    (post,) = answers(room)
    assert shows(post, PAST_AND_OVER) and alias(post)
    assert any("shown to the group anonymously" in text for text in told), told
    assert not any("Childline" in text or "trusted adult" in text for text in told)
    assert PASSED_TO_LEAD not in room.private(room.facilitator)
    # The lead gets a note: the words and the screen's reasons, no alarm, nobody named.
    (note,) = room.alerts()
    assert PAST_AND_OVER in note.text and "past and over" in note.text
    assert "no action needed now" in note.text and "'When I was 8'" in note.text
    assert "⚠️" not in note.text and "🛡️" not in note.text and note.writer is None
    assert note.buttons == (ACKNOWLEDGE, KEEP_OUT)
    # It is never escalated: nothing more reaches anyone after the deputy's time.
    await room.time_passes(minutes=16)
    await room.time_passes(minutes=60)
    assert len(room.alerts()) == 1
    assert await room.press_alert(room.lead, note, ACKNOWLEDGE) == [
        "Thanks: you've read this note."
    ]


async def test_an_unacknowledged_alert_reaches_the_deputy_whole_and_nothing_comes_twice(
    room: Room,
) -> None:
    alert = await disclose(room)

    await room.time_passes(minutes=14)
    assert room.alerts() == [alert]  # delivered once, not again on later rounds
    await room.time_passes(minutes=2)

    # No deputy is set here, so the escalation comes to the lead's destination: whole.
    first, escalation = room.alerts()
    assert first == alert
    assert "not been picked up for 15 minutes" in escalation.text
    assert DISCLOSURE in escalation.text and escalation.writer == room.young[0]
    assert escalation.buttons == ALERT_BUTTONS
    await room.time_passes(minutes=60)
    assert len(room.alerts()) == 2


async def test_a_disclosure_with_a_lone_surrogate_is_stored_held_and_alerted(room: Room) -> None:
    # JSON can carry half of a surrogate pair ("\ud800"); the platforms pass it on as is.
    question = await start(room)
    written = DISCLOSURE + " \ud800 please"
    kept = DISCLOSURE + " \ufffd please"  # the half is replaced, everything else is kept

    (to_them,) = await answer(room, room.young[0], question, written)

    assert "Childline" in to_them and answers(room) == []
    (alert,) = room.alerts()
    assert kept in alert.text and alert.writer == room.young[0]
    assert "\ud800" not in alert.text
    (released,) = await room.press_alert(room.lead, alert, RELEASE)
    assert "is now shown to the group" in released
    (post,) = answers(room)
    assert shows(post, kept)  # it was stored
