"""Screening one answer for a possible disclosure of current or personal harm or risk.

A transparent word matcher over the lexicon in ``prompts/safeguarding.toml``, no model. It
errs towards holding an answer for review: a missed disclosure is the worst failure, a false
alarm costs a facilitator a minute. Rules, in the order they apply:

1. The answer is split into words by ``normalise.words`` (spacing, zero-width characters,
   look-alike letters, leetspeak and reversed text undone).
2. Words match lexicon words by stem, with repeated letters squashed ("hits" and "hiiits"
   match "hit"); a dropped final g is put back ("surfin"). A lexicon word written ``=word``
   matches that form only. An answer word of five letters or more that matches nothing is
   compared with the one-word phrases and topics of six letters or more: one slip (a letter
   missing, added, changed, or two swapped) is still a match if the first two letters agree
   ("sucide", "abuesd"), unless the word is in ``fuzzy_exceptions`` ("hopeless" is not
   "homeless"). Two answer words written apart also match a lexicon word written as one
   ("my self", "self harm"). Inside a phrase, ``fillers`` are stepped over ("wish I could
   just disappear"), and ``...`` stands for up to three words of the same sentence.
3. A *phrase* of a category ("kill myself", "he beats me") is a disclosure on its own,
   whatever else the answer says. So is a category emoji, and so is a *topic* written in a
   disguised way (spaced out, leetspeak, look-alike letters: hiding a word is meaning it).
4. A *topic* ("abused", "county lines", "homeless") counts when a personal *cue* ("I", "my",
   "my mate", "right now") is within three words of it in the same clause, or when its
   sentence has no *distancing* words ("the report", "statistics", "kids in care",
   "should"). So "I was abused" and "abused. moved 9 times" are held; "the report talks
   about abuse" is not. Where a cue and a distancing phrase overlap, the longer one counts
   ("I think" distances, "kids I know" is a cue). A sentence that opens with one of the
   ``openers`` ("Was abused in care", "Been sofa surfing") has a cue at its first word.
5. In a category marked ``negatable``, a negation ("never", "not") in the two words before a
   topic cancels it ("I've never been homeless"). Phrases are never cancelled, and self-harm
   and neglect are not negatable: "I'm not suicidal but..." is held.
6. Past harm counts the same as present harm ("it used to happen but I'm safe now" is held):
   staff decide what is resolved.
7. The concern layer, for indirect disclosures whose words also have everyday meanings. A
   *concern* ("hugs me too long", "no proper bed", "owe them") counts when a personal cue
   or one of the ``people`` close to the writer ("mum", "carer", "mums boyfriend") is within
   six words of it in the same sentence; in a distanced sentence the cue must be within
   three words in the same clause, as for topics. A *hint* ("angry", "thrown", "sofa") is
   weaker: two hints within six words of each other, with a cue or close person within six
   words, count together ("he gets angry and things get thrown"), each for its own category.
   A *marker* ("always", "at night", "on purpose", "used to") pairs with a hint as another
   hint would, but has no category and two markers are not a pair. A hint written exactly
   as in the lexicon (not another form of its stem: "hugs", not "hugged") also counts alone
   when a cue or close person is within three words of it in the same clause ("he hugs me"),
   unless it is written ``~hint`` in the lexicon (pairs only: "~older", "~staying").
   Negations cancel concerns and hints as they cancel topics.
8. An ``everyday`` phrase ("kicked out of the group chat", "hit the gym", "my phone died")
   cancels any topic, concern or hint that overlaps it, unless the words were disguised. Phrases
   and emoji are never cancelled.

Before matching, ``shorthand`` words are read as what they stand for ("no1" is "no one",
"ppl" is "people").

Evidence is the answer's own text for each match, in reading order.
"""

from __future__ import annotations

import enum
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from bot.datafile import SHIPPED_PROMPTS_DIR
from bot.safeguarding.lexicon import GAP, Lexicon, load_lexicon
from bot.safeguarding.normalise import Word, fold, folded_words, skeleton, words
from bot.tagging.text import Stemmer

