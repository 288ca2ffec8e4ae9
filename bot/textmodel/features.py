"""Turning a text into the features a linear text model counts: pure Python, deterministic.

The same ``analyse`` is handed to scikit-learn as the analyzer at training time
(``TfidfVectorizer(analyzer=Analyser(settings))``) and called by ``LinearTextModel`` at run
time, so the features a model was trained on and the features it scores are identical by
construction. Changing anything here changes what every model means: bump
``FEATURES_VERSION`` so saved models are refused until they are rebuilt.

1. Normalise (``normalise``), cheap steps only:
   a. Unicode NFKC (full-width and maths letters become plain ones, "ﬁ" becomes "fi"),
      then case folding;
   b. invisible characters (zero-width spaces and joiners, soft hyphen, direction marks,
      byte-order mark) are dropped, and apostrophes too ("don’t" is "dont");
   c. Cyrillic and Greek letters that look like Latin ones are mapped back ("ѕаd" is "sad");
   d. "@" and "$" touching a letter are read as "a" and "s" ("@buse", "$elf"), and the
      digits 0 1 3 4 5 7 between two letters as o i e a s t ("k1ll", "h3lp"; not "10pm");
   e. a letter repeated three or more times is cut to two ("sooooo" is "soo").
2. Words are runs of letters and digits in the normalised text (whitespace and punctuation
   only separate them, so runs of spaces need no collapsing).
3. Features, each a string with a two-character prefix naming its kind:
   ``w:<word>`` every word; ``b:<word> <word>`` every pair of adjacent words (when
   ``word_ngrams`` is 2); ``c:<gram>`` every run of n characters, n from ``char_ngrams``,
   inside each word padded with one space on each side, as scikit-learn's ``char_wb`` does
   (a padded word shorter than n gives itself, once).

A feature is listed once per occurrence: the model counts them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

FEATURES_VERSION = 1

_INVISIBLE = (
    "\u00ad\u034f\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
)
_DIRECTION = "".join(chr(c) for c in range(0x202A, 0x202F)) + "".join(
    chr(c) for c in range(0x2066, 0x206A)
)
_APOSTROPHES = "'’‘ʼ`"
_FOLD = str.maketrans(
    {
        **dict.fromkeys(_INVISIBLE + _DIRECTION + _APOSTROPHES, None),
        "а": "a", "в": "b", "е": "e", "ё": "e", "і": "i", "ї": "i", "ј": "j", "к": "k",
        "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y",
        "х": "x", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ı": "i", "ɑ": "a", "ɡ": "g",
        "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x", "ω": "w", "ϲ": "c",
    }
)  # fmt: skip
_LETTER = r"[^\W\d_]"
_SYMBOL = re.compile(rf"(?<={_LETTER})[@$]|[@$](?={_LETTER})")
_SYMBOL_LETTERS = {"@": "a", "$": "s"}
_LEET = re.compile(rf"(?<={_LETTER})[013457]+(?={_LETTER})")
_LEET_DIGITS = str.maketrans("013457", "oieast")
_REPEAT = re.compile(rf"({_LETTER})\1\1+")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureSettings:
    """Which features to make: word n-grams up to ``word_ngrams``, characters in a range."""

    word_ngrams: int = 2  # 1: words only; 2: words and adjacent pairs
    char_ngrams: tuple[int, int] | None = (3, 5)  # inclusive; None: no character n-grams

    def __post_init__(self) -> None:
        if self.word_ngrams not in (1, 2):
            raise ValueError(f"word_ngrams must be 1 or 2, not {self.word_ngrams!r}")
        if self.char_ngrams is not None:
            low, high = self.char_ngrams
            if not 1 <= low <= high <= 8:
                raise ValueError(
                    f"char_ngrams must be (low, high), 1 <= low <= high <= 8: {low, high}"
                )

    def to_dict(self) -> dict[str, Any]:
        """The settings as stored in a model file, with the version of these rules."""
        chars = list(self.char_ngrams) if self.char_ngrams is not None else None
        return {"version": FEATURES_VERSION, "word_ngrams": self.word_ngrams, "char_ngrams": chars}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureSettings:
        """Settings from ``to_dict``'s output; raises ValueError naming what is wrong."""
        if set(data) != {"version", "word_ngrams", "char_ngrams"}:
            raise ValueError("needs exactly the keys version, word_ngrams, char_ngrams")
        if data["version"] != FEATURES_VERSION or type(data["version"]) is not int:
            raise ValueError(
                f"version is {data['version']!r} but this code makes features version "
                f"{FEATURES_VERSION}: rebuild the model"
            )
        words, chars = data["word_ngrams"], data["char_ngrams"]
        if type(words) is not int:
            raise ValueError("word_ngrams must be a whole number")
        if chars is not None and not (
            isinstance(chars, list) and len(chars) == 2 and all(type(n) is int for n in chars)
        ):
            raise ValueError("char_ngrams must be null or a list of two whole numbers")
        return cls(word_ngrams=words, char_ngrams=None if chars is None else (chars[0], chars[1]))


def normalise(text: str) -> str:
    """The text folded as in step 1 of the module docstring."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    if "@" in text or "$" in text:
        text = _SYMBOL.sub(lambda m: _SYMBOL_LETTERS[m.group()], text)
    text = _LEET.sub(lambda m: m.group().translate(_LEET_DIGITS), text)
    return _REPEAT.sub(r"\1\1", text)


def words(text: str) -> list[str]:
    """The words of ``text``, as ``analyse`` finds them (steps 1 and 2)."""
    return _WORD.findall(normalise(text))


def word_features(word: str, settings: FeatureSettings) -> list[str]:
    """The features ``analyse`` makes of one word on its own: ``w:`` and its ``c:`` pieces.

    ``analyse(text)`` lists, in another order, the features of each of ``words(text)`` and
    a ``b:`` feature for each pair of neighbours; a scorer may cache these by word.
    """
    out = [f"w:{word}"]
    if settings.char_ngrams is not None:
        low, high = settings.char_ngrams
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if size <= n:
                out.append(f"c:{padded}")
                break
            out.extend(f"c:{padded[i : i + n]}" for i in range(size - n + 1))
    return out


def analyse(text: str, settings: FeatureSettings) -> list[str]:
    """Every feature of ``text``, once per occurrence, in text order."""
    words = _WORD.findall(normalise(text))
    out = [f"w:{w}" for w in words]
    if settings.word_ngrams == 2:
        out.extend(f"b:{a} {b}" for a, b in pairwise(words))
    if settings.char_ngrams is not None:
        low, high = settings.char_ngrams
        append = out.append
        for word in words:
            padded = f" {word} "
            size = len(padded)
            for n in range(low, high + 1):
                if size <= n:
                    append(f"c:{padded}")
                    break  # a longer n would give the same whole word again
                for i in range(size - n + 1):
                    append(f"c:{padded[i : i + n]}")
    return out


class Analyser:
    """``analyse`` with fixed settings, as the one-argument callable scikit-learn expects."""

    __slots__ = ("settings",)

    def __init__(self, settings: FeatureSettings) -> None:
        self.settings = settings

    def __call__(self, text: str) -> list[str]:
        return analyse(text, self.settings)
