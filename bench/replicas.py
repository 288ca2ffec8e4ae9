"""Slack in HTTP mode, one process against two behind a round-robin load balancer: answers
per second and the p99 time to acknowledge Slack's requests.

Each run starts real ``consultbot run --platform slack --http`` processes against the fake
Slack (``tests/fakes``), opens a session and has ``--people`` young people answer at once
(``--concurrency`` at a time), each through the whole path Slack sends: the answer button,
the privacy note's "I understand" and the answer form. Acknowledgement is the time from
sending a request to its HTTP answer (Slack wants it within 3 s), p99 over every request
and for each kind (the answer button, the privacy note's "I understand", which records the
agreement before its answer, and the answer form); answers per second is
people / the time from the first press to the last answer posted.

Runs: SQLite with one process (SQLite is one process's database), PostgreSQL with one
process, PostgreSQL with two behind the balancer. PostgreSQL is a throwaway cluster from the
machine's binaries (``tests/db/cluster.py``, durability switched off, so its writes are
cheaper than a real server's) unless ``CONSULTBOT_BENCH_DATABASE_URL`` names a server where
the role may create databases. Prints; asserts nothing. ``make bench-pg`` runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from cryptography.fernet import Fernet

from adapters.slack import modals
from tests.db.cluster import Cluster, Databases, find_bindir
from tests.fakes.replicas import BotProcess, RoundRobin, free_port
from tests.fakes.slack_server import FakeSlack, SlackRequests
from tests.slack.conftest import CHANNEL, FACILITATOR, SECRET, slack_env

TEXTS = ("Nobody asked what I thought", "I wanted to stay at my school", "My worker listened")


@dataclass
class Run:
    name: str
    acks: dict[str, list[float]] = field(default_factory=dict)  # kind of request -> seconds
    answers: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        def p99(values: Sequence[float]) -> float:
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000

        rate = self.answers / self.seconds if self.seconds else 0.0
        every = [t for times in self.acks.values() for t in times]
        kinds = ", ".join(f"{kind} {p99(times):.0f}" for kind, times in self.acks.items())
        return (
            f"{self.name:<34} {rate:5.1f} answers/s  ack p99 {p99(every):5.0f} ms"
            f" ({kinds}; median {statistics.median(every) * 1000:.0f})"
        )


async def _timed(run: Run, kind: str, slack: SlackRequests, payload: dict[str, Any]) -> Any:
    body = urlencode({"payload": json.dumps(payload)})
    began = time.perf_counter()
    reply = await slack.post(body, "application/x-www-form-urlencoded")
    run.acks.setdefault(kind, []).append(time.perf_counter() - began)
    assert reply.status == 200, reply
    return reply.json()


async def _one_person(
    run: Run, fake: FakeSlack, slack: SlackRequests, question: dict[str, Any], n: int
) -> None:
    user = f"U0BENCH{n:04d}"
    action_id = next(
        e["action_id"]
        for b in question["blocks"]
        for e in b.get("elements", [])
        if str(e.get("action_id", "")).startswith("cb:answer:")
    )
    press = slack.block_actions_payload(
        user_id=user, channel_id=CHANNEL, message_ts=question["ts"], action_id=action_id
    )
    await _timed(run, "button", slack, press)

    def opened() -> bool:
        return any(c.params.get("trigger_id") == press["trigger_id"] for c in fake.calls)

    await fake.wait_until(opened, 60)
    call = next(c for c in fake.calls if c.params.get("trigger_id") == press["trigger_id"])
    note = call.params["view"]
    agree = slack.view_submission_payload(user_id=user, view=note, values={})
    update = await _timed(run, "note", slack, agree)
    form = update["view"]
    values = {modals.ANSWER_INPUT_BLOCK_ID: {modals.ANSWER_INPUT_ACTION_ID: TEXTS[n % 3]}}
    answer = slack.view_submission_payload(user_id=user, view=form, values=values)
    await _timed(run, "form", slack, answer)


async def _run(
    name: str, env: dict[str, str], processes: int, people: int, concurrency: int, logs: Path
) -> Run:
    run = Run(name)
    async with FakeSlack() as fake:
        ports = [free_port() for _ in range(processes)]
        full_env = {**slack_env(fake), **env, "CONSULTBOT_REVEAL_SECONDS": "0"}
        bots = [
            BotProcess.slack_http(full_env, port, logs / f"{name.replace(' ', '-')}-{i}.log")
            for i, port in enumerate(ports)
        ]
        try:
            await asyncio.gather(*(b.listening(p) for b, p in zip(bots, ports, strict=True)))
            backends = [f"http://127.0.0.1:{p}" for p in ports]
            async with RoundRobin(backends) as balancer:
                url = (balancer.url if processes > 1 else backends[0]) + "/slack/events"
                async with SlackRequests(url, SECRET, fake) as slack:
                    await slack.slash(
                        "/start-session", "case-for-change", user_id=FACILITATOR, channel_id=CHANNEL
                    )
                    await fake.wait_until(lambda: _questions(fake), 60)
                    question = _questions(fake)[0]
                    before = len(_answers(fake))
                    gate = asyncio.Semaphore(concurrency)

                    async def person(n: int) -> None:
                        async with gate:
                            await _one_person(run, fake, slack, question, n)

                    began = time.perf_counter()
                    await asyncio.gather(*(person(n) for n in range(people)))
                    await fake.wait_until(lambda: len(_answers(fake)) - before >= people, 120)
                    run.seconds = time.perf_counter() - began
                    run.answers = len(_answers(fake)) - before
        finally:
            for bot in bots:
                bot.stop()
    return run


def _questions(fake: FakeSlack) -> list[dict[str, Any]]:
    return [m for m in fake.posts_in(CHANNEL) if "cb:answer:" in json.dumps(m.get("blocks"))]


def _answers(fake: FakeSlack) -> list[dict[str, Any]]:
    return [m for m in fake.posts_in(CHANNEL) if "cb:react:" in json.dumps(m.get("blocks"))]


def _keys() -> dict[str, str]:
    return {
        "CONSULTBOT_IDENTITY_KEY": "bench-identity-key-0123456789",
        "CONSULTBOT_SAFEGUARDING_KEY": Fernet.generate_key().decode(),
        "CONSULTBOT_LOG_LEVEL": "WARNING",
    }


async def main(people: int, concurrency: int) -> None:
    print(f"Slack HTTP mode: {people} people answering, {concurrency} at a time, each through")
    print("the answer button, the privacy note and the form (3 acknowledged requests each)\n")
    with tempfile.TemporaryDirectory(prefix="consultbot-bench-") as tmp:
        logs = Path(tmp)
        sqlite_env = {**_keys(), "CONSULTBOT_DATABASE": str(logs / "bench.db")}
        print(
            (await _run("SQLite, 1 process", sqlite_env, 1, people, concurrency, logs)).line(),
            flush=True,
        )
        cluster = None
        admin = os.environ.get("CONSULTBOT_BENCH_DATABASE_URL", "")
        if not admin:
            bindir = find_bindir()
            if bindir is None:
                print(
                    "PostgreSQL: no binaries on this machine and no CONSULTBOT_BENCH_DATABASE_URL"
                )
                return
            cluster = Cluster(bindir).start()
            admin = cluster.url()
        databases = Databases(admin)
        try:
            for processes in (1, 2):
                url = databases.url(databases.create())
                env = {**_keys(), "CONSULTBOT_DATABASE_URL": url}
                name = f"PostgreSQL, {processes} process{'es' if processes > 1 else ''}"
                name += " + balancer" if processes > 1 else ""
                run = await _run(name, env, processes, people, concurrency, logs)
                print(run.line(), flush=True)
        finally:
            databases.close()
            if cluster is not None:
                cluster.stop()
    print(f"\n(on {os.cpu_count()} CPUs shared with the fake Slack and this driver)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.replicas", description=__doc__)
    parser.add_argument("--people", type=int, default=120, help="young people answering")
    parser.add_argument("--concurrency", type=int, default=20, help="answering at once")
    args = parser.parse_args(sys.argv[1:])
    asyncio.run(main(args.people, args.concurrency))
