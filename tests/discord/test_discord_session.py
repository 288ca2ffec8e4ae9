"""The Discord adapter end to end, what is Discord's own: layout, escaping, limits, retries,
permissions, command sync and autocomplete, settings. Real discord.py, real engine and store,
fake Discord. What every adapter does is in the scenario suite, tests/scenarios."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import DeliveryFailed
from bot.core.events import Command, Person, system_person
from bot.core.outbound import Audience, DeliveryFile, FileDelivery, PrivateNotice
from tests.discord.harness import Room, button, open_room
from tests.fakes.discord_server import RecordedRequest
from tests.scheduling.conftest import FakeClock

PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture
async def room(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Room]:
    async with open_room(tmp_path, clock=clock) as room:
        yield room


async def end_check_closes(room: Room, clock: FakeClock) -> None:
    """Half an hour on: the end-of-session check closes and the digest goes to staff."""
    clock.advance(minutes=31)
    await room.jobs.run_due(room.client.outbox)


def shown_text(content: str) -> str:
    """What Discord shows for an escaped answer body (after the alias line and ``>>> ``)."""
    body = content.split("\n>>> ", 1)[1]
    return _UNESCAPE.sub(r"\1", body).replace("\u200b", "")


def mentions_nobody(request: RecordedRequest) -> bool:
    allowed = (request.json or {}).get("allowed_mentions")
    return (
        allowed is not None
        and allowed.get("parse") == []
        and not allowed.get("users")
        and not allowed.get("roles")
        and not allowed.get("replied_user")
    )


def labels(message: dict[str, Any]) -> list[list[str]]:
    return [[b["label"] for b in row["components"]] for row in message["components"]]


async def start(room: Room, question_set: str = "case-for-change") -> None:
    handle = await room.command(room.facilitator, "start-session", **{"question-set": question_set})
    assert any("has started" in text for text in room.private_replies(handle))


async def test_a_session_looks_as_discord_shows_it(room: Room, clock: FakeClock) -> None:
    """What the scenario suite (tests/scenarios) cannot say for every platform: how Discord
    lays out questions, answers and the check-in, and that the bot's own reaction is not
    counted."""
    await start(room)
    (q1,) = room.questions()
    assert "**Question 1 of 6**\nWhat was your initial response?" in q1["content"]
    assert labels(q1) == [["Answer anonymously", "Skip"]]

    first, second = room.young[:2]
    await room.answer(first, q1, "I felt angry that nobody asked us first.", quote=True)
    await room.answer(second, q1, "Relieved, honestly.")
    (a, _) = (m["id"] for m in room.answers())
    assert labels(room.fake.messages[a])[-1] == ["Report privately"]  # a row of its own
    await room.press(second, a, "👍")
    await room.react(first, a, "❤️")
    await room.wait_for_counts(a, {"👍": 1, "❤️": 1})
    assert labels(room.fake.messages[a])[-1] == ["Report privately"]  # kept by the edits
    await room.react(room.fake.bot_user["id"], a, "👍")  # the bot's own: ignored

    await room.command(room.facilitator, "next-question")
    q2 = room.questions()[-1]
    # A sensitive question: the content note comes before it.
    assert q2["content"].startswith("💛 This question touches on things that can be hard")
    assert "\n**Question 2 of 6**\nIs this an accurate representation of you?" in q2["content"]

    await room.command(room.facilitator, "end-session")
    # Then the check-in: not numbered, no quote choice, for the facilitator's eyes only.
    check_in = room.questions()[-1]
    assert check_in["content"].startswith("**Check-in**\nBefore you go: how are you feeling")
    press = await room.click(first, check_in, "Answer anonymously")
    assert len(room.modal(press)["components"]) == 1  # just the text box

    await end_check_closes(room, clock)
    (upload,) = await room.fake.wait_for_request(
        "POST", rf"/channels/{room.staff_channel}/messages"
    )
    digest = next(json.loads(f.content) for f in upload.files if f.filename.endswith(".json"))
    quoted = next(a for q in digest["questions"] for a in q["answers"] if a["quotable"])
    given = {r["emoji"]: r["count"] for r in quoted["reactions"] if r["count"]}
    assert given == {"👍": 1, "❤️": 1}  # the bot's own 👍 was not counted


async def test_an_answer_with_mentions_pings_nobody_and_reads_as_typed(room: Room) -> None:
    await start(room)
    (question,) = room.questions()
    text = (
        f"look <@&{room.facilitator_role}> and <#{room.channel}> <t:0:R>\n"
        "# not a heading\n> not a quote\n**not bold** [not](https://a.link) -# small"
    )
    await room.answer(room.young[0], question, text)
    await room.answer(room.young[1], question, f"@everyone and <@{room.staff}> @here")

    plain, pings = room.answers()
    assert shown_text(plain["content"]) == text
    assert not re.search(r"(?<!\\)<[@#t]", plain["content"]), "a mention would render"
    # Handles are taken out before anyone sees the answer; nothing is left to ping.
    assert "@everyone" not in pings["content"] and "@here" not in pings["content"]
    assert room.staff not in pings["content"]
    creates = room.fake.requests_to("POST", rf"/channels/{room.channel}/messages")
    assert creates and all(mentions_nobody(r) for r in creates)
    assert all(int(r.json.get("flags", 0)) & 4 for r in creates)  # no link previews


async def test_a_burst_of_presses_is_shown_with_few_edits(room: Room) -> None:
    await start(room)
    (question,) = room.questions()
    await room.answer(room.young[0], question, "Being moved without warning.")
    (post,) = room.answers()
    pressers = room.young[1:]
    for person in pressers:
        await room.join(person, question)

    handles = [await room.press(person, post["id"], "👍") for person in pressers]
    await room.wait_for_counts(post["id"], {"👍": len(pressers)})
    await asyncio.sleep(0.3)  # one edit interval: nothing more should follow

    edits = room.fake.requests_to("PATCH", rf"/channels/{room.channel}/messages/{post['id']}")
    assert 1 <= len(edits) < len(pressers)
    final = next(b for b in edits[-1].json["components"][0]["components"] if "me too" in b["label"])
    assert final["label"] == f"me too · {len(pressers)}"
    for handle in handles:  # each press was acknowledged silently, within 3 s
        (callback,) = room.fake.callbacks(handle.id)
        assert callback.json == {"type": 6}
        assert callback.at - handle.dispatched_at < 3


async def test_a_missing_permission_is_named_and_the_answer_is_kept(
    room: Room, clock: FakeClock
) -> None:
    await start(room)
    (question,) = room.questions()
    room.fake.forbid("POST", rf"/channels/{room.channel}/messages")

    answered = await room.answer(room.young[0], question, "Keep my brother with me.", quote=True)
    moved_on = await room.command(room.facilitator, "next-question")

    needs = f"I need the 'View Channel' and 'Send Messages' permissions in <#{room.channel}>"
    assert any(needs in text for text in room.private_replies(moved_on))
    # The young person hears their answer is safe, without the admin detail...
    to_young = room.private_replies(answered)
    assert any("Your answer is saved" in text for text in to_young)
    assert not any("permission" in text for text in to_young)
    # ...and the facilitator, who can fix it, is told by direct message.
    dms = room.fake.requests_to("POST", r"/channels/\d+/messages")
    assert any(needs in (r.json or {}).get("content", "") for r in dms)
    assert room.answers() == []
    room.fake.clear_faults()
    await room.command(room.facilitator, "end-session")
    await end_check_closes(room, clock)
    (upload,) = await room.fake.wait_for_request(
        "POST", rf"/channels/{room.staff_channel}/messages"
    )
    digest = next(json.loads(f.content) for f in upload.files if f.filename.endswith(".json"))
    assert [a["text"] for q in digest["questions"] for a in q["answers"]] == [
        "Keep my brother with me."
    ]


async def test_transient_failures_are_retried_without_double_posting(room: Room) -> None:
    room.fake.fail("POST", rf"/channels/{room.channel}/messages", status=503, times=1)
    room.fake.rate_limit("POST", rf"/channels/{room.channel}/messages", retry_after=0.01)
    await start(room)

    creates = room.fake.requests_to("POST", rf"/channels/{room.channel}/messages")
    assert [r.status for r in creates[:3]] == [503, 429, 200]
    assert len({r.json["nonce"] for r in creates[:3]}) == 1  # one message, tried three times
    assert len(room.questions()) == 1


async def test_the_answer_form_fits_discord_limits_and_asks_about_quoting(room: Room) -> None:
    await start(room, "good-enough-care")
    (question,) = room.questions()
    await room.join(room.young[0], question)
    press = await room.click(room.young[0], question, "Answer anonymously")

    modal = room.modal(press)  # the fake refuses (400) anything Discord would refuse
    answer, quote = modal["components"]
    text_input, checkbox = answer["component"], quote["component"]
    assert len(modal["title"]) <= 45 and modal["title"].endswith("…")
    assert modal["custom_id"] == button(question, "Answer anonymously")["custom_id"]
    assert (answer["type"], text_input["type"]) == (18, 4)
    assert text_input["max_length"] == room.engine.max_answer_chars
    assert len(answer["label"]) <= 45 and len(text_input["placeholder"]) <= 100
    assert text_input["placeholder"].startswith("If we were creating care today")
    assert (quote["type"], checkbox["type"]) == (18, 23)
    assert checkbox == {"type": 23, "custom_id": "quote", "default": False}  # unticked
    assert "quote" in quote["label"].lower() and len(quote["description"]) <= 100


async def test_withdraw_offers_this_session_as_you_type(room: Room) -> None:
    payload = room.fake.autocomplete(
        "withdraw",
        guild_id=room.guild,
        channel_id=room.channel,
        user_id=room.young[0],
        focused="session",
        typed="th",
    )
    choices = await room.fake.interact(payload)
    await room.fake.wait_for_response(choices)
    offered = room.fake.callbacks(choices.id)[0].json["data"]["choices"]
    assert [choice["value"] for choice in offered] == ["this"]


async def test_commands_sync_to_the_guild_and_intents_are_unprivileged(room: Room) -> None:
    (sync,) = room.fake.requests_to("PUT", rf"/applications/\d+/guilds/{room.guild}/commands")
    names = {command["name"] for command in sync.json}
    assert names == {command.value for command in Command}  # every core command is offered
    options = {c["name"]: [o["name"] for o in c.get("options", [])] for c in sync.json}
    assert options["worried"] == ["message"] and options["withdraw"] == ["session"]
    assert options["who-wrote"] == ["answer", "reason"] and options["release"] == ["answer"]
    assert not room.fake.requests_to("PUT", r"/applications/\d+/commands")
    assert room.fake.identify is not None
    assert room.fake.identify["intents"] & PRIVILEGED_INTENTS == 0


async def test_question_sets_are_offered_as_you_type(room: Room) -> None:
    payload = room.fake.autocomplete(
        "start-session",
        guild_id=room.guild,
        channel_id=room.channel,
        user_id=room.facilitator,
        focused="question-set",
        typed="FOR",
    )
    handle = await room.fake.interact(payload)
    await room.fake.wait_for_response(handle)
    (callback,) = room.fake.callbacks(handle.id)
    assert callback.json["type"] == 8
    values = [choice["value"] for choice in callback.json["data"]["choices"]]
    assert values == ["case-for-change", "good-enough-care"]


async def test_without_a_staff_channel_the_facilitator_gets_the_digest_by_dm(
    tmp_path: Path,
) -> None:
    async with open_room(tmp_path, staff_channel=False) as room:
        await start(room, "check-in")
        await room.command(room.facilitator, "end-session")
        (dm,) = room.fake.requests_to("POST", r"/users/@me/channels")
        assert str(dm.json["recipient_id"]) == room.facilitator
        uploads: list[Any] = [
            r for r in room.fake.requests if r.path.endswith("/messages") and r.files
        ]
        assert len(uploads) == 1 and len(uploads[0].files) == 5
        assert not room.fake.requests_to("POST", rf"/channels/{room.staff_channel}/messages")


async def test_without_a_staff_channel_the_digest_after_the_end_check_goes_by_dm(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with open_room(tmp_path, staff_channel=False, clock=clock) as room:
        await start(room, "case-for-change")  # it has the end-of-session check
        await room.command(room.facilitator, "end-session")
        assert not [r for r in room.fake.requests if r.files]  # not yet
        await end_check_closes(room, clock)
        (dm,) = room.fake.requests_to("POST", r"/users/@me/channels")
        assert str(dm.json["recipient_id"]) == room.facilitator  # who ended it
        uploads = [r for r in room.fake.requests if r.path.endswith("/messages") and r.files]
        assert len(uploads) == 1 and len(uploads[0].files) == 5


async def test_a_facilitator_schedules_a_timed_session_from_discord(room: Room) -> None:
    options: dict[str, str | int] = {
        "question-set": "check-in",
        "start": "2099-06-02 18:00",
        "repeat": "weekly",
        "length-minutes": 45,
        "question-minutes": 5,
    }
    handle = await room.command(room.facilitator, "schedule-session", **options)
    (reply,) = room.private_replies(handle)
    assert "Tuesday 02 June 2099 at 18:00 Europe/London, every week, 45 minutes" in reply
    assert "5 minutes per question" in reply
    refused = await room.command(room.young[0], "schedule-session", **options)
    assert any("Only facilitators" in text for text in room.private_replies(refused))
    no_session = await room.command(room.facilitator, "extend-question", minutes=5)
    assert any("no session running" in text for text in room.private_replies(no_session))


async def test_the_check_in_note_shows_the_young_persons_words_as_typed(room: Room) -> None:
    await start(room, "check-in")
    await room.command(room.facilitator, "end-session")
    check_in = room.questions()[-1]
    words = "# Big\n||hidden|| [tap here](https://example.org/x) **loud** «inner» <@&1>"

    await room.answer(room.young[0], check_in, words)

    (note,) = [m["content"] for m in await room.dms(room.facilitator) if "Check-in" in m["content"]]
    head, rest = note.split("«", 1)
    assert head.startswith("Check-in from session ") and head.endswith("(anonymous): ")
    quoted = rest.rsplit("»", 1)[0]
    assert _UNESCAPE.sub(r"\1", quoted).replace("\u200b", "") == words
    # Heading, spoiler, masked link, bold, role mention: each marker shown, none rendered.
    assert not re.search(r"(?<!\\)[#|\[\]*<]", quoted), f"would render: {quoted!r}"


async def test_a_direct_message_retried_after_a_server_error_arrives_once(room: Room) -> None:
    # Discord wrote the message, then its edge answered 503: the retry must not repeat it.
    room.fake.fail("POST", r"/channels/\d+/messages", status=503, handled=True)
    young = Person(platform="discord", user_id=room.young[0])
    notice = PrivateNotice(channel_id=room.channel, recipient=young, text="Thanks for today.")

    await room.client.outbox.send(notice)

    (dm,) = room.fake.dm_messages(room.young[0])
    assert dm["content"] == "Thanks for today."
    first, retry = room.fake.requests_to("POST", r"/channels/\d+/messages")
    assert (first.status, retry.status) == (503, 200)
    assert first.json["nonce"] == retry.json["nonce"] and retry.json["enforce_nonce"] is True


async def test_a_private_reply_is_not_repeated_when_the_connection_drops(room: Room) -> None:
    # A follow-up is a webhook call: no nonce, so a retry could show it twice.
    room.fake.disconnect("POST", rf"/webhooks/{room.fake.application_id}/[^/]+")

    handle = await room.command(room.young[0], "privacy")

    await room.fake.wait_for(lambda: len(room.fake.followups(handle)) >= 2)
    await asyncio.sleep(0.2)  # a retry would come after 0.05 s
    replies = room.private_replies(handle)
    assert sum("can see your name" in text for text in replies) == 1, replies
    assert [r.status for r in room.fake.followups(handle)] == [0, 200]  # dropped, then "Done."


async def test_a_digest_the_scheduler_closes_with_no_staff_channel_fails_clearly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    scheduler = system_person("discord")  # a timed session closing itself
    digest = FileDelivery(
        channel_id="1",
        audience=Audience.STAFF,
        requester=scheduler,
        text="The digest for session s1 is ready.",
        files=(DeliveryFile(name="digest-s1.md", content=b"# s1", mime_type="text/markdown"),),
    )
    async with open_room(tmp_path, staff_channel=False) as room:
        with pytest.raises(DeliveryFailed) as failed:
            await room.client.outbox.send(digest)
        assert failed.value.hint == (
            "No staff channel is set, so the digest had nowhere to go: set "
            "DISCORD_STAFF_CHANNEL_ID; staff can still get it with /digest."
        )
        notice = PrivateNotice(channel_id="", recipient=scheduler, text="Session closed.")
        with pytest.raises(DeliveryFailed):
            await room.client.outbox.send(notice)
        # As the job runner sends it: logged, and nothing escapes to stop the runner.
        with caplog.at_level(logging.WARNING):
            await room.engine.send_all([digest], room.client.outbox, actor=scheduler, channel_id="")
        assert "DISCORD_STAFF_CHANNEL_ID" in caplog.text
        assert not room.fake.requests_to("POST", r"/users/@me/channels")
