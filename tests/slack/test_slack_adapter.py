"""The Slack adapter's behaviours over signed HTTP: escaping, signatures, retries, roles,
rate limits, delivery failures, coalesced updates and Socket Mode dispatch."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.models.blocks import Block

from adapters.slack import modals
from adapters.slack.adapter import SlackAdapter
from adapters.slack.settings import SlackSettings
from bot.core.actions import consent_action_id
from bot.core.errors import DeliveryFailed
from bot.core.events import Command, CommandInvoked, Person, ReactionToggled, Role, system_person
from bot.core.outbound import (
    Audience,
    ConsentRequest,
    DeliveryFile,
    FileDelivery,
    Outbound,
    PrivateNotice,
)
from db.sqlite import SqliteStore
from tests.slack.conftest import (
    CHANNEL,
    FACILITATOR,
    FACILITATOR_GROUP,
    GROUP_FACILITATOR,
    MEMBERS,
    STAFF,
    Harness,
    button_counts,
    slack_env,
)

A, B, C = MEMBERS
MARKUP = "<!channel> <!here> <!everyone> <@U123> <#C123> & <b>"


async def _started(harness: Harness) -> dict[str, Any]:
    """Start a session as the facilitator; return the first question post once the
    facilitator's private reply has arrived too (so later reply counts are not racy)."""
    before = len(harness.fake.hook_posts)
    await harness.command("/start-session", "case-for-change", user=FACILITATOR)
    await harness.fake.wait_until(lambda: len(harness.question_posts()) == 1)
    await harness.fake.wait_until(lambda: len(harness.fake.hook_posts) > before)
    return harness.question_posts()[0]


def _session_id(question: dict[str, Any]) -> str:
    """The session id, read back from the question's "Answer anonymously" button."""
    value = question["blocks"][-1]["elements"][0]["value"]
    assert isinstance(value, str)
    return value


async def _session_count(harness: Harness) -> str:
    staff = Person(platform="slack", user_id=STAFF, roles=frozenset({Role.STAFF}))
    event = CommandInvoked(person=staff, channel_id=CHANNEL, command=Command.SESSIONS)
    (notice,) = await harness.engine.handle(event)
    assert isinstance(notice, PrivateNotice)
    return notice.text


async def test_answer_with_slack_markup_is_posted_escaped_without_unfurling(
    harness: Harness,
) -> None:
    question = await _started(harness)
    post = await harness.answer(A, question, MARKUP)
    call = harness.fake.calls_to("chat.postMessage")[-1]
    assert call.params["unfurl_links"] is False
    assert call.params["unfurl_media"] is False
    sent = json.dumps({"text": post["text"], "blocks": post["blocks"]}, ensure_ascii=False)
    for control in ("<!", "<@", "<#", "<b>"):
        assert control not in sent
    assert "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;" in sent
    # (the core takes the @handle out before the adapter sees it; the brackets stay escaped)
    assert "&gt; &lt;#C123&gt; &amp; &lt;b&gt;" in sent


async def test_wrong_signature_is_refused_and_changes_nothing(harness: Harness) -> None:
    body = harness.slack.slash_body(
        "/start-session", "case-for-change", user_id=FACILITATOR, channel_id=CHANNEL
    )
    form = "application/x-www-form-urlencoded"
    bad_secret = await harness.slack.post(body, form, secret="not-the-secret")
    stale = await harness.slack.post(body, form, timestamp=time.time() - 6 * 60)
    assert (bad_secret.status, stale.status) == (401, 401)
    await asyncio.sleep(0.1)  # give a wrongly accepted request time to act
    assert harness.fake.calls == []
    assert await _session_count(harness) == "There are no sessions yet."


