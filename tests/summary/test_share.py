"""/share-summary's own checks, behind the command line's: a summary saved for a session but
too long for its platform (saved some other way, or before a limit changed) is refused with
the limit and nothing is posted; a session on another platform is refused; a saved one is
posted once to the session's own channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from adapters.local.adapter import LocalChannel
from bot.app import Runtime, open_runtime
from bot.config import Settings
from bot.core.events import Command, Role
from bot.core.outbound import ChannelNotice, PrivateNotice, QuestionPost
from bot.summary.check import platform_limit

SAVED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with open_runtime(settings) as opened:
        yield opened


async def _closed_session(channel: LocalChannel) -> str:
    facilitator = channel.person("fac-1", Role.FACILITATOR)
    await channel.command(facilitator, Command.START_SESSION, **{"question-set": "check-in"})
    session_id = channel.outbox.of_type(QuestionPost)[-1].session_id
    await channel.command(facilitator, Command.END_SESSION)
    return session_id


async def test_a_saved_summary_over_the_limit_is_refused_with_the_limit_and_nothing_posted(
    runtime: Runtime,
) -> None:
    group = LocalChannel(runtime.engine, channel_id="group")
    session_id = await _closed_session(group)
    limit = platform_limit("local")
    await runtime.store.save_group_summary(session_id, "x" * (limit + 1), SAVED_AT)
    staff = group.person("staff-1", Role.STAFF)
    posted = len(group.outbox.of_type(ChannelNotice))
    shown = await group.command(staff, Command.SHARE_SUMMARY, session=session_id)
    (refusal,) = [m.text for m in shown if isinstance(m, PrivateNotice)]
    assert f"{limit + 1:,} characters and local takes {limit:,} in one message" in refusal
    assert refusal.endswith("Nothing was posted.")
    assert len(group.outbox.of_type(ChannelNotice)) == posted

    await runtime.store.save_group_summary(session_id, "x" * limit, SAVED_AT)
    elsewhere = LocalChannel(runtime.engine, channel_id="staff-room")
    await elsewhere.command(staff, Command.SHARE_SUMMARY, session=session_id)
    # The loopback adapter records what it sent; the message names the session's channel.
    (summary,) = elsewhere.outbox.of_type(ChannelNotice)
    assert summary.text == "x" * limit and summary.channel_id == "group"


async def test_without_a_session_it_takes_this_channels_latest_and_says_when_none_is_saved(
    runtime: Runtime,
) -> None:
    group = LocalChannel(runtime.engine, channel_id="group")
    session_id = await _closed_session(group)
    facilitator = group.person("fac-1", Role.FACILITATOR)
    shown = await group.command(facilitator, Command.SHARE_SUMMARY)
    (reply,) = [m.text for m in shown if isinstance(m, PrivateNotice)]
    assert reply.startswith(f"There's no saved summary for session {session_id} yet.")
    empty = LocalChannel(runtime.engine, channel_id="nowhere")
    shown = await empty.command(facilitator, Command.SHARE_SUMMARY)
    (reply,) = [m.text for m in shown if isinstance(m, PrivateNotice)]
    assert reply.startswith("There's no session in this channel.")
