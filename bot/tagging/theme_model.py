"""The theme model file: a trained text model, how its scores join the keywords, and short
snippets of the coded answers it shows as explanations.

The file (``prompts/themes-model.json``, named by the codebook's ``model`` key) is plain JSON
written by ``python -m bot.tagging.train``; nothing in it is code, and nothing is unpickled.

    {"schema_version": 1,
     "codebook_sha256": "…",      # what training read from the codebook (codebook_digest)
     "fusion": {"keyword_floor": 0.15, "model_alone": 0.8, "fallback": 0.5},
     "snippets": {"rq-001": "It was a lot of responsibility leaving care at 16, going …"},
     "model": { … }}              # a bot.textmodel model: TF-IDF and logistic regression

``fusion`` holds the three numbers that decide how the model's probabilities join the
keywords (see ``tagger.py``); they were chosen by cross-validation on the coded answers.
Loading checks every field and raises ``DataFileError(file, field, problem)``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import packed
from bot.core.errors import DataFileError
from bot.tagging.codebook import Codebook
from bot.textmodel.model import LinearTextModel
from bot.textmodel.schema import read_json

SCHEMA_VERSION = 1
_TOP_KEYS = frozenset({"schema_version", "codebook_sha256", "fusion", "snippets", "model"})
_FUSION_KEYS = ("keyword_floor", "model_alone", "fallback")
_TEXTMODEL = Path(__file__).resolve().parent.parent / "textmodel"  # what a packed model needs


@dataclass(frozen=True, slots=True, kw_only=True)
class Fusion:
    """How model probabilities (0 to 1) join the keywords; see ``tagger.py``."""

    keyword_floor: float  # a keyword tag is held back when the model gives its theme less
    model_alone: float  # the model tags a theme with no keyword from this probability up
    fallback: float  # an answer with no tag gets the model's likeliest theme from this up

    def to_dict(self) -> dict[str, float]:
        return {key: getattr(self, key) for key in _FUSION_KEYS}


@dataclass(frozen=True, slots=True)
class CodedExample:
    """A coded answer near the one being tagged: its id, its opening words, how alike."""

    id: str
    snippet: str
    similarity: float


class ThemeModel:
    """A loaded theme model file; see the module docstring."""

    def __init__(self, data: object, *, source: str = "<theme model>") -> None:
        if not isinstance(data, dict):
            raise DataFileError(source, "(top level)", "must be a JSON object")
        for key in data:
            if key not in _TOP_KEYS:
                raise DataFileError(source, key, f"unknown key; expected one of {_expected()}")
        for key in sorted(_TOP_KEYS - set(data)):
            raise DataFileError(source, key, "is required")
        if data["schema_version"] != SCHEMA_VERSION or type(data["schema_version"]) is not int:
            raise DataFileError(source, "schema_version", f"must be {SCHEMA_VERSION}")
        digest = data["codebook_sha256"]
        if not (isinstance(digest, str) and len(digest) == 64):
            raise DataFileError(source, "codebook_sha256", "must be 64 hexadecimal digits")
        self.codebook_sha256: str = digest
        self.fusion = _fusion(source, data["fusion"])
        snippets = data["snippets"]
        if not isinstance(snippets, dict) or not all(isinstance(v, str) for v in snippets.values()):
            raise DataFileError(source, "snippets", "must map example ids to text")
        self._snippets: dict[str, str] = snippets
        try:
            self._model = LinearTextModel(data["model"], source=source)
        except DataFileError as e:
            raise DataFileError(source, f"model.{e.field}", e.problem) from e

    def to_packed(self) -> packed.Packed:
        """The loaded file as plain data and arrays, for ``load_theme_model``'s cache."""
        model = self._model.to_packed()
        header = {
            "codebook_sha256": self.codebook_sha256,
            "fusion": self.fusion.to_dict(),
            "snippets": self._snippets,
            "model": model.header,
        }
        return packed.Packed(header, model.arrays)

    @classmethod
    def from_packed(cls, data: packed.Packed) -> ThemeModel:
        """The theme model ``to_packed`` was given (``ValueError`` if it doesn't fit)."""
        header = data.header
        theme_model = cls.__new__(cls)
        theme_model.codebook_sha256 = str(header["codebook_sha256"])
        theme_model.fusion = Fusion(**{key: float(header["fusion"][key]) for key in _FUSION_KEYS})
        theme_model._snippets = {str(k): str(v) for k, v in header["snippets"].items()}
        theme_model._model = LinearTextModel.from_packed(
            packed.Packed(header["model"], data.arrays)
        )
        return theme_model

    @property
    def labels(self) -> tuple[str, ...]:
        return self._model.labels

    @property
    def training(self) -> dict[str, Any]:
        """Where the model came from: examples, positives per theme, settings, versions."""
        return self._model.training

    def scores(self, text: str) -> dict[str, float]:
        """Each theme's probability for ``text``."""
        return self._model.scores(text)

    def nearest(self, text: str, theme_id: str, k: int = 2) -> tuple[CodedExample, ...]:
        """Up to ``k`` coded answers with ``theme_id`` most like ``text``, most alike first."""
        labels = self._model.example_labels
        found = [
            CodedExample(n.id, self._snippets.get(n.id, ""), round(n.similarity, 3))
            for n in self._model.nearest(text, k=len(labels))
            if theme_id in labels[n.id]
        ]
        return tuple(found[:k])


def load_theme_model(path: Path, cache_dir: Path | None = None) -> ThemeModel:
    """Read and check a theme model file; ``DataFileError`` on any problem. With
    ``cache_dir``, read from its packed form there when one made from these bytes by this
    code is there (``bot.packed``)."""
    return packed.cached(
        cache_dir,
        "theme-model",
        {"model": packed.file_bytes(path), **packed.sources(_TEXTMODEL, Path(__file__))},
        build=lambda: ThemeModel(read_json(path), source=str(path)),
        pack=ThemeModel.to_packed,
        unpack=ThemeModel.from_packed,
    )


def codebook_digest(codebook: Codebook) -> str:
    """The sha256 of what training reads from a codebook: theme ids and their examples.

    A model whose ``codebook_sha256`` differs was trained before the examples last changed:
    it still works, and retraining picks the new examples up.
    """
    data = [
        [t.id, list(t.examples), [[n.text, list(n.themes)] for n in t.not_examples]]
        for t in codebook.themes
    ]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def snippet(text: str, words: int = 14) -> str:
    """The opening words of ``text``, with "…" when it goes on."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _fusion(source: str, value: object) -> Fusion:
    if not isinstance(value, dict) or set(value) != set(_FUSION_KEYS):
        raise DataFileError(source, "fusion", f"must have exactly {', '.join(_FUSION_KEYS)}")
    for key in _FUSION_KEYS:
        number = value[key]
        if type(number) not in (int, float) or not 0 <= number <= 1.01:
            raise DataFileError(source, f"fusion.{key}", "must be a number from 0 to 1.01")
    return Fusion(**{key: float(value[key]) for key in _FUSION_KEYS})


def _expected() -> str:
    return ", ".join(sorted(_TOP_KEYS))
