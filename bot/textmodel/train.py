"""Training a linear text model with scikit-learn, and writing it as canonical JSON.

scikit-learn is a development dependency: it is imported inside ``train`` only, so the bot
imports this module (for ``Example``) without it. What ``train`` fits, in scikit-learn terms:

- ``TfidfVectorizer(analyzer=Analyser(settings.features), sublinear_tf=True, norm="l2",
  smooth_idf=True, min_df=settings.min_df)``: a feature is a column when at least ``min_df``
  texts have it; ``idf_f = ln((1 + n) / (1 + df_f)) + 1`` for ``n`` texts, ``df_f`` of
  which have ``f``. The same ``analyse`` runs at scoring time (``features.py``).
- per label, one ``LogisticRegression(solver="liblinear", penalty="l2", C=settings.c,
  class_weight=settings.class_weight, random_state=0)`` on "has the label" against "has
  not" (one-vs-rest, so a text may have several labels). A label that no text has, or that
  every text has, cannot be learnt and is refused. Not converging is an error.

The file holds rounded numbers, and the scoring code computes with exactly those, so the file
is the model. With ``d = settings.digits`` (6 by default): idf values and intercepts keep
``d`` significant digits; a label's weights ``w_f`` become whole numbers
``q_f = round(w_f / 10^e)`` with ``e = floor(log10(max_f |w_f|)) - d``, so the largest keeps
``d + 1`` digits and every weight is within ``10^e / 2`` of scikit-learn's. A unit vector
``x`` with ``n`` non-zero values has ``sum_f |x_f| <= sqrt(n)``, so a label's ``z`` moves by
at most ``10^e / 2 * sqrt(n)`` (3e-5 for a largest weight of 5 and a 2,000-character text,
about 3,000 features) and its probability by at most a quarter of that; rounding the idf
values and intercepts adds less. The tests check 1e-4; the differences seen are near 1e-6.

Stored examples (those ``store`` picks) are kept as the counts of their features that are
in the vocabulary: their words and parts of words, in no order. Store only examples whose
words may ship with the bot.

Same examples, settings and library versions give byte-identical JSON: the libraries'
versions and the sha256 of the training data (``data_sha256``) are written into the file.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

from bot.textmodel.features import Analyser, FeatureSettings
from bot.textmodel.model import SCHEMA_VERSION, LinearTextModel

_MAX_ITER = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """One labelled text: an id unique in its data set, the text, the labels it has."""

    id: str
    text: str
    labels: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainSettings:
    """How to fit: recorded in the model file under ``training.settings``."""

    c: float = 1.0  # inverse regularisation strength: smaller is simpler
    class_weight: Literal["balanced"] | None = "balanced"  # "balanced": classes weigh equally
    min_df: int = 2
    features: FeatureSettings = field(default_factory=FeatureSettings)
    digits: int = 6  # significant digits kept in the file (see the module docstring)

    def __post_init__(self) -> None:
        if not 1 <= self.digits <= 14:  # 15 would make weights too long to be exact as floats
            raise ValueError(f"digits must be from 1 to 14, not {self.digits}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "C": self.c,
            "class_weight": self.class_weight,
            "digits": self.digits,
            "max_iter": _MAX_ITER,
            "min_df": self.min_df,
            "smooth_idf": True,
            "solver": "liblinear",
        }


def data_sha256(examples: Iterable[Example]) -> str:
    """The sha256 of the examples as JSON Lines: id, labels (sorted) and text, sorted keys."""
    digest = hashlib.sha256()
    for e in examples:
        record = {"id": e.id, "labels": sorted(e.labels), "text": e.text}
        digest.update(_dumps(record).encode() + b"\n")
    return digest.hexdigest()


def train(
    examples: Sequence[Example],
    labels: Sequence[str],
    *,
    settings: TrainSettings,
    store: Callable[[Example], bool],
) -> dict[str, Any]:
    """Fit the model and return it as the JSON-ready dict ``LinearTextModel`` reads."""
    from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    positives = _check(examples, labels)
    vectoriser = TfidfVectorizer(
        analyzer=Analyser(settings.features),
        sublinear_tf=True,
        norm="l2",
        smooth_idf=True,
        min_df=settings.min_df,
        lowercase=False,  # analyse folds case itself
    )
    x = vectoriser.fit_transform([e.text for e in examples])
    columns: dict[str, int] = vectoriser.vocabulary_
    vocabulary = sorted(columns, key=columns.__getitem__)
    coefficients: dict[str, dict[str, Any]] = {}
    for label in labels:
        y = [label in e.labels for e in examples]
        classifier = LogisticRegression(
            solver="liblinear",
            C=settings.c,
            class_weight=settings.class_weight,
            random_state=0,
            max_iter=_MAX_ITER,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            classifier.fit(x, y)
        row = _whole(classifier.coef_[0].tolist(), settings.digits)
        row["intercept"] = _round(classifier.intercept_[0], settings.digits)
        coefficients[label] = row
    model: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "labels": list(labels),
        "features": settings.features.to_dict(),
        "tfidf": {"sublinear_tf": True, "norm": "l2"},
        "vocabulary": vocabulary,
        "idf": [_round(v, settings.digits) for v in vectoriser.idf_],
        "coefficients": coefficients,
        "examples": [],
        "training": {
            "data_sha256": data_sha256(examples),
            "examples": len(examples),
            "positives": positives,
            "settings": settings.to_dict(),
            "versions": {
                "python": ".".join(platform.python_version_tuple()[:2]),
                **{name: version(name) for name in ("numpy", "scikit-learn", "scipy")},
            },
        },
    }
    built = LinearTextModel(model, source="<training>")
    for e in filter(store, examples):
        counts = built.counts(e.text)
        stored = {"index": list(counts), "count": list(counts.values())}
        model["examples"].append({"id": e.id, "labels": sorted(e.labels), **stored})
    LinearTextModel(model, source="<training>")  # what is returned must load
    return model


def canonical_json(model: dict[str, Any]) -> str:
    """The one text a model dict is written as: compact, keys sorted, UTF-8, a final newline."""
    return _dumps(model) + "\n"


def write_model(path: Path, model: dict[str, Any]) -> None:
    """Write ``model`` as canonical JSON, replacing the file only once it is complete."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(canonical_json(model), encoding="utf-8")
    partial.replace(path)


