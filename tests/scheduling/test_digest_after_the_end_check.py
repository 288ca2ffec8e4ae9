"""The automatic digest of a session with an end-of-session check goes to staff when the
check closes (a job in the store), so a restart between the close and the check's end still
sends it, once; and a crash while it uploads sends it again after the restart, once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from adapters.local.adapter import LocalChannel, LocalOutbox
from bot.core.events import Command, Role
from bot.core.outbound import (
    Audience,
    EndCheckPost,
    FileDelivery,
    Outbound,
    PrivateNotice,
    QuestionPost,
)
from bot.core.records import JobKind
from bot.scheduling.runner import RERUN_AFTER_CRASH
from bot.sessions.directory import CHECK_IN_WINDOW
from tests.scheduling.conftest import FakeClock, RuntimeOpener

FACILITATOR = LocalChannel.person("fac", Role.FACILITATOR)
AMY = LocalChannel.person("amy")
YES = 3


class Killed(BaseException):
    """The process dying (SIGKILL): nothing after this point runs, nothing catches it."""


class _DiesDuringTheUpload(LocalOutbox):
    async def send(self, message: Outbound) -> str | None:
        if isinstance(message, FileDelivery):
            raise Killed
        return await super().send(message)


def test_the_staff_digest_job_runs_again_after_a_crash() -> None:
    assert JobKind.STAFF_DIGEST in RERUN_AFTER_CRASH


async def _close_with_a_tap(open_rt: RuntimeOpener) -> list[Outbound]:
    """A workshop with an end check: one answer, closed, one face tapped; then the process
    stops. What the facilitator and the group were sent."""
    async with open_rt() as rt:
        channel = LocalChannel(rt.engine)
        await channel.command(
            FACILITATOR, Command.START_SESSION, **{"question-set": "case-for-change"}
        )
        question = channel.outbox.of_type(QuestionPost)[-1]
        await channel.answer(AMY, question, "Nobody asked us before", quote_ok=True)
        closed = await channel.command(FACILITATOR, Command.END_SESSION)
        safe = channel.outbox.of_type(EndCheckPost)[0]
        await channel.press_button(AMY, safe.choices[YES].action_id)
        return closed


def _end_check_counts(delivery: FileDelivery) -> list[list[int | str]]:
    """The first question's counts, from a digest made after the check closed (small counts
    are shown as "fewer than 3", so the check is that it is no longer "still open")."""
    (content,) = [f.content for f in delivery.files if f.name.endswith(".json")]
    check = json.loads(content)["end_check"]
    assert check["still_open"] is False
    return [q["counts"] for q in check["questions"]]


async def test_a_restart_before_the_check_closes_still_sends_the_digest_once(
    open_rt: RuntimeOpener, clock: FakeClock
) -> None:
    closed = await _close_with_a_tap(open_rt)
    assert not [m for m in closed if isinstance(m, FileDelivery)]  # not at the close
    (told,) = [m for m in closed if isinstance(m, PrivateNotice) and "digest" in m.text]
    assert "in 30 minutes" in told.text

    clock.advance(minutes=10)
    async with open_rt() as rt:  # the restart, while the check is still open
        await rt.jobs.recover()
        outbox = LocalOutbox()
        await rt.jobs.run_due(outbox)
        assert outbox.of_type(FileDelivery) == []
        clock.advance(seconds=(CHECK_IN_WINDOW - timedelta(minutes=10)).total_seconds())
        await rt.jobs.run_due(outbox)
        (digest,) = outbox.of_type(FileDelivery)
        assert digest.audience is Audience.STAFF
        assert _end_check_counts(digest)[0] == ["fewer than 3"] * 4
        clock.advance(days=2)
        await rt.jobs.run_due(outbox)
    async with open_rt() as rt:  # and again: nothing sends it a second time
        await rt.jobs.recover()
        await rt.jobs.run_due(outbox)
    assert len(outbox.of_type(FileDelivery)) == 1


async def test_a_digest_lost_mid_upload_after_the_check_is_sent_after_the_restart(
    open_rt: RuntimeOpener, clock: FakeClock
) -> None:
    await _close_with_a_tap(open_rt)
    clock.advance(minutes=31)
    async with open_rt() as rt:
        with pytest.raises(Killed):  # the staff digest job dies while uploading
            await rt.jobs.run_due(_DiesDuringTheUpload())

    clock.advance(minutes=1)
    async with open_rt() as rt:
        await rt.jobs.recover()
        outbox = LocalOutbox()
        await rt.jobs.run_due(outbox)
        (digest,) = outbox.of_type(FileDelivery)
        assert _end_check_counts(digest)[0] == ["fewer than 3"] * 4
        clock.advance(days=2)
        await rt.jobs.recover()
        await rt.jobs.run_due(outbox)
        assert len(outbox.of_type(FileDelivery)) == 1
