"""Which lexicon matches count as evidence, given the words around them (rules 3-8 of
``screen``'s docstring): personal cues, distancing, negation, pairs of hints, everyday and
figurative phrases, games and sport, the policy register and comparisons.

- ``play``: a harm word within ``PLAY_REACH`` words of a game or sport in its clause ("he
  battered me at fifa", "homeless in minecraft") is play, a phrase too, unless its category
  is not ``playable`` (self-harm), it is written in disguise, or its clause explains an
  injury away ("school think it was football", ``_EXPLAINED_AWAY``).
- ``collective``: a sentence in the policy register ("the system", "care leavers", "local
  authorities") with no cue of one person ("I", "my", "my brother") is distanced, and "we",
  "us" and "our" in it speak for a group, not the writer ("we get exploited for our stories
  at these events" is policy talk). So do they in any distanced sentence ("for some of us,
  being in care was where we were abused").
- jokes: in a sentence with a joke marker ("lol", 😂) a hint does not count; topics,
  concerns and phrases do (a joking word on a real sign still holds).
- ``likeness``: a topic just after a comparison ("like it was a punishment", "basically
  getting evicted from your own life") is weaker, a hint, unless its clause says now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from bot.safeguarding.lexicon import Lexicon
from bot.safeguarding.normalise import Word
from bot.safeguarding.screen_match import Kind, Match, Matcher

NEAR = 3  # words either side of a topic in which a personal cue counts
NEGATION_REACH = 2  # words before a topic in which a negation cancels it
CONCERN_REACH = 6  # words either side of a concern or hint in which a cue or person counts
HINT_REACH = 6  # most words between two hints that count together
PLAY_REACH = 6  # words either side of a harm word in which a game or sport makes it play
LIKENESS_REACH = 3  # words after a comparison in which a topic is weaker
_GROUP_VOICE = frozenset({"we", "us", "our", "ours"})
# Words that explain an injury away: play near them is the cover story, not the cause.
_EXPLAINED_AWAY = frozenset({
    "said", "say", "says", "told", "tell", "tells", "think", "thinks", "thought", "pretend",
    "pretended", "pretending", "excuse", "lie", "lied", "lying", "blamed", "blame",
})  # fmt: skip

_HARM = frozenset({Kind.PHRASE, Kind.TOPIC, Kind.CONCERN, Kind.HINT})


class Evidence(NamedTuple):
    """One reason to hold or note an answer: a counted match, or an emoji (no words)."""

    kind: Kind  # PHRASE, TOPIC, CONCERN, HINT (one of a pair), ASK; PHRASE for an emoji
    category: int  # index in the lexicon's categories; -1 for an ask
    start: int  # word positions, end exclusive; -1 for an emoji
    end: int
    disguised: bool = False  # written to get past a filter (spaced out, leetspeak)


@dataclass(frozen=True, slots=True)
class Context:
    """What surrounds the matches in one answer (word positions unless said otherwise)."""

    cues: set[int]  # personal cues not swallowed by a longer distancing phrase
    near: set[int]  # those cues and the people close to the writer
    distanced: set[int]  # sentence numbers
    negations: set[int]  # where each negation ends (the word after it)
    everyday: tuple[tuple[int, int], ...]  # spans of everyday and (when joking) figurative
    figurative: tuple[tuple[int, int], ...]  # spans of figurative phrases in joking sentences
    play: tuple[tuple[int, int], ...] = ()  # spans of games and sport
    joke_sentences: frozenset[int] = frozenset()  # sentences with a joke marker
    excused: frozenset[int] = frozenset()  # clauses that explain an injury away
    compared: frozenset[int] = frozenset()  # words just after a comparison, in a clause not now

    def jokey(self, m: Match, found: Sequence[Word]) -> bool:
        """Whether hint ``m`` is in a joking sentence, written plainly: two weak signs in a
        joke ("if she eats my crisps again 😂") are not enough."""
        return found[m.start].sentence in self.joke_sentences and not _disguised(m, found)

    def playing(self, m: Match, found: Sequence[Word], lexicon: Lexicon) -> bool:
        """Whether ``m`` is near a game or sport in its clause, written plainly, in a
        category whose words can be play."""
        if not self.play or not lexicon.categories[m.label[1]].playable or _disguised(m, found):
            return False
        clause = found[m.start].clause
        if clause in self.excused:
            return False  # "told school i did it at football": an injury explained away
        return any(
            found[s].clause == clause and s - PLAY_REACH < m.end and m.start < e + PLAY_REACH
            for s, e in self.play
        )

    def ordinary(self, m: Match, found: Sequence[Word]) -> bool:
        """Whether ``m`` overlaps an everyday phrase ("kicked out of the group chat"), and
        was written plainly: hiding a word is meaning it."""
        return _overlaps(m, self.everyday) and not _disguised(m, found)

    def joking(self, m: Match, found: Sequence[Word]) -> bool:
        """Whether ``m`` overlaps a figurative phrase in a joking sentence, written plainly."""
        return _overlaps(m, self.figurative) and not _disguised(m, found)

    def covered(self, m: Match, found: Sequence[Word]) -> bool:
        """Whether phrase ``m`` lies inside a longer everyday phrase ("kick us off"), or
        inside a figurative phrase as long or longer in a joking sentence, written plainly."""
        return not _disguised(m, found) and (
            any(s <= m.start and m.end <= e and e - s > m.end - m.start for s, e in self.everyday)
            or any(s <= m.start and m.end <= e for s, e in self.figurative)
        )

    def personal(self, start: int, end: int, found: Sequence[Word]) -> bool:
        """Whether words ``start:end`` are about the writer or someone close to them."""
        if found[start].sentence in self.distanced:
            return cue_near(start, end, found, self.near, NEAR, clause=True)
        return cue_near(start, end, found, self.near, CONCERN_REACH, clause=False)


def evidence(
    found: Sequence[Word],
    matches: Sequence[Match],
    matcher: Matcher,
    lexicon: Lexicon,
    joking: set[int],
) -> list[Evidence]:
    """The matches that count, by the rules of ``screen``; ``joking`` holds the numbers of
    the sentences with a joke marker."""
    context = _context(found, matches, matcher, joking)
    out: list[Evidence] = []
    hints: list[Match] = []
    for m in matches:
        kind, category = m.label
        if kind not in _HARM and kind is not Kind.ASK:
            if kind is Kind.MARKER:
                hints.append(m)
            continue
        if kind is Kind.ASK:
            counts = not context.covered(m, found)
        elif context.playing(m, found, lexicon):
            continue
        elif kind is Kind.PHRASE:
            counts = not context.covered(m, found)
        elif context.ordinary(m, found) or context.joking(m, found):
            continue
        elif kind is Kind.TOPIC and m.start in context.compared and not _disguised(m, found):
            if not _negated(m, found, context.negations, lexicon):
                hints.append(Match((Kind.HINT, category), m.start, m.end))
            continue
        elif kind is Kind.TOPIC:
            counts = _topic_counts(m, found, context, lexicon)
        elif kind is Kind.CONCERN:
            counts = _disguised(m, found) or (
                not _negated(m, found, context.negations, lexicon)
                and context.personal(m.start, m.end, found)
            )
        else:
            if not _negated(m, found, context.negations, lexicon) and not context.jokey(m, found):
                hints.append(m)
            continue
        if counts:
            out.append(Evidence(kind, category, m.start, m.end, _disguised(m, found)))
    out += (
        Evidence(Kind.HINT, m.label[1], m.start, m.end, _disguised(m, found))
        for m in _paired(hints, found, context)
    )
    return out


def _context(
    found: Sequence[Word], matches: Sequence[Match], matcher: Matcher, joking: set[int]
) -> Context:
    """Word positions of cues, people and negations, the distanced sentences, and the
    spans of everyday phrases."""
    mine = {
        found[m.start].sentence
        for m in matches
        if m.label[0] is Kind.CUE
        and any(w.norm not in _GROUP_VOICE for w in found[m.start : m.end])
    }
    collective = {found[m.start].sentence for m in matches if m.label[0] is Kind.COLLECTIVE} - mine
    far_spans = [(m.start, m.end) for m in matches if m.label[0] is Kind.DISTANCING]
    group_talk = collective | {found[s].sentence for s, _ in far_spans}
    cue_spans = [
        (m.start, m.end)
        for m in matches
        if m.label[0] is Kind.CUE
        and not (
            found[m.start].sentence in group_talk
            and all(w.norm in _GROUP_VOICE for w in found[m.start : m.end])
        )
    ]
    people_spans = [(m.start, m.end) for m in matches if m.label[0] is Kind.PERSON]
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
    distanced: set[int] = set(collective)
    for start, end in far_spans:
        if max(longest_cue[start:end]) <= end - start:
            distanced.add(found[start].sentence)
    for i, word in enumerate(found):
        if (i == 0 or found[i - 1].sentence != word.sentence) and matcher.opens(word):
            cues.add(i)  # "Was abused in care": a sentence opening on "was" means "I was"
    negations = {m.end for m in matches if m.label[0] is Kind.NEGATION}
    everyday = tuple((m.start, m.end) for m in matches if m.label[0] is Kind.EVERYDAY)
    figurative = tuple(
        (m.start, m.end)
        for m in matches
        if m.label[0] is Kind.FIGURATIVE and found[m.start].sentence in joking
    )
    play = tuple((m.start, m.end) for m in matches if m.label[0] is Kind.PLAY)
    excused = frozenset(w.clause for w in found if w.norm in _EXPLAINED_AWAY) if play else None
    return Context(
        cues,
        cues | people,
        distanced,
        negations,
        everyday,
        figurative,
        play,
        frozenset(joking),
        excused or frozenset(),
        _compared(found, matches),
    )


def _compared(found: Sequence[Word], matches: Sequence[Match]) -> frozenset[int]:
    """The words within ``LIKENESS_REACH`` after a comparison, in its clause, where the
    clause has no word saying now."""
    now = {found[m.start].clause for m in matches if m.label[0] is Kind.NOW}
    out: set[int] = set()
    for m in matches:
        if m.label[0] is not Kind.LIKENESS or found[m.start].clause in now:
            continue
        clause = found[m.start].clause
        out.update(
            i
            for i in range(m.end, min(len(found), m.end + LIKENESS_REACH))
            if found[i].clause == clause
        )
    return frozenset(out)


def _topic_counts(m: Match, found: Sequence[Word], context: Context, lexicon: Lexicon) -> bool:
    if _disguised(m, found):
        return True
    if _negated(m, found, context.negations, lexicon):
        return False
    if cue_near(m.start, m.end, found, context.cues, NEAR, clause=True):
        return True
    return found[m.start].sentence not in context.distanced


def _negated(m: Match, found: Sequence[Word], negations: set[int], lexicon: Lexicon) -> bool:
    if not lexicon.categories[m.label[1]].negatable:
        return False
    # A negation ending in the two words before the match ("never been homeless").
    sentence = found[m.start].sentence
    return any(
        end in negations and found[end - 1].sentence == sentence
        for end in range(max(1, m.start - NEGATION_REACH + 1), m.start + 1)
    )


def cue_near(
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


def _paired(hints: Sequence[Match], found: Sequence[Word], context: Context) -> list[Match]:
    """The hints that have another hint of their category or a marker near them, in words
    about the writer."""
    out: dict[Match, None] = {}
    for a_index, a in enumerate(hints):
        for b in hints[a_index + 1 :]:
            if b.start - a.end > HINT_REACH:
                break  # hints are in reading order
            a_kind, b_kind = a.label[0], b.label[0]
            if (
                b.start < a.end  # overlapping hints are one piece of evidence
                or a_kind is b_kind is Kind.MARKER
                or (a_kind is b_kind is Kind.HINT and a.label[1] != b.label[1])
                or found[a.start].sentence != found[b.start].sentence
            ):
                continue
            if context.personal(a.start, b.end, found):
                out[a] = None
                out[b] = None
    return [m for m in out if m.label[0] is Kind.HINT]


def _overlaps(m: Match, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < m.end and m.start < end for start, end in spans)


def _disguised(m: Match, found: Sequence[Word]) -> bool:
    return any(w.disguised for w in found[m.start : m.end])


def _longest_cover(spans: Sequence[tuple[int, int]], size: int) -> list[int]:
    """For each word, the length of the longest span covering it (0 if none)."""
    longest = [0] * size
    for start, end in spans:
        for i in range(start, end):
            longest[i] = max(longest[i], end - start)
    return longest
