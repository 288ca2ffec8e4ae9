"""Screening one answer: hold it (possible harm now), inform the lead (harm past and over),
or share it.

A transparent word matcher over the lexicon in ``prompts/safeguarding.toml``, and a second
opinion (``second_opinion``) that can only add holds. The policy, with its three outcomes,
is in ``outcome``; a missed disclosure is the worst failure, so when in doubt it holds.
Rules, in the order they apply:

1. The answer is split into words by ``normalise.words`` (spacing, zero-width characters,
   look-alike letters, leetspeak and reversed text undone), and shorthand is read as what
   it stands for ("no1" is "no one").
2. Words match lexicon entries by stem, loosely for misspellings, over gaps and fillers
   (``screen_match``).
3. A *phrase* of a category ("kill myself", "he beats me") counts on its own, whatever else
   the sentence says. So does a category emoji, a *topic* written in a disguised way (spaced
   out, leetspeak, look-alike letters: hiding a word is meaning it), and an *ask*, a request
   to talk privately ("can i talk to someone on my own"), which has no category.
4. A *topic* ("abused", "county lines", "homeless") counts when a personal *cue* ("I", "my",
   "my mate", "right now") is within three words of it in the same clause, or when its
   sentence has no *distancing* words ("the report", "statistics", "kids in care",
   "should"). Where a cue and a distancing phrase overlap, the longer one counts ("I think"
   distances, "kids I know" is a cue). A sentence that opens with one of the ``openers``
   ("Was abused in care") has a cue at its first word.
5. In a category marked ``negatable``, a negation ("never", "not") in the two words before a
   topic, concern or hint cancels it ("I've never been homeless"). Phrases are never
   cancelled by a negation, and self-harm and neglect are not negatable.
6. A *concern* ("hugs me too long", "no proper bed", "owe them") counts when a personal cue
   or one of the ``people`` close to the writer ("mum", "carer") is within six words of it
   in the same sentence (three words in the same clause if the sentence is distanced). A
   *hint* ("angry", "thrown") is weaker: two hints of one category within six words of each
   other, or a hint and a *marker* ("always", "at night"), with a cue or close person near,
   count together. A hint never counts alone.
7. An ``everyday`` phrase ("kicked out of the group chat", "hit the gym") cancels any topic,
   concern or hint that overlaps it. In a sentence with a joke marker (``jokes``, such as
   "lol" and "jk", or ``joke_emoji`` such as 😂), a ``figurative`` phrase ("my mum will
   murder me") cancels anything it overlaps, phrases too. Neither cancels disguised words.
8. What counts is sorted into *now* and *past and over* (``outcome``): any evidence that is
   now holds the answer; evidence that is all past and over informs the lead.
9. An answer the lexicon does not hold is held if the second opinion's probability reaches
   its threshold; the lead is told the probability and the nearest labelled examples. The
   second opinion reads only an answer of eight words or more, or one in which the lexicon
   found a word of a category, counted or not (``SECOND_OPINION_WORDS``), and not one whose
   every sentence with such a word is joking or about a game or sport ("i'll kill my
   brother if he takes my charger again 😂", "battered me at fifa"): the lexicon has read
   those words as ordinary, and the model, which cannot tell a joke, may not overrule it.

``evidence`` is the answer's own text for each counted match, in reading order; ``why`` says
in plain words what made the decision.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.datafile import SHIPPED_PROMPTS_DIR
from bot.safeguarding.lexicon import Lexicon, load_lexicon
from bot.safeguarding.normalise import Word, fold, folded_words, words
from bot.safeguarding.outcome import Judgement, Outcome, judge
from bot.safeguarding.screen_cache import cached_matcher
from bot.safeguarding.screen_context import Evidence, evidence
from bot.safeguarding.screen_match import Kind, Match, Matcher
from bot.safeguarding.second_opinion import SecondOpinion

DEFAULT_LEXICON = SHIPPED_PROMPTS_DIR / "safeguarding.toml"
# The second opinion reads an answer of this many words or more, or one in which the lexicon
# found any harm word, counted or not: a model trained on a few hundred answers cannot judge
# "me" or "busy week".
SECOND_OPINION_WORDS = 8
_HARM_WORDS = frozenset({Kind.PHRASE, Kind.TOPIC, Kind.CONCERN, Kind.HINT})
_KIND_WORDS = {
    Kind.PHRASE: "phrase",
    Kind.TOPIC: "word",
    Kind.CONCERN: "sign",
    Kind.HINT: "signs together",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Screening:
    """The screen's verdict on one answer."""

    outcome: Outcome
    categories: tuple[str, ...] = ()  # lexicon order; none when shared
    evidence: tuple[str, ...] = ()  # the answer's own words that counted, in reading order
    why: tuple[str, ...] = ()  # plain reasons a lead can read

    @property
    def disclosure(self) -> bool:
        """Held back for the lead: possible harm now."""
        return self.outcome is Outcome.HOLD

    @property
    def inform_lead(self) -> bool:
        """Shown to the group, with a low-priority note to the lead: harm past and over."""
        return self.outcome is Outcome.INFORM_LEAD


