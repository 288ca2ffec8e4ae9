"""A theme model written by hand, so the fusion rules can be tested without scikit-learn.

Two themes, one word each: "bags" speaks for ``moves`` and "teacher" for ``school``. A
text's vector has unit length, so a text with the word (and no other known word) gets
``z = weight + intercept``; any other text gets ``z = intercept``.
"""

from __future__ import annotations

from typing import Any

from bot.tagging.codebook import Codebook, Theme
from bot.tagging.theme_model import Fusion, ThemeModel, codebook_digest
from bot.textmodel.features import FEATURES_VERSION

MOVES = Theme(
    id="moves", label="Moves", description="d", keywords=("move",), examples=("I moved.",) * 3
)
SCHOOL = Theme(id="school", label="School", description="d", keywords=("exam",))
AREA = Theme(id="area", label="Area", description="d", keywords=("postcode",))  # not modelled
CODEBOOK = Codebook((MOVES, SCHOOL, AREA))


def model_data(
    *,
    fusion: Fusion,
    bags: float = 8.0,
    teacher: float = 8.0,
    intercept: float = -4.0,
    codebook: Codebook = CODEBOOK,
) -> dict[str, Any]:
    labels = ["moves", "school"]
    return {
        "schema_version": 1,
        "codebook_sha256": codebook_digest(codebook),
        "fusion": fusion.to_dict(),
        "snippets": {"ex1": "my bags were packed again", "ex2": "my teacher helped"},
        "model": {
            "schema_version": 1,
            "labels": labels,
            "features": {"version": FEATURES_VERSION, "word_ngrams": 1, "char_ngrams": None},
            "tfidf": {"sublinear_tf": True, "norm": "l2"},
            "vocabulary": ["w:bags", "w:teacher"],
            "idf": [1.0, 1.0],
            "coefficients": {
                "moves": {"intercept": intercept, "exponent": -2, "value": [round(bags * 100), 0]},
                "school": {
                    "intercept": intercept,
                    "exponent": -2,
                    "value": [0, round(teacher * 100)],
                },
            },
            "examples": [
                {"id": "ex1", "labels": ["moves"], "index": [0], "count": [2]},
                {"id": "ex2", "labels": ["school"], "index": [1], "count": [1]},
            ],
            "training": {
                "data_sha256": "0" * 64,
                "examples": 2,
                "positives": {"moves": 1, "school": 1},
                "settings": {},
                "versions": {"python": "3.11"},
            },
        },
    }


def theme_model(**kwargs: Any) -> ThemeModel:
    return ThemeModel(model_data(**kwargs), source="<sample>")
