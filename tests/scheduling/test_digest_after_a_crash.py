"""The automatic digest reaches staff even if the process dies while uploading it: it is
marked delivered only once the platform accepted it, and the close job runs again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.local.adapter import LocalChannel, LocalOutbox
from bot.core.events import Command, Role
from bot.core.outbound import Audience, FileDelivery, Outbound, PrivateNotice, QuestionPost
from tests.scheduling.conftest import FakeClock, RuntimeOpener

FACILITATOR = LocalChannel.person("fac", Role.FACILITATOR)
AMY = LocalChannel.person("amy")
START = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)  # London is on UTC then


class Killed(BaseException):
    """The process dying (SIGKILL): nothing after this point runs, nothing catches it."""


class _DiesDuringTheUpload(LocalOutbox):
    async def send(self, message: Outbound) -> str | None:
        if isinstance(message, FileDelivery):
            raise Killed
        return await super().send(message)


async def test_a_digest_lost_mid_upload_is_sent_after_the_restart(
    open_rt: RuntimeOpener, clock: FakeClock
) -> None:
    async with open_rt() as rt:
        channel = LocalChannel(rt.engine)
        sent = await channel.command(
            FACILITATOR,
            Command.SCHEDULE_SESSION,
            **{"question-set": "check-in", "start": "2026-11-26 18:00", "length": "30"},
        )
        assert isinstance(sent[0], PrivateNotice) and sent[0].text.startswith("Scheduled")
        clock.set(START)
        await rt.jobs.run_due(channel.outbox)
        await channel.answer(AMY, channel.outbox.of_type(QuestionPost)[-1], "ok", quote_ok=True)
        clock.set(START + timedelta(minutes=30))
        with pytest.raises(Killed):  # the close job dies while the digest is uploading
            await rt.jobs.run_due(_DiesDuringTheUpload())

    clock.set(START + timedelta(minutes=31))
    async with open_rt() as rt:  # the restart
        await rt.jobs.recover()
        outbox = LocalOutbox()
        await rt.jobs.run_due(outbox)
        (digest,) = outbox.of_type(FileDelivery)
        assert digest.audience is Audience.STAFF and digest.files
        # Accepted now, so marked: nothing sends it a third time.
        clock.set(START + timedelta(days=2))
        await rt.jobs.recover()
        await rt.jobs.run_due(outbox)
        assert len(outbox.of_type(FileDelivery)) == 1
