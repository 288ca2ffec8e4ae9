"""Contract: "you said, we did" actions on every backend. Every update is kept in order with
its time and who recorded it; a newer update cancels the follow-up reminder an older one
planned; actions are found by any of their sessions."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, timedelta

from bot.core.records import (
    ActionRecord,
    ActionUpdate,
    Decision,
    JobKind,
    JobRecord,
    JobState,
)
from bot.core.store import Store
from tests.db.builders import T0, session
from tests.db.conftest import Backend


def heard(action_id: str, sessions: tuple[str, ...], theme: str = "moving-home") -> ActionRecord:
    return ActionRecord(
        id=action_id,
        theme_id=theme,
        heard="Moving home too often",
        session_ids=sessions,
        created_at=T0,
        updates=(ActionUpdate(number=1, at=T0, by="discord:staff1"),),
    )


def follow_up(action_id: str, number: int, days: int) -> JobRecord:
    return JobRecord(
        id=f"follow-up:{action_id}:{number}",
        kind=JobKind.FOLLOW_UP,
        due_at=T0 + timedelta(days=days),
        subject=action_id,
        session_id="s1",
    )


async def test_an_action_keeps_every_update_in_order_with_who_and_when(store: Store) -> None:
    await store.create_session(session("s1"))
    await store.create_session(session("s2", channel="c2"))
    await store.create_action(heard("a1", ("s1", "s2")))
    taken = ActionUpdate(
        number=99,  # the store numbers updates itself
        at=T0 + timedelta(days=2),
        by="slack:U9",
        taken_to="Corporate Parenting Board, 12 March",
        decision=Decision.PARTLY,
        because="the money is only there for one year",
        follow_up=date(2027, 4, 1),
    )
    stored = await store.add_action_update("a1", taken)
    assert stored == replace(taken, number=2)
    got = await store.action("a1")
    assert got is not None
    assert got.session_ids == ("s1", "s2")
    assert [u.number for u in got.updates] == [1, 2]
    assert got.updates[0].by == "discord:staff1"
    assert got.latest == stored
    assert got.latest.at == T0 + timedelta(days=2)


async def test_an_update_to_no_action_changes_nothing(store: Store) -> None:
    assert await store.add_action_update("nope", ActionUpdate(number=1, at=T0, by="cli")) is None
    assert await store.action("nope") is None


async def test_actions_are_found_by_any_of_their_sessions(store: Store) -> None:
    for name in ("s1", "s2", "s3"):
        await store.create_session(session(name, channel=name))
    await store.create_action(heard("a1", ("s1", "s2")))
    await store.create_action(
        replace(heard("a2", ("s3",), theme="school"), created_at=T0 + timedelta(1))
    )
    assert [a.id for a in await store.actions_for_sessions(["s2"])] == ["a1"]
    assert [a.id for a in await store.actions_for_sessions(["s1", "s3"])] == ["a1", "a2"]
    assert [a.id for a in await store.actions_for_sessions(None)] == ["a1", "a2"]
    assert await store.actions_for_sessions([]) == []
    assert await store.actions_for_sessions(["elsewhere"]) == []


async def test_a_newer_update_cancels_the_follow_up_an_older_one_planned(store: Store) -> None:
    await store.create_session(session("s1"))
    await store.create_action(heard("a1", ("s1",)), [follow_up("a1", 1, 7)])
    assert [j.id for j in await store.pending_jobs()] == ["follow-up:a1:1"]
    later = ActionUpdate(number=2, at=T0 + timedelta(days=1), by="cli", follow_up=date(2027, 1, 9))
    await store.add_action_update("a1", later, lambda u: [follow_up("a1", u.number, 30)])
    pending = await store.pending_jobs()
    assert [(j.id, j.kind, j.subject) for j in pending] == [
        ("follow-up:a1:2", JobKind.FOLLOW_UP, "a1")
    ]
    assert pending[0].state is JobState.PENDING
    # Another action's reminder is left alone.
    await store.create_action(heard("a2", ("s1",)), [follow_up("a2", 1, 3)])
    await store.add_action_update("a1", replace(later, follow_up=None))
    assert [j.id for j in await store.pending_jobs()] == ["follow-up:a2:1"]


async def test_feedback_card_jobs_are_stored(store: Store) -> None:
    await store.create_session(session("s1"))
    card = JobRecord(
        id="feedback-card:a1:2",
        kind=JobKind.FEEDBACK_CARD,
        due_at=T0,
        subject="a1",
        session_id="s1",
    )
    await store.create_action(heard("a1", ("s1",)), [card])
    (due,) = await store.due_jobs(T0)
    assert (due.kind, due.subject) == (JobKind.FEEDBACK_CARD, "a1")


async def test_two_updates_at_once_each_plan_jobs_with_the_number_they_got(
    backend: Backend,
) -> None:
    one, two = await backend.open(), await backend.open()  # two processes
    await one.create_session(session("s1"))
    await one.create_action(heard("a1", ("s1",)))
    guessed = ActionUpdate(number=2, at=T0, by="cli", follow_up=date(2027, 1, 9))

    def plan(update: ActionUpdate) -> list[JobRecord]:
        card = JobRecord(
            id=f"feedback-card:a1:{update.number}:s1",
            kind=JobKind.FEEDBACK_CARD,
            due_at=T0,
            subject="a1",
            session_id="s1",
        )
        return [follow_up("a1", update.number, 30), card]

    stored = await asyncio.gather(
        one.add_action_update("a1", guessed, plan), two.add_action_update("a1", guessed, plan)
    )
    assert sorted(u.number for u in stored if u is not None) == [2, 3]
    pending = sorted(j.id for j in await one.pending_jobs())
    # Both cards; only the later update's reminder (it cancelled the earlier one's).
    assert pending == ["feedback-card:a1:2:s1", "feedback-card:a1:3:s1", "follow-up:a1:3"]
