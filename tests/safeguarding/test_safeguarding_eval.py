import json
import tomllib
from pathlib import Path

import pytest

from bot.core.errors import DataFileError
from bot.safeguarding.evaluate import (
    LabelledPii,
    LabelledScreening,
    evaluate_screen,
    evaluate_scrub,
    format_screen_report,
    format_scrub_report,
    load_screen_labels,
    load_scrub_labels,
)
from bot.safeguarding.lexicon import parse_lexicon
from bot.safeguarding.screen import DisclosureScreen, default_screen
from bot.safeguarding.scrub import FirstNames, PiiSpan, Scrubber, default_scrubber

DATA = Path(__file__).parents[2] / "tests" / "data"
SCREEN = DATA / "screen-eval.jsonl"
HOLDOUT_2 = DATA / "screen-holdout-2.jsonl"
DEMO_ANSWERS = Path(__file__).parents[2] / "prompts" / "demo-answers.toml"
SCRUB = DATA / "scrub-eval.jsonl"

# Measured when the lexicon was last edited (on dev only), rounded down. Raise them when
# screening improves; never lower them to make an edit pass, and never tune on the holdout.
DEV_RECALL = 0.95  # measured 1.00; a missed disclosure is the worst failure
DEV_PRECISION = 0.98  # measured 0.98 once the concern layer held what it is unsure about
# The "holdout" split of screen-eval.jsonl scored recall 0.73 when it was fresh. Its misses
# were read while the concern layer was built, so it is a dev slice now (measured 1.00).
HOLDOUT_RECALL = 0.95
HOLDOUT_PRECISION = 1.00
# screen-holdout-2.jsonl was written before the concern layer and run once, at the end,
# untouched since. These are its first-run figures, rounded down. See tests/data/README.md.
HOLDOUT_2_RECALL = 0.96  # measured 0.967 (88 of 91)
HOLDOUT_2_PRECISION = 0.83  # measured 0.838 (17 false alarms)
# The demo answers describe no harm (they are shown in public): most must flow as normal.
DEMO_HELD_AT_MOST = 7  # measured 7 of 160 (it was 2 before the concern layer)
SCRUB_PRECISION = 1.00
SCRUB_RECALL = 0.98


def screen_split(split: str) -> tuple[float, float]:
    screen = default_screen()
    answers = [a for a in load_screen_labels(SCREEN, screen.lexicon.ids) if a.split == split]
    report = evaluate_screen(answers, screen)
    return report.recall, report.precision


def test_dev_recall_and_precision_hold() -> None:
    recall, precision = screen_split("dev")
    assert recall >= DEV_RECALL
    assert precision >= DEV_PRECISION


def test_holdout_recall_and_precision_hold() -> None:
    recall, precision = screen_split("holdout")
    assert recall >= HOLDOUT_RECALL
    assert precision >= HOLDOUT_PRECISION


def test_second_holdout_recall_and_precision_hold() -> None:
    screen = default_screen()
    report = evaluate_screen(load_screen_labels(HOLDOUT_2, screen.lexicon.ids), screen)
    assert report.recall >= HOLDOUT_2_RECALL
    assert report.precision >= HOLDOUT_2_PRECISION


def test_second_holdout_is_big_enough_and_covers_every_category() -> None:
    answers = load_screen_labels(HOLDOUT_2, default_screen().lexicon.ids)
    assert len(answers) >= 120
    assert 0.5 <= sum(a.disclosure for a in answers) / len(answers) <= 0.7
    assert set().union(*(a.categories for a in answers)) == set(default_screen().lexicon.ids)


def test_demo_answers_mostly_flow_as_normal() -> None:
    with DEMO_ANSWERS.open("rb") as f:
        answers = [a["text"] for a in tomllib.load(f)["answers"]]
    assert len(answers) == 160
    held = [text for text in answers if default_screen().screen(text).disclosure]
    assert len(held) <= DEMO_HELD_AT_MOST, held


def test_scrub_precision_and_recall_hold() -> None:
    report = evaluate_scrub(load_scrub_labels(SCRUB), default_scrubber())
    assert report.overall.precision >= SCRUB_PRECISION
    assert report.overall.recall >= SCRUB_RECALL


