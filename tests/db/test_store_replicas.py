"""Contract: what several processes for one platform share, on every backend. Reaction
counts come with a revision that every change raises; the newest counts offered for display
win whichever process offers them, in any order; a delivery is handled once across
processes, and old ones are forgotten."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.core.store import Store
from tests.db.builders import T0, answer, participant, session
from tests.db.conftest import Backend


async def test_every_change_to_reactions_raises_the_revision_read_with_the_counts(
    store: Store,
) -> None:
    await store.create_session(session("s1"))
    amy, ben = await participant(store, "s1", "amy"), await participant(store, "s1", "ben")
    written = await answer(store, amy, "hello")
    assert await store.reaction_tally(written.id) == ({}, 0)
    assert await store.set_reaction(written.id, amy.id, "👍", True)
    assert not await store.set_reaction(written.id, amy.id, "👍", True)  # no change, same rev
    assert await store.set_reaction(written.id, ben.id, "👍", True)
    assert await store.set_reaction(written.id, ben.id, "❤️", True)
    assert await store.reaction_tally(written.id) == ({"👍": 2, "❤️": 1}, 3)
    assert await store.set_reaction(written.id, amy.id, "👍", False)
    assert await store.reaction_tally(written.id) == ({"👍": 1, "❤️": 1}, 4)
    assert await store.reaction_tally("no-such-answer") == ({}, 0)


async def test_the_newest_counts_offered_are_kept_in_whatever_order_they_come(
    backend: Backend,
) -> None:
    one, two = await backend.open(), await backend.open()  # two processes
    await one.create_session(session("s1"))
    written = await answer(one, await participant(one))
    assert await one.offer_counts(written.id, 2, "two") == (2, "two")
    assert await two.offer_counts(written.id, 1, "one") == (2, "two")  # late and older
    assert await two.offer_counts(written.id, 3, "three") == (3, "three")
    offers = [(one if n % 2 else two).offer_counts(written.id, n, str(n)) for n in range(4, 40)]
    await asyncio.gather(*offers)
    assert await one.offer_counts(written.id, 0, "") == (39, "39")
    # An answer that is gone (withdrawn, purged) keeps no display row.
    assert await one.offer_counts("gone", 5, "x") == (5, "x")
    assert await one.offer_counts("gone", 1, "y") == (1, "y")


async def test_a_delivery_is_handled_once_across_processes_and_forgotten_after_a_day(
    backend: Backend,
) -> None:
    one, two = await backend.open(), await backend.open()
    firsts = await asyncio.gather(
        *[(one, two)[n % 2].first_delivery("slack:Ev01", T0) for n in range(10)]
    )
    assert sorted(firsts) == [False] * 9 + [True]
    assert await two.first_delivery("slack:Ev02", T0)
    assert not await one.first_delivery("slack:Ev02", T0 + timedelta(hours=23))
    later = T0 + timedelta(days=1, minutes=1)
    assert await one.first_delivery("slack:Ev03", later)  # and Ev01, Ev02 are forgotten
    assert await two.first_delivery("slack:Ev01", later)


async def test_a_delivery_whose_handling_failed_is_forgotten(backend: Backend) -> None:
    one, two = await backend.open(), await backend.open()  # two processes
    assert await one.first_delivery("slack:Ev09", T0)
    await one.forget_delivery("slack:Ev09")  # handling it failed
    assert await two.first_delivery("slack:Ev09", T0)  # Slack's retry, on another replica
    assert not await one.first_delivery("slack:Ev09", T0)
