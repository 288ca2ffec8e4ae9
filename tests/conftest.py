"""Fixtures shared by every test package: settings on a temp SQLite file, a ready engine."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import open_engine
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.engine import Engine

TEST_IDENTITY_KEY = b"test-key-0123456789"
_CACHE_DIRS: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Built data (the screen's trie, ``CONSULTBOT_CACHE_DIR``) goes to a folder of this run,
    shared by its processes, not to the user's own cache; ``XDG_CACHE_HOME`` too, for the
    tests that run a command without any ``CONSULTBOT_`` setting."""
    folder = tempfile.mkdtemp(prefix="consultbot-test-cache-")
    _CACHE_DIRS.append(folder)
    os.environ["XDG_CACHE_HOME"] = folder
    os.environ.setdefault("CONSULTBOT_CACHE_DIR", str(Path(folder) / "consultbot"))


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _CACHE_DIRS:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Answers are shown at once here (reveal_seconds=0) so tests read in order; the batched
    # default has its own tests.
    return Settings(
        database_path=tmp_path / "consultbot.db",
        prompts_dir=DEFAULT_PROMPTS_DIR,
        identity_key=TEST_IDENTITY_KEY,
        reveal_seconds=0,
    )


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[Engine]:
    async with open_engine(settings) as ready:
        yield ready
