"""A held answer is never stored without its alert: the answer, the alert, its delivery to
the lead and its escalation are one transaction, so a database failure part-way leaves
nothing (the young person's resend of the same form then raises the alert), and the sweep
on every round of the job runner raises an alert for any held answer found without one."""

from __future__ import annotations

import sqlite3

from adapters.local.adapter import LocalChannel
from bot.app import Runtime
from bot.config import Settings
from bot.core.events import AnswerSubmitted
from bot.core.outbound import SafeguardingAlert
from tests.privacy.conftest import BEN, start
from tests.scheduling.conftest import FakeClock

DISCLOSURE = "my step dad hits me when mum is out and i dont want to go home"


def _refuse_alert_deliveries(settings: Settings, *, on: bool) -> None:
    """A real failure in the database, between the steps of storing a held answer: the
    alert's delivery row is refused (the answer and the alert rows went in before it)."""
    with sqlite3.connect(settings.database_path) as db:
        if on:
            db.execute(
                "CREATE TRIGGER refuse_delivery BEFORE INSERT ON alert_deliveries"
                " BEGIN SELECT RAISE(ABORT, 'disk hiccup'); END"
            )
        else:
            db.execute("DROP TRIGGER refuse_delivery")


async def test_a_failure_part_way_stores_nothing_and_the_resend_raises_the_alert(
    channel: LocalChannel, runtime: Runtime, settings: Settings
) -> None:
    question = await start(channel)
    await channel.answer(BEN, question, "I want my own key")  # BEN agrees to the note
    form = AnswerSubmitted(
        person=BEN,
        channel_id=channel.channel_id,
        text=DISCLOSURE,
        session_id=question.session_id,
        question_number=question.number,
        submission_id="form-7",
    )
    _refuse_alert_deliveries(settings, on=True)
    failed = await channel.act(form)
    _refuse_alert_deliveries(settings, on=False)
    assert not any(isinstance(m, SafeguardingAlert) for m in failed)
    assert any("try again" in getattr(m, "text", "") for m in failed)  # told, kindly
    # Nothing of it was kept: no held answer standing without its alert, no alert.
    assert await runtime.store.held_answers_without_alert() == []
    assert await runtime.store.undelivered_alerts() == []

    again = await channel.act(form)  # the platform (or the young person) sends it again
    (alert,) = [m for m in again if isinstance(m, SafeguardingAlert)]
    assert DISCLOSURE in alert.text and alert.writer == "ben-222"
    stored = await runtime.store.alert(alert.alert_id)
    assert stored is not None and stored.answer_id is not None
    assert f"{alert.alert_id}:escalate" in {j.id for j in await runtime.store.pending_jobs()}


async def test_the_sweep_raises_an_alert_for_a_held_answer_without_one(
    channel: LocalChannel, runtime: Runtime, settings: Settings, clock: FakeClock
) -> None:
    question = await start(channel)
    sent = await channel.answer(BEN, question, DISCLOSURE)
    (first,) = [m for m in sent if isinstance(m, SafeguardingAlert)]
    # A held answer left without an alert (stored by an older version that crashed between
    # the answer and its alert).
    with sqlite3.connect(settings.database_path) as db:
        db.execute("DELETE FROM alerts")
    (lonely,) = await runtime.store.held_answers_without_alert()

    clock.advance(seconds=1)
    await runtime.jobs.run_due(channel.outbox)  # every round sweeps (and so does a start)
    raised = [a for a in channel.outbox.of_type(SafeguardingAlert) if a.alert_id != first.alert_id]
    (alert,) = raised
    assert DISCLOSURE in alert.text and alert.writer == "ben-222"
    assert f"answer {lonely.id}" in alert.text
    assert await runtime.store.held_answers_without_alert() == []
    clock.advance(seconds=1)
    await runtime.jobs.run_due(channel.outbox)  # once: the next round finds nothing to raise
    assert len(channel.outbox.of_type(SafeguardingAlert)) == 2
