"""Tagging is shared between the event loop (live answers) and a worker thread (re-tagging
a big session before its digest): the shared stemmer gives the same stems either way, and a
re-tag does its tagging off the event loop."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.app import open_runtime
from bot.config import DEFAULT_PROMPTS_DIR
from bot.digest.retag import CodebookTagging
from bot.tagging.codebook import load_codebook
from bot.tagging.tagger import Tagger, ThemeMatch
from bot.tagging.text import Stemmer
from tests.digest.scripted import run_script, settings_for

WORDS = [f"{stem}{ending}" for stem in ("mov", "listen", "car", "hous", "worr", "stay", "famil")
         for ending in ("e", "ed", "ing", "es", "ies", "ily", "er", "ers", "ation")]  # fmt: skip


def test_a_shared_stemmer_gives_every_thread_the_same_stems() -> None:
    alone = Stemmer()
    expected = [alone.stem(w) for w in WORDS * 40]
    for _ in range(5):
        shared = Stemmer()  # an empty cache each round, so threads race to fill it
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(_stem_all, [shared] * 8))
        assert all(r == expected for r in results)


def _stem_all(stemmer: Stemmer) -> list[str]:
    return [stemmer.stem(w) for w in WORDS * 40]


class ThreadNoting(Tagger):
    """The real tagger, noting which thread each answer was tagged on."""

    threads: set[int]

    def tag(self, text: str) -> tuple[ThemeMatch, ...]:
        self.threads.add(threading.get_ident())
        return super().tag(text)


class Audited:
    def __init__(self) -> None:
        self.entries: list[tuple[str, str, str, str]] = []

    async def audit(self, who: str, action: str, subject: str = "", detail: str = "") -> None:
        self.entries.append((who, action, subject, detail))


async def test_a_retag_tags_in_a_worker_thread_not_on_the_event_loop(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    scripted = await run_script(settings)
    tagger = ThreadNoting(load_codebook(DEFAULT_PROMPTS_DIR / "themes.toml"))
    tagger.threads = set()
    tagging = CodebookTagging(tagger=tagger, version="0123456789ab")  # not the stored one
    audit = Audited()
    async with open_runtime(settings) as runtime:
        done = await tagging.bring_up_to_date(runtime.store, audit, scripted.session_id)
    assert done.answers == 10
    assert tagger.threads and threading.get_ident() not in tagger.threads
    assert [e[1] for e in audit.entries] == ["answers-retagged"]
