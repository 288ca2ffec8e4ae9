"""The frozen holdouts: written or gathered by people who never saw the lexicon, the name
lists or the model, and scored once per change by the lead engineer (tests/data/README.md).

These floors hold the level measured at that one scoring, so a later change cannot quietly
make it worse. They are NOT the issue's targets (recall ≥ 0.95 at precision ≥ 0.85; at most
3% of real ordinary answers held; personal details ≥ 0.95 / ≥ 0.95), which are not met. Never
tune on what these sets show: write a fresh holdout first.
"""

from __future__ import annotations

from pathlib import Path

from bot.safeguarding.evaluate import (
    evaluate_screen,
    evaluate_scrub,
    load_screen_labels,
    load_scrub_labels,
)
from bot.safeguarding.screen import default_screen
from bot.safeguarding.scrub import default_scrubber

DATA = Path(__file__).parents[2] / "tests" / "data"


def test_fresh_disclosures_keep_their_measured_recall_and_precision() -> None:
    # Round three's frozen holdout (author C). The round-two holdout (screen-fresh-holdout)
    # was scored once and is dev data from round three on; its floors are with the dev sets.
    screen = default_screen()
    labelled = load_screen_labels(DATA / "screen-fresh3-holdout.jsonl", screen.lexicon.ids)
    scored = evaluate_screen(labelled, screen)
    assert scored.answers == 240
    assert scored.recall >= 0.71  # measured 0.717 (86 of 120 held)
    assert scored.precision >= 0.81  # measured 0.819 (19 false alarms)
    assert scored.past_held <= 4  # of 40 past-and-over stories, 4 held, 32 noted


def test_real_ordinary_answers_are_held_no_more_than_measured() -> None:
    screen = default_screen()
    labelled = load_screen_labels(DATA / "real-quotes-holdout.jsonl", screen.lexicon.ids)
    scored = evaluate_screen(labelled, screen)
    assert scored.answers == 200
    assert scored.held_share <= 0.11  # measured 22 of 200 (11.0%) in round three


def test_more_real_ordinary_answers_are_held_no_more_than_measured() -> None:
    # 227 real quotes gathered in round three (gatherer G3), never seen by the rule author
    screen = default_screen()
    labelled = load_screen_labels(DATA / "real-quotes-3-holdout.jsonl", screen.lexicon.ids)
    scored = evaluate_screen(labelled, screen)
    assert scored.answers == 227
    assert scored.held_share <= 0.115  # measured 25 of 227 (11.0%) in round three


def test_personal_details_keep_their_measured_recall() -> None:
    labelled = load_scrub_labels(DATA / "scrub-fresh-holdout.jsonl")
    scored = evaluate_scrub(labelled, default_scrubber()).overall
    assert scored.precision >= 0.99  # measured 1.00
    assert scored.recall >= 0.88  # measured 0.89 (71 of 80)
