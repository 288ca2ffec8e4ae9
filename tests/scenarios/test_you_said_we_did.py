""" "You said, we did" on every adapter: staff write an update in the form /you-said-we-did
opens, and a short card in plain words reaches the group's channel; a young person who
tries is refused privately, and nothing changes."""

from __future__ import annotations

from tests.scenarios.room import Room
from tests.scenarios.steps import everything, start

LABEL = "Leeds 3 Dec"
TARGET = {"sessions": LABEL, "theme": "stability-moves"}
FIELDS = {
    "heard": "Moving home too often makes it hard to settle",
    "taken-to": "the Corporate Parenting Board, 12 March",
    "decision": "partly",
    "because": "there is money for one more support worker",
    "follow-up": "2030-01-15",
}
CARD = [
    "You said, we did: Moving between homes",
    "You said: Moving home too often makes it hard to settle.",
    "We took it to: the Corporate Parenting Board, 12 March.",
    "What happened: Some things are changing, but not all of them. "
    "This is because there is money for one more support worker.",
    "What's next: We will tell you more by 15 January 2030.",
]


async def _closed_workshop(room: Room) -> None:
    options = {"question-set": "check-in", "label": LABEL}
    told = await room.command(room.facilitator, "start-session", **options)
    assert any("has started" in text for text in told), told
    await room.command(room.facilitator, "end-session")


def _lines(text: str) -> list[str]:
    """The card's lines as read, whatever bold marks the platform uses."""
    return [line.replace("*", "") for line in text.splitlines()]


async def test_an_update_reaches_the_group_as_a_plain_card(room: Room) -> None:
    await _closed_workshop(room)
    posts_before = len(room.group())
    told = await room.you_said_we_did(room.staff, TARGET, FIELDS)
    assert any("Posting it to 1 channel now" in text for text in told), told
    (card,) = room.group()[posts_before:]
    assert _lines(card.text) == CARD
    assert card.action_ids == ()  # a card, no buttons
    # Anyone in the group could read it; nothing about who wrote the answers.
    assert not any(person in card.text for person in room.young)


async def test_a_young_person_is_refused_privately_and_nothing_changes(room: Room) -> None:
    await _closed_workshop(room)
    assert (await start(room)).is_question  # a new session is open in the channel now
    before = everything(room)
    who = room.young[0]
    (refused,) = await room.you_said_we_did(who, TARGET, FIELDS)
    assert refused == "Only staff and facilitators can use /you-said-we-did. Nothing has changed."
    before.private[who].append(refused)
    assert everything(room) == before


async def test_a_missed_follow_up_reminds_the_facilitator_privately(room: Room) -> None:
    await _closed_workshop(room)
    # The clock starts on 24 November 2026: the group hears more by 1 December.
    await room.you_said_we_did(room.staff, TARGET, FIELDS | {"follow-up": "2026-12-01"})
    posts = room.group()
    await room.days_pass(7)  # 1 December, 9:00: the date has not passed yet
    assert not any("Reminder" in text for text in room.private(room.facilitator))
    await room.days_pass(1.5)  # 2 December, the evening: it passed with no update
    reminders = [t for t in room.private(room.facilitator) if t.startswith("Reminder")]
    assert len(reminders) == 1, room.private(room.facilitator)
    assert '"Moving between homes" by 1 December 2026' in reminders[0]
    assert room.group() == posts  # nothing for the group


async def test_a_refused_form_keeps_what_was_typed(room: Room) -> None:
    await _closed_workshop(room)
    posts_before = len(room.group())
    typed = FIELDS | {"because": "her placement ended"}
    (refused,) = await room.you_said_we_did(room.staff, TARGET, typed)
    assert refused.startswith('because: young people read this card: please say "home"')
    assert room.group()[posts_before:] == []  # nothing posted
    if room.platform == "slack":  # the form stays open, the reason under "Because"
        assert room.form_errors[room.staff] == [{"because": refused}]
    if room.platform == "discord":  # a form can't stay open: what was typed comes back
        assert "What you typed, to copy into the form again:" in refused
        assert "Because: her placement ended" in refused
        assert "You said: Moving home too often makes it hard to settle" in refused
    # Fixed and sent again, it is saved and posted once.
    told = await room.you_said_we_did(room.staff, TARGET, FIELDS)
    assert any("Posting it to 1 channel now" in text for text in told), told
    assert len(room.group()[posts_before:]) == 1
