"""A "you said, we did" card job a crash interrupted runs again at the next start (its kind
is in the runner's ``RERUN_AFTER_CRASH``), rather than being dropped."""

from __future__ import annotations

from adapters.local.adapter import LocalChannel, LocalOutbox
from bot.app import Runtime
from bot.core.outbound import ChannelNotice
from bot.core.records import JobKind, JobState
from bot.feedback.service import Step
from bot.scheduling.runner import RERUN_AFTER_CRASH

from .conftest import LABEL

HEARD = "Moving home too often makes it hard to settle"


def test_you_said_we_did_jobs_run_again_after_a_crash() -> None:
    assert {JobKind.FOLLOW_UP, JobKind.FEEDBACK_CARD} <= RERUN_AFTER_CRASH


async def test_a_card_job_a_crash_interrupted_runs_again_at_the_next_start(
    runtime: Runtime, workshop: LocalChannel
) -> None:
    feedback = runtime.engine.feedback
    action = await feedback.add(LABEL, "stability-moves", HEARD, "cli")
    await feedback.update(action.id, Step(decision="changed"), "cli")  # no platform: a job
    (job,) = [j for j in await runtime.store.pending_jobs() if j.kind is JobKind.FEEDBACK_CARD]
    assert await runtime.store.claim_job(job.id)  # running when the process died
    await runtime.jobs.recover()
    outbox = LocalOutbox()
    outcomes = await runtime.jobs.run_due(outbox)
    assert [(o.kind, o.state) for o in outcomes if o.kind is JobKind.FEEDBACK_CARD] == [
        (JobKind.FEEDBACK_CARD, JobState.DONE)
    ]
    (card,) = outbox.of_type(ChannelNotice)
    assert f"**You said:** {HEARD}." in card.text
