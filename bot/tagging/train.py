"""Training the theme model from the coded answers: one command, same bytes every time.

    python -m bot.tagging.train            # write the model file the codebook names
    python -m bot.tagging.train --check    # retrain in memory; exit 1 if the file differs
    python -m bot.tagging.train --cv       # cross-validation figures (crossval.py)
    python -m bot.tagging.train --speed    # time to load the tagger and to tag an answer

What it learns from (never a holdout: a file whose name says "holdout" is refused):

- ``tests/data/real-quotes-dev.jsonl``: real published words of care-experienced young
  people, coded blind by two coders and settled by a third read;
- ``tests/data/tagging-eval.jsonl``: answers written for testing, coded by hand;
- the codebook's own ``examples`` (each with its theme) and ``not_examples`` (each with the
  themes it does get), so adding an example to the codebook and retraining teaches it.

The model is ``bot.textmodel`` (TF-IDF over words and word pairs; one logistic regression
per theme), fitted with scikit-learn, a development dependency. Every coded answer
is stored for explanations, as feature counts with a short snippet. ``FUSION`` and
``SETTINGS`` were chosen by 5-fold cross-validation on the coded answers (``--cv``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.core.errors import DataFileError
from bot.datafile import SHIPPED_PROMPTS_DIR, read_text_records
from bot.tagging.codebook import Codebook, load_codebook
from bot.tagging.tagger import Tagger
from bot.tagging.theme_model import SCHEMA_VERSION, Fusion, codebook_digest, snippet
from bot.textmodel.features import FeatureSettings
from bot.textmodel.train import Example, TrainSettings, canonical_json, train, write_model

ROOT = SHIPPED_PROMPTS_DIR.parent
CODEBOOK = SHIPPED_PROMPTS_DIR / "themes.toml"
TRAINING_FILES = (
    ROOT / "tests" / "data" / "real-quotes-dev.jsonl",
    ROOT / "tests" / "data" / "tagging-eval.jsonl",
)
SETTINGS = TrainSettings(
    c=3.0, class_weight="balanced", min_df=2, features=FeatureSettings(char_ngrams=None)
)
FUSION = Fusion(keyword_floor=0.0, model_alone=0.7, fallback=0.5)


def coded_answers(path: Path, codebook: Codebook) -> list[tuple[Example, dict[str, Any]]]:
    """The labelled answers of a JSON Lines file as training examples, with their records.

    An example's id is the record's ``id``, or the file's name and line ("tagging-eval:12")."""
    name = str(path)
    if "holdout" in path.name:
        raise DataFileError(name, "(file)", "is a holdout: it is never used for training")
    known = set(codebook.ids)
    out = []
    for at, record in read_text_records(path):
        themes = record.get("themes")
        if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
            raise DataFileError(name, at, '"themes" must be a list of theme ids')
        if unknown := sorted(set(themes) - known):
            raise DataFileError(name, at, f"unknown theme id {unknown[0]!r}")
        given = record.get("id")
        example_id = given if isinstance(given, str) and given else f"{path.stem}:{at[5:]}"
        out.append((Example(id=example_id, text=record["text"], labels=frozenset(themes)), record))
    return out


def codebook_examples(codebook: Codebook) -> list[Example]:
    """The codebook's examples and not-examples, with ids like "housing/example-2"."""
    out = []
    for theme in codebook.themes:
        for n, text in enumerate(theme.examples, start=1):
            out.append(
                Example(id=f"{theme.id}/example-{n}", text=text, labels=frozenset({theme.id}))
            )
        for n, item in enumerate(theme.not_examples, start=1):
            labels = frozenset(item.themes)
            out.append(Example(id=f"{theme.id}/not-{n}", text=item.text, labels=labels))
    return out


def training_examples(codebook: Codebook, files: Sequence[Path] = TRAINING_FILES) -> list[Example]:
    examples = [e for path in files for e, _ in coded_answers(path, codebook)]
    examples += codebook_examples(codebook)
    seen: set[str] = set()
    for e in examples:
        if e.id in seen:
            raise DataFileError("training data", e.id, "the same id twice")
        seen.add(e.id)
    return examples


def build(
    codebook: Codebook,
    examples: Sequence[Example],
    *,
    settings: TrainSettings = SETTINGS,
    fusion: Fusion = FUSION,
) -> dict[str, Any]:
    """The theme model file's contents, ready for ``canonical_json``."""
    model = train(examples, codebook.ids, settings=settings, store=lambda e: True)
    return {
        "schema_version": SCHEMA_VERSION,
        "codebook_sha256": codebook_digest(codebook),
        "fusion": fusion.to_dict(),
        "snippets": {e.id: snippet(e.text) for e in examples},
        "model": model,
    }


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tagging.train", description=__doc__)
    parser.add_argument("--codebook", type=Path, default=CODEBOOK)
    parser.add_argument("--out", type=Path, help="model file (default: the one the codebook names)")
    parser.add_argument("--check", action="store_true", help="compare with the file; write nothing")
    parser.add_argument("--cv", action="store_true", help="print cross-validation figures")
    parser.add_argument("--speed", action="store_true", help="print load and tagging times")
    args = parser.parse_args(argv)
    if args.speed:
        out.write(_speed(args.codebook))
        return 0
    codebook = load_codebook(args.codebook)
    if args.cv:
        from bot.tagging import crossval

        held = crossval.held_out(codebook, TRAINING_FILES)
        out.write(crossval.format_cv(crossval.cross_validate(codebook, held)))
        out.write(crossval.format_search(crossval.search_fusion(codebook, held)[:5]))
        return 0
    target = args.out or codebook.model_file
    if target is None:
        parser.error(f"{args.codebook} names no model file: give --out")
    data = build(codebook, training_examples(codebook, TRAINING_FILES))
    if args.check:
        same = target.is_file() and target.read_text(encoding="utf-8") == canonical_json(data)
        out.write(f"{target}: {'up to date' if same else 'differs: retrain'}\n")
        return 0 if same else 1
    write_model(target, data)
    out.write(f"wrote {target} ({data['model']['training']['examples']} coded answers)\n")
    return 0


def _speed(path: Path, chars: int = 2000, runs: int = 200) -> str:
    """Start-up (codebook and model file) and the median time to tag a ``chars`` answer."""
    start = time.perf_counter()
    codebook = load_codebook(path)
    tagger = Tagger(codebook)
    loaded = time.perf_counter() - start
    words = " ".join(e.text for e in training_examples(codebook, TRAINING_FILES))
    text = words[:chars]
    times = []
    for tag in (tagger.tag_ids, tagger.tag) * runs:
        begin = time.perf_counter()
        tag(text)
        times.append(time.perf_counter() - begin)
    nearest = time.perf_counter()
    for theme_id in codebook.ids:
        tagger.model.nearest(text, theme_id) if tagger.model else None
    per_theme = (time.perf_counter() - nearest) / len(codebook.ids)
    return (
        f"load codebook and model: {loaded * 1000:.0f} ms\n"
        f"tag a {len(text)}-character answer: median {statistics.median(times) * 1000:.2f} ms\n"
        f"coded answers for one tag from the model: {per_theme * 1000:.2f} ms more\n"
    )


if __name__ == "__main__":
    sys.exit(main())
