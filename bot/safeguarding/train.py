"""Training the screen's second opinion from the labelled answers: one command, same bytes.

    python -m bot.safeguarding.train            # write prompts/safeguarding-model.json
    python -m bot.safeguarding.train --check    # retrain in memory; exit 1 if the file differs
    python -m bot.safeguarding.train --cv       # cross-validation figures (crossval.py)
    python -m bot.safeguarding.train --cv-authors   # the same, leaving out one author a fold

What it learns from (the dev sets only, each named exactly; a file whose name says
"holdout" is refused, though ``screen-holdout-2.jsonl`` is a dev set now and is read by this
exact name). The one label is ``hold``:

- ``tests/data/screen-fresh-dev.jsonl`` and ``tests/data/screen-fresh-holdout.jsonl``:
  written by two data authors under the three-outcome policy (the second was scored once as
  a frozen holdout in round two, and is a dev set since). ``hold`` is positive;
  ``inform_lead`` and ``share`` are negative, so the model learns that harm told as past
  and over is not a hold.
- ``tests/data/real-quotes-dev.jsonl``: real published words of care-experienced young
  people. Positive when marked ``current_harm``, else negative: they teach the model the
  register of ordinary answers. Trained on, never stored in the file.
- ``tests/data/screen-eval.jsonl`` and ``tests/data/screen-holdout-2.jsonl``: written under
  the old policy, where harm in the past counted as a disclosure. Their negatives are
  negative. A positive is positive unless its words place it in the past or say it is over
  (the lexicon's ``past`` and ``over`` phrases, as ``DisclosureScreen.frames`` finds them):
  such a one may be ``inform_lead`` now and its old label cannot say, so it is left out.

Only invented answers (the written sets) are stored in the file to explain a hold, as
feature counts with a short snippet; real people's words are not. ``SETTINGS`` and
``THRESHOLD`` were chosen by 5-fold cross-validation on these answers (``--cv``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.core.errors import DataFileError
from bot.datafile import SHIPPED_PROMPTS_DIR, read_text_records
from bot.safeguarding.lexicon import load_lexicon
from bot.safeguarding.screen import DEFAULT_LEXICON, DisclosureScreen
from bot.safeguarding.second_opinion import LABEL, OUTCOMES, SCHEMA_VERSION
from bot.textmodel.train import Example, TrainSettings, canonical_json, train, write_model

DATA = SHIPPED_PROMPTS_DIR.parent / "tests" / "data"
FRESH_DEV = DATA / "screen-fresh-dev.jsonl"
FRESH_SCORED = DATA / "screen-fresh-holdout.jsonl"  # a holdout scored once; dev since round 3
FRESH_SETS = (FRESH_DEV, FRESH_SCORED)
REAL_DEV = DATA / "real-quotes-dev.jsonl"
OLD_DEV = (DATA / "screen-eval.jsonl", DATA / "screen-holdout-2.jsonl")
DEV_HOLDOUT_NAMES = frozenset(
    {"screen-holdout-2.jsonl", "screen-fresh-holdout.jsonl"}
)  # holdouts that became dev sets
MODEL_FILE = SHIPPED_PROMPTS_DIR / "safeguarding-model.json"
SETTINGS = TrainSettings(c=2.0, class_weight="balanced", min_df=2)
THRESHOLD = 0.75
_SNIPPET_WORDS = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class Labelled:
    """One training answer: where it came from, its text and what it should get."""

    id: str  # "screen-fresh-dev#12": the file's name and line
    source: str  # "fresh", "real" or "old"
    text: str
    outcome: str  # hold, inform_lead or share (for the old sets: hold or share)
    categories: tuple[str, ...]
    stored: bool  # kept in the model file to explain holds (invented answers only)
    group: str = ""  # who wrote or gathered it ("brief-A", "G1", "screen-eval"): CV folds

    @property
    def hold(self) -> bool:
        return self.outcome == "hold"

    def example(self) -> Example:
        return Example(id=self.id, text=self.text, labels=frozenset({LABEL} if self.hold else ()))


def fresh_answers(*paths: Path) -> list[Labelled]:
    """The three-outcome answers of ``paths`` (by default ``FRESH_SETS``)."""
    out = []
    for path in paths or FRESH_SETS:
        for at, record in _records(path):
            outcome = record.get("outcome")
            if outcome not in OUTCOMES:
                raise DataFileError(
                    str(path), at, f'"outcome" must be one of {", ".join(OUTCOMES)}'
                )
            out.append(_labelled(path, at, record, "fresh", outcome, stored=True))
    return out


def real_answers(path: Path = REAL_DEV) -> list[Labelled]:
    out = []
    for at, record in _records(path):
        harm = record.get("current_harm")
        if not isinstance(harm, bool):
            raise DataFileError(str(path), at, '"current_harm" must be true or false')
        out.append(_labelled(path, at, record, "real", "hold" if harm else "share", stored=False))
    return out


def old_answers(screen: DisclosureScreen, paths: Sequence[Path] = OLD_DEV) -> list[Labelled]:
    """The old sets' answers, less the disclosures told as past (see the module docstring)."""
    out = []
    for path in paths:
        for at, record in _records(path):
            disclosure = record.get("disclosure")
            if not isinstance(disclosure, bool):
                raise DataFileError(str(path), at, '"disclosure" must be true or false')
            if disclosure and screen.frames(record["text"]):
                continue
            outcome = "hold" if disclosure else "share"
            out.append(_labelled(path, at, record, "old", outcome, stored=True))
    return out


