"""Cross-validation of the second opinion on the dev sets: how to choose its threshold.

The training answers (``train.training_answers``) are split into 5 folds, stratified by
source and label, with a fixed seed; or, with ``by_author`` (``--cv-authors``), one fold per
author or gatherer (brief-A, brief-B, G1, G2, and each old set, written by one person): the
model that scores an author's answers never saw a word that author wrote, which is how a
fresh set by a new author meets it. For each fold a model is trained on the other four
(``bot.textmodel``, as ``train.build`` does) and scores the fold's answers, so every
answer gets a score from a model that never saw it. The lexicon's outcome for each answer is
joined to that score as the screen joins them: an answer the lexicon does not hold is held
when the score reaches the threshold and the second opinion may read it (``screen``, rule
9). For each regularisation setting and threshold:

- fresh dev (both fresh sets, ``source == "fresh"``): hold recall and precision;
  past-and-over stories (``inform_lead``) and shared answers (``share``) held;
- real dev: ordinary answers held (the target is at most 3%);
- the second opinion's own holds, out of fold: how many it added to the lexicon's (how many
  of those were labelled ``hold``, and how many were real ordinary answers), and the model
  alone's recall and precision on fresh dev.

The lexicon was written by reading these same dev sets, so it misses almost nothing here and
the joined figures are optimistic; what cross-validation measures honestly is the model's own
error: its precision, and the ordinary answers it would add. So ``train.THRESHOLD`` (with
``train.SETTINGS``) is the lowest threshold at which, out of fold, the model alone has
precision 0.9 or more on fresh dev and adds holds to at most 1% of the real ordinary answers,
for the regularisation setting whose such threshold gives the model alone the highest recall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.safeguarding.screen import DisclosureScreen
from bot.safeguarding.second_opinion import LABEL
from bot.safeguarding.train import SETTINGS, Labelled
from bot.textmodel.model import LinearTextModel
from bot.textmodel.train import TrainSettings, train

FOLDS = 5
SEED = 0
C_VALUES = (0.5, 1.0, 2.0, 4.0)
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
ADDED_REAL_AT_MOST = 0.01
MODEL_PRECISION_AT_LEAST = 0.9


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    c: float
    threshold: float | None  # None: the lexicon alone
    recall: float  # fresh dev, hold
    precision: float  # fresh dev, hold
    past_held: int  # fresh dev inform_lead answers held
    shared_held: int  # fresh dev share answers held
    real_held: int
    real_ordinary: int
    added: int  # holds the model added, every source
    added_right: int  # ... labelled hold
    added_real: int  # ... real ordinary answers
    model_recall: float  # the model alone on fresh dev
    model_precision: float

    @property
    def real_share(self) -> float:
        return self.real_held / self.real_ordinary if self.real_ordinary else 0.0

    @property
    def acceptable(self) -> bool:
        return (
            self.added_real <= ADDED_REAL_AT_MOST * self.real_ordinary
            and self.model_precision >= MODEL_PRECISION_AT_LEAST
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CvReport:
    by_author: bool
    answers: int
    fresh_holds: int
    rows: tuple[Row, ...]

    def chosen(self, c: float) -> Row | None:
        """The lowest acceptable threshold for ``c`` (None if none is)."""
        return next(
            (r for r in self.rows if r.c == c and r.threshold is not None and r.acceptable), None
        )

    @property
    def best(self) -> Row | None:
        """Of each setting's chosen row, the one whose model alone has the highest recall."""
        chosen = [r for c in dict.fromkeys(r.c for r in self.rows) if (r := self.chosen(c))]
        return max(chosen, key=lambda r: (r.model_recall, r.model_precision), default=None)


def out_of_fold_scores(
    answers: Sequence[Labelled],
    settings: TrainSettings,
    folds: int = FOLDS,
    *,
    by_author: bool = False,
) -> list[float]:
    """Each answer's ``hold`` probability from a model trained without its fold (its
    author's or gatherer's answers, with ``by_author``)."""
    from sklearn.model_selection import (  # type: ignore[import-untyped]
        LeaveOneGroupOut,
        StratifiedKFold,
    )

    strata = [f"{a.source}-{a.hold}" if a.source != "real" else "real" for a in answers]
    if by_author:
        groups = [a.group for a in answers]
        split = LeaveOneGroupOut().split(strata, strata, groups)
    else:
        split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED).split(
            strata, strata
        )
    scores = [0.0] * len(answers)
    for train_rows, test_rows in split:
        fitted = train(
            [answers[i].example() for i in train_rows],
            [LABEL],
            settings=settings,
            store=lambda e: False,
        )
        model = LinearTextModel(fitted, source="<fold>")
        for i in test_rows:
            scores[i] = model.scores(answers[i].text)[LABEL]
    return scores


