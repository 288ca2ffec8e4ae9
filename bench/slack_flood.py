"""Slack flood: thousands of answers sent at a steady rate, consultbot against the bare app.

The same two child processes and fake Slack as ``bench.slack_burst``; here the submissions
are sent open-loop at ``rate`` a second (each at its own planned moment, whatever the replies
are doing), so a slow app builds a queue instead of slowing the sender. Measured: the rate
actually sent, ack p50/p99 and the ratio to bare, acks past Slack's 3 s, the thanks within
2 s of its answer (share and p99), answers acknowledged but not in the database, and the
time from the last answer sent until every acknowledged answer was committed (the bench
reads the SQLite file while the bot runs).

    python -m bench.slack_flood [--answers 3000] [--rate 300]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.slack_burst import (
    CONSULTBOT,
    SECRET,
    Child,
    TimedSlack,
    bare_form,
    consultbot_env,
    free_port,
    open_forms,
    people,
    percentile,
    start_child,
)
from tests.fakes.slack_server import SlackRequests

FORM = "application/x-www-form-urlencoded"


@dataclass
class FloodResult:
    sent_rate: float
    acks: list[float]
    thanks: list[float]
    late_acks: int
    acknowledged: list[str]
    lost: int | None = None
    settle: float | None = None  # last answer sent → all acknowledged answers committed


async def flood(
    fake: TimedSlack,
    slack: SlackRequests,
    forms: Mapping[str, Mapping[str, Any]],
    rate: float,
    database: Path | None,
) -> FloodResult:
    fake.thanked.clear()
    sent: dict[str, float] = {}
    acks: list[float] = []
    acknowledged: list[str] = []
    late = 0

    async def submit(user: str, n: int, at: float) -> None:
        nonlocal late
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        text = f"flood answer number {n} about what would make things better"
        payload = slack.view_submission_payload(
            user_id=user, view=forms[user], values={"answer": {"text": text}}
        )
        sent[user] = time.perf_counter()
        try:
            reply = await slack.post(urlencode({"payload": json.dumps(payload)}), FORM)
        except Exception:  # a refused or dropped request: not acknowledged
            return
        took = time.perf_counter() - sent[user]
        acks.append(took)
        late += took > 3.0
        if reply.status == 200:
            acknowledged.append(text)

    users = list(forms)
    start = time.perf_counter() + 0.2
    plan = [(u, n, start + n / rate) for n, u in enumerate(users)]
    await asyncio.gather(*(submit(u, n, at) for u, n, at in plan))
    last_sent = max(sent.values())
    first_sent = min(sent.values())
    settle = None
    if database is not None:
        wanted = set(acknowledged)
        deadline = time.perf_counter() + 180
        while time.perf_counter() < deadline:
            if wanted <= stored(database):
                settle = time.perf_counter() - last_sent
                break
            await asyncio.sleep(0.05)
    with contextlib.suppress(TimeoutError):
        await fake.wait_until(lambda: len(fake.thanked) >= len(users), within=60)
    thanks = [fake.thanked[u] - sent[u] for u in users if u in fake.thanked and u in sent]
    return FloodResult(
        sent_rate=(len(sent) - 1) / max(last_sent - first_sent, 1e-9),
        acks=acks,
        thanks=thanks,
        late_acks=late,
        acknowledged=acknowledged,
        settle=settle,
    )


def stored(database: Path) -> set[str]:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            return {row[0] for row in db.execute("SELECT text FROM answers")}
    except sqlite3.Error:
        return set()


async def run_consultbot(count: int, rate: float, workdir: Path) -> FloodResult:
    async with TimedSlack() as fake:
        database = workdir / "flood.db"
        port = free_port()
        argv = [*CONSULTBOT, "run", "--platform", "slack", "--http", "--port", str(port)]
        child: Child = await start_child(argv, consultbot_env(fake, database), port)
        try:
            url = f"http://127.0.0.1:{port}/slack/events"
            async with SlackRequests(url, SECRET, fake) as slack:
                forms = await open_forms(fake, slack, people(count), 20)
                result = await flood(fake, slack, forms, rate, database)
        finally:
            child.stop()
        result.lost = len(set(result.acknowledged) - stored(database))
        return result


async def run_bare(count: int, rate: float) -> FloodResult:
    async with TimedSlack() as fake:
        port = free_port()
        argv = [sys.executable, "-m", "bench.bare_slack", str(port), fake.api_url, SECRET]
        child = await start_child(argv, {}, port)
        try:
            url = f"http://127.0.0.1:{port}/slack/events"
            async with SlackRequests(url, SECRET, fake) as slack:
                forms = {user: bare_form() for user in people(count)}
                return await flood(fake, slack, forms, rate, None)
        finally:
            child.stop()


def report(ours: FloodResult, bare: FloodResult, count: int, rate: float) -> list[str]:
    def ms(values: list[float], p: float) -> str:
        return f"{percentile(values, p) * 1000:8.0f}"

    def within(values: list[float]) -> str:
        return f"{sum(v <= 2.0 for v in values)}/{count}"

    ack_ratio = percentile(ours.acks, 99) / percentile(bare.acks, 99)
    settle = "never (180 s)" if ours.settle is None else f"{ours.settle * 1000:.0f} ms"
    return [
        f"Slack flood: {count} answers at {rate:.0f}/s asked (sent at {ours.sent_rate:.0f}/s to"
        f" consultbot, {bare.sent_rate:.0f}/s to bare)",
        f"  {'':<30} {'consultbot':>10} {'bare':>8}",
        f"  {'ack p50 (ms)':<30} {ms(ours.acks, 50):>10} {ms(bare.acks, 50):>8}",
        f"  {'ack p99 (ms)':<30} {ms(ours.acks, 99):>10} {ms(bare.acks, 99):>8}"
        f"   ratio {ack_ratio:.1f}×",
        f"  {'acks past 3 s':<30} {ours.late_acks:>10} {bare.late_acks:>8}",
        f"  {'thanks within 2 s':<30} {within(ours.thanks):>10} {within(bare.thanks):>8}",
        f"  {'thanks p99 (ms)':<30} {ms(ours.thanks, 99):>10} {ms(bare.thanks, 99):>8}",
        f"  lost answers: {ours.lost} of {len(ours.acknowledged)} acknowledged;"
        f" last answer sent → all committed: {settle}",
    ]


async def main(count: int, rate: float) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="consultbot-flood-") as workdir:
        bare = await run_bare(count, rate)
        ours = await run_consultbot(count, rate, Path(workdir))
    return report(ours, bare, count, rate)


def run(count: int = 3000, rate: float = 300) -> None:
    for line in asyncio.run(main(count, rate)):
        print(line, flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=300)
    args = parser.parse_args()
    run(args.answers, args.rate)
