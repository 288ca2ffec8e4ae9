""" "You said, we did" over the local adapter on a fake clock: an update becomes a card in the
group's channel, a missed follow-up reminds the facilitator, a timely update silences it,
and every refusal changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from adapters.local.adapter import LocalChannel
from bot.app import Runtime
from bot.core.events import Command
from bot.core.outbound import ChannelNotice, PrivateNotice
from bot.core.records import ActionUpdate, Decision, JobKind, JobState
from bot.digest.render import DigestFormat, render
from bot.feedback.card import WHAT_HAPPENED, card_text
from bot.language.readability import reading_age
from bot.report.render import render_report
from bot.report.select import Selection
from tests.scheduling.conftest import FakeClock

from .conftest import AMY, FACILITATOR, LABEL, STAFF

UPDATE = {
    "sessions": LABEL,
    "theme": "stability-moves",
    "heard": "Moving home too often makes it hard to settle",
    "taken-to": "the Corporate Parenting Board, 12 March",
    "decision": "partly",
    "because": "there is money for one more support worker, but not two",
    "follow-up": "2027-01-15",
}
# The morning after the follow-up date, 9:00 in London (GMT in January).
REMIND_AT = datetime(2027, 1, 16, 9, 0, tzinfo=UTC)


def _cards(channel: LocalChannel) -> list[ChannelNotice]:
    return [m for m in channel.outbox.sent if isinstance(m, ChannelNotice)]


def _private_texts(channel: LocalChannel, person_id: str) -> list[str]:
    return [
        m.text
        for m in channel.outbox.sent
        if isinstance(m, PrivateNotice) and m.recipient.user_id == person_id
    ]


async def test_an_update_is_posted_to_the_group_as_a_plain_card(
    runtime: Runtime, workshop: LocalChannel
) -> None:
    staff_room = LocalChannel(runtime.engine, channel_id="staff-room")
    await staff_room.command(STAFF, Command.YOU_SAID_WE_DID, **UPDATE)
    (card,) = [m for m in staff_room.outbox.sent if isinstance(m, ChannelNotice)]
    assert card.channel_id == "group"  # the group's channel, not where staff typed it
    assert card.text.splitlines() == [
        "**You said, we did: Moving between homes**",
        "**You said:** Moving home too often makes it hard to settle.",
        "**We took it to:** the Corporate Parenting Board, 12 March.",
        "**What happened:** "
        + WHAT_HAPPENED[Decision.PARTLY]
        + " This is because there is money for one more support worker, but not two.",
        "**What's next:** We will tell you more by 15 January 2027.",
    ]
    (reply,) = [m.text for m in staff_room.outbox.replies if isinstance(m, PrivateNotice)]
    assert "Posting it to 1 channel now" in reply
    (action,) = await runtime.engine.feedback.actions(LABEL)
    assert [u.decision for u in action.updates] == [Decision.WAITING, Decision.PARTLY]
    assert action.latest.by == "local:staff1"  # a staff audit name, never a young person's


async def test_a_missed_follow_up_reminds_the_facilitator_once(
    runtime: Runtime, workshop: LocalChannel, clock: FakeClock
) -> None:
    await workshop.command(FACILITATOR, Command.YOU_SAID_WE_DID, **UPDATE)
    workshop.outbox.sent.clear()
    clock.set(REMIND_AT - timedelta(minutes=1))
    assert await runtime.jobs.run_due(workshop.outbox) == []
    clock.set(REMIND_AT + timedelta(days=3))  # the bot was down: still reminded, late
    outcomes = await runtime.jobs.run_due(workshop.outbox)
    assert [(o.kind, o.state) for o in outcomes if o.kind is not JobKind.PURGE] == [
        (JobKind.FOLLOW_UP, JobState.DONE)
    ]
    (reminder,) = _private_texts(workshop, FACILITATOR.user_id)
    assert 'hear more about "Moving between homes" by 15 January 2027' in reminder
    assert "/you-said-we-did" in reminder
    assert _cards(workshop) == []  # nothing for the group
    assert await runtime.jobs.run_due(workshop.outbox) == []  # once only


async def test_an_update_before_the_date_silences_the_reminder(
    runtime: Runtime, workshop: LocalChannel, clock: FakeClock
) -> None:
    await workshop.command(FACILITATOR, Command.YOU_SAID_WE_DID, **UPDATE)
    (action,) = await runtime.engine.feedback.actions(LABEL)
    clock.advance(days=10)
    await workshop.command(
        FACILITATOR,
        Command.YOU_SAID_WE_DID,
        action=action.id,
        decision="changed",
        because="the Board found the money",
    )
    workshop.outbox.sent.clear()
    clock.set(REMIND_AT + timedelta(days=1))
    outcomes = await runtime.jobs.run_due(workshop.outbox)
    assert [o for o in outcomes if o.kind is JobKind.FOLLOW_UP] == []  # cancelled
    assert workshop.outbox.sent == []
    # And a reminder that runs all the same (planned before the update) does nothing.
    assert await runtime.engine.follow_up_due(action.id, 2) == []


async def test_someone_not_staff_is_refused_privately_and_nothing_changes(
    runtime: Runtime, workshop: LocalChannel
) -> None:
    sent = await workshop.command(AMY, Command.YOU_SAID_WE_DID, **UPDATE)
    (refusal,) = sent
    assert isinstance(refusal, PrivateNotice) and refusal.recipient == AMY
    assert "Only staff and facilitators" in refusal.text
    assert _cards(workshop) == []
    assert await runtime.engine.feedback.actions() == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"theme": "pizza"}, "There's no theme 'pizza'. Themes: relationships, "),
        ({"sessions": "Hull"}, "No session called 'Hull'. Sessions: "),
        ({"action": "nope"}, "There's no action 'nope'."),
        ({"decision": "maybe"}, "decision 'maybe' is not one I know"),
        ({"follow-up": "soon"}, "follow-up 'soon' is not a date"),
        ({"follow-up": "2026-01-01"}, "follow-up 2026-01-01 is not after today"),
        ({"because": "of her placement"}, 'please say "home" or "house" instead of "placement"'),
    ],
)
async def test_bad_input_is_refused_in_one_line_and_nothing_is_posted(
    runtime: Runtime, workshop: LocalChannel, change: dict[str, str], expected: str
) -> None:
    sent = await workshop.command(STAFF, Command.YOU_SAID_WE_DID, **(UPDATE | change))
    (refusal,) = sent
    assert isinstance(refusal, PrivateNotice)
    assert expected in refusal.text and "\n" not in refusal.text
    assert _cards(workshop) == []
    assert await runtime.engine.feedback.actions() == []  # nothing saved, not even "heard"


async def test_a_card_over_the_platform_limit_is_refused_with_the_limit(
    runtime: Runtime, workshop: LocalChannel
) -> None:
    # Each field within its own limit (600), the card over Discord's and the local 2000.
    long = {"heard": "ab " * 200, "because": "money is tight " * 40, "taken-to": "the Board " * 60}
    sent = await workshop.command(STAFF, Command.YOU_SAID_WE_DID, **(UPDATE | long))
    (refusal,) = sent
    assert isinstance(refusal, PrivateNotice)
    assert "at most 2000 in one message" in refusal.text and "Nothing was posted" in refusal.text
    assert _cards(workshop) == []
    assert await runtime.engine.feedback.actions() == []  # nothing saved, not even "heard"


def test_the_cards_fixed_words_read_at_about_eleven() -> None:
    for decision in Decision:
        text = card_text(
            theme_label="Moving between homes",
            heard="Moving home too often makes it hard to settle",
            update=ActionUpdate(number=2, at=datetime.now(UTC), by="cli", decision=decision),
        )
        plain = text.replace("*", "")
        assert reading_age(plain) <= 11.5, (decision, reading_age(plain))


async def test_the_status_shows_in_every_digest_format_and_in_a_report(
    runtime: Runtime, workshop: LocalChannel
) -> None:
    await workshop.command(STAFF, Command.YOU_SAID_WE_DID, **UPDATE)
    engine = runtime.engine
    (action,) = await engine.feedback.actions(LABEL)
    session_id = action.session_ids[0]
    digest = await engine.digest(session_id)
    (status,) = digest.actions
    assert status.status == "partly changed"
    assert status.taken_to == "the Corporate Parenting Board, 12 March"
    line = "Moving between homes: partly changed (taken to the Corporate Parenting Board"
    assert line in render(digest, DigestFormat.MD).decode()
    assert line in render(digest, DigestFormat.HTML).decode()
    csv_text = render(digest, DigestFormat.CSV).decode("utf-8-sig")
    assert csv_text.splitlines()[0].endswith(",you-said-we-did")
    assert "stability-moves: partly changed" in csv_text
    data = json.loads(render(digest, DigestFormat.JSON))
    assert data["actions"][0]["status"] == "partly changed"
    assert data["actions"][0]["follow_up"] == "2027-01-15"
    assert b"word/document.xml" in render(digest, DigestFormat.DOCX)

    report = await engine.reports.report(Selection(names=(LABEL,)))
    assert [a.status for a in report.actions] == ["partly changed"]
    assert line in render_report(report, DigestFormat.MD).decode()
    report_csv = render_report(report, DigestFormat.CSV).decode("utf-8-sig").splitlines()
    assert report_csv[0].endswith(",you_said_we_did")
    assert json.loads(render_report(report, DigestFormat.JSON))["actions"][0]["updates"] == 2


async def test_the_card_names_the_theme_in_young_peoples_words(
    runtime: Runtime, workshop: LocalChannel
) -> None:
    feedback = runtime.engine.feedback
    await workshop.command(
        FACILITATOR,
        Command.YOU_SAID_WE_DID,
        sessions=LABEL,
        theme="state-as-parent",
        decision="waiting",
    )
    (card,) = _cards(workshop)
    heading, heard = card.text.splitlines()[:2]
    assert heading == "**You said, we did: How the council looks after you**"
    assert heard == "**You said:** You told us about how the council looks after you."
    assert "corporate parent" not in card.text.lower()
    assert feedback.label("state-as-parent") == "The state as corporate parent"  # staff's name
