"""Training with scikit-learn, then scoring in pure Python: the same numbers, every time."""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sklearn.feature_extraction.text as sklearn_text
import sklearn.linear_model as sklearn_linear

from bot.textmodel.features import Analyser, FeatureSettings
from bot.textmodel.model import LinearTextModel, load_model
from bot.textmodel.train import (
    Example,
    TrainSettings,
    canonical_json,
    data_sha256,
    train,
    write_model,
)
from tests.textmodel.sample import LABELS, examples

SETTINGS = TrainSettings(c=2.0)


def _positive(example: Example) -> bool:
    return bool(example.labels)


def _sklearn_probabilities(data: list[Example], settings: TrainSettings) -> Any:
    """scikit-learn's own model, fitted apart from ``train``: one probability column a label."""
    vectoriser = sklearn_text.TfidfVectorizer(
        analyzer=Analyser(settings.features), sublinear_tf=True, min_df=settings.min_df
    )
    x = vectoriser.fit_transform([e.text for e in data])
    columns = []
    for label in LABELS:
        classifier = sklearn_linear.LogisticRegression(
            solver="liblinear", C=settings.c, class_weight=settings.class_weight, random_state=0
        )
        classifier.fit(x, [label in e.labels for e in data])
        columns.append(classifier.predict_proba(x)[:, 1])
    return np.column_stack(columns)


def _sklearn_probabilities_from_file(model: dict[str, Any], texts: list[str]) -> Any:
    """scikit-learn computing with the stored (rounded) parameters."""
    features = FeatureSettings.from_dict(model["features"])
    vectoriser = sklearn_text.TfidfVectorizer(
        analyzer=Analyser(features), sublinear_tf=True, vocabulary=model["vocabulary"]
    )
    vectoriser.fit(texts)
    vectoriser.idf_ = np.array(model["idf"])
    x = vectoriser.transform(texts)
    columns = []
    for label in model["labels"]:
        row = model["coefficients"][label]
        weights = np.zeros(len(model["vocabulary"]))
        weights[row.get("index", slice(None))] = np.array(row["value"]) * 10.0 ** row["exponent"]
        classifier = sklearn_linear.LogisticRegression(solver="liblinear")
        classifier.classes_ = np.array([False, True])
        classifier.coef_ = weights[np.newaxis, :]
        classifier.intercept_ = np.array([row["intercept"]])
        columns.append(classifier.predict_proba(x)[:, 1])
    return np.column_stack(columns)


def _ours(model: LinearTextModel, texts: list[str]) -> Any:
    return np.array([[model.scores(t)[label] for label in model.labels] for t in texts])


@pytest.fixture(scope="module")
def data() -> list[Example]:
    return examples()


@pytest.fixture(scope="module")
def trained(data: list[Example]) -> dict[str, Any]:
    return train(data, LABELS, settings=SETTINGS, store=_positive)


def test_scores_equal_sklearn_on_the_stored_parameters(
    trained: dict[str, Any], data: list[Example]
) -> None:
    texts = [e.text for e in data] + ["ripe apples in cold rain", "nothing known here", ""]
    ours = _ours(LinearTextModel(trained), texts)
    assert np.abs(ours - _sklearn_probabilities_from_file(trained, texts)).max() < 1e-12


def test_rounded_scores_are_within_1e_4_of_sklearns_unrounded_model(
    trained: dict[str, Any], data: list[Example]
) -> None:
    difference = _ours(LinearTextModel(trained), [e.text for e in data]) - _sklearn_probabilities(
        data, SETTINGS
    )
    assert np.abs(difference).max() < 1e-4


def test_finely_rounded_scores_are_within_1e_9_of_sklearn(data: list[Example]) -> None:
    exact = TrainSettings(c=2.0, digits=14)
    model = LinearTextModel(train(data, LABELS, settings=exact, store=_positive))
    difference = _ours(model, [e.text for e in data]) - _sklearn_probabilities(data, exact)
    assert np.abs(difference).max() < 1e-9


def test_the_model_learns_the_labels_of_its_training_texts(
    trained: dict[str, Any], data: list[Example]
) -> None:
    model = LinearTextModel(trained)
    for e in data:
        found = {label for label, p in model.scores(e.text).items() if p > 0.5}
        assert found == e.labels, e


