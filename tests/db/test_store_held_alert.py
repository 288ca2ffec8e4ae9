"""Contract: a held answer and its alert are stored together (the answer, the alert, its
delivery to the lead and its escalation job in one transaction), on every backend; and the
safety net's query finds a held answer standing without an alert."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import psycopg
import pytest

from bot.core.records import AnswerStatus, JobKind, JobRecord
from bot.core.store import Store
from tests.db.builders import T0, alert, answer, participant, session
from tests.db.conftest import Backend


def _refuse_jobs(backend: Backend, *, on: bool) -> None:
    """A real failure in the database at the last step (the escalation job), after the
    answer, the alert and its delivery went in."""
    if backend.name == "sqlite":
        with sqlite3.connect(backend.location) as db:
            if on:
                db.execute(
                    "CREATE TRIGGER refuse_job BEFORE INSERT ON jobs"
                    " BEGIN SELECT RAISE(ABORT, 'disk hiccup'); END"
                )
            else:
                db.execute("DROP TRIGGER refuse_job")
        return
    with psycopg.connect(backend.location, autocommit=True) as conn:
        if on:
            conn.execute(
                "CREATE FUNCTION refuse_job() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN RAISE EXCEPTION 'disk hiccup'; END $$"
            )
            conn.execute(
                "CREATE TRIGGER refuse_job BEFORE INSERT ON jobs"
                " FOR EACH ROW EXECUTE FUNCTION refuse_job()"
            )
        else:
            conn.execute("DROP TRIGGER refuse_job ON jobs")
            conn.execute("DROP FUNCTION refuse_job()")


async def test_a_held_answer_and_its_alert_are_stored_together_or_not_at_all(
    store: Store, backend: Backend
) -> None:
    await store.create_session(session("s1"))
    who = await participant(store)
    held = alert("al1", answer_id="a1")
    escalate = JobRecord(
        id="al1:escalate", kind=JobKind.ESCALATE, due_at=T0 + timedelta(minutes=15), subject="al1"
    )

    async def record() -> None:
        await store.record_answer(
            answer_id="a1",
            session_id="s1",
            question_number=1,
            participant=who,
            text="words",
            auto_tags=(),
            status=AnswerStatus.HELD,
            submission_id="form-1",
            alert=held,
            alert_jobs=(escalate,),
        )

    _refuse_jobs(backend, on=True)
    try:
        with pytest.raises(Exception, match="disk hiccup"):
            await record()
    finally:
        _refuse_jobs(backend, on=False)
    assert await store.answer("a1") is None  # nothing: no answer, alert, delivery or job
    assert await store.alert("al1") is None
    assert await store.undelivered_alerts() == []
    assert await store.pending_jobs() == []

    await record()  # everything
    stored = await store.answer("a1")
    assert stored is not None and stored.status is AnswerStatus.HELD
    assert [a.id for a in await store.alerts_for_answer("a1")] == ["al1"]
    assert [d.alert_id for d in await store.undelivered_alerts()] == ["al1"]
    assert [j.id for j in await store.pending_jobs()] == ["al1:escalate"]
    assert await store.held_answers_without_alert() == []


async def test_the_sweep_finds_only_held_answers_without_an_alert(store: Store) -> None:
    await store.create_session(session("s1"))
    who = await participant(store)
    lonely = await answer(store, who, "held, no alert", status=AnswerStatus.HELD)
    alerted = await answer(store, who, "held, alerted", status=AnswerStatus.HELD)
    await store.create_alert(alert("al1", answer_id=alerted.id))
    await answer(store, who, "shown")
    assert [a.id for a in await store.held_answers_without_alert()] == [lonely.id]