def _check(examples: Sequence[Example], labels: Sequence[str]) -> dict[str, int]:
    """How many examples have each label; ValueError for anything that cannot be trained."""
    if not labels or len(set(labels)) != len(labels) or not all(labels):
        raise ValueError("labels must be distinct non-empty strings, at least one")
    ids = [e.id for e in examples]
    if len(set(ids)) != len(ids) or not all(ids):
        raise ValueError("example ids must be distinct non-empty strings")
    for e in examples:
        if unknown := sorted(e.labels - set(labels)):
            raise ValueError(f"example {e.id!r} has labels the model has not: {unknown}")
    positives = {label: sum(label in e.labels for e in examples) for label in labels}
    for label, count in positives.items():
        if not 0 < count < len(examples):
            raise ValueError(f"label {label!r} is on {count} of {len(examples)} examples")
    return positives


def _round(value: float, digits: int) -> float:
    # Through text, so the stored number is the shortest one that prints this way; + 0.0
    # turns -0.0 into 0.0.
    return float(f"{float(value):.{digits}g}") + 0.0


def _whole(weights: list[float], digits: int) -> dict[str, Any]:
    """Weights as an exponent and whole numbers: every one, or the non-zero ones if shorter."""
    largest = max(map(abs, weights), default=0.0)
    exponent = (math.floor(math.log10(largest)) if largest > 0 else 0) - digits
    scale = float(f"1e{exponent}")
    values = [round(w / scale) for w in weights]
    index = [j for j, q in enumerate(values) if q]
    if 2 * len(index) >= len(values):
        return {"exponent": exponent, "value": values}
    return {"exponent": exponent, "index": index, "value": [values[j] for j in index]}


def _dumps(data: object) -> str:
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
