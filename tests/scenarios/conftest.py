"""The ``room`` fixture: every scenario runs once per adapter, over the same ``Room``.

``room`` shows answers to the group at once (``reveal_seconds=0``) so scenarios read in
order; ``batched_room`` keeps the default, shuffled batches every 60 s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from tests.scenarios.discord_room import open_discord_room
from tests.scenarios.local_room import open_local_room
from tests.scenarios.room import Room
from tests.scenarios.slack_room import open_slack_room

ADAPTERS = ["local", "discord", "slack"]
Opener = Callable[..., AbstractAsyncContextManager[Room]]
OPENERS: dict[str, Opener] = {
    "local": open_local_room,
    "discord": open_discord_room,
    "slack": open_slack_room,
}
DEFAULT_REVEAL_SECONDS = 60


@pytest.fixture(params=ADAPTERS)
async def room(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Room]:
    async with OPENERS[request.param](tmp_path, reveal_seconds=0) as opened:
        yield opened


@pytest.fixture(params=ADAPTERS)
async def batched_room(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Room]:
    async with OPENERS[request.param](tmp_path, reveal_seconds=DEFAULT_REVEAL_SECONDS) as opened:
        yield opened
