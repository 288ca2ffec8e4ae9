"""Fixtures for the report tests: the five workshops, run once per test that asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine

from .workshops import run_all


@pytest.fixture
async def workshops(engine: Engine) -> list[str]:
    return await run_all(engine)


NOTES_CSV = (
    "\ufeffworkshop,text,people,themes,agreed\r\n"
    "Scarborough youth club,They want to keep the same worker,5,social-workers,2\r\n"
    "Scarborough youth club,Some felt low and had nobody to talk to,,mental-health,\r\n"
)


@pytest.fixture
def notes_file(tmp_path: Path) -> Path:
    path = tmp_path / "in-person.csv"
    path.write_text(NOTES_CSV, encoding="utf-8")
    return path
