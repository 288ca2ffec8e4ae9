"""Contract: sessions, on every backend. One open session per channel, moving on and closing
once, the digest handed to one deliverer, and times that come back as the same instants."""

from __future__ import annotations

import asyncio
from datetime import timedelta, timezone

import pytest

from bot.core.errors import ChannelBusy
from bot.core.records import SessionStatus
from bot.core.store import Store
from tests.db.builders import T0, answer, participant, session
from tests.db.conftest import Backend


async def test_a_session_reads_back_exactly_as_created(store: Store) -> None:
    created = session(
        "s1",
        ends_at=T0 + timedelta(hours=1),
        question_seconds=300,
        current_question=2,
    )
    await store.create_session(created)
    assert await store.session("s1") == created
    assert await store.session("nope") is None
    assert await store.all_session_ids() == ["s1"]


async def test_one_open_session_per_channel_but_a_closed_one_frees_it(store: Store) -> None:
    await store.create_session(session("aaaaaa"))
    with pytest.raises(ChannelBusy):
        await store.create_session(session("bbbbbb"))
    await store.create_session(session("cccccc", channel="c2"))
    assert await store.close_session("aaaaaa", T0 + timedelta(hours=1))
    assert not await store.close_session("aaaaaa", T0 + timedelta(hours=2))  # already closed
    await store.create_session(session("bbbbbb"))
    closed = await store.session("aaaaaa")
    assert closed is not None and closed.status is SessionStatus.CLOSED
    assert closed.closed_at == T0 + timedelta(hours=1)


async def test_the_open_session_is_found_by_platform_and_channel(store: Store) -> None:
    await store.create_session(session("s1", channel="c1"))
    await store.create_session(session("s2", channel="c1", platform="slack"))
    found = await store.open_session_in_channel("local", "c1")
    assert found is not None and found.id == "s1"
    assert (await store.open_session_in_channel("slack", "c1") or session("x")).id == "s2"
    await store.close_session("s1", T0)
    assert await store.open_session_in_channel("local", "c1") is None


async def test_moving_on_only_from_the_question_it_is_at_and_it_clears_a_pause(
    store: Store,
) -> None:
    await store.create_session(session("s1"))
    await store.set_timer_pause("s1", 42)
    assert (await store.session("s1") or session("x")).paused_seconds_left == 42
    assert await store.move_to_question("s1", 2, from_number=1)
    assert not await store.move_to_question("s1", 3, from_number=1)  # someone moved it first
    moved = await store.session("s1")
    assert moved is not None and moved.current_question == 2
    assert moved.paused_seconds_left is None
    await store.close_session("s1", T0)
    assert not await store.move_to_question("s1", 3, from_number=2)  # closed sessions stay


async def test_summaries_count_people_and_answers_newest_session_first(store: Store) -> None:
    await store.create_session(session("old", channel="c1", started_at=T0))
    await store.create_session(session("new", channel="c2", started_at=T0 + timedelta(days=1)))
    amy = await participant(store, "old", "amy")
    ben = await participant(store, "old", "ben")
    for who in (amy, amy, ben):
        await answer(store, who)
    summaries = await store.session_summaries()
    assert [s.session.id for s in summaries] == ["new", "old"]
    assert (summaries[1].participant_count, summaries[1].answer_count) == (2, 3)
    assert (summaries[0].participant_count, summaries[0].answer_count) == (0, 0)


async def test_one_session_per_scheduled_occurrence(store: Store) -> None:
    await store.create_session(session("s1", schedule_id="plan", occurrence=3))
    with pytest.raises(ChannelBusy):
        await store.create_session(session("s2", channel="c2", schedule_id="plan", occurrence=3))
    found = await store.session_for_occurrence("plan", 3)
    assert found is not None and found.id == "s1"
    assert await store.session_for_occurrence("plan", 4) is None


async def test_the_digest_is_handed_to_exactly_one_deliverer(backend: Backend) -> None:
    stores = [await backend.open() for _ in range(3)]  # three processes
    await stores[0].create_session(session("s1"))
    results = await asyncio.gather(
        *(s.mark_digest_delivered("s1") for s in stores for _ in range(4))
    )
    assert sorted(results) == [False] * 11 + [True]
    await backend.close_all()


async def test_closing_from_many_places_at_once_closes_once(backend: Backend) -> None:
    stores = [await backend.open() for _ in range(3)]
    await stores[0].create_session(session("s1"))
    results = await asyncio.gather(*(s.close_session("s1", T0) for s in stores for _ in range(3)))
    assert sorted(results) == [False] * 8 + [True]
    await backend.close_all()


async def test_reopening_keeps_the_data(backend: Backend) -> None:
    first = await backend.open()
    await first.create_session(session("aaaaaa"))
    await backend.close_all()
    again = await backend.open()
    assert await again.session("aaaaaa") is not None
    await backend.close_all()


async def test_times_come_back_as_the_same_aware_instants(store: Store) -> None:
    summer = timezone(timedelta(hours=1))
    started = T0.astimezone(summer)  # the same instant, written with another offset
    await store.create_session(session("s1", started_at=started, ends_at=T0 + timedelta(hours=1)))
    got = await store.session("s1")
    assert got is not None
    assert got.started_at == T0 and got.started_at.utcoffset() is not None
    assert got.ends_at == T0 + timedelta(hours=1)


async def test_a_write_cancelled_mid_transaction_does_not_break_the_store(store: Store) -> None:
    task = asyncio.create_task(store.create_session(session("aaaaaa")))
    await asyncio.sleep(0)  # let it start its transaction
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await store.create_session(session("bbbbbb", channel="c2"))  # later writes still work
    assert await store.session("bbbbbb") is not None
