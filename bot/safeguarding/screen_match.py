"""Finding lexicon entries in an answer's words: the trie, word keys, loose spelling, gaps.

``Matcher`` puts every entry of a lexicon (categories' phrases, topics, concerns and hints;
the global lists) in one trie of word keys, and ``matches`` walks an answer's words through
it. How words match (rule 2 of ``screen``'s docstring):

- by key: the word's stem with repeated letters squashed ("hits" and "hiiits" are "hit"); a
  dropped final g is put back ("surfin"); "*" inside a word is filled with a vowel ("k*ll");
- ``=word`` in the lexicon matches that form only (its key is the word itself, squashed);
- an answer word of five letters or more that matches nothing is compared with the one-word
  entries of six letters or more: one slip (a letter missing, added, changed, or two
  swapped) is still a match if the first two letters agree, unless the word is one of
  ``fuzzy_exceptions``;
- two answer words written apart also match a lexicon word written as one ("my self");
- inside an entry, ``fillers`` are stepped over and ``...`` stands for up to three words of
  the same sentence.

Before matching, ``shorthand`` words are read as what they stand for ("no1" is "no one").
"""

from __future__ import annotations

import enum
import itertools
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.safeguarding.lexicon import GAP, Lexicon
from bot.safeguarding.normalise import Word, skeleton, words
from bot.safeguarding.screen_trie import Trie
from bot.tagging.text import Stemmer

MAX_GAP = 3  # words that "..." stands for
_MIN_FUZZY_WORD = 5  # answer words shorter than this are never compared loosely
_MIN_FUZZY_LEXICON = 6  # lexicon words shorter than this are never matched loosely
_MAX_JOINED = 24  # two answer words longer than this together are never joined
_CACHE_LIMIT = 50_000
_VOWELS = "aeiou"
EXACT = "="  # a lexicon word written "=cutting" matches that form only, not "cut"
PAIR_ONLY = "~"  # "~older": the old way of saying a hint counts only in a pair (all do now)


class Kind(enum.IntEnum):
    """What a lexicon entry is."""

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
    ASK = 10  # a request to talk privately: held, with no category
    PAST = 11  # places what is told in the past ("when i was little", "years ago")
    OVER = 12  # says it is over ("im safe now", "not anymore")
    NOW = 13  # says it is now ("still", "again", "last night")
    JOKE = 14  # marks a sentence as joking ("lol", "jk")
    FIGURATIVE = 15  # an everyday phrase only in a joking sentence ("murder me")
    PLAY = 16  # a game or sport ("at fifa", "in minecraft"): harm words near it are play
    COLLECTIVE = 17  # the policy register ("the system", "care leavers", "local authorities")
    LIKENESS = 18  # a comparison ("like it was a", "basically"): a topic after it is weaker
    DATE = 19  # a time word ("next week", "every day"): now only in a clause told as present


Label = tuple[Kind, int]  # what a lexicon entry is, and its category (-1 for global lists)


@dataclass(slots=True)
class _Node:
    """One step of the lexicon trie: lexicon words lead on, a gap skips answer words."""

    children: dict[str, _Node] = field(default_factory=dict)
    gap: _Node | None = None
    ends: set[Label] = field(default_factory=set)


class Match(NamedTuple):
    label: Label
    start: int  # word positions, end exclusive
    end: int