DEFAULT_LEXICON = SHIPPED_PROMPTS_DIR / "safeguarding.toml"
NEAR = 3  # words either side of a topic in which a personal cue counts
NEGATION_REACH = 2  # words before a topic in which a negation cancels it
CONCERN_REACH = 6  # words either side of a concern or hint in which a cue or person counts
HINT_REACH = 6  # most words between two hints that count together
MAX_GAP = 3  # words that "..." stands for
_MIN_FUZZY_WORD = 5  # answer words shorter than this are never compared loosely
_MIN_FUZZY_LEXICON = 6  # lexicon words shorter than this are never matched loosely
_MAX_JOINED = 24  # two answer words longer than this together are never joined
_CACHE_LIMIT = 50_000
_VOWELS = "aeiou"
_EXACT = "="  # a lexicon word written "=cutting" matches that form only, not "cut"
_PAIR_ONLY = "~"  # a hint written "~older" only counts with another hint or a marker


@dataclass(frozen=True, slots=True)
class Screening:
    """The screen's verdict on one answer: held for review when ``disclosure`` is true."""

    disclosure: bool
    categories: tuple[str, ...]  # lexicon order
    evidence: tuple[str, ...]  # the answer's own words that triggered it, in reading order


class _Kind(enum.IntEnum):
    PHRASE = 0
    TOPIC = 1
    CUE = 2
    DISTANCING = 3
    NEGATION = 4
    CONCERN = 5
    HINT = 6
    PERSON = 7
    EVERYDAY = 8
    MARKER = 9
    LONE_HINT = 10  # a hint as written, not by stem: counts alone with a cue right by it


_Label = tuple[_Kind, int]  # what a lexicon entry is, and its category (-1 for global lists)


@dataclass(slots=True)
class _Node:
    """One step of the lexicon trie: lexicon words lead on, a gap skips answer words."""

    children: dict[str, _Node] = field(default_factory=dict)
    gap: _Node | None = None
    ends: set[_Label] = field(default_factory=set)


class _Match(NamedTuple):
    label: _Label
    start: int  # word positions, end exclusive
    end: int


