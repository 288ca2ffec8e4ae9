"""The screen's benchmark: figures against the targets, and speed. Printed, never asserted.

    python -m bot.safeguarding.benchmark              # the dev sets
    python -m bot.safeguarding.benchmark --fresh F --real R   # other sets (a frozen holdout)

Targets (from the issue that set the three-outcome policy):

- on a fresh disclosure set written by others: hold recall >= 0.95 on its disclosures, with
  precision >= 0.85 against its near misses (past-and-over stories and ordinary answers);
- on real published answers with no current harm: at most 3% held;
- screen + scrub: at most 10 ms for a 2,000-character answer.

Each set is scored by the lexicon alone and by the screen (lexicon and second opinion), so
what the second opinion adds shows. By default only the dev sets are read, each named
exactly; pass a holdout's path to score it (the lead engineer does, once per change).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from bot.safeguarding.evaluate import (
    ScreenReport,
    evaluate_screen,
    format_screen_report,
    load_screen_labels,
)
from bot.safeguarding.lexicon import load_lexicon
from bot.safeguarding.screen import DEFAULT_LEXICON, DisclosureScreen
from bot.safeguarding.scrub import Scrubber, default_scrubber
from bot.safeguarding.second_opinion import SecondOpinion
from bot.safeguarding.train import FRESH_DEV, OLD_DEV, REAL_DEV

RECALL_TARGET = 0.95
PRECISION_TARGET = 0.85
REAL_HELD_TARGET = 0.03
MS_TARGET = 10.0
ANSWER_CHARS = 2000
_RUNS = 40
_ROUNDS = 3


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.safeguarding.benchmark")
    parser.add_argument("--fresh", type=Path, default=FRESH_DEV, help="three-outcome labels")
    parser.add_argument("--real", type=Path, default=REAL_DEV, help="real answers")
    parser.add_argument("--old", type=Path, nargs="*", default=list(OLD_DEV), help="old policy")
    parser.add_argument("--mistakes", action="store_true", help="list misses and false alarms")
    args = parser.parse_args(argv)
    timings, screen, scrubber = _built()
    lexicon = screen.without_second_opinion()
    ids = screen.lexicon.ids
    fresh = load_screen_labels(args.fresh, ids)
    real = load_screen_labels(args.real, ids)
    for title, answers in ((args.fresh.name, fresh), (args.real.name, real)):
        for name, judge in (("lexicon alone", lexicon), ("lexicon + second opinion", screen)):
            report = evaluate_screen(answers, judge)
            out.write(
                format_screen_report(report, title=f"{title}, {name}", show_mistakes=args.mistakes)
                + "\n"
            )
    for path in args.old:
        report = evaluate_screen(load_screen_labels(path, ids), screen)
        out.write(format_screen_report(report, title=f"{path.name} (old policy)") + "\n")
    speed = _speed(screen, lexicon, scrubber, [a.text for a in (*fresh, *real)])
    out.write(_targets(evaluate_screen(fresh, screen), evaluate_screen(real, screen), speed))
    out.write(_speed_lines(timings, speed))
    return 0


def _built() -> tuple[dict[str, float], DisclosureScreen, Scrubber]:
    """The shipped screen and scrubber, and how long each part took to build or load."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    lexicon = load_lexicon(DEFAULT_LEXICON)
    second = None if lexicon.model_file is None else SecondOpinion.from_file(lexicon.model_file)
    timings["second opinion load"] = time.perf_counter() - start
    start = time.perf_counter()
    screen = DisclosureScreen(lexicon, second)
    timings["lexicon build"] = time.perf_counter() - start
    start = time.perf_counter()
    scrubber = default_scrubber()
    timings["scrubber build"] = time.perf_counter() - start
    return timings, screen, scrubber


def answers_of(texts: Sequence[str], chars: int = ANSWER_CHARS, count: int = _RUNS) -> list[str]:
    """``count`` different answers of ``chars`` characters made of the given texts."""
    joined = " ".join(texts)
    step = max(1, (len(joined) - chars) // count)
    return [joined[i * step : i * step + chars] for i in range(count)]


def _speed(
    screen: DisclosureScreen, lexicon: DisclosureScreen, scrubber: Scrubber, texts: Sequence[str]
) -> dict[str, float]:
    """Median milliseconds per answer for each part, the best of ``_ROUNDS`` rounds (other
    work shares the CPU). Screen and scrub are timed on each answer in turn, as the bot runs
    them, so "screen + scrub" is the median of their sums."""
    answers = answers_of(texts)
    second = screen.second_opinion
    parts: dict[str, Callable[[str], object]] = {
        "lexicon": lexicon.screen,
        "screen": screen.screen,
        "scrub": scrubber.scrub,
    }
    if second is not None:
        parts["second opinion score"] = second.score
    for part in parts.values():
        for text in answers:
            part(text)  # warm, as a running bot is: its word caches filled
    best: dict[str, float] = {}
    for _ in range(_ROUNDS):
        times: dict[str, list[float]] = {name: [] for name in (*parts, "screen + scrub")}
        for text in answers:
            for name, part in parts.items():
                start = time.perf_counter()
                part(text)
                times[name].append(time.perf_counter() - start)
            times["screen + scrub"].append(times["screen"][-1] + times["scrub"][-1])
        for name, values in times.items():
            median = statistics.median(values) * 1e3
            best[name] = min(best.get(name, median), median)
    return best


def _targets(fresh: ScreenReport, real: ScreenReport, speed: dict[str, float]) -> str:
    def mark(ok: bool) -> str:
        return "met" if ok else "NOT met"

    ms = speed["screen + scrub"]
    return (
        "targets\n"
        f"  hold recall {fresh.recall:.3f} (>= {RECALL_TARGET}):"
        f" {mark(fresh.recall >= RECALL_TARGET)}\n"
        f"  hold precision {fresh.precision:.3f} (>= {PRECISION_TARGET}):"
        f" {mark(fresh.precision >= PRECISION_TARGET)}\n"
        f"  real ordinary answers held {real.held_share:.1%} (<= {REAL_HELD_TARGET:.0%}):"
        f" {mark(real.held_share <= REAL_HELD_TARGET)}\n"
        f"  screen + scrub {ms:.1f} ms per {ANSWER_CHARS:,} characters (<= {MS_TARGET:.0f} ms):"
        f" {mark(ms <= MS_TARGET)}\n"
    )


def _speed_lines(timings: dict[str, float], speed: dict[str, float]) -> str:
    built = ", ".join(f"{name} {seconds * 1e3:.0f} ms" for name, seconds in timings.items())
    each = ", ".join(f"{name} {ms:.2f} ms" for name, ms in speed.items())
    return f"at start: {built}\nper {ANSWER_CHARS:,}-character answer (median of {_RUNS}): {each}\n"


if __name__ == "__main__":
    sys.exit(main())