def cross_validate(
    answers: Sequence[Labelled],
    lexicon: DisclosureScreen,
    *,
    c_values: Sequence[float] = C_VALUES,
    thresholds: Sequence[float] = THRESHOLDS,
    by_author: bool = False,
) -> CvReport:
    """The figures of the module docstring for every setting and threshold."""
    lexical = [lexicon.screen(a.text).outcome.value for a in answers]
    reads = [lexicon.second_opinion_reads(a.text) for a in answers]
    rows: list[Row] = []
    for c in c_values:
        settings = TrainSettings(c=c, class_weight=SETTINGS.class_weight, min_df=SETTINGS.min_df)
        scores = out_of_fold_scores(answers, settings, by_author=by_author)
        for threshold in (None, *thresholds):
            rows.append(_row(answers, lexical, reads, scores, c, threshold))
    return CvReport(
        by_author=by_author,
        answers=len(answers),
        fresh_holds=sum(a.source == "fresh" and a.hold for a in answers),
        rows=tuple(rows),
    )


def _row(
    answers: Sequence[Labelled],
    lexical: Sequence[str],
    reads: Sequence[bool],
    scores: Sequence[float],
    c: float,
    threshold: float | None,
) -> Row:
    tp = fp = fn = past = shared = real = ordinary = added = right = added_real = 0
    m_tp = m_fp = m_fn = 0
    cut = 0.5 if threshold is None else threshold
    for a, outcome, read, score in zip(answers, lexical, reads, scores, strict=True):
        model_holds = score >= cut
        adds = threshold is not None and outcome != "hold" and model_holds and read
        held = outcome == "hold" or adds
        added += adds
        right += adds and a.hold
        if a.source == "fresh":
            tp += held and a.hold
            fn += not held and a.hold
            fp += held and not a.hold
            past += held and a.outcome == "inform_lead"
            shared += held and a.outcome == "share"
            m_tp += model_holds and a.hold
            m_fn += not model_holds and a.hold
            m_fp += model_holds and not a.hold
        elif a.source == "real" and not a.hold:
            ordinary += 1
            real += held
            added_real += adds
    return Row(
        c=c,
        threshold=threshold,
        recall=_ratio(tp, tp + fn),
        precision=_ratio(tp, tp + fp),
        past_held=past,
        shared_held=shared,
        real_held=real,
        real_ordinary=ordinary,
        added=added,
        added_right=right,
        added_real=added_real,
        model_recall=_ratio(m_tp, m_tp + m_fn),
        model_precision=_ratio(m_tp, m_tp + m_fp),
    )


def format_cv(report: CvReport) -> str:
    head = (
        f"{'C':>4}  {'threshold':>9}  {'recall':>6}  {'prec':>5}  {'past held':>9}  "
        f"{'shared held':>11}  {'real held':>10}  {'added (right, real)':>19}  "
        f"{'model alone R/P':>15}"
    )
    folds = "leave-one-author-out" if report.by_author else f"{FOLDS}-fold"
    lines = [
        f"{folds} cross-validation on {report.answers} dev answers "
        f"({report.fresh_holds} fresh holds); out-of-fold figures",
        head,
        "-" * len(head),
    ]
    for r in report.rows:
        name = "lexicon" if r.threshold is None else f"{r.threshold:.2f}"
        mark = " *" if r.threshold is not None and report.chosen(r.c) == r else ""
        mark += "*" if r == report.best else ""
        lines.append(
            f"{r.c:>4}  {name:>9}  {r.recall:6.3f}  {r.precision:5.3f}  {r.past_held:9d}  "
            f"{r.shared_held:11d}  {r.real_held:4d} ({r.real_share:4.1%})  "
            f"{r.added:7d} ({r.added_right:3d}, {r.added_real:3d})    "
            f"{r.model_recall:7.3f}/{r.model_precision:5.3f}"
            f"{mark}"
        )
    lines.append(
        f"* the lowest threshold at which the model alone has fresh-dev precision >= "
        f"{MODEL_PRECISION_AT_LEAST} and adds holds to <= {ADDED_REAL_AT_MOST:.0%} of real "
        "ordinary answers (** the chosen setting: the model alone's highest recall); "
        "'model alone' is at the row's threshold (0.5 on the lexicon row)"
    )
    return "\n".join(lines) + "\n"


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0
