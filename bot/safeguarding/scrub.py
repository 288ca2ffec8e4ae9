"""Finding personal data in an answer and replacing it with a placeholder.

``scrub`` returns the answer with each piece of personal data replaced by ``[name]``,
``[phone]``, ``[email]``, ``[address]``, ``[school]`` or ``[handle]``, and the spans it
replaced, counted in the ORIGINAL text (invisible characters included). No model: patterns
(``scrub_patterns.py``: emails, handles, phones, addresses, schools) and name rules over two
shipped lists (``scrub_names.py``; ``prompts/first-names.txt``, ``prompts/surnames.txt``,
rebuilt by ``python -m bot.safeguarding.names_build``). Kinds claim text in this order, and
a later kind never overlaps an earlier one: email, handle, phone, address, school, name.

Kept on purpose: towns, cities and countries (England, Leeds, Cardiff…: they are where many
people live and help staff read the answer), helpline numbers, organisations (Childline,
NSPCC, CAMHS, Become, the council), session aliases ("Calm Otter", "Gentle Robin"), and
everyday words that are also names ("hope", "grace", "will") unless they are clearly a name.
"""

from __future__ import annotations

import random
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path

from bot import packed
from bot.alias import alias_candidates
from bot.datafile import SHIPPED_PROMPTS_DIR
from bot.safeguarding.scrub_names import (
    TOKEN,
    FirstNames,
    NameFinder,
    Surnames,
    fold,
    load_first_names,
    load_surnames,
)
from bot.safeguarding.scrub_patterns import (
    find_addresses,
    find_emails,
    find_handles,
    find_phones,
    find_schools,
)

__all__ = [
    "DEFAULT_NAMES",
    "DEFAULT_SURNAMES",
    "KINDS",
    "FirstNames",
    "PiiSpan",
    "Scrubbed",
    "Scrubber",
    "Surnames",
    "default_scrubber",
    "fold",
    "load_first_names",
    "load_surnames",
    "scrub",
]

