"""Loading the disclosure screen: once per file version per process, from the cache of its
built trie where one is kept, or only at its first answer (``LazyScreen``)."""

from __future__ import annotations

import functools
from pathlib import Path

from bot.core.ports import ScreenVerdict
from bot.safeguarding.screen import DisclosureScreen


def load_screen(path: Path, cache_dir: Path | None = None) -> DisclosureScreen:
    """The disclosure screen takes most of a second to build: build it once per file
    version per process, and read its built trie from ``cache_dir`` when one is kept there
    (``bot.safeguarding.screen_cache``)."""
    return _cached_screen(path, path.stat().st_mtime_ns if path.exists() else 0, cache_dir)


@functools.lru_cache(maxsize=4)
def _cached_screen(path: Path, _version: int, cache_dir: Path | None) -> DisclosureScreen:
    return DisclosureScreen.from_file(path, cache_dir)


class LazyScreen:
    """The disclosure screen, built (or read from the cache) at its first answer: commands
    that never screen an answer (``consultbot digest``, ``sessions``…) don't pay for it."""

    def __init__(self, path: Path, cache_dir: Path | None) -> None:
        self._path, self._cache_dir = path, cache_dir

    def screen(self, text: str) -> ScreenVerdict:
        return load_screen(self._path, self._cache_dir).screen(text)
