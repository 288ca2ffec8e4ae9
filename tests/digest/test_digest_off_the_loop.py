"""A digest is rendered in a worker thread: while a big one is being made, the event loop
goes on (the bot answers). The render here blocks until the test lets it go, so the proof
needs no timing: other work finishes while the render is still held."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import DEFAULT_PROMPTS_DIR
from bot.digest.delivery import Digests
from bot.digest.model import Digest
from bot.digest.render import DigestFormat, render
from bot.questions.loader import load_question_sets
from db.sqlite import SqliteStore
from tests.db.builders import answer, participant, session


class NoAudit:
    async def audit(self, who: str, action: str, subject: str = "", detail: str = "") -> None:
        return None


class HeldRender:
    """Renders for real, but only once ``release`` is set; ``entered`` says it started."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.threads: set[int] = set()

    def __call__(self, digest: Digest, fmt: DigestFormat) -> bytes:
        self.threads.add(threading.get_ident())
        self.entered.set()
        assert self.release.wait(timeout=60), "the test never released the render"
        return render(digest, fmt)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    store = await SqliteStore.open(tmp_path / "digest.db")
    await store.create_session(session("s1"))
    who = await participant(store, "s1")
    for n in range(5):
        await answer(store, who, f"more say in where I live ({n})")
    yield store
    await store.close()


async def test_the_loop_keeps_answering_while_a_digest_is_rendered(store: SqliteStore) -> None:
    held = HeldRender()
    digests = Digests(
        store=store,
        question_sets=load_question_sets(DEFAULT_PROMPTS_DIR),
        theme_labels={},
        audit=NoAudit(),
        renderer=held,
    )
    making = asyncio.ensure_future(digests.files("s1", (DigestFormat.CSV,)))
    await asyncio.to_thread(held.entered.wait)
    # The render is running and held: the loop still serves the store, as it would a person.
    other = await store.session("s1")
    assert other is not None and not making.done()
    held.release.set()
    (file,) = await making
    assert file.content.count(b",s1,") == 5  # one row per answer (words kept back: not quotable)
    assert threading.get_ident() not in held.threads, "rendered on the event loop's thread"
