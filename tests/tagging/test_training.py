"""Training the theme model: one command, the same bytes each time, new examples picked up,
holdouts refused; and cross-validation floors (figures on answers the model did not see)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sklearn  # noqa: F401  (training needs scikit-learn, a dev dependency: fail, never skip)

from bot.core.errors import DataFileError
from bot.tagging import crossval
from bot.tagging.codebook import load_codebook
from bot.tagging.tagger import Tagger
from bot.tagging.theme_model import ThemeModel
from bot.tagging.train import (
    CODEBOOK,
    FUSION,
    TRAINING_FILES,
    build,
    coded_answers,
    main,
    training_examples,
)
from bot.textmodel.train import canonical_json

# Cross-validation on the dev files when the model was last trained, rounded down.
REAL_CV_MACRO_F1 = 0.72
REAL_CV_MAX_UNTAGGED = 0.08
EVAL_CV_MACRO_F1 = 0.88

SMALL = """schema_version = 2
conventions = ["Code what the answer is about."]
model = "small-model.json"

[[themes]]
id = "moves"
label = "Moves"
description = "Moving home."
include = "Moving home while in care."
exclude = "Moving on from something."
examples = ["They moved me again.", "Bin bags for my stuff.", "Eleven homes by twelve."]
keywords = ["move"]

[[themes]]
id = "school"
label = "School"
description = "School."
include = "Learning and teachers."
exclude = "School only as a setting."
examples = ["My teacher helped me.", "I missed my exams.", "Excluded twice."]
keywords = ["school"]
"""


def test_retraining_gives_the_shipped_model_byte_for_byte() -> None:
    codebook = load_codebook(CODEBOOK)
    assert codebook.model_file is not None
    data = build(codebook, training_examples(codebook))
    assert canonical_json(data) == codebook.model_file.read_text(encoding="utf-8")


def test_the_shipped_model_is_plain_json_trained_on_the_dev_files_and_the_codebook() -> None:
    codebook = load_codebook(CODEBOOK)
    assert codebook.model_file is not None
    data = json.loads(codebook.model_file.read_text(encoding="utf-8"))
    model = ThemeModel(data)
    assert model.labels == codebook.ids
    assert model.fusion == FUSION
    ids = set(data["snippets"])
    assert {"rq-001", "tagging-eval:1", "housing/example-1", "housing/not-1"} <= ids
    assert not any("holdout" in i for i in ids)
    assert not Tagger(codebook).model_is_stale


def test_training_is_one_command_and_check_says_when_the_file_is_stale(tmp_path: Path) -> None:
    (tmp_path / "themes.toml").write_text(SMALL, encoding="utf-8")
    data = tmp_path / "coded.jsonl"
    data.write_text(
        '{"text": "we moved house", "themes": ["moves"]}\n'
        '{"text": "school was hard", "themes": ["school"]}\n',
        encoding="utf-8",
    )
    args = ["--codebook", str(tmp_path / "themes.toml")]
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("bot.tagging.train.TRAINING_FILES", (data,))
        assert main([*args, "--check"], out) == 1
        assert main(args, out) == 0
        first = (tmp_path / "small-model.json").read_bytes()
        assert main([*args, "--check"], out) == 0
        assert main(args, out) == 0
    assert (tmp_path / "small-model.json").read_bytes() == first
    assert "differs: retrain" in out.getvalue() and "up to date" in out.getvalue()


def test_retraining_picks_up_a_new_codebook_example(tmp_path: Path) -> None:
    path = tmp_path / "themes.toml"
    path.write_text(SMALL, encoding="utf-8")
    before = load_codebook(path)
    new = "Packed in a taxi at midnight, again."
    more = SMALL.replace('"Eleven homes by twelve."', f'"Eleven homes by twelve.", "{new}"')
    path.write_text(more, encoding="utf-8")
    after = load_codebook(path)
    old = ThemeModel(build(before, training_examples(before, ())))
    assert Tagger(after, model=old).model_is_stale
    model = ThemeModel(build(after, training_examples(after, ())))
    (nearest,) = model.nearest(new, "moves", k=1)
    assert (nearest.id, nearest.snippet) == ("moves/example-4", new)
    assert not Tagger(after, model=model).model_is_stale


def test_a_holdout_is_never_read_for_training(tmp_path: Path) -> None:
    codebook = load_codebook(CODEBOOK)
    with pytest.raises(DataFileError, match="holdout"):
        coded_answers(tmp_path / "anything-holdout.jsonl", codebook)
    assert not any("holdout" in p.name for p in TRAINING_FILES)


@pytest.fixture(scope="module")
def cv() -> dict[str, dict[str, float]]:
    codebook = load_codebook(CODEBOOK)
    held = crossval.held_out(codebook, TRAINING_FILES)
    results = crossval.cross_validate(codebook, held)
    best = crossval.search_fusion(codebook, held)[0][0]
    figures = {
        r.file: {
            "macro": r.reports["fusion"].macro_f1,
            "untagged": r.reports["fusion"].untagged_share,
        }
        for r in results
    }
    mean = sum(f["macro"] for f in figures.values()) / len(figures)
    figures["search"] = {"best": best, "shipped": mean}
    return figures


def test_cross_validation_on_the_real_quotes_holds(cv: dict[str, dict[str, float]]) -> None:
    assert cv["real-quotes-dev.jsonl"]["macro"] >= REAL_CV_MACRO_F1
    assert cv["real-quotes-dev.jsonl"]["untagged"] <= REAL_CV_MAX_UNTAGGED
    assert cv["tagging-eval.jsonl"]["macro"] >= EVAL_CV_MACRO_F1


def test_the_shipped_fusion_is_the_best_of_the_grid(cv: dict[str, dict[str, float]]) -> None:
    assert cv["search"]["shipped"] == pytest.approx(cv["search"]["best"], abs=0.002)
