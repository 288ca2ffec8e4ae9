"""Finding glossary terms in text: whole words, any case, with their usual endings.

- **Whole words.** Text is split into words at spaces, punctuation and hyphens, so
  "looked-after child" is the same as "looked after child", and "unit" is not found in
  "community". An apostrophe inside a word keeps it whole ("children's").
- **Any case**, except that a term written in capitals ("LAC", "PEP") is an acronym and
  matches only in capitals: "pep talk" is not a Personal Education Plan.
- **Endings.** The last word of a term also matches its inflections (:class:`Inflect`):
  "placement" finds "placements", "looked after child" finds "looked after children's",
  "abscond" (a verb) finds "absconded". Earlier words must be as written, so "looked after
  child" does not find "looking after children".
- **Quotations are skipped.** Words inside quotation marks ("…", “…”, '…', ‘…’) are being
  talked about, not used: the codebook can say young people dislike 'placement'.
- **Longest match wins.** Where "CLA review" and "CLA" both match, only "CLA review" counts.

This module knows nothing about the glossary file: it matches phrases and hands back
whatever value each phrase was registered with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z0-9]+)*")
# Opening marks must start a word and closing marks end one, so the apostrophes in
# "don't" and "carers' views" are not quotation marks.
_QUOTED = re.compile(
    r"\"[^\"\n]*\""
    r"|“[^”\n]*”"
    r"|(?<![\w'’])'(?:[^'\n]|'(?=\w))*'(?!\w)"
    r"|(?<![\w'’])‘(?:[^’\n]|’(?=\w))*’(?!\w)"
)
_IRREGULAR_PLURALS = {
    "child": "children",
    "person": "people",
    "man": "men",
    "woman": "women",
    "life": "lives",
    "half": "halves",
}
_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")


class Inflect(StrEnum):
    """Which endings of a term's last word also match."""

    NOUN = "noun"  # plurals and possessives: placements, carer's, children's
    VERB = "verb"  # those, and -ed / -ing: absconds, absconded, absconding
    NONE = "none"  # only the word as written


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit(Generic[T]):
    """One place a phrase was found: character offsets into the text, and its value."""

    start: int
    end: int
    text: str  # the words as they appear in the text
    value: T


def words(text: str) -> list[Word]:
    """The words of ``text`` with their offsets (curly apostrophes made straight)."""
    return [Word(m.group().replace("’", "'"), m.start(), m.end()) for m in _WORD.finditer(text)]


def is_acronym(word: str) -> bool:
    """A word of two or more capital letters, such as "LAC" or "CAMHS"."""
    return len(word) > 1 and word.isalpha() and word.isupper()


def phrase_key(phrase: str, *, fold: bool = False) -> tuple[str, ...]:
    """The words of ``phrase`` as compared: lower case, acronyms kept unless ``fold``."""
    return tuple(
        w.text if is_acronym(w.text) and not fold else w.text.lower() for w in words(phrase)
    )


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of text inside quotation marks."""
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


def inflections(word: str, inflect: Inflect) -> frozenset[str]:
    """The forms of ``word`` (as written in a phrase key) that count as the same word."""
    if is_acronym(word):
        return frozenset({word, f"{word}s", f"{word}'s"})
    if inflect is Inflect.NONE:
        return frozenset({word})
    plural = _plural(word)
    forms = {word, f"{word}'s", plural, f"{plural}'s" if not plural.endswith("s") else plural}
    if inflect is Inflect.VERB:
        forms |= _verb_forms(word)
    return frozenset(forms)


class Matcher(Generic[T]):
    """Finds registered phrases in text. Build once, use for many texts."""

    def __init__(self, phrases: Iterable[tuple[str, Inflect, T]]) -> None:
        # Each pattern is a tuple of sets of allowed words, indexed by its first word's forms.
        self._by_first: dict[str, list[tuple[tuple[frozenset[str], ...], T]]] = {}
        for phrase, inflect, value in phrases:
            key = phrase_key(phrase)
            if not key:
                raise ValueError(f"{phrase!r} has no words")
            pattern = (*(frozenset({w}) for w in key[:-1]), inflections(key[-1], inflect))
            for first in pattern[0]:
                self._by_first.setdefault(first, []).append((pattern, value))

    def find(self, text: str) -> list[Hit[T]]:
        """Every phrase in ``text`` outside quotation marks, in order, longest first."""
        found = words(text)
        hits: list[tuple[int, int, T]] = []  # (first word, word after last, value)
        for i, word in enumerate(found):
            candidates = list(self._by_first.get(word.text, []))
            if word.text.lower() != word.text:
                candidates += self._by_first.get(word.text.lower(), [])
            for pattern, value in candidates:
                end = i + len(pattern)
                if end <= len(found) and all(
                    _same(found[i + k].text, allowed) for k, allowed in enumerate(pattern)
                ):
                    hits.append((i, end, value))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        quotes = quoted_spans(text)
        kept: list[Hit[T]] = []
        covered_to = 0  # word index up to which a longer hit already covers the text
        for first, end, value in hits:
            if first < covered_to and end <= covered_to:
                continue
            start, stop = found[first].start, found[end - 1].end
            if any(q_start < stop and start < q_end for q_start, q_end in quotes):
                continue
            covered_to = max(covered_to, end)
            kept.append(Hit(start=start, end=stop, text=text[start:stop], value=value))
        return kept


def _same(word: str, allowed: frozenset[str]) -> bool:
    # Acronym patterns are kept in capitals and the rest in lower case, so lowering the
    # text's word lets "Placement" find "placement" but never lets "pep" find "PEP".
    return word in allowed or word.lower() in allowed


def _plural(word: str) -> str:
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return f"{word}es"
    if len(word) > 1 and word.endswith("y") and word[-2] in _CONSONANTS:
        return f"{word[:-1]}ies"
    return f"{word}s"


def _verb_forms(word: str) -> set[str]:
    forms = {_plural(word)}
    if word.endswith("e"):
        forms |= {f"{word}d", f"{word[:-1]}ing"}
    elif len(word) > 1 and word.endswith("y") and word[-2] in _CONSONANTS:
        forms |= {f"{word[:-1]}ied", f"{word}ing"}
    else:
        forms |= {f"{word}ed", f"{word}ing"}
        if len(word) > 2 and word[-1] in _CONSONANTS - {"w", "x", "y"} and word[-2] in "aeiou":
            forms |= {f"{word}{word[-1]}ed", f"{word}{word[-1]}ing"}  # stopped, stopping
    return forms
