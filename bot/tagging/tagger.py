"""Tagging one answer with codebook themes, showing the words that triggered each tag.

A transparent word matcher, no model: every keyword and exclude phrase of the codebook is
stemmed once into an index keyed by its first stem. Tagging stems the answer's words and, at
each word, tries the phrases that start with it. Rules, in the order they apply:

- a keyword matches a run of answer words with the same stems ("foster carer" matches
  "Foster Carers"); a two-word keyword also matches the two words written as one;
- a keyword match that overlaps a match of one of its theme's exclude phrases is dropped;
- the remaining matches of a theme that overlap are merged, so the evidence reads
  "foster carers", not "foster carers", "foster", "carers";
- evidence is the answer's own text for each match, first occurrence only, in reading order;
- themes come back in codebook order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.tagging.codebook import Codebook
from bot.tagging.text import Stemmer, Word, words


@dataclass(frozen=True, slots=True)
class ThemeMatch:
    theme_id: str
    evidence: tuple[str, ...]  # the answer's own words, in reading order


@dataclass(frozen=True, slots=True)
class _Phrase:
    stems: tuple[str, ...]
    theme: int  # position in the codebook
    exclude: bool


class Tagger:
    """Tags answers with the themes of one codebook; build once, reuse for every answer."""

    def __init__(self, codebook: Codebook) -> None:
        self._codebook = codebook
        self._stemmer = Stemmer()
        self._index: dict[str, list[_Phrase]] = defaultdict(list)
        for n, theme in enumerate(codebook.themes):
            for keyword in theme.keywords:
                self._add(keyword, n, exclude=False)
            for phrase in theme.exclude:
                self._add(phrase, n, exclude=True)

    def _add(self, text: str, theme: int, *, exclude: bool) -> None:
        parts = [w.norm for w in words(text)]
        forms = {tuple(self._stemmer.stem(p) for p in parts)}
        if len(parts) == 2:
            forms.add((self._stemmer.stem("".join(parts)),))
        for stems in sorted(forms):
            self._index[stems[0]].append(_Phrase(stems, theme, exclude))

    def tag(self, text: str) -> tuple[ThemeMatch, ...]:
        tokens = list(words(text))
        stems = [self._stemmer.stem(t.norm) for t in tokens]
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        excluded: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for i, stem in enumerate(stems):
            for phrase in self._index.get(stem, ()):
                end = i + len(phrase.stems)
                if tuple(stems[i:end]) == phrase.stems:
                    (excluded if phrase.exclude else spans)[phrase.theme].append((i, end))
        matches: list[ThemeMatch] = []
        for n, theme in enumerate(self._codebook.themes):
            kept = _kept_spans(spans.get(n, []), excluded.get(n, []))
            if kept:
                matches.append(ThemeMatch(theme.id, _evidence(text, tokens, kept)))
        return tuple(matches)

    def tag_ids(self, text: str) -> tuple[str, ...]:
        return tuple(m.theme_id for m in self.tag(text))


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
