"""How long a 15,000-answer digest takes, and how much memory, in every format.

A synthetic session is written straight into a fresh SQLite file (through the store's schema,
so the read is the real query): 600 people present (540 answered, 60 only reacted), the six
``case-for-change`` questions, answers from ``prompts/demo-answers.toml`` made distinct, a
quarter with no theme, a fifth not quotable, about five reactions each from the real palettes,
25 held for the safeguarding lead. Then, each step on its own: reading the session from the
store, building the digest, and rendering it in each format. Time is wall-clock (best of
``--repeat``). Peak memory is how far the resident set grew during the step (Linux's
high-water mark, reset first, in a forked copy of the process, so C libraries such as lxml
behind python-docx are counted too, but memory Python had already reserved and freed is not)
and the peak of what Python allocated (``tracemalloc``, in another forked copy: it sees no C
library's memory). Then the whole job as the bot does it, in a fresh process of its own:
``Digests.files`` (read, build, render every format, all the files held at once, as they
are sent), its wall-clock time and that process's peak resident size (the interpreter and
its libraries included). The last line is this (benchmark) process's peak resident size.

    make bench                      # or: python -m bench.digest [--answers N] [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import DEFAULT_PROMPTS_DIR
from bot.core.records import AnswerForDigest, SessionAttendance, SessionRecord
from bot.digest.build import build_digest
from bot.digest.delivery import Digests
from bot.digest.model import Digest
from bot.digest.render import DigestFormat, render
from bot.questions.loader import load_question_sets
from bot.tagging.codebook import load_codebook
from db.sqlite import SqliteStore

SESSION = "bench1"
QUESTION_SET = "case-for-change"


def populate(path: Path, answers: int, seed: int = 7) -> None:
    """A closed session with ``answers`` answers, written in a few transactions."""
    rng = random.Random(seed)
    question_set = load_question_sets(DEFAULT_PROMPTS_DIR)[QUESTION_SET]
    theme_ids = load_codebook(DEFAULT_PROMPTS_DIR / "themes.toml").ids
    with (DEFAULT_PROMPTS_DIR / "demo-answers.toml").open("rb") as f:
        texts = [a["text"] for a in tomllib.load(f)["answers"]]
    people = 600
    answering = int(people * 0.9)
    started = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    ended = (started + timedelta(hours=2)).isoformat()
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO sessions (id, platform, channel_id, question_set_id, status,"
            " current_question, started_at, closed_at, label) VALUES (?, 'local', 'c',"
            " ?, 'closed', 6, ?, ?, 'Benchmark, 3 Dec')",
            (SESSION, QUESTION_SET, started.isoformat(), ended),
        )
        db.executemany(
            "INSERT INTO participants (id, session_id, person_key, alias, consented)"
            " VALUES (?, ?, ?, ?, 1)",
            [(p, SESSION, f"key-{p}", f"Person {p}") for p in range(1, people + 1)],
        )
        rows, tags, reactions = [], [], []
        for n in range(answers):
            answer_id = f"{rng.getrandbits(40):010x}"
            question = n % len(question_set.questions) + 1
            writer = rng.randint(1, answering)
            status = "held" if n < 25 else "shown"
            text = f"{rng.choice(texts)} ({n})"
            rows.append(
                (answer_id, SESSION, question, writer, text, status, int(rng.random() > 0.2))
            )
            if rng.random() > 0.25:
                for theme in rng.sample(theme_ids, rng.choice((1, 1, 2))):
                    tags.append((answer_id, theme, "bench"))
            if status == "shown":
                palette = question_set.question(question).palette
                for person in rng.sample(range(1, people + 1), rng.randint(0, 10)):
                    reactions.append((answer_id, person, rng.choice(palette).emoji))
        db.executemany(
            "INSERT INTO answers (id, session_id, question_number, participant_id, text,"
            " status, quote_ok) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.executemany(
            "INSERT INTO answer_tags (answer_id, theme_id, origin, active, evidence)"
            " VALUES (?, ?, 'auto', 1, ?)",
            tags,
        )
        db.executemany(
            "INSERT OR IGNORE INTO reactions (answer_id, participant_id, emoji) VALUES (?, ?, ?)",
            reactions,
        )


async def read(path: Path) -> tuple[SessionRecord, list[AnswerForDigest], SessionAttendance]:
    store = await SqliteStore.open(path)
    try:
        session = await store.session(SESSION)
        assert session is not None
        return (
            session,
            await store.answers_for_session(SESSION),
            await store.session_attendance(SESSION),
        )
    finally:
        await store.close()


def measure(step: Callable[[], Any], repeat: int) -> tuple[float, float, float, Any]:
    """(best seconds, resident growth MB, Python peak MB, the step's result)."""
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        best = min(best, time.perf_counter() - start)
    return best, _in_a_fork(step, _resident_growth), _in_a_fork(step, _python_peak), result


def _resident_growth(step: Callable[[], Any]) -> float:
    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
    before = _status_kb("VmRSS")
    step()
    return (_status_kb("VmHWM") - before) / 1e3


def _python_peak(step: Callable[[], Any]) -> float:
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def _in_a_fork(step: Callable[[], Any], how: Callable[[Callable[[], Any]], float]) -> float:
    """``how(step)`` in a copy of this process, so no step inherits another's memory."""
    if not hasattr(os, "fork") or not Path("/proc/self/clear_refs").exists():
        return how(step) if how is _python_peak else float("nan")
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report, leave without any cleanup
        answer = b"nan"
        try:
            answer = str(how(step)).encode()
        finally:
            os.write(writer, answer)
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return float(answer)


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.digest", description=__doc__)
    parser.add_argument("--answers", type=int, default=15_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per step (best kept)")
    parser.add_argument("--one-process", type=Path, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args(argv)
    if args.one_process:
        return _one_process(args.one_process)
    question_set = load_question_sets(DEFAULT_PROMPTS_DIR)[QUESTION_SET]
    codebook = load_codebook(DEFAULT_PROMPTS_DIR / "themes.toml")
    labels = {t.id: t.label for t in codebook.themes}
    with tempfile.TemporaryDirectory(prefix="consultbot-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        asyncio.run(_create(path))
        populate(path, args.answers)
        seconds, rss, heap, (session, answers, attendance) = measure(
            lambda: asyncio.run(read(path)), args.repeat
        )
        results = [("read from SQLite", seconds, rss, heap, "")]
        seconds, rss, heap, digest = measure(
            lambda: build_digest(session, question_set, answers, labels, attendance=attendance),
            args.repeat,
        )
        results.append(("build", seconds, rss, heap, ""))
        for fmt in DigestFormat:
            seconds, rss, heap, data = measure(_renderer(digest, fmt), args.repeat)
            size = f"{len(data) / 1e6:.1f} MB"
            results.append((f"render {fmt.value}", seconds, rss, heap, size))
        whole = [_in_a_fresh_process(path) for _ in range(args.repeat)]
    _report(digest, results)
    seconds, rss = min(whole)
    print(
        f"{'one process':<18} {seconds:>7.2f}s {rss:>8.1f} MiB peak resident"
        " (Digests.files: read, build, every format)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(f"peak resident size of the benchmark process: {rss:.0f} MiB")
    return 0


def _in_a_fresh_process(path: Path) -> tuple[float, float]:
    """(seconds, peak resident MiB) of ``Digests.files`` in a new interpreter."""
    argv = [sys.executable, "-m", "bench.digest", "--one-process", str(path)]
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    seconds, rss = done.stdout.split()
    return float(seconds), float(rss)


def _one_process(path: Path) -> int:
    """The child of ``_in_a_fresh_process``: every file of the digest, as the bot makes them."""
    codebook = load_codebook(DEFAULT_PROMPTS_DIR / "themes.toml")
    question_sets = load_question_sets(DEFAULT_PROMPTS_DIR)

    async def files() -> int:
        store = await SqliteStore.open(path)
        try:
            digests = Digests(
                store=store,
                question_sets=question_sets,
                theme_labels={t.id: t.label for t in codebook.themes},
                audit=_NoAudit(),
            )
            made = await digests.files(SESSION)
            return sum(len(f.content) for f in made)
        finally:
            await store.close()

    start = time.perf_counter()
    asyncio.run(files())
    seconds = time.perf_counter() - start
    # Not ru_maxrss: Linux carries the parent's over exec, so it would count the benchmark's.
    print(seconds, _status_kb("VmHWM") / 1024)
    return 0


class _NoAudit:
    async def audit(self, who: str, action: str, subject: str = "", detail: str = "") -> None:
        return None


async def _create(path: Path) -> None:
    store = await SqliteStore.open(path)  # migrates a new file to the current schema
    await store.close()


def _renderer(digest: Digest, fmt: DigestFormat) -> Callable[[], bytes]:
    return lambda: render(digest, fmt)


def _report(digest: Digest, results: list[tuple[str, float, float, float, str]]) -> None:
    facts = digest.facts
    print(
        f"Digest of {digest.answer_count:,} answers (+{facts.with_lead} with the lead), "
        f"{digest.participant_count} people present, {len(digest.questions)} questions, "
        f"{len(digest.themes)} themes; Python {sys.version.split()[0]}"
    )
    print(f"{'step':<18} {'time':>8} {'resident +':>11} {'Python peak':>12} {'file':>8}")
    for name, seconds, rss, heap, size in results:
        print(f"{name:<18} {seconds:>7.2f}s {rss:>8.1f} MB {heap:>9.1f} MB {size:>8}")
    total = sum(seconds for _, seconds, _, _, _ in results)
    print(f"{'all of it':<18} {total:>7.2f}s")


if __name__ == "__main__":
    raise SystemExit(main())