def lexicon_screen() -> DisclosureScreen:
    """The shipped lexicon alone: what training reads frames with and adds holds to."""
    return DisclosureScreen(load_lexicon(DEFAULT_LEXICON))


def training_answers(screen: DisclosureScreen | None = None) -> list[Labelled]:
    """Every answer the model learns from, in a fixed order."""
    screen = screen or lexicon_screen()
    answers = fresh_answers() + real_answers() + old_answers(screen)
    seen: set[str] = set()
    for a in answers:
        if a.id in seen:
            raise DataFileError("training data", a.id, "the same id twice")
        seen.add(a.id)
    return answers


def build(
    answers: Sequence[Labelled],
    *,
    settings: TrainSettings = SETTINGS,
    threshold: float = THRESHOLD,
) -> dict[str, Any]:
    """The second-opinion file's contents, ready for ``canonical_json``."""
    stored = {a.id for a in answers if a.stored}
    model = train(
        [a.example() for a in answers], [LABEL], settings=settings, store=lambda e: e.id in stored
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "threshold": threshold,
        "examples": {
            a.id: {"snippet": snippet(a.text), "outcome": a.outcome, "categories": [*a.categories]}
            for a in answers
            if a.stored
        },
        "model": model,
    }


def snippet(text: str, words: int = _SNIPPET_WORDS) -> str:
    """The opening words of ``text``, with "…" when it goes on ("(blank)" if it has none)."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "") or "(blank)"


def without_versions(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` less the library versions it was trained with (for comparing two builds)."""
    model = dict(data["model"])
    model["training"] = {k: v for k, v in model["training"].items() if k != "versions"}
    return {**data, "model": model}


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.safeguarding.train", description=__doc__)
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="model file to write")
    parser.add_argument("--check", action="store_true", help="compare with the file; write nothing")
    parser.add_argument("--cv", action="store_true", help="print cross-validation figures")
    parser.add_argument(
        "--cv-authors", action="store_true", help="the same, one fold per author or gatherer"
    )
    args = parser.parse_args(argv)
    lexicon_only = lexicon_screen()
    answers = training_answers(lexicon_only)
    if args.cv or args.cv_authors:
        from bot.safeguarding.crossval import cross_validate, format_cv

        report = cross_validate(answers, lexicon_only, by_author=args.cv_authors)
        out.write(format_cv(report))
        return 0
    data = build(answers)
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == canonical_json(data)
        out.write(f"{args.out}: {'up to date' if same else 'differs: retrain'}\n")
        return 0 if same else 1
    write_model(args.out, data)
    training = data["model"]["training"]
    out.write(
        f"wrote {args.out} ({training['examples']} answers, {training['positives'][LABEL]} held,"
        f" {len(data['examples'])} stored to explain)\n"
    )
    return 0


def _records(path: Path) -> list[tuple[str, dict[str, Any]]]:
    if "holdout" in path.name and path.name not in DEV_HOLDOUT_NAMES:
        raise DataFileError(str(path), "(file)", "is a holdout: it is never used for training")
    return list(read_text_records(path))


def _labelled(
    path: Path, at: str, record: dict[str, Any], source: str, outcome: str, *, stored: bool
) -> Labelled:
    categories = record.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise DataFileError(str(path), at, '"categories" must be a list of category ids')
    return Labelled(
        id=f"{path.stem}#{at.removeprefix('line ')}",
        source=source,
        text=record["text"],
        outcome=outcome,
        categories=tuple(categories) if outcome != "share" else (),
        stored=stored,
        group=str(record.get("author") or record.get("gatherer") or path.stem),
    )


if __name__ == "__main__":
    sys.exit(main())
