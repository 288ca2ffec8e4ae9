"""Splitting answer text into words, and reducing words to stems for matching.

Both the codebook's keywords and young people's answers go through the same two steps, so a
keyword written in plain form ("move") matches its inflections ("moved", "moving"):

1. ``words`` finds runs of letters and digits. A final "'s" goes ("SW's" is "sw") and other
   apostrophes inside a word, straight or curly, are dropped ("don't", "don’t" and "dont"
   are one word); case is folded; emoji, punctuation and hyphens separate words. Each word
   keeps its span in the original text, so evidence quotes exactly what was written.
2. ``Stemmer`` applies the Snowball English stemmer, with a cache because answers repeat the
   same few hundred words.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import snowballstemmer

# Letters/digits, optionally joined by apostrophes: "carer's", "don’t", "y'all".
_WORD = re.compile(r"[^\W_]+(?:['’‘ʼ`][^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'’‘ʼ`")
_POSSESSIVE = re.compile(r"['’‘ʼ`]s$")


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: its normalised form and where it sits in the original."""

    norm: str
    start: int
    end: int


def words(text: str) -> Iterator[Word]:
    """Yield the words of ``text`` in order, normalised, with their original spans."""
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():  # most words: NFKC leaves ASCII as it is
            norm = word.lower()
            if "'" in norm or "`" in norm:
                norm = _POSSESSIVE.sub("", norm).translate(_APOSTROPHES)
        else:
            norm = unicodedata.normalize("NFKC", word).casefold()
            norm = _POSSESSIVE.sub("", norm).translate(_APOSTROPHES)
        yield Word(norm, match.start(), match.end())


class Stemmer:
    """Snowball English stemming with a per-instance cache.

    Safe to share between threads (the bot tags live answers on its event loop while a
    re-tag runs in a worker thread): the Snowball stemmer keeps its working state in the
    object, so a word not yet cached is stemmed under a lock; cached words need none."""

    def __init__(self) -> None:
        self._stemmer = snowballstemmer.stemmer("english")
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    def stem(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            with self._lock:
                stem = str(self._stemmer.stemWord(word))
            self._cache[word] = stem
        return stem

    def phrase(self, text: str) -> tuple[str, ...]:
        """The stems of every word in ``text``: how a keyword is stored in the index."""
        return tuple(self.stem(w.norm) for w in words(text))
