"""Tagging one answer with codebook themes, and saying why each tag was given.

Two sources of evidence, joined by the numbers in the model file's ``fusion`` (chosen by
cross-validation on the coded answers; ``python -m bot.tagging.train --cv`` prints them):

1. Keywords (``keywords.py``): a theme whose keywords match is tagged, with the answer's
   words as evidence, unless the model gives that theme a probability below
   ``keyword_floor`` (then the match is held back, and ``explain`` says so).
2. The model (``theme_model.py``): a theme with no keyword match is tagged when its
   probability is at least ``model_alone``.
3. An answer still without a theme gets the model's likeliest theme if its probability is at
   least ``fallback``. Otherwise it has no theme, and callers say so.

A tag from the model alone is explained by the coded answers with that theme most like the
answer: its evidence reads ``like rq-214: "I have been with my foster carer for …"``.

Themes the model was not trained on (added to the codebook since) are tagged by keywords
only, so editing the codebook works at once; retraining brings the model up to date. With
no model file the tagger is the keyword matcher alone. Themes come back in codebook order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.tagging.codebook import Codebook
from bot.tagging.keywords import KeywordMatcher
from bot.tagging.theme_model import (
    CodedExample,
    Fusion,
    ThemeModel,
    codebook_digest,
    load_theme_model,
)

Mode = Literal["fusion", "keywords", "model"]
Source = Literal["keywords", "model"]
FROM_CODEBOOK: Literal["codebook"] = "codebook"  # load the model file the codebook names
MODEL_ONLY_THRESHOLD = 0.5  # "model" mode, for measuring the model on its own


@dataclass(frozen=True, slots=True)
class ThemeMatch:
    """One tag: the theme, and the words or coded answers behind it.

    Two matches are equal when theme and evidence are; the rest explains them."""

    theme_id: str
    evidence: tuple[str, ...]  # the answer's own words, in reading order; or coded answers
    source: Source = field(default="keywords", compare=False)
    score: float | None = field(default=None, compare=False)  # the model's probability
    examples: tuple[CodedExample, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation:
    """Everything behind one answer's tags."""

    matches: tuple[ThemeMatch, ...]
    held_back: tuple[ThemeMatch, ...] = ()  # keyword matches the model judged unlikely
    scores: Mapping[str, float] = field(default_factory=dict)  # empty without a model


class Tagger:
    """Tags answers with the themes of one codebook; build once, reuse for every answer."""

    def __init__(
        self,
        codebook: Codebook,
        *,
        model: ThemeModel | Literal["codebook"] | None = FROM_CODEBOOK,
        mode: Mode = "fusion",
        cache_dir: Path | None = None,
    ) -> None:
        """``model``: the codebook's own by default, read through ``cache_dir`` when given
        (``load_theme_model``)."""
        if model == FROM_CODEBOOK:
            model = (
                load_theme_model(codebook.model_file, cache_dir) if codebook.model_file else None
            )
        if mode != "keywords" and model is None:
            mode = "keywords"
        self._codebook = codebook
        self._keywords = KeywordMatcher(codebook)
        self._model = model if mode != "keywords" else None
        self._mode: Mode = mode
        known = set(model.labels) if model is not None else set()
        self._modelled = tuple(t for t in codebook.ids if t in known)

    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def model(self) -> ThemeModel | None:
        return self._model

    @property
    def model_is_stale(self) -> bool:
        """True when the codebook's themes or examples changed since the model was trained."""
        if self._model is None:
            return False
        changed = self._model.codebook_sha256 != codebook_digest(self._codebook)
        return changed or self._modelled != self._codebook.ids

    def tag(self, text: str) -> tuple[ThemeMatch, ...]:
        return self.explain(text).matches

    def tag_ids(self, text: str) -> tuple[str, ...]:
        """The themes only: quicker than ``tag``, as it looks up no coded answers."""
        found = self._keywords.match(text) if self._mode != "model" else {}
        if self._model is None:
            return tuple(found)
        scores = self._model.scores(text)
        return decide(found, scores, self._model.fusion, self._mode, self._codebook.ids).themes

    def explain(self, text: str) -> Explanation:
        found = self._keywords.match(text) if self._mode != "model" else {}
        if self._model is None:
            return Explanation(matches=tuple(ThemeMatch(t, e) for t, e in found.items()))
        scores = self._model.scores(text)
        decision = decide(found, scores, self._model.fusion, self._mode, self._codebook.ids)
        matches = [
            ThemeMatch(t, found[t], "keywords", scores.get(t))
            if t in found
            else self._model_match(text, t, scores[t])
            for t in decision.themes
        ]
        held = tuple(ThemeMatch(t, found[t], "keywords", scores[t]) for t in decision.held_back)
        return Explanation(matches=tuple(matches), held_back=held, scores=scores)

    def _model_match(self, text: str, theme_id: str, score: float) -> ThemeMatch:
        assert self._model is not None
        examples = self._model.nearest(text, theme_id)
        evidence = tuple(f"like {e.id}: “{e.snippet}”" for e in examples)
        return ThemeMatch(theme_id, evidence or (f"model {score:.2f}",), "model", score, examples)


@dataclass(frozen=True, slots=True)
class Decision:
    themes: tuple[str, ...]  # tagged, in codebook order
    held_back: tuple[str, ...]  # keyword matches the model judged unlikely


def decide(
    found: Mapping[str, object],
    scores: Mapping[str, float],
    fusion: Fusion,
    mode: Mode,
    ids: Sequence[str],
) -> Decision:
    """Which themes to tag, from keyword matches and model probabilities (module docstring).

    ``ids`` are the codebook's themes in order; keyword matches for themes the model has no
    score for always stand. Kept pure so cross-validation can replay it cheaply."""
    modelled = [t for t in ids if t in scores]
    floor = fusion.keyword_floor if mode == "fusion" else 0.0
    alone = fusion.model_alone if mode == "fusion" else MODEL_ONLY_THRESHOLD
    known = set(modelled)
    held = tuple(t for t in found if t in known and scores[t] < floor)
    tagged = {t for t in found if t not in held}
    tagged.update(t for t in modelled if t not in found and scores[t] >= alone)
    if not tagged and modelled:
        best = max(modelled, key=lambda t: scores[t])  # the first of equals: codebook order
        if scores[best] >= fusion.fallback:
            tagged.add(best)
    return Decision(tuple(t for t in ids if t in tagged), held)
