from pathlib import Path

import pytest

from bot.core.errors import DataFileError
from bot.tagging.codebook import Codebook, Theme, load_codebook
from bot.tagging.evaluate import LabelledAnswer, evaluate, format_report, load_labelled
from bot.tagging.tagger import Mode, Tagger

ROOT = Path(__file__).parents[2]
SHIPPED = ROOT / "prompts" / "themes.toml"
DEV = ROOT / "tests" / "data" / "tagging-eval.jsonl"
REAL_DEV = ROOT / "tests" / "data" / "real-quotes-dev.jsonl"
HOLDOUT = ROOT / "tests" / "data" / "tagging-holdout.jsonl"

# Measured when the codebook was last tuned (on DEV and REAL_DEV only), rounded down. Raise
# them when tagging improves; never lower them to make an edit pass. The model is trained on
# both dev files, so the whole tagger's figures on them flatter it (0.97 and 0.89): the
# floors that mean something there are the keywords' own, and cross-validation's
# (test_training.py). The holdout is scored by the lead engineer, once per change.
DEV_MACRO_F1 = 0.91
DEV_KEYWORDS_MACRO_F1 = 0.89
REAL_DEV_KEYWORDS_MACRO_F1 = 0.75
HOLDOUT_MACRO_F1 = 0.79  # scored once after the round-two tagger: 0.80 (round one: 0.83)


def macro_f1(path: Path, mode: Mode = "fusion") -> float:
    codebook = load_codebook(SHIPPED)
    tagger = Tagger(codebook, mode=mode)
    return evaluate(load_labelled(path, codebook), tagger, codebook).macro_f1


def test_dev_set_macro_f1_holds() -> None:
    assert macro_f1(DEV) >= DEV_MACRO_F1


def test_keywords_alone_hold_on_both_dev_sets() -> None:
    assert macro_f1(DEV, "keywords") >= DEV_KEYWORDS_MACRO_F1
    assert macro_f1(REAL_DEV, "keywords") >= REAL_DEV_KEYWORDS_MACRO_F1


def test_holdout_set_macro_f1_holds() -> None:
    assert macro_f1(HOLDOUT) >= HOLDOUT_MACRO_F1


def test_labelled_sets_are_big_enough_and_use_every_theme() -> None:
    codebook = load_codebook(SHIPPED)
    dev = load_labelled(DEV, codebook)
    holdout = load_labelled(HOLDOUT, codebook)
    assert len(dev) >= 160
    assert len(holdout) >= 50
    assert set().union(*(a.themes for a in dev)) == set(codebook.ids)
    assert any(not a.themes for a in holdout)


SMALL = Codebook(
    (
        Theme(id="a", label="A", description="d", keywords=("apple",)),
        Theme(id="b", label="B", description="d", keywords=("banana",)),
        Theme(id="c", label="C", description="d", keywords=("cherry",)),
        Theme(id="d", label="D", description="d", keywords=("date",)),
    )
)


def test_scores_and_macro_average_over_active_themes_only() -> None:
    answers = [
        LabelledAnswer("apple", frozenset({"a"})),  # a: tp
        LabelledAnswer("apple banana", frozenset({"a"})),  # a: tp, b: fp
        LabelledAnswer("nothing", frozenset({"a"})),  # a: fn
        LabelledAnswer("plain", frozenset()),  # d is never labelled nor tagged
        LabelledAnswer("cherry", frozenset({"c"})),  # c: tp
    ]
    report = evaluate(answers, Tagger(SMALL), SMALL)
    a, b, c, d = report.scores
    assert (a.tp, a.fp, a.fn, a.support, a.predicted) == (2, 0, 1, 3, 2)
    assert (a.precision, a.recall) == (1.0, 2 / 3)
    assert a.f1 == pytest.approx(0.8)
    assert (b.precision, b.recall, b.f1) == (0.0, 0.0, 0.0)
    assert (c.precision, c.recall, c.f1) == (1.0, 1.0, 1.0)
    assert [s.theme_id for s in report.active] == ["a", "b", "c"]
    assert report.macro_precision == pytest.approx((1.0 + 0.0 + 1.0) / 3)
    assert report.macro_recall == pytest.approx((2 / 3 + 0.0 + 1.0) / 3)
    assert report.macro_f1 == pytest.approx((0.8 + 0.0 + 1.0) / 3)
    assert d.support == d.predicted == 0
    table = format_report(report)
    assert "5 answers" in table
    assert "macro average   0.67    0.56   0.60" in table


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        ('{"text": "a", "themes": []}\n{"text": "b", "themes": [\n', "line 2", "JSON"),
        ('{"text": "a", "themes": ["weather"]}\n', "line 1", "weather"),
        ('\n{"text": "a", "themes": "a"}\n', "line 2", "themes"),
        ('{"themes": []}\n', "line 1", "text"),
    ],
)
def test_bad_labelled_file_names_file_and_line(
    tmp_path: Path, content: str, field: str, words: str
) -> None:
    path = tmp_path / "labelled.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_labelled(path, SMALL)
    assert (info.value.path, info.value.field) == (str(path), field)
    assert words in info.value.problem
