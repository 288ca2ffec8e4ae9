"""Measuring the disclosure screen and the personal-data scrubber against labelled answers.

Screening. A labelled file is JSON Lines, one
``{"text": "...", "disclosure": true, "categories": ["self-harm"], "split": "dev"}`` per line
(``split`` is optional; blank lines are skipped). Over the answers:

- tp: labelled a disclosure and held; fn: labelled a disclosure and not held (a miss, the
  worst failure); fp: held but not labelled a disclosure; tn: neither;
- recall = tp / (tp + fn), precision = tp / (tp + fp); each is 0.0 when its denominator is 0;
- per category, recall is the share of answers labelled with the category that the screen
  gave that same category; ``held`` counts those it held at all, whatever the category.

Scrubbing. A labelled file is JSON Lines, one
``{"text": "...", "pii": [{"start": 0, "end": 5, "kind": "name"}, ...]}`` per line, offsets
into ``text``. Matching is by overlap: a predicted span is correct if it overlaps a labelled
span of the same kind, and a labelled span is found if a predicted span of the same kind
overlaps it. So "Mr Patel" predicted against a label on "Patel" counts, and one predicted
span over two labelled names finds both. Per kind and overall (all kinds pooled):
precision = correct predictions / predictions, recall = found labels / labels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import DataFileError
from bot.datafile import read_text_records
from bot.safeguarding.screen import DisclosureScreen
from bot.safeguarding.scrub import KINDS, PiiSpan, Scrubber


@dataclass(frozen=True, slots=True)
class LabelledScreening:
    text: str
    disclosure: bool
    categories: frozenset[str]
    split: str | None = None


@dataclass(frozen=True, slots=True)
class LabelledPii:
    text: str
    spans: tuple[PiiSpan, ...]
    split: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryRecall:
    category: str
    support: int  # answers labelled with the category
    found: int  # ... that the screen gave the category
    held: int  # ... that the screen held at all

    @property
    def recall(self) -> float:
        return self.found / self.support if self.support else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ScreenReport:
    answers: int
    tp: int
    fp: int
    fn: int
    tn: int
    categories: tuple[CategoryRecall, ...]  # lexicon order
    missed: tuple[str, ...]  # disclosures not held
    false_alarms: tuple[str, ...]  # held, but not disclosures

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class KindScore:
    kind: str
    predicted: int
    correct: int  # predictions overlapping a label of the same kind
    labelled: int
    found: int  # labels overlapped by a prediction of the same kind

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ScrubReport:
    answers: int
    kinds: tuple[KindScore, ...]  # KINDS order

    @property
    def overall(self) -> KindScore:
        return KindScore(
            kind="overall",
            predicted=sum(k.predicted for k in self.kinds),
            correct=sum(k.correct for k in self.kinds),
            labelled=sum(k.labelled for k in self.kinds),
            found=sum(k.found for k in self.kinds),
        )


def load_screen_labels(
    path: Path, categories: Iterable[str] | None = None
) -> tuple[LabelledScreening, ...]:
    """Read a labelled screening file; raise ``DataFileError`` naming the line on a problem."""
    known = None if categories is None else set(categories)
    out: list[LabelledScreening] = []
    for at, record in _records(path):
        disclosure = record.get("disclosure")
        if not isinstance(disclosure, bool):
            raise DataFileError(str(path), at, '"disclosure" must be true or false')
        labels = record.get("categories", [])
        if not isinstance(labels, list) or not all(isinstance(c, str) for c in labels):
            raise DataFileError(str(path), at, '"categories" must be a list of category ids')
        if known is not None and (unknown := [c for c in labels if c not in known]):
            raise DataFileError(str(path), at, f"unknown category {unknown[0]!r}")
        if labels and not disclosure:
            raise DataFileError(str(path), at, "has categories but is not a disclosure")
        out.append(
            LabelledScreening(
                record["text"], disclosure, frozenset(labels), _split(path, at, record)
            )
        )
    return tuple(out)


def load_scrub_labels(path: Path) -> tuple[LabelledPii, ...]:
    """Read a labelled scrubbing file; raise ``DataFileError`` naming the line on a problem."""
    out: list[LabelledPii] = []
    for at, record in _records(path):
        text: str = record["text"]
        raw = record.get("pii")
        if not isinstance(raw, list):
            raise DataFileError(str(path), at, '"pii" must be a list of spans')
        spans: list[PiiSpan] = []
        for span in raw:
            if not isinstance(span, dict) or set(span) != {"start", "end", "kind"}:
                raise DataFileError(str(path), at, 'each span must be {"start", "end", "kind"}')
            start, end, kind = span["start"], span["end"], span["kind"]
            if kind not in KINDS:
                raise DataFileError(str(path), at, f"unknown kind {kind!r}")
            if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(text):
                raise DataFileError(str(path), at, f"span {start!r}-{end!r} is outside the text")
            spans.append(PiiSpan(start, end, kind))
        out.append(LabelledPii(text, tuple(spans), _split(path, at, record)))
    return tuple(out)


def evaluate_screen(answers: Iterable[LabelledScreening], screen: DisclosureScreen) -> ScreenReport:
    tp = fp = fn = tn = 0
    support: Counter[str] = Counter()
    found: Counter[str] = Counter()
    held: Counter[str] = Counter()
    missed: list[str] = []
    false_alarms: list[str] = []
    for answer in answers:
        result = screen.screen(answer.text)
        if answer.disclosure and result.disclosure:
            tp += 1
        elif answer.disclosure:
            fn += 1
            missed.append(answer.text)
        elif result.disclosure:
            fp += 1
            false_alarms.append(answer.text)
        else:
            tn += 1
        for category in answer.categories:
            support[category] += 1
            found[category] += category in result.categories
            held[category] += result.disclosure
    ids = [c.id for c in screen.lexicon.categories]
    ids += sorted(set(support) - set(ids))
    return ScreenReport(
        answers=tp + fp + fn + tn,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        categories=tuple(
            CategoryRecall(category=c, support=support[c], found=found[c], held=held[c])
            for c in ids
        ),
        missed=tuple(missed),
        false_alarms=tuple(false_alarms),
    )


def evaluate_scrub(answers: Iterable[LabelledPii], scrubber: Scrubber) -> ScrubReport:
    predicted: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    labelled: Counter[str] = Counter()
    found: Counter[str] = Counter()
    total = 0
    for answer in answers:
        total += 1
        guesses = scrubber.find(answer.text)
        for guess in guesses:
            predicted[guess.kind] += 1
            correct[guess.kind] += any(_same(guess, label) for label in answer.spans)
        for label in answer.spans:
            labelled[label.kind] += 1
            found[label.kind] += any(_same(guess, label) for guess in guesses)
    return ScrubReport(
        answers=total,
        kinds=tuple(
            KindScore(
                kind=k,
                predicted=predicted[k],
                correct=correct[k],
                labelled=labelled[k],
                found=found[k],
            )
            for k in KINDS
        ),
    )


def format_screen_report(
    report: ScreenReport, *, title: str = "", show_mistakes: bool = False
) -> str:
    """A fixed-width table for the terminal: the totals, then recall for each category."""
    rows = [f"{title}{': ' if title else ''}{report.answers} answers"]
    rows.append(
        f"held {report.tp + report.fp}  missed {report.fn}  false alarms {report.fp}"
        f"  recall {report.recall:.2f}  precision {report.precision:.2f}"
    )
    width = max([len("category"), *(len(c.category) for c in report.categories)])
    head = f"{'category':<{width}}  {'recall':>6}  {'support':>7}  {'held':>4}"
    rows += [head, "-" * len(head)]
    for c in report.categories:
        rows.append(f"{c.category:<{width}}  {c.recall:6.2f}  {c.support:7d}  {c.held:4d}")
    if show_mistakes:
        rows += [f"MISSED  {t}" for t in report.missed]
        rows += [f"FALSE   {t}" for t in report.false_alarms]
    return "\n".join(rows) + "\n"


def format_scrub_report(report: ScrubReport, *, title: str = "") -> str:
    """A fixed-width table for the terminal: one row per kind, then all kinds together."""
    head = f"{'kind':<8}  {'prec':>5}  {'recall':>6}  {'labelled':>8}  {'predicted':>9}"
    rows = [f"{title}{': ' if title else ''}{report.answers} answers", head, "-" * len(head)]
    for k in (*report.kinds, report.overall):
        if k.kind == "overall":
            rows.append("-" * len(head))
        rows.append(
            f"{k.kind:<8}  {k.precision:5.2f}  {k.recall:6.2f}  {k.labelled:8d}  {k.predicted:9d}"
        )
    return "\n".join(rows) + "\n"


def _same(guess: PiiSpan, label: PiiSpan) -> bool:
    return guess.kind == label.kind and guess.start < label.end and label.start < guess.end


def _records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    return read_text_records(path)


def _split(path: Path, at: str, record: dict[str, Any]) -> str | None:
    split = record.get("split")
    if split is not None and not isinstance(split, str):
        raise DataFileError(str(path), at, '"split" must be a string')
    return split
