"""A controllable clock and a runtime wired to it: timed behaviour without sleeps."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Runtime, open_runtime
from bot.config import Settings


@dataclass
class FakeClock:
    now_utc: datetime = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now_utc

    def advance(self, **delta: float) -> None:
        self.now_utc += timedelta(**delta)

    def set(self, when: datetime) -> None:
        self.now_utc = when


@dataclass
class RecordingWaker:
    times: list[datetime] = field(default_factory=list)

    def wake(self, at: datetime) -> None:
        self.times.append(at)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def waker() -> RecordingWaker:
    return RecordingWaker()


RuntimeOpener = Callable[[], AbstractAsyncContextManager[Runtime]]


@pytest.fixture
def open_rt(settings: Settings, clock: FakeClock, waker: RecordingWaker) -> RuntimeOpener:
    """Open (and re-open, to simulate a restart) a runtime on the same database and clock."""

    @asynccontextmanager
    async def opener() -> AsyncIterator[Runtime]:
        async with open_runtime(settings, clock=clock, waker=waker) as runtime:
            yield runtime

    return opener


@pytest.fixture(autouse=True, scope="session")
def _disclosure_screen_built_once() -> None:
    """Building the disclosure screen takes most of a second, once per process; do it
    before the timed tests so their own time is what they measure."""
    from bot.app import SAFEGUARDING_FILE
    from bot.config import DEFAULT_PROMPTS_DIR
    from bot.safeguarding.screen_loading import load_screen

    load_screen(DEFAULT_PROMPTS_DIR / SAFEGUARDING_FILE)
