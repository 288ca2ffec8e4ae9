"""How easy a piece of text is to read: a reading age, worked out offline.

The formula is the Flesch-Kincaid grade level, turned into a UK reading age by adding 5
(a US grade 1 child is about 6, so grade 6 is a reading age of about 11)::

    grade       = 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷ words) − 15.59
    reading age = grade + 5

What counts as what, so the numbers can be checked by hand:

- a **word** is a run of letters or digits, kept whole across an apostrophe, hyphen or dot
  inside it ("don't", "care-experienced" and "childline.org.uk" are one word each); a
  ``{placeholder}`` is one word of one syllable; emoji and punctuation are not words;
- a **sentence** ends at ``.``, ``!`` or ``?`` followed by a space, and at every line break
  (so each bullet and each heading is a sentence); a piece with no words is not a sentence;
- **syllables** are counted by :func:`syllables`, the project's own rules (below); a
  number counts as one syllable.

The syllable rules count groups of vowels (a e i o u y), then take off a silent final "e"
("care", "shared", "cares") and a silent "e" before a suffix ("placement", "safety"), keep
"-le" after a consonant ("people", "settled") and "-es"/"-ed" where they are sounded
("places", "wanted"), count vowel pairs said apart ("alias", "being"), add one for "-ism"
and for "n't" after a consonant ("isn't"), spell out initialisms ("CAMHS" is five, but
"SHOUT" is one), and fix a short list of words the rules get wrong.

Accuracy, against the CMU Pronouncing Dictionary: 99.6% of the 488 dictionary words in the
shipped prompts and 99.8% of the 637 in the demo answers (both used to tune the rules), and
97.1% of 981 other words from the answers in ``tests/data`` (not used for tuning; it misses
words like "centre", "easier" and "seriously"). ``tests/language/test_readability.py`` keeps
a list of words with their dictionary counts. One syllable wrong moves a 40-word notice's
reading age by 0.3 of a year.

Flesch-Kincaid is rough on very short texts (a two-word label can come out "under 5"), so
reading ages are reported for every field but the lint warns only for the notices young
people read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TARGET_READING_AGE = 11.0
"""The reading age notices should not go above: most 11-year-olds can read them."""

_WORD = re.compile(r"\{[^{}\s]*\}|[A-Za-z0-9]+(?:[.'’\-][A-Za-z0-9]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_VOWELS = frozenset("aeiouy")
# Vowel pairs said as two syllables: a-li-as, vir-tu-al, qui-et, be-ing, go-ing.
_TWO_VOWEL_SOUNDS = re.compile(r"(?<![ct])ia|(?<![gq])ua|iet|(?<=[aeiouy])ing")
_VOWEL_PAIR = re.compile(r"[AEIOUY]{2}")  # "SHOUT" and "NEET" are said as words
_SUFFIXES = ("ment", "ments", "ness", "less", "ful", "ly", "ty", "where", "long")

# Words the rules miscount, with their CMU dictionary count.
_EXCEPTIONS: dict[str, int] = {
    "anyone": 3,
    "area": 3,
    "business": 2,
    "create": 2,
    "created": 3,
    "every": 2,
    "everyone": 3,
    "everything": 3,
    "everywhere": 3,
    "experience": 4,
    "experienced": 4,
    "creating": 3,
    "ok": 2,
    "idea": 3,
    "ideas": 3,
    "lives": 1,
    "loneliness": 3,
    "maybe": 2,
    "people": 2,
    "poem": 2,
    "radio": 3,
    "react": 2,
    "reacted": 3,
    "reaction": 3,
    "reactions": 3,
    "really": 2,
    "safeguarding": 3,
    "science": 2,
    "someone": 2,
    "something": 2,
    "sometimes": 2,
    "tired": 2,
    "video": 3,
    "violence": 3,
    "whoever": 3,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Readability:
    """The counts behind a reading age, so a report can show its working."""

    words: int
    sentences: int
    syllables: int

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade level (0.0 for text with no words)."""
        if not self.words:
            return 0.0
        return 0.39 * (self.words / self.sentences) + 11.8 * (self.syllables / self.words) - 15.59

    @property
    def reading_age(self) -> float:
        """The grade plus 5: the age at which most children can read the text."""
        return self.grade + 5.0

    def working(self) -> str:
        """The counts in words: "16 words, 1 sentence, 22 syllables"."""
        counts = ((self.words, "word"), (self.sentences, "sentence"), (self.syllables, "syllable"))
        return ", ".join(f"{n} {name}{'' if n == 1 else 's'}" for n, name in counts)


