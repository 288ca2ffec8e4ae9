"""Measuring the disclosure screen and the personal-data scrubber against labelled answers.

Screening. A labelled file is JSON Lines, one answer per line (blank lines are skipped), in
one of three forms:

- the policy's: ``{"text": "...", "outcome": "hold", "categories": ["missing"]}`` with
  ``outcome`` one of ``hold``, ``inform_lead``, ``share`` (categories for the first two);
- the old policy's: ``{"text": "...", "disclosure": true, "categories": ["self-harm"]}``,
  labelled when harm in the past counted as a disclosure: ``hold`` or ``share``, marked
  ``old_policy``;
- real answers: ``{"text": "...", "current_harm": false}``: ``hold`` when true, else
  ``share``.

``split`` is optional. Over the answers, with *held* meaning the screen's outcome is hold:

- tp: labelled hold and held; fn: labelled hold, not held (a miss, the worst failure); fp:
  held but labelled otherwise (a false alarm); tn: neither;
- recall = tp / (tp + fn), precision = tp / (tp + fp); each is 0.0 when its denominator is 0;
- ordinary answers are those not labelled hold; ``held_share`` = fp / ordinary answers;
- past and over: of the answers labelled inform_lead, how many the screen noted for the lead
  (inform_lead), held, or shared; ``inform_lead_accuracy`` = noted / labelled;
- old policy: where past harm counted, *flagged* (held or noted) is compared with the label:
  ``flagged_recall`` and ``flagged_precision``;
- per category, of the answers labelled with it (hold or inform_lead): how many the screen
  gave that same category (``found``, its recall), held, and noted.

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

OUTCOMES = ("hold", "inform_lead", "share")


@dataclass(frozen=True, slots=True)
class LabelledScreening:
    text: str
    outcome: str  # hold, inform_lead or share
    categories: frozenset[str] = frozenset()
    split: str | None = None
    old_policy: bool = False  # labelled when harm in the past counted as a disclosure

    @property
    def disclosure(self) -> bool:
        return self.outcome == "hold"


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
    held: int  # ... that the screen held
    noted: int = 0  # ... that the screen noted for the lead (inform_lead)

    @property
    def recall(self) -> float:
        return _ratio(self.found, self.support)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScreenReport:
    answers: int
    tp: int
    fp: int
    fn: int
    tn: int
    categories: tuple[CategoryRecall, ...]  # lexicon order
    missed: tuple[str, ...]  # labelled hold, not held
    false_alarms: tuple[str, ...]  # held, labelled otherwise
    past: int = 0  # labelled inform_lead
    past_noted: int = 0  # ... noted for the lead
    past_held: int = 0  # ... held
    noted: int = 0  # noted for the lead, whatever the label
    old_policy: int = 0  # answers labelled under the old policy
    flag_tp: int = 0  # of those: labelled a disclosure, and held or noted
    flag_fp: int = 0  # not labelled a disclosure, held or noted
    flag_fn: int = 0  # labelled a disclosure, shared

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def ordinary(self) -> int:
        return self.fp + self.tn

    @property
    def held_share(self) -> float:
        """The share of answers not labelled hold that were held."""
        return _ratio(self.fp, self.ordinary)

    @property
    def inform_lead_accuracy(self) -> float:
        return _ratio(self.past_noted, self.past)

    @property
    def flagged_recall(self) -> float:
        return _ratio(self.flag_tp, self.flag_tp + self.flag_fn)

    @property
    def flagged_precision(self) -> float:
        return _ratio(self.flag_tp, self.flag_tp + self.flag_fp)


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
        outcome, old = _outcome(path, at, record)
        labels = record.get("categories", [])
        if not isinstance(labels, list) or not all(isinstance(c, str) for c in labels):
            raise DataFileError(str(path), at, '"categories" must be a list of category ids')
        if known is not None and (unknown := [c for c in labels if c not in known]):
            raise DataFileError(str(path), at, f"unknown category {unknown[0]!r}")
        if labels and outcome == "share":
            raise DataFileError(str(path), at, "has categories but is not a disclosure")
        out.append(
            LabelledScreening(
                record["text"], outcome, frozenset(labels), _split(path, at, record), old
            )
        )
    return tuple(out)


def _outcome(path: Path, at: str, record: dict[str, Any]) -> tuple[str, bool]:
    """The labelled outcome of a record, and whether it is labelled under the old policy."""
    if "outcome" in record:
        if record["outcome"] not in OUTCOMES:
            raise DataFileError(str(path), at, f'"outcome" must be one of {", ".join(OUTCOMES)}')
        return record["outcome"], False
    if "disclosure" in record:
        if not isinstance(record["disclosure"], bool):
            raise DataFileError(str(path), at, '"disclosure" must be true or false')
        return ("hold" if record["disclosure"] else "share"), True
    if isinstance(record.get("current_harm"), bool):
        return ("hold" if record["current_harm"] else "share"), False
    raise DataFileError(
        str(path), at, 'needs "outcome", "disclosure" (true or false) or "current_harm"'
    )


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
    count: Counter[str] = Counter()
    support: Counter[str] = Counter()
    found: Counter[str] = Counter()
    held: Counter[str] = Counter()
    noted: Counter[str] = Counter()
    missed: list[str] = []
    false_alarms: list[str] = []
    for answer in answers:
        result = screen.screen(answer.text)
        got = result.outcome.value
        count[f"{answer.outcome}>{got}"] += 1
        if answer.outcome == "hold" and got != "hold":
            missed.append(answer.text)
        elif answer.outcome != "hold" and got == "hold":
            false_alarms.append(answer.text)
        if answer.old_policy:
            count["old"] += 1
            count[f"flag-{answer.disclosure}-{got != 'share'}"] += 1
        for category in answer.categories:
            support[category] += 1
            found[category] += category in result.categories
            held[category] += got == "hold"
            noted[category] += got == "inform_lead"
    ids = [c.id for c in screen.lexicon.categories]
    ids += sorted(set(support) - set(ids))
    tp = count["hold>hold"]
    fn = sum(count[f"hold>{o}"] for o in OUTCOMES) - tp
    fp = count["inform_lead>hold"] + count["share>hold"]
    return ScreenReport(
        answers=sum(count[f"{a}>{b}"] for a in OUTCOMES for b in OUTCOMES),
        tp=tp,
        fp=fp,
        fn=fn,
        tn=count["inform_lead>inform_lead"]
        + count["inform_lead>share"]
        + count["share>inform_lead"]
        + count["share>share"],
        categories=tuple(
            CategoryRecall(
                category=c, support=support[c], found=found[c], held=held[c], noted=noted[c]
            )
            for c in ids
        ),
        missed=tuple(missed),
        false_alarms=tuple(false_alarms),
        past=sum(count[f"inform_lead>{o}"] for o in OUTCOMES),
        past_noted=count["inform_lead>inform_lead"],
        past_held=count["inform_lead>hold"],
        noted=sum(count[f"{o}>inform_lead"] for o in OUTCOMES),
        old_policy=count["old"],
        flag_tp=count["flag-True-True"],
        flag_fp=count["flag-False-True"],
        flag_fn=count["flag-True-False"],
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
    """A fixed-width table for the terminal: the totals, then each category."""
    rows = [f"{title}{': ' if title else ''}{report.answers} answers"]
    rows.append(
        f"hold: held {report.tp + report.fp}  missed {report.fn}  false alarms {report.fp}"
        f"  recall {report.recall:.2f}  precision {report.precision:.2f}"
    )
    rows.append(
        f"ordinary answers held {report.fp} of {report.ordinary} ({report.held_share:.1%})"
        f"  noted for the lead {report.noted}"
    )
    if report.past:
        rows.append(
            f"past and over: {report.past} labelled, noted {report.past_noted}"
            f" ({report.inform_lead_accuracy:.0%}), held {report.past_held},"
            f" shared {report.past - report.past_noted - report.past_held}"
        )
    if report.old_policy:
        rows.append(
            f"old policy ({report.old_policy} answers; past harm counted): held or noted"
            f"  recall {report.flagged_recall:.2f}  precision {report.flagged_precision:.2f}"
        )
    width = max([len("category"), *(len(c.category) for c in report.categories)])
    head = f"{'category':<{width}}  {'recall':>6}  {'support':>7}  {'held':>4}  {'noted':>5}"
    rows += [head, "-" * len(head)]
    for c in report.categories:
        rows.append(
            f"{c.category:<{width}}  {c.recall:6.2f}  {c.support:7d}  {c.held:4d}  {c.noted:5d}"
        )
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


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _split(path: Path, at: str, record: dict[str, Any]) -> str | None:
    split = record.get("split")
    if split is not None and not isinstance(split, str):
        raise DataFileError(str(path), at, '"split" must be a string')
    return split
