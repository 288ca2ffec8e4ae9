"""Slack in HTTP mode as stateless replicas: two real ``consultbot run --platform slack
--http`` processes on one PostgreSQL database, behind a tiny round-robin load balancer,
driven by the fake Slack with signed requests. One session's presses, forms, answers and
reactions land on both processes in turn; every answer is stored and posted once, every
reaction counted once (an Events API retry reaching the other process included), and the
counts each post ends on are the stored ones."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any, cast

import pytest
from cryptography.fernet import Fernet

from adapters.slack.adapter import SlackAdapter
from bot.engine import Engine
from db.postgres import PostgresStore
from tests.fakes.replicas import BotProcess, RoundRobin, free_port
from tests.fakes.slack_server import FakeSlack, SlackRequests
from tests.slack.conftest import (
    CHANNEL,
    FACILITATOR,
    FACILITATOR_GROUP,
    GROUP_FACILITATOR,
    MEMBERS,
    SECRET,
    Harness,
    button_counts,
    slack_env,
)

pytestmark = pytest.mark.postgres

A, B, C = MEMBERS
ANSWERS = {A: "We were never asked", B: "Moving school was hard", C: "My worker listened"}
SETTLED = 30.0  # generous: two processes on a busy two-core machine; not a timing claim


def replica_env(fake: FakeSlack, database_url: str) -> dict[str, str]:
    return {
        **slack_env(fake),
        "CONSULTBOT_DATABASE_URL": database_url,
        "CONSULTBOT_IDENTITY_KEY": "replica-test-key-0123456789",
        "CONSULTBOT_SAFEGUARDING_KEY": Fernet.generate_key().decode(),
        "CONSULTBOT_REVEAL_SECONDS": "0",  # answers shown at once, so the test reads in order
        "CONSULTBOT_LOG_LEVEL": "INFO",
    }


async def _stored(url: str) -> dict[str, tuple[str, dict[str, int]]]:
    store = await PostgresStore.open(url)
    try:
        (session_id,) = await store.all_session_ids()
        return {
            a.answer.id: (a.answer.text, a.reaction_counts)
            for a in await store.answers_for_session(session_id)
        }
    finally:
        await store.close()


def _shown(fake: FakeSlack, post: dict[str, Any]) -> dict[str, int]:
    """The counts a post shows now, e.g. ``{"👍": 3}`` (zeros left out)."""
    shown = {}
    for text in button_counts(fake.messages[(CHANNEL, post["ts"])]):
        emoji, count = text.rsplit(" ", 1)
        if int(count):
            shown[emoji] = int(count)
    return shown


async def test_two_slack_replicas_share_one_session_with_nothing_twice(
    postgres_url: str, tmp_path: Path
) -> None:
    async with FakeSlack(usergroups={FACILITATOR_GROUP: [GROUP_FACILITATOR]}) as fake:
        ports = [free_port(), free_port()]
        env = replica_env(fake, postgres_url)
        replicas = [
            BotProcess.slack_http(env, port, tmp_path / f"replica-{n}.log")
            for n, port in enumerate(ports)
        ]
        try:
            await asyncio.gather(*(r.listening(p) for r, p in zip(replicas, ports, strict=True)))
            backends = [f"http://127.0.0.1:{p}" for p in ports]
            async with (
                RoundRobin(backends) as balancer,
                SlackRequests(f"{balancer.url}/slack/events", SECRET, fake) as slack,
            ):
                # The harness's steps only talk to Slack: no adapter or engine in this process.
                h = Harness(
                    fake=fake,
                    slack=slack,
                    adapter=cast(SlackAdapter, None),
                    engine=cast(Engine, None),
                )
                await _run_session(h, fake, slack, postgres_url)
                assert all(balancer.sent[b] >= 10 for b in backends), balancer.sent
        finally:
            for replica in replicas:
                replica.stop()
        logs = [r.output() for r in replicas]
    assert sum("delivered again (a Slack retry); ignored" in log for log in logs) == 1
    for log in logs:  # anonymity holds on every replica
        assert not any(text in log for text in ANSWERS.values())
        assert not any(user in log for user in MEMBERS)


async def _run_session(h: Harness, fake: FakeSlack, slack: SlackRequests, url: str) -> None:
    assert (await h.command("/start-session", "case-for-change", user=FACILITATOR)).status == 200
    await fake.wait_until(lambda: len(h.question_posts()) == 1, SETTLED)
    question = h.question_posts()[0]
    for user, text in ANSWERS.items():  # button, privacy note, form: each step by turns
        await h.answer(user, question, text)
    posts = h.answer_posts()
    assert len(posts) == 3

    # Everyone presses 👍 on every answer at once (nine presses over both replicas), and
    # B turns 💡 on answer 2 on, off and on again, each press once the last one shows (a
    # toggle needs the last one stored first, as a person sees it before pressing again).
    presses = [h.press_reaction(user, post, 0) for user in MEMBERS for post in posts]
    assert {r.status for r in await asyncio.gather(*presses)} == {200}
    for on in (1, 0, 1):
        assert (await h.press_reaction(B, posts[1], 1)).status == 200
        await fake.wait_until(lambda on=on: _shown(fake, posts[1]).get("💡", 0) == on, SETTLED)
    # Slack's own reaction, delivered twice: the retry reaches the other replica.
    event = slack.reaction_event(
        added=True, user_id=C, name="heart", channel_id=CHANNEL, ts=posts[2]["ts"]
    )
    assert (await slack.event(event, event_id="EvReplica1")).status == 200
    assert (await slack.event(event, event_id="EvReplica1", retry_num=1)).status == 200

    expected = [{"👍": 3}, {"👍": 3, "💡": 1}, {"👍": 3, "❤️": 1}]

    def shown_as_stored() -> bool:
        return [_shown(fake, p) for p in posts] == expected

    with contextlib.suppress(TimeoutError):
        await fake.wait_until(shown_as_stored, SETTLED)
    assert [_shown(fake, p) for p in posts] == expected  # the counts each post ends on
    stored = await _stored(url)
    assert sorted(text for text, _ in stored.values()) == sorted(ANSWERS.values())
    by_text = {text: counts for text, counts in stored.values()}
    assert [by_text[ANSWERS[user]] for user in MEMBERS] == expected
    # No duplicate posts: one question, three answers, each answer's words in one post.
    assert len(h.question_posts()) == 1 and len(h.answer_posts()) == 3
    for text in ANSWERS.values():
        assert sum(text in p["text"] for p in fake.posts_in(CHANNEL)) == 1