def test_labelled_screen_set_is_big_enough_and_balanced() -> None:
    answers = load_screen_labels(SCREEN, default_screen().lexicon.ids)
    assert len(answers) >= 220
    for split in ("dev", "holdout"):
        part = [a for a in answers if a.split == split]
        share = sum(a.disclosure for a in part) / len(part)
        assert 0.4 <= share <= 0.6
        labelled = set().union(*(a.categories for a in part))
        assert labelled == set(default_screen().lexicon.ids)
    assert all(a.categories for a in answers if a.disclosure)


def test_labelled_scrub_set_is_big_enough_and_spans_are_tight() -> None:
    answers = load_scrub_labels(SCRUB)
    assert len(answers) >= 110
    assert any(not a.spans for a in answers)
    for answer in answers:
        for span in answer.spans:
            quoted = answer.text[span.start : span.end]
            assert quoted == quoted.strip()


def test_screen_scores_count_misses_and_false_alarms() -> None:
    lexicon = parse_lexicon(
        "test",
        {
            "schema_version": 1,
            "cues": ["i"],
            "distancing": ["report"],
            "categories": [
                {"id": "a", "label": "A", "description": "d", "phrases": ["apple"]},
                {"id": "b", "label": "B", "description": "d", "phrases": ["banana"]},
            ],
        },
    )
    answers = [
        LabelledScreening("apple", True, frozenset({"a"})),  # tp, a found
        LabelledScreening("banana", True, frozenset({"a"})),  # tp, a held but not found
        LabelledScreening("nothing", True, frozenset({"b"})),  # fn
        LabelledScreening("apple pie", False, frozenset()),  # fp
        LabelledScreening("plain", False, frozenset()),  # tn
    ]
    report = evaluate_screen(answers, DisclosureScreen(lexicon))
    assert (report.tp, report.fp, report.fn, report.tn) == (2, 1, 1, 1)
    assert (report.recall, report.precision) == (2 / 3, 2 / 3)
    a, b = report.categories
    assert (a.support, a.found, a.held, a.recall) == (2, 1, 2, 0.5)
    assert (b.support, b.found, b.held) == (1, 0, 0)
    assert report.missed == ("nothing",)
    table = format_screen_report(report, title="t", show_mistakes=True)
    assert "recall 0.67  precision 0.67" in table
    assert "MISSED  nothing" in table


def test_scrub_scores_count_overlapping_spans_of_the_same_kind() -> None:
    scrubber = Scrubber(FirstNames(frozenset({"sam"}), frozenset()))
    text = "Mr Patel and sam, ring 07911 123456"
    answers = [
        LabelledPii(
            text,
            (
                PiiSpan(3, 8, "name"),  # found by the wider "Mr Patel"
                PiiSpan(13, 16, "name"),
                PiiSpan(23, 35, "address"),  # wrong kind: the phone is a phone
            ),
        )
    ]
    report = evaluate_scrub(answers, scrubber)
    name = next(k for k in report.kinds if k.kind == "name")
    phone = next(k for k in report.kinds if k.kind == "phone")
    address = next(k for k in report.kinds if k.kind == "address")
    assert (name.predicted, name.correct, name.labelled, name.found) == (2, 2, 2, 2)
    assert (phone.precision, address.recall) == (0.0, 0.0)
    assert (report.overall.precision, report.overall.recall) == (2 / 3, 2 / 3)
    assert "overall" in format_scrub_report(report)


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        ('{"text": "a", "disclosure": false}\n{"text": "b"\n', "line 2", "JSON"),
        ('{"text": "a", "disclosure": "yes"}\n', "line 1", "true or false"),
        ('{"text": "a", "disclosure": true, "categories": ["weather"]}\n', "line 1", "weather"),
        ('{"text": "a", "disclosure": false, "categories": ["abuse"]}\n', "line 1", "not a"),
    ],
)
def test_bad_screen_labels_name_file_and_line(
    tmp_path: Path, content: str, field: str, words: str
) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_screen_labels(path, default_screen().lexicon.ids)
    assert (info.value.path, info.value.field) == (str(path), field)
    assert words in info.value.problem


@pytest.mark.parametrize(
    ("span", "words"),
    [
        ({"start": 0, "end": 9, "kind": "name"}, "outside"),
        ({"start": 0, "end": 1, "kind": "postcode"}, "unknown kind"),
        ({"start": 0, "end": 1}, "each span"),
    ],
)
def test_bad_scrub_labels_name_file_and_line(
    tmp_path: Path, span: dict[str, object], words: str
) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps({"text": "abc", "pii": [span]}) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_scrub_labels(path)
    assert info.value.field == "line 1"
    assert words in info.value.problem
