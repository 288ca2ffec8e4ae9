"""Matching the codebook's keywords in an answer, keeping the words that matched.

A transparent word matcher: every keyword and exclude phrase of the codebook is stemmed once
into an index keyed by its first stem. Matching stems the answer's words and, at each word,
tries the phrases that start with it. Rules, in the order they apply:

- a keyword matches a run of answer words with the same stems ("foster carer" matches
  "Foster Carers"); a two-word keyword also matches the two words written as one;
- a keyword match that overlaps a match of one of its theme's exclude phrases is dropped;
- the remaining matches of a theme that overlap are merged, so the evidence reads
  "foster carers", not "foster carers", "foster", "carers";
- evidence is the answer's own text for each match, first occurrence only, in reading order;
- themes come back in codebook order.

Keywords work straight from the codebook file: no training, so an edit takes effect at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.tagging.codebook import Codebook
from bot.tagging.text import Stemmer, Word, words


@dataclass(frozen=True, slots=True)
class _Phrase:
    stems: tuple[str, ...]
    theme: int  # position in the codebook
    exclude: bool


class KeywordMatcher:
    """Finds one codebook's keywords in answers; build once, reuse for every answer."""

    def __init__(self, codebook: Codebook) -> None:
        self._ids = codebook.ids
        self._stemmer = Stemmer()
        self._index: dict[str, list[_Phrase]] = defaultdict(list)
        for n, theme in enumerate(codebook.themes):
            for keyword in theme.keywords:
                self._add(keyword, n, exclude=False)
            for phrase in theme.exclude_phrases:
                self._add(phrase, n, exclude=True)

    def _add(self, text: str, theme: int, *, exclude: bool) -> None:
        parts = [w.norm for w in words(text)]
        forms = {tuple(self._stemmer.stem(p) for p in parts)}
        if len(parts) == 2:
            forms.add((self._stemmer.stem("".join(parts)),))
        for stems in sorted(forms):
            self._index[stems[0]].append(_Phrase(stems, theme, exclude))

    def match(self, text: str) -> dict[str, tuple[str, ...]]:
        """Theme id → the answer's words that matched its keywords, in codebook order."""
        tokens = list(words(text))
        stems = [self._stemmer.stem(t.norm) for t in tokens]
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        excluded: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for i, stem in enumerate(stems):
            for phrase in self._index.get(stem, ()):
                end = i + len(phrase.stems)
                if tuple(stems[i:end]) == phrase.stems:
                    (excluded if phrase.exclude else spans)[phrase.theme].append((i, end))
        found: dict[str, tuple[str, ...]] = {}
        for n in sorted(spans):
            kept = _kept_spans(spans[n], excluded.get(n, []))
            if kept:
                found[self._ids[n]] = _evidence(text, tokens, kept)
        return found


def _kept_spans(
    found: list[tuple[int, int]], excluded: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Drop matches overlapping an exclude match, then merge overlapping matches."""
    live = sorted(s for s in found if not any(s[0] < x[1] and x[0] < s[1] for x in excluded))
    merged: list[tuple[int, int]] = []
    for start, end in live:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _evidence(text: str, tokens: list[Word], spans: list[tuple[int, int]]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for start, end in spans:
        quote = text[tokens[start].start : tokens[end - 1].end]
        seen.setdefault(quote.casefold(), quote)
    return tuple(seen.values())