DEFAULT_NAMES = SHIPPED_PROMPTS_DIR / "first-names.txt"
DEFAULT_SURNAMES = SHIPPED_PROMPTS_DIR / "surnames.txt"
SURNAMES_FILE = "surnames.txt"
_CODE = Path(__file__).resolve().parent
_READER = _CODE.parent / "datafile.py"  # reads the lists
KINDS = ("name", "phone", "email", "address", "school", "handle")
# Characters young people compare care with: names, but nobody's personal data.
_FICTION = frozenset(
    tuple(pair.split())
    for pair in ("tracy beaker", "tracey beaker", "oliver twist", "harry potter", "peter pan")
)
_FINDERS = (find_emails, find_handles, find_phones, find_addresses, find_schools)


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One piece of personal data: ``text[start:end]`` of the original answer."""

    start: int
    end: int
    kind: str  # one of KINDS


@dataclass(frozen=True, slots=True)
class Scrubbed:
    """The answer with personal data replaced, and what was replaced (original offsets)."""

    text: str
    spans: tuple[PiiSpan, ...]


class Scrubber:
    """Finds and replaces personal data using a first-name and a surname list; build once."""

    def __init__(self, names: FirstNames, surnames: Surnames | None = None) -> None:
        self._set_up(NameFinder(names, surnames or Surnames()))

    def _set_up(self, names: NameFinder) -> None:
        self._names = names
        pairs = {
            tuple(a.casefold().split()) for a in islice(alias_candidates(random.Random(0)), 900)
        }
        self._alias_pairs = frozenset(p for p in pairs if len(p) == 2) | _FICTION
        self._pair_firsts = frozenset(first for first, _ in self._alias_pairs)

    @classmethod
    def from_file(
        cls, path: Path, surnames: Path | None = None, cache_dir: Path | None = None
    ) -> Scrubber:
        """Load ``path``, and the surname list beside it (or the shipped one if none is);
        with ``cache_dir``, the lists as read are kept there for the next start
        (``bot.packed``: checking 25,000 names a line at a time is most of it)."""
        if surnames is None:
            beside = path.with_name(SURNAMES_FILE)
            surnames = beside if beside.exists() else DEFAULT_SURNAMES
        last = surnames
        finder = packed.cached(
            cache_dir,
            "names",
            {
                "first-names": packed.file_bytes(path),
                "surnames": packed.file_bytes(last),
                "unicode": unicodedata.unidata_version.encode(),
                **packed.sources(_CODE.parent / "textmodel", _CODE / "scrub_names.py", _READER),
            },
            build=lambda: NameFinder(load_first_names(path), load_surnames(last)),
            pack=NameFinder.to_packed,
            unpack=NameFinder.from_packed,
        )
        scrubber = cls.__new__(cls)
        scrubber._set_up(finder)
        return scrubber

    def find(self, text: str) -> tuple[PiiSpan, ...]:
        """The personal data in ``text``, in reading order, over the original text."""
        visible, origin = _visible(text)
        claimed: list[tuple[int, int, str]] = []
        for finder in _FINDERS:
            _claim(claimed, finder(visible))
        tokens = list(TOKEN.finditer(visible))
        skip = self._skipped(tokens, claimed)
        claimed += self._names.find(visible, tokens, skip)  # it skipped claimed tokens
        spans = []
        for start, end, kind in sorted(claimed):
            if origin is None:
                spans.append(PiiSpan(start, end, kind))
            else:
                spans.append(PiiSpan(origin[start], origin[end - 1] + 1, kind))
        return tuple(spans)

    def scrub(self, text: str) -> Scrubbed:
        spans = self.find(text)
        parts: list[str] = []
        at = 0
        for span in spans:
            parts.append(text[at : span.start])
            parts.append(f"[{span.kind}]")
            at = span.end
        parts.append(text[at:])
        return Scrubbed("".join(parts), spans)

    def _skipped(
        self, tokens: list[re.Match[str]], claimed: list[tuple[int, int, str]]
    ) -> list[bool]:
        """For each token: is it in text already claimed, or half of an alias or a character?"""
        skip = [False] * len(tokens)
        firsts = self._pair_firsts
        for i in range(len(tokens) - 1):
            word = tokens[i].group().lower()
            if word in firsts and (word, tokens[i + 1].group().lower()) in self._alias_pairs:
                skip[i] = skip[i + 1] = True
        ends = [t.end() for t in tokens]
        for start, end, _ in claimed:
            i = bisect_right(ends, start)  # the first token ending after the span starts
            while i < len(tokens) and tokens[i].start() < end:
                skip[i] = True
                i += 1
        return skip


def scrub(text: str) -> Scrubbed:
    """Scrub ``text`` with the shipped name lists (loaded once)."""
    return default_scrubber().scrub(text)


@cache
def default_scrubber() -> Scrubber:
    return Scrubber.from_file(DEFAULT_NAMES, DEFAULT_SURNAMES)


def _visible(text: str) -> tuple[str, list[int] | None]:
    """``text`` without invisible characters and with full-width forms made plain, plus the
    original index of each character kept (None when nothing changed)."""
    if text.isascii() or (
        unicodedata.is_normalized("NFKC", text)
        and not any(unicodedata.category(c) == "Cf" for c in text if not c.isascii())
    ):
        return text, None
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            chars.append(ch)
            origin.append(i)
            continue
        if unicodedata.category(ch) == "Cf":
            continue
        plain = unicodedata.normalize("NFKC", ch)
        chars.append(plain if len(plain) == 1 else ch)
        origin.append(i)
    return "".join(chars), origin


def _claim(claimed: list[tuple[int, int, str]], spans: list[tuple[int, int, str]]) -> None:
    """Add each span that overlaps nothing claimed before it."""
    for span in spans:
        if not any(span[0] < e and s < span[1] for s, e, _ in claimed):
            claimed.append(span)