class DisclosureScreen:
    """Screens answers with one lexicon; build once, reuse for every answer."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._stemmer = Stemmer()
        self._root = _Node()
        self._vocabulary: set[str] = set()
        self._heads: set[str] = set()  # beginnings of lexicon words, for "my self", "self harm"
        self._word_keys: dict[str, frozenset[str]] = {}
        self._keys: dict[str, str] = {}
        self._groups: dict[str, list[tuple[str | None, ...]]] = {}
        self._not_fuzzy = {w.norm for e in lexicon.fuzzy_exceptions for w in words(e)}
        self._openers = frozenset(self._key(w.norm) for o in lexicon.openers for w in words(o))
        self._fillers = frozenset(self._key(w.norm) for f in lexicon.fillers for w in words(f))
        self._vocabulary |= self._fillers
        one_word: set[str] = set()
        for n, category in enumerate(lexicon.categories):
            for phrase in category.phrases:
                one_word |= self._add(phrase, (_Kind.PHRASE, n))
            for topic in category.topics:
                one_word |= self._add(topic, (_Kind.TOPIC, n))
            for concern in category.concerns:
                one_word |= self._add(concern, (_Kind.CONCERN, n))
            for hint in category.hints:
                plain = hint.removeprefix(_PAIR_ONLY)
                self._add(plain, (_Kind.HINT, n))  # too weak to match misspelt
                if plain == hint:
                    self._add(_as_written(hint), (_Kind.LONE_HINT, n))
        for kind, entries in (
            (_Kind.CUE, lexicon.cues),
            (_Kind.DISTANCING, lexicon.distancing),
            (_Kind.NEGATION, lexicon.negations),
            (_Kind.PERSON, lexicon.people),
            (_Kind.MARKER, lexicon.markers),
            (_Kind.EVERYDAY, lexicon.everyday),
        ):
            for entry in entries:
                self._add(entry, (kind, -1))
        self._fuzzy: dict[str, list[tuple[str, str]]] = defaultdict(list)  # first two letters
        for word in sorted(one_word):
            if len(word) >= _MIN_FUZZY_LEXICON and not word.startswith(_EXACT):
                self._fuzzy[word[:2]].append((word, self._key(word)))
        self._emoji = tuple(
            (n, fold(e).text, e) for n, c in enumerate(lexicon.categories) for e in c.emoji
        )
        self._starts = frozenset(k.removeprefix(_EXACT)[:2] for k in self._vocabulary)
        self._shorthand = {
            "".join(w.norm for w in words(key)): tuple(w.norm for w in words(value))
            for key, value in lexicon.shorthand
        }

    @classmethod
    def from_file(cls, path: Path) -> DisclosureScreen:
        return cls(load_lexicon(path))

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon

    def screen(self, text: str) -> Screening:
        folded = fold(text)
        found = self._expanded(folded_words(folded))
        matches = self._matches(found)
        context = self._context(found, matches)
        hits: dict[int, list[tuple[int, int]]] = defaultdict(list)  # category → spans
        hints: list[_Match] = []
        for m in matches:
            kind, category = m.label
            if kind is _Kind.PHRASE:
                counts = True
            elif kind is _Kind.TOPIC:
                counts = not context.ordinary(m, found) and self._topic_counts(m, found, context)
            elif kind is _Kind.CONCERN:
                counts = not context.ordinary(m, found) and self._concern_counts(m, found, context)
            elif kind is _Kind.LONE_HINT:
                counts = (
                    not context.ordinary(m, found)
                    and not self._negated(m, found, context.negations)
                    and _cue_near(m.start, m.end, found, context.near, NEAR, clause=True)
                )
            else:
                if kind is _Kind.MARKER or (
                    kind is _Kind.HINT
                    and not context.ordinary(m, found)
                    and not self._negated(m, found, context.negations)
                ):
                    hints.append(m)
                continue
            if counts:
                hits[category].append(_span(found, m.start, m.end))
        for m in _paired(hints, found, context):
            hits[m.label[1]].append(_span(found, m.start, m.end))
        quotes = [text[start:end] for start, end in _merged(hits)]
        if self._emoji and not text.isascii():
            for n, emoji, written in self._emoji:
                if emoji in folded.text:
                    hits[n].append((-1, -1))
                    quotes.append(written)
        categories = tuple(c.id for n, c in enumerate(self._lexicon.categories) if n in hits)
        return Screening(bool(categories), categories, _unique(quotes))

    def _expanded(self, found: list[Word]) -> list[Word]:
        """``found`` with each shorthand word replaced by the words it stands for."""
        shorthand = self._shorthand
        if not shorthand or not any(w.norm in shorthand for w in found):
            return found
        out: list[Word] = []
        for w in found:
            expansion = shorthand.get(w.norm)
            if expansion is None:
                out.append(w)
            else:
                out.extend(Word(e, w.start, w.end, w.sentence, w.clause) for e in expansion)
        return out

    # building the trie

    def _add(self, entry: str, label: _Label) -> set[str]:
        """Put every spelling of ``entry`` in the trie; return it if it is one word."""
        one_word: set[str] = set()
        for sequence in self._expand(entry):
            if len(sequence) == 1 and sequence[0] is not None:
                one_word.add(sequence[0])
            for variant in _joined_variants(sequence):
                node = self._root
                for word in variant:
                    if word is None:
                        node.gap = node.gap or _Node()
                        node = node.gap
                    else:
                        key = self._key(word)
                        self._vocabulary.add(key)
                        plain = word.removeprefix(_EXACT)
                        self._heads.update(plain[:k] for k in range(1, len(plain)))
                        node = node.children.setdefault(key, _Node())
                node.ends.add(label)
        return one_word

    def _expand(self, entry: str) -> list[tuple[str | None, ...]]:
        """Every word sequence an entry stands for, with ``None`` for a gap."""
        options: list[list[tuple[str | None, ...]]] = []
        for part in entry.split():
            if part == GAP:
                options.append([(None,)])
            elif part.startswith("@"):
                options.append(self._group(part[1:]))
            elif part.startswith(_EXACT):
                options.append([tuple(_EXACT + w.norm for w in words(part[1:]))])
            else:
                options.append([tuple(w.norm for w in words(part))])
        return [tuple(itertools.chain.from_iterable(c)) for c in itertools.product(*options)]

    def _group(self, name: str) -> list[tuple[str | None, ...]]:
        cached = self._groups.get(name)
        if cached is None:
            cached = [tuple(w.norm for w in words(item)) for item in self._lexicon.group(name)]
            self._groups[name] = cached
        return cached

    def _key(self, word: str) -> str:
        key = self._keys.get(word)
        if key is None:
            if len(self._keys) > _CACHE_LIMIT:
                self._keys.clear()
            if word.startswith(_EXACT):
                key = _EXACT + skeleton(word[1:])
            else:
                key = skeleton(self._stemmer.stem(word))
            self._keys[word] = key
        return key

    def _answer_key(self, word: str) -> str:
        """``_key`` for an answer word, without stemming one that cannot match anything.

        Stemming keeps a word's first two letters (bar "dying" and the like), so a word whose
        first two letters start no lexicon key is left as it is: stemming is the slow part.
        """
        if skeleton(word[:3])[:2] in self._starts or word.endswith("ying"):
            return self._key(word)
        return skeleton(word)

    # matching

    def _keys_of(self, word: str) -> frozenset[str]:
        """The lexicon keys an answer word matches: by stem, by filling a "*", or loosely."""
        keys = self._word_keys.get(word)
        if keys is not None:
            return keys
        if len(self._word_keys) > _CACHE_LIMIT:
            self._word_keys.clear()
        if "*" in word:
            head, _, tail = word.partition("*")
            tail = tail.replace("*", "")
            forms = [head + v + tail for v in _VOWELS] + [head + tail]
        elif word.endswith("in") and len(word) > 4:
            forms = [word, word + "g"]  # "surfin" is "surfing"
        else:
            forms = [word]
        found = {k for f in forms for k in (self._answer_key(f), self._key(_EXACT + f))}
        found &= self._vocabulary
        keys = frozenset(found or self._loose(word))
        self._word_keys[word] = keys
        return keys

    def _loose(self, word: str) -> list[str]:
        if len(word) < _MIN_FUZZY_WORD or word in self._not_fuzzy:
            return []
        return [
            key
            for candidate, key in self._fuzzy.get(word[:2], ())
            if abs(len(candidate) - len(word)) <= 1 and _one_slip(word, candidate)
        ]

    def _matches(self, found: Sequence[Word]) -> list[_Match]:
        n = len(found)
        keys = [self._keys_of(w.norm) for w in found]
        fillers = [bool(k & self._fillers) for k in keys] if self._fillers else []
        joined: list[str | None] = [None] * n
        for i in range(n - 1):
            if (
                found[i].norm in self._heads
                and len(found[i].norm) + len(found[i + 1].norm) <= _MAX_JOINED
            ):
                key = self._answer_key(found[i].norm + found[i + 1].norm)
                if key in self._vocabulary:
                    joined[i] = key
        walk = _Walk(found, keys, joined, fillers)
        out: set[_Match] = set()
        children = self._root.children
        for i in range(n):
            starts = [k for k in keys[i] if k in children]
            if joined[i] is not None:
                starts.append(joined[i])  # type: ignore[arg-type]
            if starts:
                for end, labels in walk.from_word(self._root, i):
                    out.update(_Match(label, i, end) for label in labels)
        return sorted(out, key=lambda m: (m.start, m.end, m.label))

    def _context(self, found: Sequence[Word], matches: Sequence[_Match]) -> _Context:
        """Word positions of cues, people and negations, the distanced sentences, and the
        spans of everyday phrases."""
        cue_spans = [(m.start, m.end) for m in matches if m.label[0] is _Kind.CUE]
        people_spans = [(m.start, m.end) for m in matches if m.label[0] is _Kind.PERSON]
        far_spans = [(m.start, m.end) for m in matches if m.label[0] is _Kind.DISTANCING]
        longest_cue = _longest_cover(cue_spans, len(found))
        longest_far = _longest_cover(far_spans, len(found))
        cues: set[int] = set()
        for start, end in cue_spans:
            if max(longest_far[start:end]) <= end - start:
                cues.update(range(start, end))
        people: set[int] = set()
        for start, end in people_spans:
            if max(longest_far[start:end]) <= end - start:  # "social workers" is distancing
                people.update(range(start, end))
        distanced: set[int] = set()
        for start, end in far_spans:
            if max(longest_cue[start:end]) <= end - start:
                distanced.add(found[start].sentence)
        for i, word in enumerate(found):
            if (i == 0 or found[i - 1].sentence != word.sentence) and self._opens(word):
                cues.add(i)  # "Was abused in care": a sentence opening on "was" means "I was"
        negations = {m.start for m in matches if m.label[0] is _Kind.NEGATION}
        everyday = tuple((m.start, m.end) for m in matches if m.label[0] is _Kind.EVERYDAY)
        return _Context(cues, cues | people, distanced, negations, everyday)

    def _opens(self, word: Word) -> bool:
        return self._key(word.norm) in self._openers

    def _negated(self, m: _Match, found: Sequence[Word], negations: set[int]) -> bool:
        if not self._lexicon.categories[m.label[1]].negatable:
            return False
        sentence = found[m.start].sentence
        return any(
            i in negations and found[i].sentence == sentence
            for i in range(m.start - NEGATION_REACH, m.start)
        )

    def _topic_counts(self, m: _Match, found: Sequence[Word], context: _Context) -> bool:
        if any(w.disguised for w in found[m.start : m.end]):
            return True
        if self._negated(m, found, context.negations):
            return False
        if _cue_near(m.start, m.end, found, context.cues, NEAR, clause=True):
            return True
        return found[m.start].sentence not in context.distanced

    def _concern_counts(self, m: _Match, found: Sequence[Word], context: _Context) -> bool:
        if any(w.disguised for w in found[m.start : m.end]):
            return True
        if self._negated(m, found, context.negations):
            return False
        return context.personal(m.start, m.end, found)


@dataclass(frozen=True, slots=True)
class _Context:
    """What surrounds the matches in one answer (word positions unless said otherwise)."""

    cues: set[int]  # personal cues not swallowed by a longer distancing phrase
    near: set[int]  # those cues and the people close to the writer
    distanced: set[int]  # sentence numbers
    negations: set[int]
    everyday: tuple[tuple[int, int], ...]  # spans of everyday phrases

    def ordinary(self, m: _Match, found: Sequence[Word]) -> bool:
        """Whether ``m`` overlaps an everyday phrase ("kicked out of the group chat"), and
        was written plainly: hiding a word is meaning it."""
        return any(start < m.end and m.start < end for start, end in self.everyday) and not any(
            w.disguised for w in found[m.start : m.end]
        )

    def personal(self, start: int, end: int, found: Sequence[Word]) -> bool:
        """Whether words ``start:end`` are about the writer or someone close to them."""
        if found[start].sentence in self.distanced:
            return _cue_near(start, end, found, self.near, NEAR, clause=True)
        return _cue_near(start, end, found, self.near, CONCERN_REACH, clause=False)


def _cue_near(
    start: int, end: int, found: Sequence[Word], cues: set[int], reach: int, *, clause: bool
) -> bool:
    """Whether a cue is within ``reach`` words of ``start:end``, in its clause or sentence."""
    if not cues:
        return False
    here = found[start]
    for i in range(max(0, start - reach), min(len(found), end + reach)):
        if i in cues and (
            found[i].clause == here.clause if clause else found[i].sentence == here.sentence
        ):
            return True
    return False


def _paired(hints: Sequence[_Match], found: Sequence[Word], context: _Context) -> list[_Match]:
    """The hints that have another hint or a marker near them, in words about the writer."""
    out: dict[_Match, None] = {}
    for a_index, a in enumerate(hints):
        for b in hints[a_index + 1 :]:
            if b.start - a.end > HINT_REACH:
                break  # hints are in reading order
            if (
                b.start < a.end  # overlapping hints are one piece of evidence
                or (a.label[0] is _Kind.MARKER and b.label[0] is _Kind.MARKER)
                or found[a.start].sentence != found[b.start].sentence
            ):
                continue
            if context.personal(a.start, b.end, found):
                out[a] = None
                out[b] = None
    return [m for m in out if m.label[0] is _Kind.HINT]


def _as_written(entry: str) -> str:
    """``entry`` with every plain word matching only as written ("=hugs me")."""
    return " ".join(
        part if part == GAP or part.startswith(("@", _EXACT)) else _EXACT + part
        for part in entry.split()
    )


def _span(found: Sequence[Word], start: int, end: int) -> tuple[int, int]:
    """The span in the original text of words ``start:end``."""
    span = found[start:end]
    return min(w.start for w in span), max(w.end for w in span)


class _Walk:
    """Following the lexicon trie along the words of one answer."""

    def __init__(
        self,
        found: Sequence[Word],
        keys: Sequence[frozenset[str]],
        joined: Sequence[str | None],
        fillers: Sequence[bool],
    ) -> None:
        self._found = found
        self._keys = keys
        self._joined = joined
        self._fillers = fillers

    def from_word(self, root: _Node, start: int) -> list[tuple[int, set[_Label]]]:
        """Every (end, labels) of lexicon entries matching from word ``start``."""
        out: list[tuple[int, set[_Label]]] = []
        self._step(root, start, self._found[start].sentence, out, first=True)
        return out

    def _step(
        self, node: _Node, j: int, sentence: int, out: list[tuple[int, set[_Label]]], first: bool
    ) -> None:
        if node.ends:
            out.append((j, node.ends))
        found = self._found
        if node.gap is not None:
            for skip in range(MAX_GAP + 1):
                if skip and found[j + skip - 1].sentence != sentence:
                    break
                self._step(node.gap, j + skip, sentence, out, first=False)
                if j + skip >= len(found):
                    break
        if j >= len(found):
            return
        for key in self._keys[j]:
            child = node.children.get(key)
            if child is not None:
                self._step(child, j + 1, sentence, out, first=False)
        key2 = self._joined[j]
        if key2 is not None and (child := node.children.get(key2)) is not None:
            self._step(child, j + 2, sentence, out, first=False)
        if not first and self._fillers and self._fillers[j] and found[j].sentence == sentence:
            self._step(node, j + 1, sentence, out, first=False)


def screen(text: str) -> Screening:
    """Screen ``text`` with the shipped lexicon (loaded once)."""
    return default_screen().screen(text)


@cache
def default_screen() -> DisclosureScreen:
    return DisclosureScreen.from_file(DEFAULT_LEXICON)


def _joined_variants(sequence: tuple[str | None, ...]) -> list[tuple[str | None, ...]]:
    """The sequence, and each version with two neighbouring words written as one."""
    variants = [sequence]
    for i in range(len(sequence) - 1):
        a, b = sequence[i], sequence[i + 1]
        if a is not None and b is not None:
            variants.append((*sequence[:i], a + b.removeprefix(_EXACT), *sequence[i + 2 :]))
    return variants


def _one_slip(a: str, b: str) -> bool:
    """True if ``a`` and ``b`` differ by one insertion, deletion, change or swap."""
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(long) - len(short) != 1:
        return False
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def _longest_cover(spans: Sequence[tuple[int, int]], size: int) -> list[int]:
    """For each word, the length of the longest span covering it (0 if none)."""
    longest = [0] * size
    for start, end in spans:
        for i in range(start, end):
            longest[i] = max(longest[i], end - start)
    return longest


def _merged(hits: dict[int, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Every matched span of every category, overlapping ones merged, in reading order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted({span for spans in hits.values() for span in spans}):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _unique(quotes: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for quote in quotes:
        if quote.strip():
            seen.setdefault(quote.casefold(), quote)
    return tuple(seen.values())