def test_training_twice_writes_byte_identical_files(
    trained: dict[str, Any], data: list[Example], tmp_path: Path
) -> None:
    again = train(list(data), list(LABELS), settings=SETTINGS, store=_positive)
    write_model(tmp_path / "one.json", trained)
    write_model(tmp_path / "two.json", again)
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    assert (tmp_path / "one.json").read_text(encoding="utf-8") == canonical_json(trained)


def test_a_written_model_scores_exactly_as_the_trained_one(
    trained: dict[str, Any], data: list[Example], tmp_path: Path
) -> None:
    write_model(tmp_path / "model.json", trained)
    loaded, fresh = load_model(tmp_path / "model.json"), LinearTextModel(trained)
    for e in data:
        assert loaded.scores(e.text) == fresh.scores(e.text)


def test_the_file_records_its_data_and_libraries(
    trained: dict[str, Any], data: list[Example]
) -> None:
    import sklearn  # type: ignore[import-untyped]

    assert trained["training"]["data_sha256"] == data_sha256(data)
    assert trained["training"]["versions"]["scikit-learn"] == sklearn.__version__
    assert trained["training"]["positives"] == {
        label: sum(label in e.labels for e in data) for label in LABELS
    }
    changed = [
        *data[:-1],
        Example(id=data[-1].id, text=data[-1].text + "!", labels=data[-1].labels),
    ]
    assert data_sha256(changed) != data_sha256(data)


def test_nearest_finds_the_stored_example_a_text_is_like(
    trained: dict[str, Any], data: list[Example]
) -> None:
    model = LinearTextModel(trained)
    target = next(e for e in data if e.labels == {"travel"})
    best = model.nearest(target.text, k=3)
    assert best[0].id == target.id
    assert best[0].similarity == pytest.approx(1.0, abs=1e-6)
    assert len(best) == 3 and best[0].similarity >= best[1].similarity >= best[2].similarity
    assert model.example_labels[target.id] == ("travel",)


def test_nearest_only_offers_stored_examples(trained: dict[str, Any], data: list[Example]) -> None:
    model = LinearTextModel(trained)
    unlabelled = {e.id for e in data if not e.labels}
    assert set(model.example_labels) == {e.id for e in data if e.labels}
    for e in data:
        assert not {n.id for n in model.nearest(e.text, k=50)} & unlabelled


def test_nearest_offers_nothing_for_a_text_with_no_known_feature(
    trained: dict[str, Any],
) -> None:
    assert LinearTextModel(trained).nearest("zzqx", k=3) == []


@pytest.mark.parametrize(
    ("labels", "data", "problem"),
    [
        (["fruit"], [Example(id="a", text="x y", labels=frozenset({"fruit"}))] * 2, "ids"),
        (["fruit", "fruit"], [], "distinct"),
        (["fruit"], [Example(id="a", text="x", labels=frozenset({"veg"}))], "veg"),
        (["fruit"], [Example(id="a", text="x"), Example(id="b", text="y")], "on 0 of 2"),
    ],
)
def test_training_refuses_what_cannot_be_learnt(
    labels: list[str], data: list[Example], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        train(data, labels, settings=SETTINGS, store=_positive)


def test_a_loaded_model_keeps_its_numbers_in_arrays_not_lists(trained: dict[str, Any]) -> None:
    """A 1.5 MB model file's numbers as Python lists took four times the memory: the idf,
    each label's weights and each stored example's columns and counts are arrays, and score
    exactly as the numbers in the file do."""
    model = LinearTextModel(trained, source="<test>")
    assert isinstance(model._idf, array) and list(model._idf) == trained["idf"]
    for label, (weights, _, _) in zip(model.labels, model._weights, strict=True):
        assert isinstance(weights, array)
        stored = trained["coefficients"][label]
        if "index" in stored:
            assert [weights[j] for j in stored["index"]] == stored["value"]
        else:
            assert list(weights) == stored["value"]
    for (_, index, counts), stored in zip(model._example_counts, trained["examples"], strict=True):
        assert isinstance(index, array) and list(index) == stored["index"]
        assert isinstance(counts, array) and list(counts) == stored["count"]
