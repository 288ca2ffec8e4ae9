"""The second opinion: a small text classifier that can only add holds to the lexicon's.

It is a ``bot.textmodel`` model (TF-IDF of words, word pairs and 3-5 letter pieces, then
logistic regression) with one label, ``hold``, trained on the project's labelled answers by
``python -m bot.safeguarding.train``. When the lexicon does not hold an answer and the model's
probability of ``hold`` is at least ``threshold``, the answer is held, and the lead is told
why: the probability and the invented training answers most like it. The screen asks it only
about answers it can read: eight words or more, or a word of the lexicon's in them, counted
or not (``screen``, rule 9); "me" or "busy week" is too little to judge.

The file (``prompts/safeguarding-model.json``, named by ``model`` in ``safeguarding.toml``)
is plain JSON; nothing in it is code, and nothing is unpickled:

    {"schema_version": 1,
     "threshold": 0.75,           # chosen by cross-validation on the dev sets (crossval.py)
     "examples": {"fresh-dev#12": {"snippet": "gave my trainers …", "outcome": "hold",
                                   "categories": ["self-harm"]}},
     "model": { … }}              # a bot.textmodel model with the one label "hold"

``examples`` describes the stored examples the model explains with: invented answers only
(the written test sets), never real people's words, though those are trained on. Loading
checks every field and raises ``DataFileError(file, field, problem)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import packed
from bot.core.errors import DataFileError
from bot.textmodel.model import LinearTextModel
from bot.textmodel.schema import Checker, read_json

SCHEMA_VERSION = 1
LABEL = "hold"
OUTCOMES = ("hold", "inform_lead", "share")
_TOP_KEYS = ("schema_version", "threshold", "examples", "model")
_TEXTMODEL = Path(__file__).resolve().parent.parent / "textmodel"  # what a packed model needs


@dataclass(frozen=True, slots=True)
class Example:
    """A stored training answer near the one being screened."""

    id: str
    snippet: str
    outcome: str  # as labelled: hold, inform_lead or share
    categories: tuple[str, ...]
    similarity: float

    def describe(self) -> str:
        label = self.outcome + (f": {', '.join(self.categories)}" if self.categories else "")
        return f"{self.id} {self.snippet!r} ({label}, {self.similarity:.2f})"


@dataclass(frozen=True, slots=True)
class Opinion:
    """The second opinion on one answer: held (``score >= threshold``) or not, and why."""

    score: float
    threshold: float
    nearest: tuple[Example, ...]

    @property
    def holds(self) -> bool:
        return self.score >= self.threshold

    def why(self) -> str:
        near = "; ".join(e.describe() for e in self.nearest) or "none stored"
        return f"second opinion {self.score:.2f} (holds from {self.threshold:.2f}), nearest: {near}"


class SecondOpinion:
    """A loaded second-opinion file; see the module docstring."""

    def __init__(self, data: object, *, source: str = "<second opinion>") -> None:
        check = Checker(source)
        top = check.table(data, "", _TOP_KEYS)
        if top["schema_version"] != SCHEMA_VERSION or type(top["schema_version"]) is not int:
            check.fail("schema_version", f"must be {SCHEMA_VERSION}")
        threshold = check.number(top["threshold"], "threshold")
        if not 0 < threshold <= 1:
            check.fail("threshold", "must be a number above 0, at most 1")
        self.threshold = float(threshold)
        try:
            self._model = LinearTextModel(top["model"], source=source)
        except DataFileError as e:
            raise DataFileError(source, f"model.{e.field}", e.problem) from e
        if self._model.labels != (LABEL,):
            check.fail("model.labels", f'must be ["{LABEL}"]')
        self._examples = _examples(check, top["examples"], set(self._model.example_labels))

    @classmethod
    def from_file(cls, path: Path, cache_dir: Path | None = None) -> SecondOpinion:
        """The file in ``path``, checked; read from its packed form in ``cache_dir`` when one
        made from these bytes by this code is there (``bot.packed``)."""
        return packed.cached(
            cache_dir,
            "second-opinion",
            {
                "model": packed.file_bytes(path),
                **packed.sources(_TEXTMODEL, Path(__file__)),
            },
            build=lambda: cls(read_json(path), source=str(path)),
            pack=SecondOpinion.to_packed,
            unpack=SecondOpinion.from_packed,
        )

    def to_packed(self) -> packed.Packed:
        model = self._model.to_packed()
        header = {
            "threshold": self.threshold,
            "examples": {i: [s, o, list(c)] for i, (s, o, c) in self._examples.items()},
            "model": model.header,
        }
        return packed.Packed(header, model.arrays)

    @classmethod
    def from_packed(cls, data: packed.Packed) -> SecondOpinion:
        """The second opinion ``packed`` was made from (``ValueError`` if it doesn't fit)."""
        opinion = cls.__new__(cls)
        opinion.threshold = float(data.header["threshold"])
        opinion._model = LinearTextModel.from_packed(
            packed.Packed(data.header["model"], data.arrays)
        )
        opinion._examples = {
            str(i): (str(s), str(o), tuple(str(c) for c in cs))
            for i, (s, o, cs) in data.header["examples"].items()
        }
        if opinion._model.labels != (LABEL,) or set(opinion._examples) != set(
            opinion._model.example_labels
        ):
            raise ValueError("not a second opinion's model")
        return opinion

    @property
    def training(self) -> dict[str, Any]:
        """Where the model came from: examples, positives, settings, library versions."""
        return self._model.training

    def score(self, text: str) -> float:
        """The model's probability that ``text`` should be held."""
        return self._model.scores(text)[LABEL]

    def opinion(self, text: str, k: int = 3) -> Opinion:
        """The score of ``text`` and, when it holds, the ``k`` stored answers most like it."""
        score = self.score(text)
        nearest: tuple[Example, ...] = ()
        if score >= self.threshold:
            nearest = tuple(
                Example(n.id, *self._examples[n.id], round(n.similarity, 2))
                for n in self._model.nearest(text, k)
            )
        return Opinion(score, self.threshold, nearest)


def _examples(
    check: Checker, value: object, stored: set[str]
) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    table = check.mapping(value, "examples")
    if set(table) != stored:
        check.fail("examples", "must describe exactly the model's stored examples")
    out: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for example_id, item in table.items():
        field = f"examples.{example_id}"
        entry = check.table(item, field, ("snippet", "outcome", "categories"))
        snippet = check.text(entry["snippet"], f"{field}.snippet")
        if entry["outcome"] not in OUTCOMES:
            check.fail(f"{field}.outcome", f"must be one of {', '.join(OUTCOMES)}")
        categories = check.strings(entry["categories"], f"{field}.categories", allow_empty=True)
        out[example_id] = (snippet, entry["outcome"], tuple(categories))
    return out


def load_second_opinion(path: Path) -> SecondOpinion:
    """Read and check a second-opinion file; ``DataFileError`` on any problem."""
    return SecondOpinion.from_file(path)
