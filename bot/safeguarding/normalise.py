"""Folding answer text into plain words for screening, keeping the way back to the original.

Young people write the same word many ways, some of them on purpose to get past a filter.
``words`` undoes the common ones so the lexicon can be written plainly:

1. Each character is folded on its own: NFKD (full-width, maths and circled letters become
   plain ones), combining marks dropped ("abusëd" is "abused"), case folded, and letters from
   other scripts that look like Latin ones mapped back (Cyrillic "ѕuісіdе" is "suicide").
   Invisible characters (zero-width spaces and joiners, soft hyphens, direction marks, blank
   fillers) are dropped.
2. A run of text after a right-to-left override (U+202E) is shown reversed on screen, so it
   is read back to front, up to the closing U+202C or the end of the line.
3. Symbols standing for letters inside a word are read as those letters ("k!ll", "@bused",
   "$elf"), and so are the digits 0 1 3 4 5 7 in a word that has letters ("k1ll mys3lf");
   an asterisk inside a word ("k*ll") is kept for the matcher to fill in.
4. Words are runs of letters and digits; apostrophes inside a word are dropped ("don't" is
   "dont") and so is a final "'s" ("carer's" is "carer").
5. Three or more single letters in a row, split only by spaces or dots, dashes and the like,
   are joined into one word ("s u i c i d e", "k.m.s"). Where the gaps come in two widths,
   a gap of another width ends a word, and two letters are enough ("m y  c a r e r" is "my
   carer").

Every word keeps the span it came from in the original text, so evidence quotes what was
written, and is marked ``disguised`` when steps 1-3 or 5 changed more than accents or case.
Words are numbered by sentence (ended by . ! ? ; … or a line break) and by clause (ended
also by a comma, colon, bracket or dash).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

_RLO = "\u202e"  # right-to-left override: what follows is displayed reversed
_PDF = "\u202c"  # pop directional formatting: ends the override
# Not format characters (Cf), but drawn as nothing: Hangul fillers, the Braille blank.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
# Letters from other scripts that look like Latin letters, after case folding.
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "і": "i", "ї": "i", "ј": "j",
        "к": "k", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t",
        "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
        "ı": "i", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʀ": "r", "ᴋ": "k", "ʟ": "l", "ᴍ": "m",
        "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u",
        "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c",
    }
)  # fmt: skip
_ASCII_RUN = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]")
_LEET_DIGITS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
_SYMBOL_LETTERS = {"@": "a", "$": "s", "!": "i", "|": "l", "€": "e"}
# A letter-standing symbol counts only with a letter on at least one side; "!" only between
# two letters, so "help!" stays a word and an exclamation.
_SYMBOL = re.compile(
    r"(?<=[^\W\d_])[@$|€](?=[^\W_])|(?<![^\W_])[@$|€](?=[^\W\d_])|(?<=[^\W\d_])!(?=[^\W\d_])"
)
_WORD = re.compile(r"[^\W_]+(?:['’‘ʼ`*]+[^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'’‘ʼ`")
_POSSESSIVE = re.compile(r"['’‘ʼ`]s$")
_SENTENCE_MARKS = frozenset(".!?;…\n\r")
_BREAK = re.compile(r"[.!?;…\n\r,:()\[\]–—]|(?<=\s)-(?=\s)")
_RUN_GAP = re.compile(r"[ \t.\-_*·•/,+~]{1,3}")
_MIN_RUN = 3


class Word(NamedTuple):
    """One word: its folded form, its span in the original text, and how it was written.

    A named tuple rather than a frozen dataclass: answers have hundreds of words and this is
    the one object made for each.
    """

    norm: str
    start: int
    end: int
    sentence: int
    clause: int
    disguised: bool = False


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text, one character per entry of ``origin`` (its index in the original).

    ``origin`` and ``disguised`` are None when the text was plain ASCII: then each folded
    character sits where it was, and none is disguised.
    """

    text: str
    origin: tuple[int, ...] | None
    disguised: tuple[bool, ...] | None


def fold(text: str) -> Folded:
    """Fold ``text`` character by character (steps 1-3 of the module docstring)."""
    if text.isascii():
        lowered = text.lower()
        if not any(c in lowered for c in "@$|!") or not _SYMBOL.search(lowered):
            return Folded(lowered, None, None)
    chars: list[str] = []
    origin: list[int] = []
    disguised: list[bool] = []
    reversed_from: int | None = None  # where the current right-to-left override began
    dropped_inside = False
    for piece in _ASCII_RUN.finditer(text):
        if piece.end() - piece.start() > 1 and reversed_from is None:
            # A run of plain ASCII folds in one go; only a reversal needs it char by char.
            run = piece.group().lower()
            chars.extend(run)
            origin.extend(range(piece.start(), piece.end()))
            disguised.extend([dropped_inside] + [False] * (len(run) - 1))
            dropped_inside = False
            continue
        for i in range(piece.start(), piece.end()):
            if reversed_from is not None and text[i] in (_PDF, "\n", "\r"):
                _reverse_tail(chars, origin, disguised, reversed_from)
                reversed_from = None
            dropped_inside = _fold_one(text[i], i, chars, origin, disguised, dropped_inside)
            if text[i] == _RLO and reversed_from is None:
                reversed_from = len(chars)
    if reversed_from is not None:
        _reverse_tail(chars, origin, disguised, reversed_from)
    folded_text = "".join(chars)
    for match in _SYMBOL.finditer(folded_text):
        disguised[match.start()] = True
    folded_text = _SYMBOL.sub(lambda m: _SYMBOL_LETTERS[m.group()], folded_text)
    return Folded(folded_text, tuple(origin), tuple(disguised))


