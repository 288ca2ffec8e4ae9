"""Slack gets its reply the moment a listener acks; the listener's later work goes on in its
own task (kept until it ends), and a failure is answered or logged, never lost."""

from __future__ import annotations

import asyncio
import logging

import pytest
from slack_bolt.context.ack.async_ack import AsyncAck

from adapters.slack.listeners import ListenerTasks
from tests.slack.conftest import Harness


def new_ack() -> AsyncAck:
    """bolt's own ack object, as it passes one to each listener."""
    return AsyncAck()  # type: ignore[no-untyped-call]


async def test_the_wrapper_returns_at_the_ack_and_the_rest_runs_on() -> None:
    tasks = ListenerTasks()
    later = asyncio.Event()
    done: list[str] = []

    async def listener(ack: AsyncAck) -> None:
        await ack(response_action="clear")
        await later.wait()  # e.g. the thanks, sent after the form closed
        done.append("thanks")

    ack = new_ack()
    await asyncio.wait_for(tasks.wrap(listener)(ack=ack), timeout=5)
    assert ack.response is not None and ack.response.status == 200
    assert done == [] and len(tasks.pending()) == 1  # still running, and kept
    later.set()
    await asyncio.wait_for(asyncio.gather(*tasks.pending()), timeout=5)
    assert done == ["thanks"] and not tasks.pending()


async def test_an_event_listener_without_ack_returns_at_once() -> None:
    tasks = ListenerTasks()
    later = asyncio.Event()

    async def on_reaction(event: dict[str, str]) -> None:
        await later.wait()

    await asyncio.wait_for(tasks.wrap(on_reaction)(event={}), timeout=5)
    assert len(tasks.pending()) == 1
    later.set()
    await asyncio.wait_for(asyncio.gather(*tasks.pending()), timeout=5)


async def test_a_failure_before_the_ack_fails_the_request() -> None:
    async def listener(ack: AsyncAck) -> None:
        raise RuntimeError("broken before the ack")

    with pytest.raises(RuntimeError, match="broken before the ack"):
        await ListenerTasks().wrap(listener)(ack=new_ack())


async def test_a_failure_after_the_ack_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    tasks = ListenerTasks()
    go_on = asyncio.Event()

    async def listener(ack: AsyncAck) -> None:
        await ack()
        await go_on.wait()
        raise LookupError("broken after the ack")

    await tasks.wrap(listener)(ack=new_ack())
    with caplog.at_level(logging.ERROR, logger="consultbot.slack"):
        go_on.set()
        await asyncio.wait(tasks.pending(), timeout=5)
        await asyncio.sleep(0)  # the done callback
    assert "Slack listener listener failed after its ack: LookupError" in caplog.text
    assert not tasks.pending()


async def test_the_app_replies_when_a_listener_returns_not_by_polling(harness: Harness) -> None:
    # bolt's other mode checks every 10 ms for each reply whose ack is still to come
    assert harness.adapter.app.process_before_response
