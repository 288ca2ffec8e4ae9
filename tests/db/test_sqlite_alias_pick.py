"""Consent picks a free alias through the (session, alias) index, without reading every
alias taken: right at the first round's end and past it, and never one already taken."""

from __future__ import annotations

import random
from itertools import islice
from pathlib import Path

import pytest

from bot.alias import ALIASES_PER_ROUND, alias_candidates
from db.sqlite import SqliteStore
from tests.db.builders import session


@pytest.mark.parametrize("already", [0, ALIASES_PER_ROUND - 1, ALIASES_PER_ROUND + 5])
async def test_consent_gets_a_free_alias_however_many_are_taken(
    tmp_path: Path, already: int
) -> None:
    store = await SqliteStore.open(tmp_path / "alias.db")
    try:
        await store.create_session(session("s1"))
        taken = list(islice(alias_candidates(random.Random(3)), already))
        async with store._write() as db:
            await db.executemany(
                "INSERT INTO participants (session_id, person_key, alias, consented)"
                " VALUES ('s1', ?, ?, 1)",
                [(f"key-{n}", alias) for n, alias in enumerate(taken)],
            )
        new = await store.consent_participant(
            "s1", "newcomer", alias_candidates(random.Random(3)), b"sealed"
        )
    finally:
        await store.close()
    assert new.alias not in taken
    if already >= ALIASES_PER_ROUND:
        assert new.alias.endswith(" 2"), "the first round is all taken"
    else:
        assert not new.alias[-1].isdigit()
