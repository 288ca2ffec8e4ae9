"""A trained linear text model, loaded from plain JSON and run in pure Python.

Scoring a text (every sum is ``math.fsum``: each product rounded, then added exactly, so a
result depends on the stored numbers only, not on the order of the terms):

1. ``c_f`` is how often feature ``f`` (``features.analyse``) occurs; features not in the
   vocabulary are dropped. ``tf_f = 1 + ln c_f`` when ``sublinear_tf``, else ``c_f``.
2. ``x_f = tf_f * idf_f``, then ``x = x / ||x||`` (l2 norm; an empty ``x`` stays empty).
3. Per label ``l``: the weights are stored as whole numbers ``q_lf`` with a power of ten
   ``10^e_l`` (``w_lf = q_lf * 10^e_l``), so ``z_l = (sum_f q_lf * x_f) * 10^e_l + b_l``
   and ``p_l = 1 / (1 + exp(-z_l))``.

This is scikit-learn's ``TfidfVectorizer(sublinear_tf=True, norm="l2")`` followed by a
binary ``LogisticRegression.predict_proba`` per label. The file holds rounded parameters
(see ``train.py``); with them the probabilities equal scikit-learn's computed from the same
rounded parameters to about 1e-15, and the unrounded model's to about 1e-6 (the tests check
1e-12 and 1e-4). Weights are whole numbers because JSON reads them more than twice as fast
as decimals, and a label's weights are most of the file.

``nearest`` explains a decision by the stored labelled examples nearest to the text: the
cosine similarity ``x · e`` of the text's vector ``x`` with each stored example's vector
``e``, both made by steps 1 and 2 (an example is stored as its feature counts ``c_f``, so
its vector is exactly what the example's text gives). Examples sharing no feature with the
text are left out.

The file is plain JSON (written by ``train.write_model``); loading checks every field
(``schema.Checker``) and raises ``DataFileError(file, field, problem)``, the field written
like ``examples[2].index[5]``.
``vocabulary`` is a list: the feature at position ``j`` is column ``j``. A label's
``coefficients`` hold ``intercept``, ``exponent`` (``e_l``) and ``value`` (``q_lf`` for
every column), or ``index`` and ``value`` (the columns with a non-zero ``q_lf``, in order).
"""

from __future__ import annotations

import math
import operator
from array import array
from collections import Counter
from collections.abc import Iterable
from functools import cached_property
from itertools import chain, pairwise
from pathlib import Path
from typing import Any, NamedTuple, cast

from bot.packed import Packed
from bot.textmodel.features import FeatureSettings, word_features, words
from bot.textmodel.schema import WHOLE, Checker, read_json

SCHEMA_VERSION = 1
_TOP_KEYS = (
    "schema_version", "labels", "features", "tfidf", "vocabulary", "idf", "coefficients",
    "examples", "training",
)  # fmt: skip
_FEATURE_KEYS = ("version", "word_ngrams", "char_ngrams")
_TRAINING_KEYS = ("data_sha256", "examples", "positives", "settings", "versions")
_HEX = frozenset("0123456789abcdef")
_WORD_CACHE = 20_000  # words whose columns are kept between texts
# Whole numbers (weights, columns, counts; checked to be under 2**53) are kept in arrays, not
# lists: 64-bit, or for columns and counts (never negative) the fewest bytes that hold them.
_WHOLE = "q"
_UNSIGNED = ("B", "H", "I", "L")  # 1, 2, 4 and 4 or 8 bytes


class Neighbour(NamedTuple):
    """A stored example near a text: its id and cosine similarity (0 to 1)."""

    id: str
    similarity: float