class Matcher:
    """Every entry of one lexicon in a trie; build once, match every answer. The trie is
    built from linked ``_Node``s, then frozen (``screen_trie``)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._stemmer = Stemmer()
        root = _Node()
        self._vocabulary: set[str] = set()
        self._words_seen: set[str] = set()  # while building: every lexicon word
        self._word_keys: dict[str, frozenset[str]] = {}
        self._joined: dict[str, str | None] = {}
        self._keys: dict[str, str] = {}
        self._groups: dict[str, list[tuple[str | None, ...]]] = {}
        self._not_fuzzy = {w.norm for e in lexicon.fuzzy_exceptions for w in words(e)}
        self._openers = frozenset(self.key(w.norm) for o in lexicon.openers for w in words(o))
        self._fillers = frozenset(self.key(w.norm) for f in lexicon.fillers for w in words(f))
        self._vocabulary |= self._fillers
        one_word: set[str] = set()
        for n, category in enumerate(lexicon.categories):
            for phrase in category.phrases:
                one_word |= self._add(root, phrase, (Kind.PHRASE, n))
            for topic in category.topics:
                one_word |= self._add(root, topic, (Kind.TOPIC, n))
            for concern in category.concerns:
                one_word |= self._add(root, concern, (Kind.CONCERN, n))
            for hint in category.hints:
                self._add(root, hint.removeprefix(PAIR_ONLY), (Kind.HINT, n))  # never loosely
        for kind, entries in (
            (Kind.CUE, lexicon.cues),
            (Kind.DISTANCING, lexicon.distancing),
            (Kind.NEGATION, lexicon.negations),
            (Kind.PERSON, lexicon.people),
            (Kind.MARKER, lexicon.markers),
            (Kind.EVERYDAY, lexicon.everyday),
            (Kind.ASK, lexicon.asks),
            (Kind.PAST, lexicon.past),
            (Kind.OVER, lexicon.over),
            (Kind.NOW, lexicon.now),
            (Kind.JOKE, lexicon.jokes),
            (Kind.FIGURATIVE, lexicon.figurative),
            (Kind.PLAY, lexicon.play),
            (Kind.COLLECTIVE, lexicon.collective),
            (Kind.LIKENESS, lexicon.likeness),
            (Kind.DATE, lexicon.dates),
        ):
            for entry in entries:
                self._add(root, entry, (kind, -1))
        self._fuzzy: dict[str, list[tuple[str, str]]] = defaultdict(list)  # first two letters
        for word in sorted(one_word):
            if len(word) >= _MIN_FUZZY_LEXICON and not word.startswith(EXACT):
                self._fuzzy[word[:2]].append((word, self.key(word)))
        self._starts = frozenset(k.removeprefix(EXACT)[:2] for k in self._vocabulary)
        self._trie: Trie[Label] = Trie.freeze(root)
        # The lexicon's words, sorted: their beginnings are where an answer word may go on
        # into the next ("my self", "self harm"; ``_is_head``).
        self._plain_words = tuple(sorted(self._words_seen))
        del self._words_seen
        self._root_keys = self._trie.root_keys()
        self._shorthand = {
            "".join(w.norm for w in words(key)): tuple(w.norm for w in words(value))
            for key, value in lexicon.shorthand
        }
        # The build stemmed every lexicon word (40,000, 2 MiB in the caches): answers start
        # the caches afresh, as they do for a matcher read back from the screen cache.
        self._keys.clear()
        self._groups.clear()
        self._stemmer = Stemmer()

    def opens(self, word: Word) -> bool:
        """Whether ``word`` is one of the ``openers`` ("Was abused in care")."""
        return self.key(word.norm) in self._openers

    def expanded(self, found: list[Word]) -> list[Word]:
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

    def matches(self, found: Sequence[Word]) -> list[Match]:
        """Every lexicon entry found in ``found``, by start, end and label."""
        n = len(found)
        keys = [self._keys_of(w.norm) for w in found]
        fillers = [bool(k & self._fillers) for k in keys] if self._fillers else []
        joined: list[str | None] = [None] * n
        for i in range(n - 1):
            if (
                self._is_head(found[i].norm)
                and len(found[i].norm) + len(found[i + 1].norm) <= _MAX_JOINED
            ):
                joined[i] = self._joined_key(found[i].norm + found[i + 1].norm)
        key_ids = self._trie.key_ids
        walk = _Walk(
            self._trie,
            found,
            [[key_ids[k] for k in ks if k in key_ids] for ks in keys],
            [-1 if k is None else key_ids.get(k, -1) for k in joined],
            fillers,
        )
        out: set[Match] = set()
        starts = self._root_keys
        for i in range(n):
            if joined[i] is not None or not keys[i].isdisjoint(starts):
                for end, labels in walk.from_word(i):
                    out.update(Match(label, i, end) for label in labels)
        return sorted(out, key=lambda m: (m.start, m.end, m.label))

    # building the trie

    def _add(self, root: _Node, entry: str, label: Label) -> set[str]:
        """Put every spelling of ``entry`` in the trie; return it if it is one word."""
        one_word: set[str] = set()
        for sequence in self._expand(entry):
            if len(sequence) == 1 and sequence[0] is not None:
                one_word.add(sequence[0])
            for variant in _joined_variants(sequence):
                node = root
                for word in variant:
                    if word is None:
                        node.gap = node.gap or _Node()
                        node = node.gap
                    else:
                        key = self.key(word)
                        self._vocabulary.add(key)
                        self._words_seen.add(word.removeprefix(EXACT))
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
            elif part.startswith(EXACT):
                options.append([tuple(EXACT + w.norm for w in words(part[1:]))])
            else:
                options.append([tuple(w.norm for w in words(part))])
        return [tuple(itertools.chain.from_iterable(c)) for c in itertools.product(*options)]

    def _group(self, name: str) -> list[tuple[str | None, ...]]:
        cached = self._groups.get(name)
        if cached is None:
            cached = [tuple(w.norm for w in words(item)) for item in self._lexicon.group(name)]
            self._groups[name] = cached
        return cached

    def key(self, word: str) -> str:
        """A lexicon word's key: its stem, squashed (its form, squashed, for ``=word``)."""
        key = self._keys.get(word)
        if key is None:
            if len(self._keys) > _CACHE_LIMIT:
                self._keys.clear()
            if word.startswith(EXACT):
                key = EXACT + skeleton(word[1:])
            else:
                key = skeleton(self._stemmer.stem(word))
            self._keys[word] = key
        return key

    def _is_head(self, text: str) -> bool:
        """Whether ``text`` is the beginning of a lexicon word, shorter than the word. The
        words are sorted, so those beginning with ``text`` follow where it would go: it
        itself first, if it is one, then longer ones."""
        words = self._plain_words
        at = bisect_left(words, text)
        if at < len(words) and words[at] == text:
            at += 1
        return at < len(words) and bool(text) and words[at].startswith(text)

    def _answer_key(self, word: str) -> str:
        """``key`` for an answer word, without stemming one that cannot match anything.

        Stemming keeps a word's first two letters (bar "dying" and the like), so a word whose
        first two letters start no lexicon key is left as it is: stemming is the slow part.
        """
        if skeleton(word[:3])[:2] in self._starts or word.endswith("ying"):
            return self.key(word)
        return skeleton(word)

    # matching

    def _joined_key(self, both: str) -> str | None:
        """The lexicon key two answer words written as one match, if any ("my self")."""
        if both in self._joined:
            return self._joined[both]
        if len(self._joined) > _CACHE_LIMIT:
            self._joined.clear()
        found = None
        for key in (self._answer_key(both), EXACT + skeleton(both)):
            if key in self._vocabulary:
                found = key
                break
        self._joined[both] = found
        return found

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
        found = {k for f in forms for k in (self._answer_key(f), self.key(EXACT + f))}
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