def measure(text: str) -> Readability:
    """Count the words, sentences and syllables of ``text`` (Markdown marks are ignored)."""
    words = 0
    sentences = 0
    total_syllables = 0
    start = 0
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        piece = _WORD.findall(text[start:end])
        if piece:
            sentences += 1
            words += len(piece)
            total_syllables += sum(_word_syllables(w) for w in piece)
        start = end
    return Readability(words=words, sentences=sentences, syllables=total_syllables)


def reading_age(text: str) -> float:
    """Flesch-Kincaid grade + 5 for ``text``."""
    return measure(text).reading_age


def syllables(word: str) -> int:
    """The number of syllables in one English word, by the rules in the module docstring."""
    letters = "".join(c for c in word if c.isalpha())
    if len(letters) > 1 and letters.isupper() and not _VOWEL_PAIR.search(letters):
        return sum(3 if c == "W" else 1 for c in letters)  # an initialism: C-A-M-H-S
    w = word.lower().replace("’", "'")
    negative = w.endswith("n't") and len(w) > 3 and w[-4] not in _VOWELS
    w = "".join(c for c in w if "a" <= c <= "z")
    if not w:
        return 0
    if w in _EXCEPTIONS:
        return _EXCEPTIONS[w]
    count = len(_VOWEL_GROUPS.findall(w))
    count += len(_TWO_VOWEL_SOUNDS.findall(w))
    if count > 1 and _silent_ending(w):
        count -= 1
    if w.endswith("ism") or negative:
        count += 1  # rac-is-m, is-n't
    if w.endswith("ically"):
        count -= 1  # ba-sic-ly
    count -= _silent_inner_e(w)
    return max(1, count)


def _silent_ending(w: str) -> bool:
    """True when the final "e", "es" or "ed" of ``w`` is not sounded."""
    if w.endswith(("le", "les", "led")):
        stem = w[: -len("le")] if w.endswith("le") else w[:-3]
        if len(stem) > 1 and stem[-1] not in _VOWELS and not stem.endswith("l"):
            return False  # peop-le, tab-les, set-tled
    if w.endswith("e"):
        return not w.endswith(("ee", "ye", "ie", "ue"))  # care, home; not free, issue
    if w.endswith("es") and len(w) > 3:
        # cares, times; not places, changes, wishes, goes
        return not (w[-3] in "sxzgc" or w[-4:-2] in ("ch", "sh") or w[-3] in _VOWELS)
    if w.endswith("ed") and len(w) > 3:
        return w[-3] not in "td" and w[-3] not in _VOWELS  # shared, loved; not wanted
    return False


def _silent_inner_e(w: str) -> int:
    """Silent "e"s that end a stem before a suffix: place-ment, home-less-ness, safe-ty."""
    count = 0
    stem = w
    while True:
        for suffix in _SUFFIXES:
            if stem.endswith(suffix) and len(stem) > len(suffix) + 2:
                stem = stem[: -len(suffix)]
                break
        else:
            return count
        if stem.endswith("e") and stem[-2] not in _VOWELS and _VOWEL_GROUPS.search(stem[:-2]):
            count += 1


def _word_syllables(token: str) -> int:
    if token.startswith("{"):
        return 1  # a placeholder such as {alias}
    total = 0
    for part in re.split(r"[.\-]", token):
        total += 1 if part.isdigit() else syllables(part)
    return max(1, total)