class LinearTextModel:
    """One-vs-rest logistic regression over TF-IDF features; see the module docstring."""

    def __init__(self, data: object, *, source: str = "<model>") -> None:
        """Check ``data`` (a parsed model file) and prepare it for scoring."""
        check = Checker(source)
        top = check.table(data, "", _TOP_KEYS)
        if top["schema_version"] != SCHEMA_VERSION or type(top["schema_version"]) is not int:
            check.fail("schema_version", f"must be {SCHEMA_VERSION}")
        self.labels: tuple[str, ...] = tuple(check.strings(top["labels"], "labels"))
        for i, label in enumerate(self.labels):
            check.text(label, f"labels[{i}]")
        try:
            features = check.table(top["features"], "features", _FEATURE_KEYS)
            self.features = FeatureSettings.from_dict(features)
        except ValueError as e:
            check.fail("features", str(e))
        tfidf = check.table(top["tfidf"], "tfidf", ("sublinear_tf", "norm"))
        if type(tfidf["sublinear_tf"]) is not bool:
            check.fail("tfidf.sublinear_tf", "must be true or false")
        if tfidf["norm"] != "l2":
            check.fail("tfidf.norm", 'must be "l2", the only norm this code computes')
        self._sublinear: bool = tfidf["sublinear_tf"]
        vocabulary = check.strings(top["vocabulary"], "vocabulary")
        self._columns = {feature: j for j, feature in enumerate(vocabulary)}
        self._word_columns: dict[str, tuple[int, ...]] = {}
        self._idf = array("d", check.numbers(top["idf"], "idf", len(vocabulary)))
        if min(self._idf) <= 0:
            check.fail("idf", "must hold positive numbers only")
        coefficients = check.table(top["coefficients"], "coefficients", self.labels)
        self._weights = [self._read_weights(check, label, coefficients) for label in self.labels]
        self.example_labels: dict[str, tuple[str, ...]] = {}
        self._example_counts: list[tuple[str, array[int], array[int]]] = []
        if not isinstance(top["examples"], list):
            check.fail("examples", "must be a list")
        for i, example in enumerate(top["examples"]):
            self._read_example(check, f"examples[{i}]", example)
        self.training = _checked_training(check, top["training"], self.labels)

    def _read_weights(
        self, check: Checker, label: str, coefficients: dict[str, Any]
    ) -> tuple[array[int], float, float]:
        """A label's weights for every column, the power of ten they scale by, its intercept."""
        field, size = f"coefficients.{label}", len(self._idf)
        row = check.table(
            coefficients[label], field, ("intercept", "exponent", "value"), ("index",)
        )
        exponent = row["exponent"]
        if type(exponent) is not int or not -40 <= exponent <= 40:
            check.fail(f"{field}.exponent", "must be a whole number from -40 to 40")
        index, values = check.sparse(row, field, size, WHOLE, "value")
        whole = cast(list[int], values)  # checked: whole numbers only
        if index is None:
            weights = array(_WHOLE, whole)
        else:
            weights = array(_WHOLE, bytes(size * array(_WHOLE).itemsize))
            for j, w in zip(index, whole, strict=True):
                weights[j] = w
        intercept = check.number(row["intercept"], f"{field}.intercept")
        return weights, float(f"1e{exponent}"), intercept

    def _read_example(self, check: Checker, field: str, item: object) -> None:
        example = check.table(item, field, ("id", "labels", "index", "count"))
        example_id = check.text(example["id"], f"{field}.id")
        if example_id in self.example_labels:
            check.fail(f"{field}.id", f"repeats {example_id!r}")
        labels = check.strings(example["labels"], f"{field}.labels", allow_empty=True)
        for unknown in sorted(set(labels) - set(self.labels)):
            check.fail(f"{field}.labels", f"{unknown!r} is not one of the model's labels")
        index, counts = check.sparse(example, field, len(self._idf), WHOLE, "count")
        if counts and min(counts) < 1:
            check.fail(f"{field}.count", "must hold whole numbers from 1 up")
        whole = cast(list[int], counts)  # checked: whole numbers only
        self._example_counts.append((example_id, _compact(index or []), _compact(whole)))
        self.example_labels[example_id] = tuple(labels)

    def to_packed(self) -> Packed:
        """The loaded model as plain data and arrays (``bot.packed``), for a cache:
        ``from_packed`` gives the same model back without parsing or checking the file."""
        examples = self._example_counts
        offsets = [0]
        for _, index, _ in examples:
            offsets.append(offsets[-1] + len(index))
        header = {
            "labels": list(self.labels),
            "features": self.features.to_dict(),
            "sublinear": self._sublinear,
            "vocabulary": list(self._columns),  # in column order
            "scales": [scale for _, scale, _ in self._weights],
            "intercepts": [intercept for _, _, intercept in self._weights],
            "examples": [[i, list(self.example_labels[i])] for i, _, _ in examples],
            "training": self.training,
        }
        arrays: dict[str, array[Any]] = {
            "idf": self._idf,
            "weights": array(_WHOLE, chain.from_iterable(w for w, _, _ in self._weights)),
            "example_offsets": _compact(offsets),
            "example_index": _compact([j for _, index, _ in examples for j in index]),
            "example_counts": _compact([n for _, _, counts in examples for n in counts]),
        }
        return Packed(header, arrays)

    @classmethod
    def from_packed(cls, packed: Packed) -> LinearTextModel:
        """The model ``packed`` was made from (``ValueError`` if its parts don't fit)."""
        header, arrays = packed.header, packed.arrays
        model = cls.__new__(cls)
        model.labels = tuple(str(label) for label in header["labels"])
        model.features = FeatureSettings.from_dict(header["features"])
        model._sublinear = bool(header["sublinear"])
        vocabulary = header["vocabulary"]
        model._columns = {str(feature): j for j, feature in enumerate(vocabulary)}
        model._word_columns = {}
        size = len(vocabulary)
        idf, weights = arrays["idf"], arrays["weights"]
        if idf.typecode != "d" or len(idf) != size or len(model._columns) != size:
            raise ValueError("the idf does not fit the vocabulary")
        if weights.typecode != _WHOLE or len(weights) != size * len(model.labels):
            raise ValueError("the weights do not fit the labels and vocabulary")
        model._idf = idf
        scales, intercepts = header["scales"], header["intercepts"]
        model._weights = [
            (weights[n * size : (n + 1) * size], float(scales[n]), float(intercepts[n]))
            for n in range(len(model.labels))
        ]
        offsets, index, counts = (
            arrays["example_offsets"],
            arrays["example_index"],
            arrays["example_counts"],
        )
        examples = header["examples"]
        if (
            len(offsets) != len(examples) + 1
            or offsets[0] != 0
            or offsets[-1] != len(index)
            or len(counts) != len(index)
            or any(a > b for a, b in pairwise(offsets))
            or (index and max(index) >= size)
        ):
            raise ValueError("the stored examples do not fit together")
        model._example_counts = [
            (str(example_id), index[a:b], counts[a:b])
            for (example_id, _), (a, b) in zip(examples, pairwise(offsets), strict=True)
        ]
        model.example_labels = {str(i): tuple(str(x) for x in labels) for i, labels in examples}
        model.training = dict(header["training"])
        return model

    @property
    def vocabulary_size(self) -> int:
        return len(self._idf)

    def counts(self, text: str) -> dict[int, int]:
        """How often each vocabulary feature occurs in ``text``: column → count, by column."""
        return dict(sorted(self._counted(text).items()))

    def vector(self, text: str) -> dict[int, float]:
        """The text's TF-IDF vector, unit length: column → value, non-zero columns only."""
        return self._unit(self.counts(text).items())

    def _counted(self, text: str) -> Counter[int]:
        """``counts`` in no particular order: the features of ``analyse``, found word by word
        (a word's own features are looked up once and cached) and pair by pair."""
        columns, cache, settings = self._columns, self._word_columns, self.features
        found: Counter[int] = Counter()
        text_words = words(text)
        for word in text_words:
            known = cache.get(word)
            if known is None:
                if len(cache) >= _WORD_CACHE:
                    cache.clear()
                features = word_features(word, settings)
                known = cache[word] = tuple(
                    j for f in features if (j := columns.get(f)) is not None
                )
            found.update(known)
        if settings.word_ngrams == 2:
            get = columns.get
            found.update(j for a, b in pairwise(text_words) if (j := get(f"b:{a} {b}")) is not None)
        return found

    @cached_property
    def _example_vectors(self) -> list[tuple[str, dict[int, float]]]:
        # Made on first use: only explanations need them, and loading stays quick.
        return [
            (example_id, self._unit(zip(index, counts, strict=True)))
            for example_id, index, counts in self._example_counts
        ]

    def _unit(self, counts: Iterable[tuple[int, float]]) -> dict[int, float]:
        idf, sublinear = self._idf, self._sublinear
        raw = {j: (1.0 + math.log(n) if sublinear else float(n)) * idf[j] for j, n in counts}
        norm = math.sqrt(math.fsum(v * v for v in raw.values()))
        return {j: v / norm for j, v in raw.items()} if norm > 0 else {}

    def scores(self, text: str) -> dict[str, float]:
        """Each label's probability for ``text``, in the order of ``labels``."""
        x = self._unit(self._counted(text).items())  # as vector(), unsorted: fsum needs no order
        columns, values = list(x), list(x.values())
        out: dict[str, float] = {}
        for label, (weights, scale, intercept) in zip(self.labels, self._weights, strict=True):
            total = math.fsum(map(operator.mul, map(weights.__getitem__, columns), values))
            z = total * scale + intercept
            out[label] = _sigmoid(z)
        return out

    def nearest(self, text: str, k: int = 3) -> list[Neighbour]:
        """Up to ``k`` stored examples most like ``text``, most similar first (ties by id)."""
        x = self.vector(text)
        found: list[Neighbour] = []
        for example_id, vector in self._example_vectors:
            shared = [v * x[j] for j, v in vector.items() if j in x]
            if shared:
                found.append(Neighbour(example_id, math.fsum(shared)))
        found.sort(key=lambda n: (-n.similarity, n.id))
        return found[:k]


