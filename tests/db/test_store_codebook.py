"""Contract: codebook versions and the digest's facts, on every backend. Labels, who took
part, and re-tagging after the codebook changes, with facilitators' tags always kept."""

from __future__ import annotations

import asyncio

from bot.core.records import AnswerStatus, SessionAttendance, TagRecord
from bot.core.store import Store
from tests.db.builders import answer, job, participant, schedule, session
from tests.db.conftest import Backend


async def test_labels_read_back_on_sessions_and_schedules(store: Store) -> None:
    labelled = session("s1", label="Policy group, 3 Dec")
    await store.create_session(labelled)
    assert await store.session("s1") == labelled
    plan = schedule("plan1", label="Weekly check-in")
    await store.create_schedule(plan, [job("plan1:1", 1, schedule_id="plan1")])
    assert await store.schedule("plan1") == plan


async def test_attendance_counts_answers_of_any_status_and_reactions(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy")
    ben = await participant(store, "s1", "ben")
    await participant(store, "s1", "cat")  # consented, did nothing
    shown = await answer(store, amy)
    await answer(store, ben, status=AnswerStatus.HELD)
    await answer(store, ben, status=AnswerStatus.KEPT_OUT)
    await store.set_reaction(shown.id, ben.id, "👍", True)
    await store.set_reaction(shown.id, amy.id, "💡", True)
    assert await store.session_attendance("s1") == SessionAttendance(
        answered=frozenset({amy.id, ben.id}), reacted=frozenset({amy.id, ben.id}), with_lead=2
    )
    (entry,) = await store.answers_for_session("s1")
    assert entry.reactors == tuple(sorted([(ben.id, "👍"), (amy.id, "💡")]))
    assert await store.session_attendance("nope") == SessionAttendance(
        answered=frozenset(), reacted=frozenset(), with_lead=0
    )


async def test_a_new_codebook_retags_older_answers_and_keeps_facilitator_tags(
    store: Store,
) -> None:
    assert await store.adopt_codebook("v1") is None
    await store.create_session(session("s1"))
    amy = await participant(store)
    old = await answer(store, amy, "old", tags=(("housing", "flat"), ("education", "school")))
    await store.set_tag(old.id, "housing", False)  # a facilitator took this one off
    assert await store.answers_to_retag("v1") == []  # tagged with the codebook in force
    assert await store.adopt_codebook("v1") == "v1"
    assert await store.adopt_codebook("v2") == "v1"
    assert [a.id for a in await store.answers_to_retag("v2")] == [old.id]
    assert [a.id for a in await store.answers_to_retag("v2", "s1")] == [old.id]
    assert await store.answers_to_retag("v2", "other") == []
    await store.replace_auto_tags([(old.id, [("housing", "home"), ("voice", "listen")])], "v2")
    assert await store.answers_to_retag("v2") == []
    (entry,) = await store.answers_for_session("s1")
    assert entry.tags == (TagRecord(theme_id="voice", origin="auto", evidence="listen"),)


async def test_processes_adopting_a_codebook_at_once_adopt_it_once(backend: Backend) -> None:
    stores = [await backend.open() for _ in range(3)]
    await stores[0].adopt_codebook("v1")
    results = await asyncio.gather(*(s.adopt_codebook("v2") for s in stores * 2))
    assert sorted(r or "" for r in results) == ["v1"] + ["v2"] * 5
