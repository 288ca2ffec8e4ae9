"""Two updates to one action at once (two staff, or the command line and chat): each keeps
its own card and the later one's reminder, because job ids use the number the store gave
the update, not one guessed before it."""

from __future__ import annotations

import asyncio

from adapters.local.adapter import LocalChannel
from bot.app import Runtime
from bot.core.records import JobKind
from bot.feedback.service import Step

from .conftest import LABEL


async def test_two_updates_at_once_keep_both_cards_and_the_later_reminder(
    runtime: Runtime, workshop: LocalChannel
) -> None:
    feedback = runtime.engine.feedback
    action = await feedback.add(LABEL, "stability-moves", "Moving home is hard", "cli")
    first = Step(decision="waiting", follow_up="2027-01-15")
    second = Step(decision="partly", follow_up="2027-02-15")
    done = await asyncio.gather(
        feedback.update(action.id, first, "cli"), feedback.update(action.id, second, "cli")
    )
    assert sorted(r.update.number for r in done) == [2, 3]
    jobs = await runtime.store.pending_jobs()
    cards = sorted(j.id for j in jobs if j.kind is JobKind.FEEDBACK_CARD)
    (session_id,) = action.session_ids
    assert cards == [f"feedback-card:{action.id}:{n}:{session_id}" for n in (2, 3)]
    (reminder,) = [j for j in jobs if j.kind is JobKind.FOLLOW_UP]
    assert reminder.id == f"follow-up:{action.id}:3"  # the latest update's