SHARED = Screening(outcome=Outcome.SHARE)


class DisclosureScreen:
    """Screens answers with one lexicon (and its second opinion, if it names one); build
    once, reuse for every answer."""

    def __init__(
        self,
        lexicon: Lexicon,
        second_opinion: SecondOpinion | None = None,
        *,
        matcher: Matcher | None = None,
    ) -> None:
        self._lexicon = lexicon
        self._matcher = matcher or Matcher(lexicon)
        self._second = second_opinion
        self._emoji = tuple(
            (n, fold(e).text, e) for n, c in enumerate(lexicon.categories) for e in c.emoji
        )
        self._joke_emoji = tuple(lexicon.joke_emoji)
        self._now_only = frozenset(n for n, c in enumerate(lexicon.categories) if c.now_only)

    @classmethod
    def from_file(cls, path: Path, cache_dir: Path | None = None) -> DisclosureScreen:
        """The lexicon in ``path``, with the second opinion it names (``model``); its built
        trie is read from (or written to) ``cache_dir`` when given (``screen_cache``)."""
        lexicon = load_lexicon(path, cache_dir)
        second = (
            None
            if lexicon.model_file is None
            else SecondOpinion.from_file(lexicon.model_file, cache_dir)
        )
        return cls(lexicon, second, matcher=cached_matcher(lexicon, path, cache_dir))

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon

    @property
    def second_opinion(self) -> SecondOpinion | None:
        return self._second

    def without_second_opinion(self) -> DisclosureScreen:
        """The same lexicon alone (for measuring what the second opinion adds), sharing
        this screen's built matcher."""
        alone = copy.copy(self)
        alone._second = None
        return alone

    def screen(self, text: str) -> Screening:
        lexical, readable = self._lexical(text)
        if lexical.outcome is Outcome.HOLD or self._second is None or not readable:
            return lexical
        opinion = self._second.opinion(text)
        if not opinion.holds:
            return lexical
        return Screening(
            outcome=Outcome.HOLD,
            evidence=lexical.evidence,
            why=(*lexical.why, opinion.why()),
        )

    def lexicon_judgement(self, text: str) -> Screening:
        """The lexicon's verdict alone, without the second opinion."""
        return self._lexical(text)[0]

    def second_opinion_reads(self, text: str) -> bool:
        """Whether the second opinion may add a hold to ``text`` (rule 9)."""
        return self._lexical(text)[1]

    def _lexical(self, text: str) -> tuple[Screening, bool]:
        """The lexicon's verdict, and whether the second opinion may read the answer."""
        folded = fold(text)
        found = self._matcher.expanded(folded_words(folded))
        matches = self._matcher.matches(found)
        joking = self._joking(text, found, matches)
        counted = evidence(found, matches, self._matcher, self._lexicon, joking)
        if self._emoji and not text.isascii():
            counted += (
                Evidence(Kind.PHRASE, n, -1, -1)
                for n, emoji, _ in self._emoji
                if emoji in folded.text
            )
        judgement = judge(found, matches, counted, self._now_only)
        harm = {found[m.start].sentence for m in matches if m.label[0] in _HARM_WORDS}
        light = joking | {found[m.start].sentence for m in matches if m.label[0] is Kind.PLAY}
        readable = (len(found) >= SECOND_OPINION_WORDS or bool(harm)) and not (
            harm and harm <= light and not any(w.disguised for w in found)
        )
        return self._verdict(text, found, judgement), readable

    def frames(self, text: str) -> tuple[str, ...]:
        """The words of ``text`` that place what it tells in the past or say it is over
        (the lexicon's ``past`` and ``over``), whether or not they frame any evidence."""
        found = self._matcher.expanded(words(text))
        return _unique(
            _quote(text, found, m.start, m.end)
            for m in self._matcher.matches(found)
            if m.label[0] in (Kind.PAST, Kind.OVER)
        )

    def _joking(self, text: str, found: Sequence[Word], matches: Sequence[Match]) -> set[int]:
        """The sentences with a joke marker in them."""
        joking = {found[m.start].sentence for m in matches if m.label[0] is Kind.JOKE}
        if found and not text.isascii():
            starts = [w.start for w in found]
            for emoji in self._joke_emoji:
                at = text.find(emoji)
                while at >= 0:  # the sentence of the word before it
                    joking.add(found[max(0, bisect.bisect_left(starts, at) - 1)].sentence)
                    at = text.find(emoji, at + 1)
        return joking

    def _verdict(self, text: str, found: Sequence[Word], judgement: Judgement) -> Screening:
        if judgement.outcome is Outcome.SHARE:
            return SHARED
        counted = (*judgement.now, *judgement.past)
        why = [self._reason(text, found, e) for e in _strongest(judgement.now)]
        if judgement.past:
            spans = _merged((m.start, m.end) for m in judgement.frame)
            frame = _unique(_quote(text, found, start, end) for start, end in spans)
            told = ", ".join(f"'{q}'" for q in frame)
            why.append(f"past and over: {told}")
            why += (self._reason(text, found, e) for e in _strongest(judgement.past))
        shown = judgement.now if judgement.outcome is Outcome.HOLD else judgement.past
        return Screening(
            outcome=judgement.outcome,
            categories=self._categories(shown),
            evidence=self._quotes(text, found, counted),
            why=tuple(_unique(why)),
        )

    def _categories(self, counted: Iterable[Evidence]) -> tuple[str, ...]:
        present = {e.category for e in counted}
        return tuple(c.id for n, c in enumerate(self._lexicon.categories) if n in present)

    def _reason(self, text: str, found: Sequence[Word], e: Evidence) -> str:
        if e.kind is Kind.ASK:
            return f"asks to talk privately: '{_quote(text, found, e.start, e.end)}'"
        category = self._lexicon.categories[e.category].id
        if e.start < 0:
            emoji = next(w for n, _, w in self._emoji if n == e.category)
            return f"lexicon emoji: {emoji} ({category})"
        disguised = ", written in disguise" if e.disguised else ""
        quote = _quote(text, found, e.start, e.end)
        return f"lexicon {_KIND_WORDS[e.kind]}: '{quote}' ({category}{disguised})"

    def _quotes(
        self, text: str, found: Sequence[Word], counted: Sequence[Evidence]
    ) -> tuple[str, ...]:
        spans = _merged(_span(found, e.start, e.end) for e in counted if e.start >= 0)
        quotes = [text[start:end] for start, end in spans]
        quotes += (
            w for n, _, w in self._emoji if any(e.start < 0 and e.category == n for e in counted)
        )
        return _unique(quotes)


