"""The name lists as read, kept between starts (``Scrubber.from_file(..., cache_dir)``): the
scrubber read through the cache finds exactly what one read from the lists finds, and a
changed list is read again."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.config import DEFAULT_PROMPTS_DIR
from bot.safeguarding.scrub import Scrubber

ANSWERS = (
    "me and kofi went to see Mrs Okafor about my sw Zsuzsanna",
    "Grace was lovely, Will helped, ask Adeyemi at the council",
    "the McAlisters and the Smith-Jones family, call 07700 900123",
    "Siân and Łukasz, my foster brother Lachlan",
)


def copy_lists(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    folder.mkdir()
    for name in ("first-names.txt", "surnames.txt"):
        shutil.copy(DEFAULT_PROMPTS_DIR / name, folder / name)
    return folder / "first-names.txt"


def test_read_through_the_cache_it_finds_what_the_lists_find(tmp_path: Path) -> None:
    names = copy_lists(tmp_path)
    cache = tmp_path / "cache"
    Scrubber.from_file(names, cache_dir=cache)  # reads the lists, writes the cache
    assert len(list(cache.glob("names-*.pack"))) == 1
    cached, plain = Scrubber.from_file(names, cache_dir=cache), Scrubber.from_file(names)
    found = [plain.find(a) for a in ANSWERS]
    assert [cached.find(a) for a in ANSWERS] == found
    assert sum(len(f) for f in found) >= 8, "the answers hold names to find"


def test_a_changed_list_is_read_again(tmp_path: Path) -> None:
    names = copy_lists(tmp_path)
    cache = tmp_path / "cache"
    before = Scrubber.from_file(names, cache_dir=cache)
    assert before.find("I told Zorblax") == ()
    names.write_text(names.read_text(encoding="utf-8") + "zorblax\n", encoding="utf-8")
    after = Scrubber.from_file(names, cache_dir=cache)
    assert [s.kind for s in after.find("I told Zorblax")] == ["name"]
    assert len(list(cache.glob("names-*.pack"))) == 2