class _Walk:
    """Following the lexicon trie along the words of one answer: ``keys`` are each word's
    key numbers in the trie, ``joined`` the number of the key a word makes with the next
    (-1 for none). The trie's arrays are read here directly (``screen_trie``): this is the
    screen's inner loop."""

    def __init__(
        self,
        trie: Trie[Label],
        found: Sequence[Word],
        keys: Sequence[Sequence[int]],
        joined: Sequence[int],
        fillers: Sequence[bool],
    ) -> None:
        self._first, self._edge_keys, self._edge_to = trie.first, trie.edge_keys, trie.edge_to
        self._ends, self._label_sets, self._gaps = trie.ends, trie.label_sets, trie.gaps
        self._found = found
        self._keys = keys
        self._joined = joined
        self._fillers = fillers

    def from_word(self, start: int) -> list[tuple[int, frozenset[Label]]]:
        """Every (end, labels) of lexicon entries matching from word ``start``."""
        out: list[tuple[int, frozenset[Label]]] = []
        self._step(0, start, self._found[start].sentence, out, first=True)
        return out

    def _step(
        self,
        node: int,
        j: int,
        sentence: int,
        out: list[tuple[int, frozenset[Label]]],
        first: bool,
    ) -> None:
        labels = self._ends[node]
        if labels:
            out.append((j, self._label_sets[labels]))
        found = self._found
        if node in self._gaps:
            gap = self._gaps[node]
            for skip in range(MAX_GAP + 1):
                if skip and found[j + skip - 1].sentence != sentence:
                    break
                self._step(gap, j + skip, sentence, out, first=False)
                if j + skip >= len(found):
                    break
        if j >= len(found):
            return
        lo, hi = self._first[node], self._first[node + 1]
        if lo < hi:  # the node has children
            edge_keys, edge_to = self._edge_keys, self._edge_to
            for key in self._keys[j]:
                i = bisect_left(edge_keys, key, lo, hi)
                if i < hi and edge_keys[i] == key:
                    self._step(edge_to[i], j + 1, sentence, out, first=False)
            key = self._joined[j]
            if key >= 0:
                i = bisect_left(edge_keys, key, lo, hi)
                if i < hi and edge_keys[i] == key:
                    self._step(edge_to[i], j + 2, sentence, out, first=False)
        if not first and self._fillers and self._fillers[j] and found[j].sentence == sentence:
            self._step(node, j + 1, sentence, out, first=False)


def _joined_variants(sequence: tuple[str | None, ...]) -> list[tuple[str | None, ...]]:
    """The sequence, and each version with two neighbouring words written as one."""
    variants = [sequence]
    for i in range(len(sequence) - 1):
        a, b = sequence[i], sequence[i + 1]
        # Two letters joined ("b&b" as "bb") squash to one: a lone "b" is not a b&b.
        if a is not None and b is not None and len(a.removeprefix(EXACT) + b) > 2:
            # Joined to an exact word, the whole is exact ("years =older" is not "years old").
            exact = EXACT if EXACT in (a[:1], b[:1]) else ""
            both = exact + a.removeprefix(EXACT) + b.removeprefix(EXACT)
            variants.append((*sequence[:i], both, *sequence[i + 2 :]))
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