async def test_retried_event_is_counted_once(harness: Harness) -> None:
    question = await _started(harness)
    answer = await harness.answer(A, question, "Nobody explained anything")
    for member in (B, C):
        await harness.join(member, question)
    slack, ts = harness.slack, answer["ts"]

    def reaction(added: bool) -> dict[str, Any]:
        return slack.reaction_event(added=added, user_id=B, name="+1", channel_id=CHANNEL, ts=ts)

    await slack.event(reaction(True), event_id="EvAdd")
    await slack.event(reaction(False), event_id="EvRemove")
    # Slack did not see our ack for the add in time and delivers it again, after the remove
    retry = await slack.event(reaction(True), event_id="EvAdd", retry_num=1)
    assert retry.status == 200
    marker = slack.reaction_event(added=True, user_id=C, name="bulb", channel_id=CHANNEL, ts=ts)
    await slack.event(marker, event_id="EvMarker")
    await harness.fake.wait_until(
        lambda: button_counts(harness.fake.messages[(CHANNEL, ts)])[1] == "💡 1"
    )
    digest = await harness.engine.digest(_session_id(question))
    counts = {r.emoji: r.count for r in digest.questions[0].answers[0].reactions}
    assert counts == {"👍": 0, "💡": 1, "❤️": 0, "🔀": 0}
    assert button_counts(harness.fake.messages[(CHANNEL, ts)]) == ["👍 0", "💡 1", "❤️ 0", "🔀 0"]


async def test_member_of_facilitator_user_group_may_start_a_session(harness: Harness) -> None:
    await harness.command("/start-session", "check-in", user=GROUP_FACILITATOR)
    await harness.fake.wait_until(lambda: len(harness.question_posts()) == 1)
    (lookup,) = harness.fake.calls_to("usergroups.users.list")
    assert lookup.params["usergroup"] == FACILITATOR_GROUP
    await harness.command("/next-question", user=GROUP_FACILITATOR)
    await harness.fake.wait_until(lambda: len(harness.question_posts()) == 2)
    assert len(harness.fake.calls_to("usergroups.users.list")) == 1  # cached


async def test_start_session_without_a_set_lists_the_sets(harness: Harness) -> None:
    await harness.command("/start-session", "", user=FACILITATOR)
    await harness.fake.wait_until(lambda: len(harness.fake.hook_posts) == 1)
    text = harness.fake.hook_posts[0][1]["text"]
    for set_id, _title in harness.engine.question_set_choices():
        assert set_id in text
    assert harness.fake.calls_to("chat.postMessage") == []