def screen(text: str) -> Screening:
    """Screen ``text`` with the shipped lexicon and second opinion (loaded once)."""
    return default_screen().screen(text)


@cache
def default_screen() -> DisclosureScreen:
    return DisclosureScreen.from_file(DEFAULT_LEXICON)


def _strongest(counted: Sequence[Evidence]) -> list[Evidence]:
    """One piece of evidence for each stretch of words and category, in reading order:
    overlapping evidence of one category joined, as the strongest kind of it ("kill myself"
    as a phrase, not a sign)."""
    kept: list[Evidence] = []
    last: dict[int, int] = {}  # category → where its last stretch is in kept
    for e in sorted(counted, key=lambda e: (e.start < 0, e.start, e.end)):
        i = last.get(e.category)
        if i is not None and e.start >= 0 and e.start < kept[i].end:
            k = kept[i]
            kept[i] = Evidence(
                min(k.kind, e.kind), k.category, k.start, max(k.end, e.end), k.disguised
            )
        else:
            last[e.category] = len(kept)
            kept.append(e)
    return kept


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in reading order, overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _span(found: Sequence[Word], start: int, end: int) -> tuple[int, int]:
    """The span in the original text of words ``start:end``."""
    span = found[start:end]
    return min(w.start for w in span), max(w.end for w in span)


def _quote(text: str, found: Sequence[Word], start: int, end: int) -> str:
    first, last = _span(found, start, end)
    return " ".join(text[first:last].split())


def _unique(quotes: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for quote in quotes:
        if quote.strip():
            seen.setdefault(quote.casefold(), quote)
    return tuple(seen.values())
