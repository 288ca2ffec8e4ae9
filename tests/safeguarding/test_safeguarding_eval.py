import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from bot.core.errors import DataFileError
from bot.safeguarding.evaluate import (
    LabelledPii,
    LabelledScreening,
    ScreenReport,
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
FRESH_DEV = DATA / "screen-fresh-dev.jsonl"
# Scored once as a frozen holdout in round two; read and tuned on since (a dev set now).
FRESH_SCORED = DATA / "screen-fresh-holdout.jsonl"
REAL_DEV = DATA / "real-quotes-dev.jsonl"
DEMO_ANSWERS = Path(__file__).parents[2] / "prompts" / "demo-answers.toml"
SCRUB = DATA / "scrub-eval.jsonl"

# Floors for the DEV sets only, measured when the lexicon and the second opinion were last
# changed (rounded down). Raise them when screening improves; never lower them to make an
# edit pass. The frozen holdouts are scored by the lead engineer, who adds their floors.
#
# screen-fresh-dev.jsonl, three-outcome labels by two data authors (tuned on):
FRESH_RECALL = 0.97  # measured 0.976 (80 of 82 holds; round two 0.988)
FRESH_PRECISION = 0.92  # measured 0.941 (5 false alarms, all shared answers)
FRESH_INFORM_LEAD = 0.95  # measured 1.00: all 34 past-and-over stories noted, none held
# screen-fresh-holdout.jsonl, the same authors, dev since round three (the second opinion is
# trained on it, so these are not a measure of unseen text: see tests/data/README.md):
FRESH_SCORED_RECALL = 0.96  # measured 0.967 (87 of 90)
FRESH_SCORED_PRECISION = 0.92  # measured 0.926 (7 false alarms)
FRESH_SCORED_PAST_HELD_AT_MOST = 1  # measured 1 of 26 past-and-over stories held
# real-quotes-dev.jsonl, real published words with no current harm (tuned on):
REAL_HELD_AT_MOST = 4  # measured 4 of 297 (1.3%); the target is at most 3%
# screen-eval.jsonl and screen-holdout-2.jsonl were labelled under the old policy, where
# harm in the past counted as a disclosure: "flagged" (held or noted for the lead) is
# compared with their labels. Both are dev sets now.
OLD_FLAGGED_RECALL = 0.99  # screen-eval, each split: measured 1.00
OLD_FLAGGED_PRECISION = 0.99  # measured 1.00
HOLDOUT_2_FLAGGED_RECALL = 0.98  # measured 0.989 (90 of 91)
HOLDOUT_2_FLAGGED_PRECISION = 0.95  # measured 0.957 (4 false alarms)
# The demo answers describe no harm (they are shown in public): most must flow as normal.
DEMO_HELD_AT_MOST = 4  # measured 3 of 160
SCRUB_PRECISION = 1.00
SCRUB_RECALL = 0.98
# The scrubber's fresh dev set (scrub-fresh-dev.jsonl). Restored after the screen's floors
# were rewritten in the same block: measured 1.00 and 1.00; the scrubber's author owns these.
SCRUB_FRESH_DEV = DATA / "scrub-fresh-dev.jsonl"
SCRUB_FRESH_DEV_PRECISION = 1.00
SCRUB_FRESH_DEV_RECALL = 0.98


def report(path: Path, split: str | None = None) -> ScreenReport:
    screen = default_screen()
    answers = load_screen_labels(path, screen.lexicon.ids)
    return evaluate_screen([a for a in answers if split in (None, a.split)], screen)


def test_fresh_dev_holds_what_is_harm_now_and_notes_what_is_past() -> None:
    fresh = report(FRESH_DEV)
    assert fresh.recall >= FRESH_RECALL
    assert fresh.precision >= FRESH_PRECISION
    assert fresh.inform_lead_accuracy >= FRESH_INFORM_LEAD
    assert fresh.past_held <= 1


def test_the_once_scored_fresh_set_holds_what_is_harm_now() -> None:
    scored = report(FRESH_SCORED)
    assert scored.recall >= FRESH_SCORED_RECALL
    assert scored.precision >= FRESH_SCORED_PRECISION
    assert scored.past_held <= FRESH_SCORED_PAST_HELD_AT_MOST


def test_real_ordinary_answers_are_rarely_held() -> None:
    real = report(REAL_DEV)
    assert real.ordinary == 297
    assert real.fp <= REAL_HELD_AT_MOST, real.false_alarms


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_old_sets_disclosures_are_still_held_or_noted(split: str) -> None:
    old = report(SCREEN, split)
    assert old.old_policy == old.answers
    assert old.flagged_recall >= OLD_FLAGGED_RECALL
    assert old.flagged_precision >= OLD_FLAGGED_PRECISION


def test_second_old_set_disclosures_are_still_held_or_noted() -> None:
    old = report(HOLDOUT_2)
    assert old.flagged_recall >= HOLDOUT_2_FLAGGED_RECALL
    assert old.flagged_precision >= HOLDOUT_2_FLAGGED_PRECISION


def test_second_holdout_is_big_enough_and_covers_the_old_categories() -> None:
    answers = load_screen_labels(HOLDOUT_2, default_screen().lexicon.ids)
    assert len(answers) >= 120
    assert 0.5 <= sum(a.disclosure for a in answers) / len(answers) <= 0.7
    old_ids = set(default_screen().lexicon.ids) - {"bullying"}
    assert set().union(*(a.categories for a in answers)) == old_ids


def test_fresh_dev_set_has_the_three_outcomes() -> None:
    answers = load_screen_labels(FRESH_DEV, default_screen().lexicon.ids)
    outcomes = Counter(a.outcome for a in answers)
    assert outcomes == {"hold": 82, "inform_lead": 34, "share": 54}
    assert all(a.categories for a in answers if a.outcome != "share")
    assert not any(a.old_policy for a in answers)


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


def test_scrub_precision_and_recall_hold_on_the_fresh_dev_set() -> None:
    report = evaluate_scrub(load_scrub_labels(SCRUB_FRESH_DEV), default_scrubber())
    assert report.overall.precision >= SCRUB_FRESH_DEV_PRECISION
    assert report.overall.recall >= SCRUB_FRESH_DEV_RECALL
    for kind in report.kinds:
        if kind.labelled:  # every kind: names, schools and handles were the weak ones
            assert kind.recall >= 0.9, kind


def test_labelled_screen_set_is_big_enough_and_balanced() -> None:
    answers = load_screen_labels(SCREEN, default_screen().lexicon.ids)
    assert len(answers) >= 220
    old_ids = set(default_screen().lexicon.ids) - {"bullying"}
    for split in ("dev", "holdout"):
        part = [a for a in answers if a.split == split]
        share = sum(a.disclosure for a in part) / len(part)
        assert 0.4 <= share <= 0.6
        labelled = set().union(*(a.categories for a in part))
        assert labelled == old_ids
    assert all(a.categories for a in answers if a.disclosure)


def test_labelled_scrub_set_is_big_enough_and_spans_are_tight() -> None:
    answers = load_scrub_labels(SCRUB)
    assert len(answers) >= 110
    assert any(not a.spans for a in answers)
    for answer in answers:
        for span in answer.spans:
            quoted = answer.text[span.start : span.end]
            assert quoted == quoted.strip()


def test_screen_scores_count_misses_false_alarms_and_past_stories() -> None:
    lexicon = parse_lexicon(
        "test",
        {
            "schema_version": 1,
            "cues": ["i"],
            "distancing": ["report"],
            "past": ["used to"],
            "categories": [
                {"id": "a", "label": "A", "description": "d", "phrases": ["apple"]},
                {"id": "b", "label": "B", "description": "d", "phrases": ["banana"]},
            ],
        },
    )
    answers = [
        LabelledScreening("apple", "hold", frozenset({"a"})),  # tp, a found
        LabelledScreening("banana", "hold", frozenset({"a"})),  # tp, a held but not found
        LabelledScreening("nothing", "hold", frozenset({"b"})),  # fn
        LabelledScreening("apple pie", "share"),  # fp
        LabelledScreening("plain", "share"),  # tn
        LabelledScreening("i used to eat an apple", "inform_lead", frozenset({"a"})),  # noted
        LabelledScreening("i used to eat apples, i eat an apple", "inform_lead"),  # fp, held
        LabelledScreening("banana", "hold", old_policy=True),  # flagged, right
        LabelledScreening("i used to eat a banana", "share", old_policy=True),  # flagged, wrong
    ]
    report = evaluate_screen(answers, DisclosureScreen(lexicon))
    assert (report.tp, report.fp, report.fn, report.tn) == (3, 2, 1, 3)
    assert (report.recall, report.precision) == (3 / 4, 3 / 5)
    assert (report.ordinary, report.held_share) == (5, 2 / 5)
    assert (report.past, report.past_noted, report.past_held, report.noted) == (2, 1, 1, 2)
    assert (report.flag_tp, report.flag_fp, report.flag_fn) == (1, 1, 0)
    a, b = report.categories
    assert (a.support, a.found, a.held, a.noted, a.recall) == (3, 2, 2, 1, 2 / 3)
    assert (b.support, b.found, b.held) == (1, 0, 0)
    assert report.missed == ("nothing",)
    table = format_screen_report(report, title="t", show_mistakes=True)
    assert "recall 0.75  precision 0.60" in table
    assert "past and over: 2 labelled, noted 1 (50%), held 1, shared 0" in table
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
        ('{"text": "a", "outcome": "maybe"}\n', "line 1", "one of hold"),
        ('{"text": "a", "outcome": "share", "categories": ["abuse"]}\n', "line 1", "not a"),
        ('{"text": "a"}\n', "line 1", "current_harm"),
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
