"""A session through the local adapter with the default privacy settings (batched reveal)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from adapters.local.adapter import LocalChannel
from bot.app import Runtime, open_runtime
from bot.config import Settings
from bot.core.events import Command, Role
from bot.core.outbound import QuestionPost
from tests.scheduling.conftest import FakeClock, RecordingWaker

FACILITATOR = LocalChannel.person("fac-77", Role.FACILITATOR, Role.STAFF)
LEAD = LocalChannel.person("lead-88", Role.SAFEGUARDING_LEAD)
AMY = LocalChannel.person("amy-111")
BEN = LocalChannel.person("ben-222")
CAL = LocalChannel.person("cal-333")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def runtime(settings: Settings, clock: FakeClock) -> AsyncIterator[Runtime]:
    batched = replace(settings, reveal_seconds=60)
    async with open_runtime(batched, clock=clock, waker=RecordingWaker()) as rt:
        yield rt


@pytest.fixture
def channel(runtime: Runtime) -> LocalChannel:
    return LocalChannel(runtime.engine)


async def start(channel: LocalChannel, set_id: str = "check-in") -> QuestionPost:
    await channel.command(FACILITATOR, Command.START_SESSION, **{"question-set": set_id})
    return channel.outbox.of_type(QuestionPost)[-1]
