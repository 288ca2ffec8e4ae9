"""The screen's benchmark runs on the dev sets and prints its figures against the targets.
Speed is printed, never asserted: machines differ."""

import io

import pytest

from bot.safeguarding import benchmark


def test_benchmark_prints_the_targets_and_speed(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert benchmark.main([], out) == 0
    text = out.getvalue()
    for line in ("hold recall", "hold precision", "real ordinary answers held", "screen + scrub"):
        assert f"  {line} " in text
    assert "screen-fresh-dev.jsonl, lexicon + second opinion" in text
    assert "holdout" not in text.replace("screen-holdout-2", "")  # only dev sets by default
    with capsys.disabled():
        print("\n" + text[text.index("targets") :], end="")


def test_answers_for_timing_have_the_asked_length() -> None:
    answers = benchmark.answers_of([f"answer {n}" for n in range(500)], chars=300, count=5)
    assert len(answers) == 5
    assert all(len(a) == 300 for a in answers)
    assert len(set(answers)) == 5
