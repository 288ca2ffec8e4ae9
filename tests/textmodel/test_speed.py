"""How fast a theme-tagger-sized model loads and scores: printed, not asserted (machines
differ). The model is made up, not trained, so the test needs no scikit-learn."""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.textmodel.features import FeatureSettings, analyse
from bot.textmodel.model import LinearTextModel, load_model
from bot.textmodel.train import write_model

FEATURES = 20_000
LABELS = [f"theme-{n:02d}" for n in range(19)]


def _words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ca", "re", "so", "ci", "al", "wor", "ker", "ho", "me", "sch", "ool", "fri"]
    syllables += ["end", "mo", "ney", "lea", "ving", "pla", "ce", "ment", "ta", "lk", "ing"]
    return ["".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(count)]


def _text(rng: random.Random, lexicon: list[str], chars: int) -> str:
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < chars:
        out.append(lexicon[int(len(lexicon) * rng.random() ** 2)])  # frequent words first
    return " ".join(out)[:chars]


def _made_up_model(rng: random.Random, lexicon: list[str]) -> dict[str, Any]:
    settings = FeatureSettings()
    df = Counter(f for _ in range(3000) for f in set(analyse(_text(rng, lexicon, 300), settings)))
    vocabulary = sorted(f for f, _ in df.most_common(FEATURES))
    columns = {f: j for j, f in enumerate(vocabulary)}

    def number() -> float:
        return float(f"{rng.gauss(0, 0.5):.6g}")

    def weight() -> int:
        return round(rng.gauss(0, 0.5) * 1e7)  # weights around 0.5 kept to 1e-7

    examples = []
    for n in range(100):
        vector = Counter(
            columns[f] for f in analyse(_text(rng, lexicon, 200), settings) if f in columns
        )
        index = sorted(vector)
        stored = {"index": index, "count": [vector[j] for j in index]}
        examples.append({"id": f"ex{n}", "labels": [rng.choice(LABELS)], **stored})
    return {
        "schema_version": 1,
        "labels": LABELS,
        "features": settings.to_dict(),
        "tfidf": {"sublinear_tf": True, "norm": "l2"},
        "vocabulary": vocabulary,
        "idf": [float(f"{1 + 7 * rng.random():.6g}") for _ in vocabulary],
        "coefficients": {
            label: {"intercept": number(), "exponent": -7, "value": [weight() for _ in vocabulary]}
            for label in LABELS
        },
        "examples": examples,
        "training": {
            "data_sha256": "0" * 64,
            "examples": 3000,
            "positives": dict.fromkeys(LABELS, 100),
            "settings": {},
            "versions": {},
        },
    }


def _timed(action: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def test_speed_of_a_theme_sized_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(0)
    lexicon = _words(rng, 4000)
    path = tmp_path / "model.json"
    write_model(path, _made_up_model(rng, lexicon))
    loads = _timed(lambda: load_model(path), 5)
    model: LinearTextModel = load_model(path)
    text = _text(rng, lexicon, 2000)
    scoring = _timed(lambda: model.scores(text), 20)
    nearest = _timed(lambda: model.nearest(text, 3), 20)
    assert model.vocabulary_size == FEATURES and len(model.scores(text)) == len(LABELS)
    size, load = path.stat().st_size / 1e6, statistics.median(loads) * 1e3
    score, near = statistics.median(scoring) * 1e3, statistics.median(nearest) * 1e3
    with capsys.disabled():
        print(
            f"\ntextmodel speed: {FEATURES} features, {len(LABELS)} labels, 100 stored examples,"
            f" {size:.1f} MB: load {load:.0f} ms; for 2,000 characters scores {score:.1f} ms,"
            f" nearest {near:.1f} ms (medians)"
        )