async def test_rate_limited_post_is_retried_after_retry_after(harness: Harness) -> None:
    harness.fake.fail("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    await harness.command("/start-session", "case-for-change", user=FACILITATOR)
    await harness.fake.wait_until(lambda: len(harness.question_posts()) == 1, within=4)
    elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 2.5
    posts = harness.fake.calls_to("chat.postMessage")
    assert len(posts) == 3  # the intro twice (429, then retried), then the question
    assert posts[0].params == posts[1].params


async def test_bot_not_in_channel_tells_the_facilitator_how_to_invite_it(
    harness: Harness,
) -> None:
    harness.fake.fail("chat.postMessage", "not_in_channel", times=2)
    await harness.command("/start-session", "case-for-change", user=FACILITATOR)
    await harness.fake.wait_until(lambda: len(harness.fake.hook_posts) >= 2)
    texts = [body["text"] for _, body in harness.fake.hook_posts]
    assert any(f"invite me to <#{CHANNEL}> with /invite @consultbot" in t for t in texts)
    assert all(body["response_type"] == "ephemeral" for _, body in harness.fake.hook_posts)


async def test_ephemeral_refused_in_channel_falls_back_to_a_direct_message(
    harness: Harness,
) -> None:
    question = await _started(harness)
    harness.fake.fail("chat.postEphemeral", "user_not_in_channel")
    await harness.answer(A, question, "Mixed feelings")
    await harness.fake.wait_for("conversations.open")
    await harness.fake.wait_until(lambda: len(harness.fake.posts_in("D0MEMBER0A")) == 1)
    (dm,) = harness.fake.posts_in("D0MEMBER0A")
    assert "shown to the group anonymously" in dm["text"]


async def test_burst_of_presses_gives_fewer_updates_with_the_right_final_counts(
    harness: Harness,
) -> None:
    question = await _started(harness)
    answer = await harness.answer(A, question, "We should be asked first")
    pressers = [f"U0BURST{i:03d}" for i in range(8)]
    for user in pressers:
        await harness.join(user, question)
    for user in pressers:  # eight people within about a quarter of a second
        assert (await harness.press_reaction(user, answer, 0)).status == 200
        await asyncio.sleep(0.03)
    await harness.adapter.settle()
    assert button_counts(harness.fake.messages[(CHANNEL, answer["ts"])])[0] == "👍 8"
    updates = harness.fake.calls_to("chat.update")
    assert 1 <= len(updates) <= 3  # at most one per UPDATE_INTERVAL, plus the last counts
    assert all(u.params["ts"] == answer["ts"] for u in updates)


async def test_blank_answer_keeps_the_modal_open_with_an_error(harness: Harness) -> None:
    question = await _started(harness)
    view = await harness.open_answer_form(A, question)
    reply = await harness.slack.submit(
        user_id=A,
        view=view,
        values={modals.ANSWER_INPUT_BLOCK_ID: {modals.ANSWER_INPUT_ACTION_ID: "   \n "}},
    )
    assert reply.json() == {
        "response_action": "errors",
        "errors": {modals.ANSWER_INPUT_BLOCK_ID: modals.EMPTY_ANSWER},
    }
    await asyncio.sleep(0.05)
    assert harness.answer_posts() == []


async def test_staff_digest_goes_to_the_requester_by_direct_message(harness: Harness) -> None:
    question = await _started(harness)
    await harness.answer(A, question, "Listen to us", quote_ok=True)
    session_id = _session_id(question)
    await harness.command("/digest", f"{session_id} csv", user=STAFF)
    await harness.fake.wait_until(lambda: len(harness.fake.shared) == 1)
    (shared,) = harness.fake.shared
    assert shared.channel_id == "D0STAFF001"
    assert list(shared.files) == [f"digest-{session_id}.csv"]
    assert b"Listen to us" in shared.files[f"digest-{session_id}.csv"]
    (opened,) = harness.fake.calls_to("conversations.open")
    assert opened.params["users"] == STAFF


async def test_socket_mode_requests_dispatch_without_signatures(harness: Harness) -> None:
    """Socket Mode delivers the same payloads over a websocket; bolt skips signature checks."""
    body = dict(parse_qsl(harness.slack.slash_body("/privacy", "", user_id=A, channel_id=CHANNEL)))
    response = await harness.adapter.app.async_dispatch(
        AsyncBoltRequest(body=body, mode="socket_mode")
    )
    assert response.status == 200
    await harness.fake.wait_until(lambda: len(harness.fake.hook_posts) == 1)
    privacy = harness.fake.hook_posts[0][1]["text"]
    assert privacy.startswith("*How your answers are kept private*")
    assert "other people can see your name" in privacy

    question = await _started(harness)
    answer = await harness.answer(A, question, "Socket answers count too")
    await harness.join(B, question)
    event = json.loads(
        harness.slack.event_body(
            harness.slack.reaction_event(
                added=True, user_id=B, name="heart", channel_id=CHANNEL, ts=answer["ts"]
            ),
            event_id="EvSocket",
        )
    )
    response = await harness.adapter.app.async_dispatch(
        AsyncBoltRequest(body=event, mode="socket_mode")
    )
    assert response.status == 200
    key = (CHANNEL, answer["ts"])
    await harness.fake.wait_until(lambda: button_counts(harness.fake.messages[key])[2] == "❤️ 1")


async def test_without_a_staff_channel_the_digest_goes_to_the_facilitator_directly(
    harness: Harness,
) -> None:
    settings = SlackSettings.from_env(slack_env(harness.fake, SLACK_STAFF_CHANNEL_ID=""))
    adapter = SlackAdapter(harness.engine, settings, update_interval=0.3)
    try:
        for command, text in (("/start-session", "check-in"), ("/end-session", "")):
            body = harness.slack.slash_body(command, text, user_id=FACILITATOR, channel_id=CHANNEL)
            request = AsyncBoltRequest(body=dict(parse_qsl(body)), mode="socket_mode")
            assert (await adapter.app.async_dispatch(request)).status == 200
            await adapter.settle()
    finally:
        await adapter.aclose()
    (shared,) = harness.fake.shared
    assert shared.channel_id == "D0FACIL001"
    assert len(shared.files) == 5
    (opened,) = harness.fake.calls_to("conversations.open")
    assert opened.params["users"] == FACILITATOR


async def test_unreadable_user_group_refuses_rather_than_allows(harness: Harness) -> None:
    harness.fake.fail("usergroups.users.list", "missing_scope")
    await harness.command("/start-session", "check-in", user=GROUP_FACILITATOR)
    await harness.fake.wait_until(lambda: len(harness.fake.hook_posts) == 1)
    assert "Only facilitators" in harness.fake.hook_posts[0][1]["text"]
    assert harness.fake.calls_to("chat.postMessage") == []


async def test_a_facilitator_schedules_a_session_with_named_options(harness: Harness) -> None:
    text = 'check-in start="2099-06-02 18:00" repeat=fortnightly length=30'
    await harness.command("/schedule-session", text, user=FACILITATOR)
    await harness.fake.wait_until(lambda: len(harness.fake.hook_posts) == 1)
    (_, reply) = harness.fake.hook_posts[0]
    assert reply["response_type"] == "ephemeral"
    assert (
        "Tuesday 02 June 2099 at 18:00 Europe/London, every two weeks, 30 minutes"
        in (reply["text"])
    )
    await harness.command("/schedule-session", 'check-in start="2001-01-01 18:00"', user=A)
    await harness.fake.wait_until(lambda: len(harness.fake.hook_posts) == 2)
    assert "Only facilitators" in harness.fake.hook_posts[1][1]["text"]


async def test_typed_mentions_and_links_in_an_answer_are_sent_verbatim(harness: Harness) -> None:
    question = await _started(harness)
    # (the core takes @handles out before the adapter sees them; channels and links stay)
    typed = "see #general or https://example.com & <b>"
    post = await harness.answer(A, question, typed)
    sections = [b["text"] for b in post["blocks"] if b["type"] == "section"]
    assert sections and all(s["type"] == "mrkdwn" and s["verbatim"] is True for s in sections)
    assert sections[0]["text"] == "see #general or https://example.com &amp; &lt;b&gt;"
    # slack_sdk's block models accept every block as sent, verbatim included
    assert [b.to_dict() for b in Block.parse_all(post["blocks"])] == post["blocks"]


async def test_failed_count_update_is_logged_not_shown_to_the_person_who_reacted(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    fake = harness.fake
    question = await _started(harness)
    answer = await harness.answer(A, question, "Keep the same social worker")
    for member in (B, C):
        await harness.join(member, question)
    hooks = len(fake.hook_posts)

    # chat.update refused with nothing pending: sent at once, and it fails
    fake.fail("chat.update", "not_in_channel")
    with caplog.at_level(logging.INFO):
        assert (await harness.press_reaction(B, answer, 0)).status == 200
        await fake.wait_for("chat.update")
        await harness.adapter.settle()

        # after a restart (nothing cached) reactions.get is refused for a native reaction
        fake.fail("reactions.get", "not_in_channel")
        restarted = SlackAdapter(harness.engine, SlackSettings.from_env(slack_env(fake)))
        event = harness.slack.event_body(
            harness.slack.reaction_event(
                added=True, user_id=C, name="bulb", channel_id=CHANNEL, ts=answer["ts"]
            ),
            event_id="EvAfterRestart",
        )
        try:
            request = AsyncBoltRequest(body=json.loads(event), mode="socket_mode")
            assert (await restarted.app.async_dispatch(request)).status == 200
            await fake.wait_for("reactions.get")
            await restarted.settle()
        finally:
            await restarted.aclose()

    # neither reactor was told anything technical; both reactions are counted all the same
    assert fake.hook_posts[hooks:] == []
    assert fake.ephemerals_for(B) == [] and fake.ephemerals_for(C) == []
    digest = await harness.engine.digest(_session_id(question))
    counts = {r.emoji: r.count for r in digest.questions[0].answers[0].reactions}
    assert counts == {"👍": 1, "💡": 1, "❤️": 0, "🔀": 0}
    assert caplog.text.count("count update for answer") >= 2
    assert "Keep the same social worker" not in caplog.text


def _scheduler_digest(audience: Audience) -> FileDelivery:
    return FileDelivery(
        channel_id=CHANNEL,
        audience=audience,
        requester=system_person("slack"),
        text="The digest for session abc123",
        files=(DeliveryFile(name="digest-abc123.md", content=b"# Digest", mime_type="text/md"),),
    )


async def test_scheduled_digest_without_a_staff_channel_fails_with_a_hint(
    harness: Harness,
) -> None:
    settings = SlackSettings.from_env(slack_env(harness.fake, SLACK_STAFF_CHANNEL_ID=""))
    adapter = SlackAdapter(harness.engine, settings)
    try:
        with pytest.raises(DeliveryFailed) as failed:
            await adapter.outbox.send(_scheduler_digest(Audience.STAFF))
    finally:
        await adapter.aclose()
    assert failed.value.hint == (
        "No staff channel is set, so the digest had nowhere to go: set "
        "SLACK_STAFF_CHANNEL_ID; staff can still get it with /digest."
    )
    assert harness.fake.calls == []  # no conversations.open(users="")


@pytest.mark.parametrize(
    "message",
    [
        PrivateNotice(channel_id=CHANNEL, recipient=system_person("slack"), text="Started"),
        ConsentRequest(
            channel_id=CHANNEL,
            recipient=system_person("slack"),
            session_id="abc123",
            question_number=None,
            text="Before you answer…",
            consent_action_id=consent_action_id("abc123", None),
        ),
        _scheduler_digest(Audience.REQUESTER),
    ],
    ids=["notice", "consent", "requester-files"],
)
async def test_a_message_for_nobody_is_refused_before_reaching_slack(
    harness: Harness, message: Outbound
) -> None:
    for outbox in (harness.adapter.outbox, harness.adapter.outbox.replying_to("")):
        with pytest.raises(DeliveryFailed):
            await outbox.send(message)
    assert harness.fake.calls == []


class _FailsFirstReaction:
    """The real engine, except that handling the first reaction fails (the database went
    away mid-way, say): a stand-in for any failure after the event id was recorded."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self.failed = 0
        self.failure = asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    async def dispatch(self, event: Any, outbox: Any) -> Any:
        if isinstance(event, ReactionToggled) and not self.failed:
            self.failed += 1
            self.failure.set()
            raise RuntimeError("the database went away")
        return await self._engine.dispatch(event, outbox)


async def test_an_event_whose_handling_failed_is_handled_on_slacks_retry(
    harness: Harness, tmp_path: Any
) -> None:
    question = await _started(harness)
    answer = await harness.answer(A, question, "Nobody explained anything")
    await harness.join(B, question)
    fake = harness.fake
    shared = await SqliteStore.open(str(tmp_path / "shared.db"))  # what the replicas share
    failing = _FailsFirstReaction(harness.engine)
    replicas = [
        SlackAdapter(engine, SlackSettings.from_env(slack_env(fake)), shared=shared)
        for engine in (failing, harness.engine)
    ]
    body = harness.slack.event_body(
        harness.slack.reaction_event(
            added=True, user_id=B, name="+1", channel_id=CHANNEL, ts=answer["ts"]
        ),
        event_id="EvFailsOnce",
    )
    try:
        # The first replica records the event and fails to handle it; Slack's retry reaches
        # the other replica.
        request = AsyncBoltRequest(body=json.loads(body), mode="socket_mode")
        assert (await replicas[0].app.async_dispatch(request)).status == 200
        async with asyncio.timeout(5):  # bolt runs the listener after the ack, detached
            await failing.failure.wait()
        await replicas[0].settle()
        updates = len(fake.calls_to("chat.update"))
        retry = AsyncBoltRequest(body=json.loads(body), mode="socket_mode")
        assert (await replicas[1].app.async_dispatch(retry)).status == 200
        await fake.wait_for("chat.update", updates + 1)
        await replicas[1].settle()
        digest = await harness.engine.digest(_session_id(question))
        counts = {r.emoji: r.count for r in digest.questions[0].answers[0].reactions}
        assert counts["👍"] == 1
    finally:
        for replica in replicas:
            await replica.aclose()
        await shared.close()
