"""The real-register holdout: real published words of care-experienced young people, coded
blind by two coders and settled by a third read, never read while the codebook or the model
were made.

The targets (macro-F1 0.70, at most 10% with no theme, no theme with 8 or more examples below
F1 0.50) are NOT met. Scored once after the round-two tagger: macro-F1 0.48 (round one 0.40),
14% with no theme; identity-culture 0.20, housing 0.40, stigma 0.43 with 8 or more examples.
These floors hold that measured level so a change cannot quietly make it worse; they are
not the targets. Never tune on what this file shows: write a fresh holdout first.

A second real-register holdout, ``real-quotes-3-holdout.jsonl`` (227 quotes from 103 pages
gathered in round three by a third gatherer, coded blind by two more coders, kappa 0.94,
30 settled by a third read), was scored once with the same round-two tagger, which had never
seen it: macro-F1 0.54, 17% with no theme; leaving-care 0.51, mental-health 0.56,
safety-protection 0.42 (10 examples), identity-culture 0.47. Training on it as well was tried
and dropped: on the first holdout it left macro-F1 at 0.48 and raised "no theme" to 16%.
"""

from __future__ import annotations

from pathlib import Path

from bot.tagging.codebook import load_codebook
from bot.tagging.evaluate import EvalReport, evaluate, load_labelled
from bot.tagging.tagger import Tagger

ROOT = Path(__file__).parents[2]
HOLDOUT = ROOT / "tests" / "data" / "real-quotes-holdout.jsonl"
SECOND_HOLDOUT = ROOT / "tests" / "data" / "real-quotes-3-holdout.jsonl"
MACRO_F1 = 0.47
MAX_UNTAGGED = 0.15
THEME_F1 = 0.19  # for every theme with at least THEME_SUPPORT coded examples
THEME_SUPPORT = 8


def _report(path: Path = HOLDOUT) -> EvalReport:
    codebook = load_codebook(ROOT / "prompts" / "themes.toml")
    return evaluate(load_labelled(path, codebook), Tagger(codebook), codebook)


def test_real_holdout_keeps_its_measured_level() -> None:
    report = _report()
    assert report.macro_f1 >= MACRO_F1
    assert report.untagged_share <= MAX_UNTAGGED
    weak = [s.theme_id for s in report.scores if s.support >= THEME_SUPPORT and s.f1 < THEME_F1]
    assert weak == []


def test_second_real_holdout_keeps_its_measured_level() -> None:
    report = _report(SECOND_HOLDOUT)
    assert report.answers == 227
    assert report.macro_f1 >= 0.53  # measured 0.54
    assert report.untagged_share <= 0.175  # measured 39 of 227 (17.2%)
    weak = [s.theme_id for s in report.scores if s.support >= THEME_SUPPORT and s.f1 < 0.40]
    assert weak == []  # measured: the weakest with 8 or more examples, safety-protection 0.42
