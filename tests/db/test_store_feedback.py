"""Contract: the end-of-session check and the group's summary, on every backend. One face per
participant per question (a second tap changes it, never counts twice); only counts come out;
the faces go with the participant (withdrawal, the purge); the summary is replaced on a second
save and outlives the purge."""

from __future__ import annotations

from datetime import timedelta

from bot.core.store import Store
from tests.db.builders import T0, participant, session


async def test_a_face_per_person_per_question_changes_and_never_counts_twice(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy")
    ben = await participant(store, "s1", "ben")
    assert await store.record_end_check("s1", amy.id, 1, 3)
    assert not await store.record_end_check("s1", amy.id, 1, 3)  # the same tap again
    assert await store.record_end_check("s1", ben.id, 1, 3)
    assert await store.record_end_check("s1", amy.id, 1, 0)  # amy changes her mind
    assert await store.record_end_check("s1", amy.id, 4, 2)
    assert await store.end_check_counts("s1") == {(1, 3): 1, (1, 0): 1, (4, 2): 1}


async def test_counts_are_per_session(store: Store) -> None:
    await store.create_session(session("s1", channel="c1"))
    await store.create_session(session("s2", channel="c2"))
    one = await participant(store, "s1", "amy")
    two = await participant(store, "s2", "amy")
    await store.record_end_check("s1", one.id, 2, 1)
    await store.record_end_check("s2", two.id, 2, 3)
    assert await store.end_check_counts("s1") == {(2, 1): 1}
    assert await store.end_check_counts("s2") == {(2, 3): 1}
    assert await store.end_check_counts("nothing") == {}


async def test_faces_go_with_the_participant_on_withdrawal_and_purge(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy")
    ben = await participant(store, "s1", "ben")
    await store.record_end_check("s1", amy.id, 1, 3)
    await store.record_end_check("s1", ben.id, 1, 2)
    await store.withdraw_participant(amy.id)
    assert await store.end_check_counts("s1") == {(1, 2): 1}
    await store.close_session("s1", T0 + timedelta(hours=1))
    await store.save_group_summary("s1", "What you told us", T0 + timedelta(days=1))
    await store.purge_session("s1", "{}")
    assert await store.end_check_counts("s1") == {}
    kept = await store.group_summary("s1")
    assert kept is not None and kept.text == "What you told us"  # the summary stays


async def test_a_saved_summary_is_replaced_by_the_next_save(store: Store) -> None:
    await store.create_session(session("s1"))
    assert await store.group_summary("s1") is None
    await store.save_group_summary("s1", "first", T0)
    await store.save_group_summary("s1", "second 💛", T0 + timedelta(minutes=5))
    saved = await store.group_summary("s1")
    assert saved is not None
    assert (saved.session_id, saved.text) == ("s1", "second 💛")
    assert saved.saved_at == T0 + timedelta(minutes=5)
