"""Measuring the tagger against answers labelled by hand.

A labelled file is JSON Lines, one ``{"text": "...", "themes": ["id", ...]}`` per line (blank
lines are skipped). For each theme, over all answers:

- true positive (tp): the tagger and the label both give the theme; false positive (fp): only
  the tagger does; false negative (fn): only the label does; support = tp + fn;
- precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2PR / (P + R); each is 0.0
  when its denominator is 0.

An answer is *untagged* when the tagger gives it no theme at all; the report counts them.

Macro averages are the unweighted means of the per-theme precision, recall and F1 over the
*active* themes: those with support > 0 or at least one prediction. A theme that is never
labelled and never predicted is left out; one that is predicted but never labelled counts
with P = R = F1 = 0. Macro F1 is the mean of per-theme F1s, not the F1 of macro P and R.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.core.errors import DataFileError
from bot.datafile import read_text_records
from bot.tagging.codebook import Codebook
from bot.tagging.tagger import Tagger


@dataclass(frozen=True, slots=True)
class LabelledAnswer:
    text: str
    themes: frozenset[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeScore:
    theme_id: str
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class EvalReport:
    answers: int
    scores: tuple[ThemeScore, ...]  # every codebook theme, codebook order
    untagged: int = 0  # answers the tagger gave no theme

    @property
    def untagged_share(self) -> float:
        return self.untagged / self.answers if self.answers else 0.0

    @property
    def active(self) -> tuple[ThemeScore, ...]:
        return tuple(s for s in self.scores if s.support or s.predicted)

    @property
    def macro_precision(self) -> float:
        return _mean(s.precision for s in self.active)

    @property
    def macro_recall(self) -> float:
        return _mean(s.recall for s in self.active)

    @property
    def macro_f1(self) -> float:
        return _mean(s.f1 for s in self.active)


def load_labelled(path: Path, codebook: Codebook) -> tuple[LabelledAnswer, ...]:
    """Read a labelled JSON Lines file; raise ``DataFileError`` naming the line on a problem."""
    name = str(path)
    known = set(codebook.ids)
    answers: list[LabelledAnswer] = []
    for at, record in read_text_records(path):
        themes = record.get("themes")
        if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
            raise DataFileError(name, at, '"themes" must be a list of theme ids')
        unknown = [t for t in themes if t not in known]
        if unknown:
            raise DataFileError(name, at, f"unknown theme id {unknown[0]!r}")
        answers.append(LabelledAnswer(record["text"], frozenset(themes)))
    return tuple(answers)


def evaluate(answers: Iterable[LabelledAnswer], tagger: Tagger, codebook: Codebook) -> EvalReport:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    total = untagged = 0
    for answer in answers:
        total += 1
        predicted = set(tagger.tag_ids(answer.text))
        untagged += not predicted
        tp.update(predicted & answer.themes)
        fp.update(predicted - answer.themes)
        fn.update(answer.themes - predicted)
    scores = tuple(ThemeScore(theme_id=i, tp=tp[i], fp=fp[i], fn=fn[i]) for i in codebook.ids)
    return EvalReport(answers=total, scores=scores, untagged=untagged)


def format_report(report: EvalReport) -> str:
    """A fixed-width table for the terminal: one row per theme, then the macro averages."""
    width = max(len("macro average"), *(len(s.theme_id) for s in report.scores))
    head = (
        f"{'theme':<{width}}  {'prec':>5}  {'recall':>6}  {'f1':>5}  {'support':>7}  {'tagged':>6}"
    )
    rows = [f"{report.answers} answers", head, "-" * len(head)]
    for s in report.scores:
        rows.append(
            f"{s.theme_id:<{width}}  {s.precision:5.2f}  {s.recall:6.2f}  {s.f1:5.2f}"
            f"  {s.support:7d}  {s.predicted:6d}"
        )
    rows.append("-" * len(head))
    rows.append(
        f"{'macro average':<{width}}  {report.macro_precision:5.2f}  {report.macro_recall:6.2f}"
        f"  {report.macro_f1:5.2f}  ({len(report.active)} themes with labels or tags)"
    )
    rows.append(
        f"no theme: {report.untagged} of {report.answers} answers ({report.untagged_share:.0%})"
    )
    return "\n".join(rows) + "\n"


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0
