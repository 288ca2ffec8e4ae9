"""Cross-validation: how the tagger does on coded answers its model was not trained on.

Each training file's answers are split into ``K`` folds; answers from the same source page
(``source_url``) stay in one fold, as the real-quotes holdout was split by page. For each
fold a model is trained on every other answer plus the codebook's examples, and the fold's
answers are tagged three ways: keywords only, the model only (probability at least 0.5, then
the fallback) and the fusion the tagger ships with. ``search_fusion`` replays the fold's
scores over a grid of fusion numbers: how ``train.FUSION`` was chosen.

The keywords were written while reading these same answers, so their figures here are
flattering; only the model's part is measured on unseen answers. The honest figure is the
one on a frozen holdout.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.tagging.codebook import Codebook
from bot.tagging.evaluate import EvalReport, ThemeScore
from bot.tagging.keywords import KeywordMatcher
from bot.tagging.tagger import Mode, decide
from bot.tagging.theme_model import Fusion, ThemeModel
from bot.tagging.train import FUSION, SETTINGS, build, codebook_examples, coded_answers
from bot.textmodel.train import Example, TrainSettings

K = 5
MODES: tuple[Mode, ...] = ("keywords", "model", "fusion")
GRID = {
    "keyword_floor": (0.0, 0.05, 0.1, 0.15, 0.2),
    "model_alone": (0.6, 0.7, 0.8, 0.9, 1.01),
    "fallback": (0.2, 0.3, 0.4, 0.5, 0.6, 1.01),
}


@dataclass(frozen=True, slots=True)
class _Held:
    """One held-out answer: its file, true themes, keyword matches and model scores."""

    file: str
    themes: frozenset[str]
    found: dict[str, tuple[str, ...]]
    scores: dict[str, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class FileCv:
    file: str
    reports: dict[Mode, EvalReport]


def cross_validate(
    codebook: Codebook, held: Sequence[_Held], *, fusion: Fusion = FUSION
) -> list[FileCv]:
    """Per training file, a report for each way of tagging (``MODES``)."""
    files = list(dict.fromkeys(h.file for h in held))
    return [
        FileCv(file=f, reports={m: _report(held, f, m, fusion, codebook) for m in MODES})
        for f in files
    ]


def held_out(
    codebook: Codebook, files: Sequence[Path], *, k: int = K, settings: TrainSettings = SETTINGS
) -> list[_Held]:
    """Every answer of ``files``, scored by a model trained without its fold."""
    answers = [(path.name, e, r) for path in files for e, r in coded_answers(path, codebook)]
    fold = _folds([(name, r) for name, _, r in answers], k)
    matcher = KeywordMatcher(codebook)
    extra = codebook_examples(codebook)
    out: list[_Held] = []
    for f in range(k):
        train: list[Example] = [e for (_, e, _), g in zip(answers, fold, strict=True) if g != f]
        model = ThemeModel(build(codebook, train + extra, settings=settings), source="<fold>")
        for (name, e, _), g in zip(answers, fold, strict=True):
            if g == f:
                out.append(_Held(name, e.labels, matcher.match(e.text), model.scores(e.text)))
    return out


def search_fusion(
    codebook: Codebook, held: Sequence[_Held], *, max_untagged: float = 0.08
) -> list[tuple[float, dict[str, EvalReport], Fusion]]:
    """Every fusion of the grid that leaves at most ``max_untagged`` of the first file's
    answers with no theme, as (mean macro-F1 over the files, reports, fusion), best first."""
    files = list(dict.fromkeys(h.file for h in held))
    found = []
    for values in itertools.product(*GRID.values()):
        fusion = Fusion(**dict(zip(GRID, values, strict=True)))
        reports = {f: _report(held, f, "fusion", fusion, codebook) for f in files}
        if reports[files[0]].untagged_share <= max_untagged:
            mean = sum(r.macro_f1 for r in reports.values()) / len(reports)
            found.append((round(mean, 4), reports, fusion))
    return sorted(found, key=lambda x: (-x[0], list(x[2].to_dict().values())))


def format_search(found: Sequence[tuple[float, dict[str, EvalReport], Fusion]]) -> str:
    rows = ["fusions of the grid, best first (mean macro F1; per file macro F1 / no theme):"]
    for mean, reports, fusion in found:
        each = "; ".join(
            f"{f} {r.macro_f1:.3f} / {r.untagged_share:.3f}" for f, r in reports.items()
        )
        numbers = ", ".join(f"{k} {v:g}" for k, v in fusion.to_dict().items())
        rows.append(f"  {mean:.3f}  {numbers}  ({each})")
    return "\n".join(rows) + "\n"


def format_cv(results: Iterable[FileCv]) -> str:
    rows: list[str] = []
    for result in results:
        first = result.reports[MODES[0]]
        rows.append(f"{result.file}: {first.answers} answers, {K}-fold cross-validation, F1")
        head = f"{'theme':<20}{'support':>8}" + "".join(f"{m:>10}" for m in MODES)
        rows += [head, "-" * len(head)]
        for n, score in enumerate(first.scores):
            f1s = "".join(f"{result.reports[m].scores[n].f1:10.2f}" for m in MODES)
            rows.append(f"{score.theme_id:<20}{score.support:8d}{f1s}")
        rows.append("-" * len(head))
        macro = "".join(f"{result.reports[m].macro_f1:10.3f}" for m in MODES)
        untagged = "".join(f"{result.reports[m].untagged_share:10.3f}" for m in MODES)
        rows += [f"{'macro F1':<28}{macro}", f"{'untagged share':<28}{untagged}", ""]
    return "\n".join(rows)


def _report(
    held: Sequence[_Held], file: str, mode: Mode, fusion: Fusion, codebook: Codebook
) -> EvalReport:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    total = untagged = 0
    for h in held:
        if h.file != file:
            continue
        found = h.found if mode != "model" else {}
        scores = h.scores if mode != "keywords" else {}
        predicted = set(decide(found, scores, fusion, mode, codebook.ids).themes)
        total += 1
        untagged += not predicted
        tp.update(predicted & h.themes)
        fp.update(predicted - h.themes)
        fn.update(h.themes - predicted)
    scores_ = tuple(ThemeScore(theme_id=i, tp=tp[i], fp=fp[i], fn=fn[i]) for i in codebook.ids)
    return EvalReport(answers=total, scores=scores_, untagged=untagged)


def _folds(records: Sequence[tuple[str, dict[str, Any]]], k: int) -> list[int]:
    """A fold for each record: same source page, same fold; folds balanced in size.

    Groups are dealt largest first (ties by the hash of their key) to the smallest fold, so
    the split depends on the data only."""
    groups: dict[str, list[int]] = defaultdict(list)
    for n, (file, record) in enumerate(records):
        url = record.get("source_url")
        groups[f"{file} {url}" if isinstance(url, str) and url else f"{file} #{n}"].append(n)
    size = [0] * k
    fold = [0] * len(records)
    for key in sorted(
        groups, key=lambda g: (-len(groups[g]), hashlib.sha256(g.encode()).hexdigest())
    ):
        f = min(range(k), key=lambda i: (size[i], i))
        size[f] += len(groups[key])
        for n in groups[key]:
            fold[n] = f
    return fold
