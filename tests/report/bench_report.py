"""Benchmark: a report over 20 sessions × 500 answers (10,000 answers, 2,000 reactions per
session), read from a real SQLite store through the engine, rendered in every format.

    .venv/bin/python -m tests.report.bench_report

Prints the time and peak Python memory (tracemalloc) of building the report (digests
included) and of rendering it. Not collected by pytest (the file name is not test_*).
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import open_runtime
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.core.records import SessionRecord, SessionStatus
from bot.digest.render import DigestFormat
from bot.report.render import render_report
from bot.report.select import Selection

SESSIONS = 20
ANSWERS = 500
PEOPLE = 100
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
TEXTS = (
    "my social worker keeps changing and I have to start again",
    "school was hard after every move",
    "finding a flat when you leave care is scary",
    "nobody listened to what I wanted",
    "I miss my brother and only see him twice a year",
    "people treat you differently when they find out",
)


async def main() -> None:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_path=Path(tmp) / "bench.db",
            prompts_dir=DEFAULT_PROMPTS_DIR,
            identity_key=b"bench-key-0123456789",
        )
        async with open_runtime(settings) as runtime:
            store, engine = runtime.store, runtime.engine
            themes = list(engine.theme_labels)
            filled = time.perf_counter()
            for s in range(SESSIONS):
                session = SessionRecord(
                    id=f"bench{s:02d}",
                    platform="local",
                    channel_id=f"room-{s}",
                    question_set_id="case-for-change",
                    status=SessionStatus.OPEN,
                    current_question=1,
                    started_at=START + timedelta(days=s),
                    closed_at=None,
                    label=f"Workshop {s + 1}",
                )
                await store.create_session(session)
                people = [
                    await store.consent_participant(
                        session.id, f"key-{s}-{p}", [f"Alias {p}"], b"sealed"
                    )
                    for p in range(PEOPLE)
                ]
                for a in range(ANSWERS):
                    answer = await store.record_answer(
                        answer_id=f"{session.id}-a{a}",
                        session_id=session.id,
                        question_number=1 + a % 3,
                        participant=people[a % PEOPLE],
                        text=rng.choice(TEXTS),
                        auto_tags=[(rng.choice(themes), "bench")],
                        quote_ok=a % 2 == 0,
                    )
                    for r in range(4):
                        who = people[(a + r + 1) % PEOPLE]
                        await store.set_reaction(answer.id, who.id, "👍", True)
                await store.close_session(session.id, START + timedelta(days=s, hours=1))
            filled = time.perf_counter() - filled
            names = tuple(f"Workshop {s + 1}" for s in range(SESSIONS))
            began = time.perf_counter()  # the first report tags every answer once
            await engine.reports.report(Selection(names=names))
            first = time.perf_counter() - began
            tracemalloc.start()
            began = time.perf_counter()
            report = await engine.reports.report(Selection(names=names))
            built = time.perf_counter() - began
            _, peak_build = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            began = time.perf_counter()
            sizes = {f.value: len(render_report(report, f)) for f in DigestFormat}
            rendered = time.perf_counter() - began
            _, peak_render = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    print(f"store filled: {SESSIONS} sessions × {ANSWERS} answers in {filled:.1f} s")
    print(f"first report (tags 10,000 answers with the codebook once): {first:.2f} s")
    print(f"report built (20 digests + report): {built:.2f} s, peak {peak_build / 2**20:.1f} MiB")
    print(f"rendered 5 formats: {rendered:.2f} s, peak {peak_render / 2**20:.1f} MiB")
    print("file sizes: " + ", ".join(f"{k} {v // 1024} KiB" for k, v in sizes.items()))
    print(f"themes: {len(report.themes)}, workshops: {len(report.workshops)}")


if __name__ == "__main__":
    asyncio.run(main())