def _checked_training(check: Checker, value: object, labels: tuple[str, ...]) -> dict[str, Any]:
    """Where the model came from: recorded for people, checked for shape only."""
    training = check.table(value, "training", _TRAINING_KEYS)
    digest = training["data_sha256"]
    if not (isinstance(digest, str) and len(digest) == 64 and set(digest) <= _HEX):
        check.fail("training.data_sha256", "must be 64 lower-case hex digits")
    if type(training["examples"]) is not int or training["examples"] < 1:
        check.fail("training.examples", "must be a whole number, at least 1")
    positives = check.table(training["positives"], "training.positives", labels)
    for label, count in positives.items():
        if type(count) is not int or count < 0:
            check.fail(f"training.positives.{label}", "must be a whole number")
    check.mapping(training["settings"], "training.settings")
    for name, version in check.mapping(training["versions"], "training.versions").items():
        check.text(version, f"training.versions.{name}")
    return training


def _sigmoid(z: float) -> float:
    # The same expression as scipy's expit, so the two agree to the last bit.
    try:
        return 1.0 / (1.0 + math.exp(-z))
    except OverflowError:
        return 0.0


def _compact(values: list[int]) -> array[int]:
    if values and min(values) < 0:
        return array(_WHOLE, values)
    top = max(values, default=0)
    for code in _UNSIGNED:
        if top < 2 ** (8 * array(code).itemsize):
            return array(code, values)
    return array(_WHOLE, values)


def load_model(path: Path) -> LinearTextModel:
    """Read and check a model file written by ``train.write_model``."""
    return LinearTextModel(read_json(path), source=str(path))
