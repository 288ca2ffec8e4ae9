"""Reading a model file: the maths on a model small enough to check by hand, and every kind
of malformed file failing with a DataFileError that names the field."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import DataFileError
from bot.textmodel.model import LinearTextModel, Neighbour, load_model

TINY: dict[str, Any] = {
    "schema_version": 1,
    "labels": ["pets", "dogs"],
    "features": {"version": 1, "word_ngrams": 1, "char_ngrams": None},
    "tfidf": {"sublinear_tf": True, "norm": "l2"},
    "vocabulary": ["w:cat", "w:dog"],
    "idf": [1.0, 2.0],
    "coefficients": {
        "pets": {"intercept": -1.0, "exponent": -1, "value": [20, 5]},  # 2.0 and 0.5
        "dogs": {"intercept": 0.5, "exponent": 0, "index": [1], "value": [3]},
    },
    "examples": [
        {"id": "cat-only", "labels": ["pets"], "index": [0], "count": [3]},
        {"id": "both", "labels": ["pets", "dogs"], "index": [0, 1], "count": [1, 1]},
    ],
    "training": {
        "data_sha256": "0" * 64,
        "examples": 2,
        "positives": {"pets": 2, "dogs": 1},
        "settings": {},
        "versions": {},
    },
}


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_scores_follow_the_documented_maths() -> None:
    cat, dog = (1 + math.log(2)) * 1.0, 1.0 * 2.0  # "cat" twice, "dog" once; tf times idf
    norm = math.hypot(cat, dog)
    cat, dog = cat / norm, dog / norm
    scores = LinearTextModel(TINY).scores("Cat cat DOG mouse")
    assert list(scores) == ["pets", "dogs"]
    assert scores["pets"] == pytest.approx(_sigmoid(2.0 * cat + 0.5 * dog - 1.0), abs=1e-15)
    assert scores["dogs"] == pytest.approx(_sigmoid(3.0 * dog + 0.5), abs=1e-15)


def test_a_text_with_no_known_feature_gets_the_intercepts() -> None:
    scores = LinearTextModel(TINY).scores("mouse")
    assert scores == {"pets": _sigmoid(-1.0), "dogs": _sigmoid(0.5)}


def test_nearest_is_cosine_similarity_with_the_stored_examples_tf_idf_vectors() -> None:
    model = LinearTextModel(TINY)
    both_cat, both_dog = 1.0 / math.sqrt(5), 2.0 / math.sqrt(5)  # (1 * 1, 1 * 2) made unit
    assert model.nearest("cat", k=5) == [Neighbour("cat-only", 1.0), Neighbour("both", both_cat)]
    assert model.nearest("dog dog", k=5) == [Neighbour("both", both_dog)]
    assert model.nearest("cat", k=1) == [Neighbour("cat-only", 1.0)]
    [(best, similarity)] = model.nearest("cat dog", k=1)
    assert best == "both" and similarity == pytest.approx(1.0, abs=1e-15)
    assert model.example_labels == {"cat-only": ("pets",), "both": ("pets", "dogs")}


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """Changes the model at a dotted path (numbers index lists); ``...`` deletes the key."""

    def change(model: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = model
        for p in parents:
            target = target[p]
        if value is ...:
            del target[last]
        else:
            target[last] = value

    return change


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_set("schema_version", 2), "schema_version"),
        (_set("idf", ...), "idf"),
        (_set("extra", 1), "extra"),
        (_set("labels", []), "labels"),
        (_set("labels", ["pets", "pets"]), "labels[1]"),
        (_set("labels", ["pets", ""]), "labels[1]"),
        (_set("features.version", 99), "features"),
        (_set("features.colour", "red"), "features.colour"),
        (_set("tfidf.norm", "l1"), "tfidf.norm"),
        (_set("tfidf.sublinear_tf", "yes"), "tfidf.sublinear_tf"),
        (_set("vocabulary", ["w:cat", 7]), "vocabulary[1]"),
        (_set("vocabulary", ["w:cat", "w:cat"]), "vocabulary[1]"),
        (_set("idf", [1.0]), "idf"),
        (_set("idf", [1.0, "2"]), "idf[1]"),
        (_set("idf", [1.0, 0.0]), "idf"),
        (_set("idf", [1.0, None]), "idf[1]"),
        (_set("coefficients.dogs", ...), "coefficients.dogs"),
        (_set("coefficients.cats", {}), "coefficients.cats"),
        (_set("coefficients.pets.value", [20, True]), "coefficients.pets.value[1]"),
        (_set("coefficients.pets.value", [20, 0.5]), "coefficients.pets.value[1]"),
        (_set("coefficients.pets.value", [20, 2**60]), "coefficients.pets.value"),
        (_set("coefficients.pets.value", [20]), "coefficients.pets.value"),
        (_set("coefficients.pets.exponent", ...), "coefficients.pets.exponent"),
        (_set("coefficients.pets.exponent", -1.0), "coefficients.pets.exponent"),
        (_set("coefficients.pets.exponent", 99), "coefficients.pets.exponent"),
        (_set("coefficients.pets.intercept", "high"), "coefficients.pets.intercept"),
        (_set("coefficients.pets.weights", []), "coefficients.pets.weights"),
        (_set("coefficients.dogs.index", [2]), "coefficients.dogs.index"),
        (_set("coefficients.dogs.index", [1.0]), "coefficients.dogs.index[0]"),
        (_set("coefficients.dogs.index", None), "coefficients.dogs.index"),
        (_set("coefficients.dogs.index", [1, 1]), "coefficients.dogs.index"),
        (_set("coefficients.dogs.value", [1.0, 2.0]), "coefficients.dogs.value"),
        (_set("examples", {}), "examples"),
        (_set("examples.0.id", ""), "examples[0].id"),
        (_set("examples.1.id", "cat-only"), "examples[1].id"),
        (_set("examples.0.labels", ["cats"]), "examples[0].labels"),
        (_set("examples.0.index", ...), "examples[0].index"),
        (_set("examples.1.index", [1, 0]), "examples[1].index"),
        (_set("examples.1.count", [1]), "examples[1].count"),
        (_set("examples.1.count", [1, 0]), "examples[1].count"),
        (_set("examples.1.count", [1, 1.5]), "examples[1].count[1]"),
        (_set("examples.1.value", [1, 1]), "examples[1].value"),
        (_set("training.data_sha256", "abc"), "training.data_sha256"),
        (_set("training.versions", []), "training.versions"),
        (_set("training.versions.numpy", 2), "training.versions.numpy"),
        (_set("training.examples", 0), "training.examples"),
        (_set("training.positives.dogs", ...), "training.positives.dogs"),
        (_set("training.positives.dogs", -1), "training.positives.dogs"),
        (_set("training.settings", None), "training.settings"),
        (_set("training.notes", "x"), "training.notes"),
    ],
)
def test_a_malformed_model_names_the_field(
    change: Callable[[dict[str, Any]], None], field: str, tmp_path: Path
) -> None:
    model = copy.deepcopy(TINY)
    change(model)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_model(path)
    assert (caught.value.path, caught.value.field) == (str(path), field)


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b'{"labels": [', "(syntax)"),
        (b'{"a": 1, "a": 2}', "(syntax)"),
        (b'{"idf": [NaN]}', "(syntax)"),
        (b"[]", "(top level)"),
        (b"\xff\xfe{}", "(file)"),
    ],
)
def test_a_file_that_is_not_a_model_object_is_refused(
    content: bytes, field: str, tmp_path: Path
) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(content)
    with pytest.raises(DataFileError) as caught:
        load_model(path)
    assert caught.value.field == field


def test_an_overflowing_number_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(TINY).replace('"idf": [1.0, 2.0]', '"idf": [1.0, 1e999]'))
    with pytest.raises(DataFileError) as caught:
        load_model(path)
    assert caught.value.field == "idf[1]"


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as caught:
        load_model(tmp_path / "absent.json")
    assert caught.value.field == "(file)"


def test_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(TINY).encode())
    assert load_model(path).labels == ("pets", "dogs")
