"""The apscheduler wiring: pending jobs in the store are woken for after a (re)start."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from adapters.local.adapter import LocalChannel, LocalOutbox
from bot.app import open_runtime
from bot.cli import main
from bot.config import Settings
from bot.core.events import Command, Role
from bot.core.outbound import QuestionPost
from bot.scheduling.driver import ApschedulerWaker


async def test_a_timed_question_moves_on_by_itself_with_the_real_scheduler(
    settings: Settings,
) -> None:
    # Real apscheduler here (the only such test); the engine's clock is moved on a minute so
    # the 1-minute question timer is due without waiting for it.
    offset = timedelta(0)

    def clock() -> datetime:
        return datetime.now(UTC) + offset

    waker = ApschedulerWaker(key="test")
    async with open_runtime(settings, clock=clock, waker=waker) as rt:
        channel = LocalChannel(rt.engine)
        outbox = LocalOutbox()
        channel.outbox = outbox
        await waker.start(rt.jobs, outbox, rt.store)
        try:
            fac = channel.person("fac", Role.FACILITATOR)
            await channel.command(
                fac, Command.START_SESSION, **{"question-set": "check-in", "question-minutes": "1"}
            )
            # Pretend a minute has passed, and ask apscheduler (which runs on real time) to
            # wake the runner in a quarter of a second.
            offset = timedelta(seconds=61)
            waker.wake(datetime.now(UTC) + timedelta(seconds=0.25))
            for _ in range(100):
                if len(outbox.of_type(QuestionPost)) == 2:
                    break
                await asyncio.sleep(0.05)
            assert [q.number for q in outbox.of_type(QuestionPost)] == [1, 2]
        finally:
            waker.stop()


def test_schedule_command_line_add_list_cancel(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    mp = monkeypatch
    mp.setenv("CONSULTBOT_DATABASE", str(settings.database_path))
    mp.setenv("CONSULTBOT_IDENTITY_KEY", settings.identity_key.decode())
    mp.setenv("CONSULTBOT_SAFEGUARDING_KEY", settings.safeguarding_key.decode())
    args = ["schedule", "add", "--question-set", "check-in", "--platform", "discord"]
    args += ["--channel", "1300000000000000123", "--start", "2099-06-02 18:00"]
    args += ["--repeat", "fortnightly"]
    assert main(args) == 0
    assert main(["schedule", "list"]) == 0
    assert main([*args[:-4], "--start", "2000-01-01 18:00"]) == 2
    out = capsys.readouterr()
    assert "Tuesday 02 June 2099 at 18:00 Europe/London, every two weeks" in out.out
    assert "already passed" in out.err
    schedule_id = next(w for w in out.out.split() if w.startswith("sch-"))
    assert main(["schedule", "cancel", schedule_id]) == 0
    assert main(["schedule", "cancel", schedule_id]) == 2
    assert main(["schedule", "list"]) == 0
    assert "Nothing is scheduled." in capsys.readouterr().out