def _fold_one(
    ch: str, i: int, chars: list[str], origin: list[int], disguised: list[bool], dropped: bool
) -> bool:
    """Append the folded form of ``text[i]``; return whether an invisible one was dropped."""
    folded, changed = _fold_char(ch)
    if not folded:
        return dropped or bool(chars and chars[-1].isalnum())
    for c in folded:
        chars.append(c)
        origin.append(i)
        disguised.append(changed or dropped)
    return False


def words(text: str) -> list[Word]:
    """The words of ``text`` in reading order (all steps of the module docstring)."""
    return folded_words(fold(text))


def folded_words(folded: Folded) -> list[Word]:
    """The words of already-folded text."""
    text = folded.text
    spans = [m.span() for m in _WORD.finditer(text)]
    breaks = [(m.start(), m.group() in _SENTENCE_MARKS) for m in _BREAK.finditer(text)]
    found: list[Word] = []
    sentence = clause = 0
    b = 0  # the next break not yet passed
    i = 0
    plain = folded.origin is None
    origin = folded.origin or ()
    # Nothing disguised (accents or curly quotes only): nothing reversed either, so a word's
    # span in the original runs from its first character's origin to its last one's.
    straight = folded.disguised is not None and not any(folded.disguised)
    while i < len(spans):
        start, end = spans[i]
        j = _run_end(text, spans, i) if end - start == 1 else i
        end = spans[j][1]
        new_sentence = new_clause = False
        while b < len(breaks) and breaks[b][0] < start:
            new_sentence = new_sentence or breaks[b][1]
            new_clause = True
            b += 1
        while b < len(breaks) and breaks[b][0] < end:
            b += 1  # the dots of "s.u.i.c.i.d.e" are inside the word
        if found and new_sentence:
            sentence += 1
        if found and new_clause:
            clause += 1
        if j > i:
            norm = "".join(text[s:e] for s, e in spans[i : j + 1])
            first, last = _span(folded, start, end)
            found.append(Word(norm, first, last, sentence, clause, True))
        elif plain and text[start:end].isalpha():
            found.append(Word(text[start:end], start, end, sentence, clause, False))
        elif straight and text[start:end].isalpha():
            first, last = origin[start], origin[end - 1] + 1
            found.append(Word(text[start:end], first, last, sentence, clause, False))
        else:
            found.append(_word(folded, start, end, sentence, clause))
        i = j + 1
    return found


def _run_end(text: str, spans: list[tuple[int, int]], i: int) -> int:
    """The last word of a run of single letters starting at word ``i`` (``i`` if none).

    A run's gaps are all as wide as its first one: where a spaced-out stretch has gaps of two
    widths ("m y  c a r e r"), the writer spaced the letters and, more widely, the words, so
    a run ends at a gap of another width. Two letters make a run inside such a stretch.
    """
    j = i
    width = None
    while _spaced(text, spans, j):
        gap = spans[j + 1][0] - spans[j][1]
        if width is not None and gap != width:
            break
        width = gap
        j += 1
    in_stretch = _spaced(text, spans, j) or (i > 0 and _spaced(text, spans, i - 1))
    return j if j - i + 1 >= _MIN_RUN or (j > i and in_stretch) else i


def _spaced(text: str, spans: list[tuple[int, int]], j: int) -> bool:
    """Whether words ``j`` and ``j + 1`` are single letters with a short gap between them."""
    return (
        j + 1 < len(spans)
        and _single_letter(text, spans[j])
        and _single_letter(text, spans[j + 1])
        and _RUN_GAP.fullmatch(text, spans[j][1], spans[j + 1][0]) is not None
    )


def _single_letter(text: str, span: tuple[int, int]) -> bool:
    return span[1] - span[0] == 1 and text[span[0]].isalpha()


def skeleton(word: str) -> str:
    """``word`` with each run of a repeated character cut to one ("killlll" is "kil")."""
    if len(word) < 2:
        return word
    out = [word[0]]
    for c in word[1:]:
        if c != out[-1]:
            out.append(c)
    return "".join(out)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> tuple[str, bool]:
    """The folded form of one character and whether folding disguised a letter."""
    if ch.isascii():
        return ch.lower(), False
    if ch in _BLANKS or unicodedata.category(ch) == "Cf":
        return "", False
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", ch).casefold())
    folded = "".join(c for c in folded if unicodedata.category(c) not in ("Mn", "Me"))
    mapped = folded.translate(_LOOKALIKES)
    return mapped, mapped != folded


def _reverse_tail(chars: list[str], origin: list[int], disguised: list[bool], start: int) -> None:
    chars[start:] = chars[start:][::-1]
    origin[start:] = origin[start:][::-1]
    disguised[start:] = [True] * (len(disguised) - start)


def _word(folded: Folded, start: int, end: int, sentence: int, clause: int) -> Word:
    raw = folded.text[start:end]
    disguised = folded.disguised is not None and True in folded.disguised[start:end]
    first, last = _span(folded, start, end)
    if raw.isalpha():
        return Word(raw, first, last, sentence, clause, disguised)
    norm = _POSSESSIVE.sub("", raw).translate(_APOSTROPHES)
    disguised = disguised or "*" in norm
    if len(norm) > 1 and any(c.isdigit() for c in norm) and any(c.isalpha() for c in norm):
        leet = norm.translate(_LEET_DIGITS)
        disguised = disguised or leet != norm
        norm = leet
    return Word(norm, first, last, sentence, clause, disguised)


def _span(folded: Folded, start: int, end: int) -> tuple[int, int]:
    """The original span of folded characters ``start:end`` (reversed runs included)."""
    if folded.origin is None:
        return start, end
    points = folded.origin[start:end]
    return min(points), max(points) + 1
