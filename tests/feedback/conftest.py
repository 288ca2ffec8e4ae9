"""A runtime on a fake clock with one closed workshop, for "you said, we did"."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.local.adapter import LocalChannel
from bot.app import Runtime, open_runtime
from bot.config import Settings
from bot.core.events import Command, Role
from bot.core.outbound import QuestionPost
from tests.scheduling.conftest import FakeClock, RecordingWaker

FACILITATOR = LocalChannel.person("fac", Role.FACILITATOR)
STAFF = LocalChannel.person("staff1", Role.STAFF)
AMY = LocalChannel.person("amy")
LABEL = "Leeds, 3 Dec"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def runtime(settings: Settings, clock: FakeClock) -> AsyncIterator[Runtime]:
    async with open_runtime(settings, clock=clock, waker=RecordingWaker()) as ready:
        yield ready


@pytest.fixture
async def workshop(runtime: Runtime) -> LocalChannel:
    """A closed session labelled ``LABEL``, run in channel "group" by ``FACILITATOR``, with
    one answer about moving between homes; what it sent so far is cleared."""
    channel = LocalChannel(runtime.engine, channel_id="group")
    options = {"question-set": "check-in", "label": LABEL}
    started = await channel.command(FACILITATOR, Command.START_SESSION, **options)
    question = next(m for m in started if isinstance(m, QuestionPost))
    await channel.answer(AMY, question, "I moved home four times in a year", quote_ok=True)
    await channel.command(FACILITATOR, Command.END_SESSION)
    channel.outbox.sent.clear()
    return channel
