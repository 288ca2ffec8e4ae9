"""Contract: schedules and jobs, on every backend. What is due comes oldest first, a job is
claimed by exactly one caller however many stores ask, a dead process's jobs are requeued
or dropped by the runner's policy, and cancelling and moving touch only pending jobs."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.core.records import RERUN, JobKind, JobState
from bot.core.store import Store
from bot.scheduling.runner import RERUN_AFTER_CRASH
from tests.db.builders import T0, job, schedule, session
from tests.db.conftest import Backend


async def test_a_schedule_and_its_jobs_are_stored_together(store: Store) -> None:
    plan = schedule("plan1", question_minutes=None)
    jobs = [job("plan1:1:start", 0, JobKind.START, schedule_id="plan1", occurrence=1)]
    await store.create_schedule(plan, jobs)
    assert await store.schedule("plan1") == plan  # first_start stays naive wall-clock time
    assert await store.schedules() == [plan]
    assert await store.pending_jobs() == jobs
    assert await store.schedule("nope") is None


async def test_cancelling_a_schedule_cancels_its_pending_jobs_once(store: Store) -> None:
    await store.create_schedule(
        schedule("plan1"),
        [job(f"plan1:{n}", n, JobKind.REMIND, schedule_id="plan1") for n in (1, 2)],
    )
    await store.create_schedule(schedule("plan2"), [job("plan2:1", 1, schedule_id="plan2")])
    assert await store.claim_job("plan1:1")
    assert await store.cancel_schedule("plan1")
    assert not await store.cancel_schedule("plan1")
    assert not await store.cancel_schedule("nope")
    assert [s.id for s in await store.schedules()] == ["plan2"]
    cancelled = await store.schedule("plan1")
    assert cancelled is not None and cancelled.cancelled
    assert [j.id for j in await store.pending_jobs()] == ["plan2:1"]


async def test_adding_a_job_that_exists_leaves_it_as_it_was(store: Store) -> None:
    await store.add_jobs([job("j1", 5, subject="first")])
    await store.add_jobs([job("j1", 50, subject="second"), job("j2", 1)])
    await store.add_jobs([])
    assert await store.pending_jobs() == [job("j2", 1), job("j1", 5, subject="first")]


async def test_due_jobs_are_the_pending_ones_due_by_now_oldest_first(store: Store) -> None:
    await store.add_jobs([job("late", 3), job("b", 1), job("a", 1), job("later", 60)])
    await store.add_jobs([job("done", 0)])
    assert await store.claim_job("done")
    await store.finish_job("done", JobState.DONE)
    due = await store.due_jobs(T0 + timedelta(minutes=3))
    assert [j.id for j in due] == ["a", "b", "late"]
    assert all(j.state is JobState.PENDING for j in due)
    assert await store.due_jobs(T0) == []


async def test_a_job_is_claimed_once_then_finished(store: Store) -> None:
    await store.add_jobs([job("j1")])
    assert await store.claim_job("j1")
    assert not await store.claim_job("j1")
    assert not await store.claim_job("nope")
    assert await store.pending_jobs() == []
    await store.finish_job("j1", JobState.DONE)
    assert await store.due_jobs(T0 + timedelta(days=1)) == []


async def test_many_stores_claiming_the_same_jobs_at_once_get_each_once(backend: Backend) -> None:
    stores = [await backend.open() for _ in range(4)]
    await stores[0].add_jobs([job(f"j{n:03d}", n % 7) for n in range(120)])

    async def run_all(store: Store) -> list[str]:
        mine = []
        while due := await store.due_jobs(T0 + timedelta(hours=1)):
            for found in due:
                if await store.claim_job(found.id):
                    mine.append(found.id)
                    await store.finish_job(found.id, JobState.DONE)
        return mine

    claimed = await asyncio.gather(*(run_all(s) for s in stores))
    every = [job_id for mine in claimed for job_id in mine]
    assert sorted(every) == [f"j{n:03d}" for n in range(120)]  # each exactly once
    assert await stores[0].pending_jobs() == []
    await backend.close_all()


async def test_a_dead_process_s_jobs_are_requeued_or_dropped_by_kind(backend: Backend) -> None:
    dead = await backend.open()
    await dead.add_jobs(
        [
            job("start", 0, JobKind.START, schedule_id=None),
            job("escalate", 0, JobKind.ESCALATE, subject="alert-1"),
            job("remind", 0, JobKind.REMIND),
            job("waiting", 0, JobKind.CLOSE),
        ]
    )
    for job_id in ("start", "escalate", "remind"):
        assert await dead.claim_job(job_id)
    await backend.close_all()  # the process dies with three jobs running
    await asyncio.sleep(backend.lease_wait)
    restarted = await backend.open()
    assert await restarted.recover_interrupted_jobs(RERUN_AFTER_CRASH) == (2, 1)
    pending = {j.id: j for j in await restarted.pending_jobs()}
    assert set(pending) == {"start", "escalate", "waiting"}  # the reminder is not sent twice
    assert pending["start"].subject == RERUN  # so the start posts its question again
    assert pending["escalate"].subject == "alert-1"
    assert pending["waiting"].subject is None
    assert await restarted.recover_interrupted_jobs(RERUN_AFTER_CRASH) == (0, 0)
    assert await restarted.claim_job("start")
    await backend.close_all()


async def test_session_jobs_and_cancelling_and_moving_only_touch_pending_ones(
    store: Store,
) -> None:
    await store.create_session(session("s1"))
    await store.add_jobs(
        [
            job("nudge", 4, JobKind.NUDGE, session_id="s1", question_number=1),
            job("advance", 5, JobKind.ADVANCE, session_id="s1", question_number=1),
            job("reveal", 1, JobKind.REVEAL, session_id="s1"),
            job("other", 1, JobKind.ADVANCE),
        ]
    )
    timers = await store.session_jobs("s1", [JobKind.NUDGE, JobKind.ADVANCE])
    assert [j.id for j in timers] == ["nudge", "advance"]
    assert await store.claim_job("reveal")
    await store.reschedule_jobs([("advance", T0 + timedelta(minutes=9)), ("reveal", T0)])
    await store.cancel_jobs(["nudge", "reveal"])
    await store.cancel_jobs([])
    await store.reschedule_jobs([])
    pending = await store.pending_jobs()
    assert [(j.id, j.due_at) for j in pending] == [
        ("other", T0 + timedelta(minutes=1)),
        ("advance", T0 + timedelta(minutes=9)),
    ]
    assert await store.claim_job("reveal") is False  # still running, not cancelled
    assert [j.id for j in await store.session_jobs("s1", [JobKind.NUDGE])] == []


async def test_a_job_the_platform_refused_goes_back_to_pending_later_counting_its_tries(
    backend: Backend,
) -> None:
    one, two = await backend.open(), await backend.open()  # two processes
    await one.add_jobs([job("card", 0, JobKind.FEEDBACK_CARD, subject="a1")])
    assert [j.id for j in await one.due_jobs(T0)] == ["card"]
    assert await one.claim_job("card")
    await one.retry_job("card", T0 + timedelta(minutes=1))
    assert await two.due_jobs(T0) == []  # not due until its backoff has passed
    (again,) = await two.due_jobs(T0 + timedelta(minutes=1))
    assert (again.state, again.attempts) == (JobState.PENDING, 1)
    assert await two.claim_job("card")  # whichever process is awake takes it
    await two.finish_job("card", JobState.DONE)
    assert await one.pending_jobs() == []
