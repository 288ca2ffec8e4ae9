"""The runtime every scenario room stands on: a real engine and store on a temporary SQLite
file, a clock the test moves (batch times come without waiting), and a "shuffle" that
reverses, so a shuffled batch is visibly not in the order it was written."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.app import Runtime, open_runtime
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from tests.scenarios.room import ReversingRandom
from tests.scheduling.conftest import FakeClock, RecordingWaker

Clock = FakeClock
IDENTITY_KEY = b"test-key-0123456789"
# Morning, so no time written as ...T1x:... can look like Slack's team id "T1" in a file.
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def scenario_settings(tmp_path: Path, *, reveal_seconds: int) -> Settings:
    return Settings(
        database_path=tmp_path / "scenario.db",
        prompts_dir=DEFAULT_PROMPTS_DIR,
        identity_key=IDENTITY_KEY,
        reveal_seconds=reveal_seconds,
    )


@asynccontextmanager
async def open_scenario_runtime(
    tmp_path: Path, *, reveal_seconds: int
) -> AsyncIterator[tuple[Runtime, Clock]]:
    clock = FakeClock(START)
    settings = scenario_settings(tmp_path, reveal_seconds=reveal_seconds)
    async with open_runtime(
        settings, clock=clock, rng=ReversingRandom(), waker=RecordingWaker()
    ) as runtime:
        yield runtime, clock
