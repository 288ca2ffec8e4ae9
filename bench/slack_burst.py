"""consultbot against a bare slack-bolt app on the same fake Slack and the same load.

Each app runs in its own child process: consultbot exactly as ``consultbot run --platform
slack --http`` builds it (a fresh SQLite file, the real prompts), the baseline
``bench.bare_slack``. This process plays Slack in both directions (``tests.fakes``): the Web
API the app calls, and the signed requests Slack sends the app.

For each app: cold start (process start until its port accepts a connection; consultbot is
started once before, untimed but shown, to fill its cache of built data) and idle memory
(resident set a second after it is ready); then, for consultbot only, a warm-up that opens a
session and has every person agree to its privacy note (not measured); then the burst: ``people``
answer submissions, ``at_once`` in flight at a time. Measured: the HTTP acknowledgement
(request sent → Slack has the app's reply, which is what closes the modal) p50/p99; the
private "thanks" (request sent → the app's ``chat.postEphemeral`` reached the fake) p50/p99;
the child's CPU per answer (user + system, from /proc); Web API calls and new connections
per answer; the resident set once the burst is over (what the first answers loaded, such
as the encryption library, shows here); and, for consultbot, lost answers: acknowledged
answers missing from the database once the app is stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from cryptography.fernet import Fernet

from tests.fakes.slack_server import FakeSlack, SlackRequests

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-signing-secret-0123"
CHANNEL = "C0GROUP001"
FACILITATOR = "U0FACIL001"
SAFEGUARDING_CHANNEL = "C0SAFE0001"
ANSWER_CALLBACK = "cb-answer"
FORM = "application/x-www-form-urlencoded"


class TimedSlack(FakeSlack):
    """The fake Web API, also noting when each person's first ephemeral message arrived
    and how many connections the app opened."""

    def __init__(self) -> None:
        super().__init__()
        self.thanked: dict[str, float] = {}
        self.transports: set[object] = set()  # kept alive, so no two share an id

    async def _api(self, request: web.Request) -> web.Response:
        self.transports.add(request.transport)
        return await super()._api(request)

    def _chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        self.thanked.setdefault(str(params["user"]), time.perf_counter())
        return super()._chat_postEphemeral(params)


@dataclass
class Child:
    process: subprocess.Popen[bytes]
    port: int
    cold_start: float

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(argv: list[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv, env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=sys.stderr
    )


async def start_child(argv: list[str], env: Mapping[str, str], port: int) -> Child:
    started = time.perf_counter()
    process = spawn(argv, env)
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{argv[:4]} exited with {process.returncode} before it was ready")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.005)
            continue
        writer.close()
        return Child(process, port, time.perf_counter() - started)


def consultbot_env(fake: FakeSlack, database: Path) -> dict[str, str]:
    return {
        "CONSULTBOT_IDENTITY_KEY": "bench-identity-key-0123",
        "CONSULTBOT_SAFEGUARDING_KEY": Fernet.generate_key().decode(),
        "CONSULTBOT_DATABASE": str(database),
        "CONSULTBOT_LOG_LEVEL": "WARNING",
        "CONSULTBOT_CACHE_DIR": str(database.parent / "cache"),
        "SLACK_COMMAND_PREFIX": "",
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "SLACK_FACILITATOR_USER_IDS": FACILITATOR,
        "SLACK_SAFEGUARDING_CHANNEL_ID": SAFEGUARDING_CHANNEL,
    }


def people(count: int) -> list[str]:
    return [f"U0P{n:06d}" for n in range(count)]


async def bounded(at_once: int, jobs: list[Callable[[], Awaitable[None]]]) -> None:
    gate = asyncio.Semaphore(at_once)

    async def run(job: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await job()

    await asyncio.gather(*(run(job) for job in jobs))


async def open_forms(
    fake: TimedSlack, slack: SlackRequests, who: list[str], at_once: int
) -> dict[str, dict[str, Any]]:
    """Start a session, and have everyone press "Answer anonymously" and agree to the
    privacy note; returns each person's answer form."""
    reply = await slack.slash("/start-session", "check-in", user_id=FACILITATOR, channel_id=CHANNEL)
    assert reply.status == 200, reply
    await fake.wait_until(lambda: bool(_question(fake)[0]), within=30)
    ts, action_id = _question(fake)
    forms: dict[str, dict[str, Any]] = {}

    async def agree(user: str) -> None:
        payload = slack.block_actions_payload(
            user_id=user, channel_id=CHANNEL, message_ts=ts, action_id=action_id
        )
        await slack.post(urlencode({"payload": json.dumps(payload)}), FORM)
        trigger = payload["trigger_id"]

        def opened() -> bool:
            return any(c.params.get("trigger_id") == trigger for c in fake.calls_to("views.open"))

        await fake.wait_until(opened, within=60)
        view = [c for c in fake.calls_to("views.open") if c.params["trigger_id"] == trigger]
        reply = await slack.submit(user_id=user, view=view[-1].params["view"])
        forms[user] = reply.json()["view"]

    await bounded(at_once, [lambda u=u: agree(u) for u in who])
    return forms


def _question(fake: FakeSlack) -> tuple[str, str]:
    for message in fake.posts_in(CHANNEL):
        for block in message.get("blocks", []):
            for element in block.get("elements", []):
                if str(element.get("action_id", "")).startswith("cb:answer:"):
                    return str(message["ts"]), str(element["action_id"])
    return ("", "")


def bare_form() -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ANSWER_CALLBACK,
        "title": {"type": "plain_text", "text": "Answer"},
        "blocks": [
            {
                "type": "input",
                "block_id": "answer",
                "label": {"type": "plain_text", "text": "Your answer"},
                "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
            }
        ],
    }


@dataclass
class BurstResult:
    acks: list[float]
    thanks: list[float]
    cpu_per_answer: float
    calls_per_answer: float
    connections_per_answer: float
    acknowledged: list[str]
    late_acks: int  # past Slack's 3 s
    rss_after: float = float("nan")  # MiB, once the burst is over


async def burst(
    fake: TimedSlack,
    slack: SlackRequests,
    child: Child,
    forms: Mapping[str, Mapping[str, Any]],
    at_once: int,
    *,
    thanks_within: float = 120.0,
) -> BurstResult:
    fake.thanked.clear()
    fake.transports.clear()
    calls_before = len(fake.calls)
    cpu_before = child.cpu_seconds()
    sent: dict[str, float] = {}
    acks: list[float] = []
    acknowledged: list[str] = []
    late = 0

    async def submit(user: str, n: int) -> None:
        nonlocal late
        text = f"bench answer number {n} about what would make things better"
        values = {"answer": {"text": text}}
        payload = slack.view_submission_payload(user_id=user, view=forms[user], values=values)
        body = urlencode({"payload": json.dumps(payload)})
        sent[user] = time.perf_counter()
        reply = await slack.post(body, FORM)
        took = time.perf_counter() - sent[user]
        acks.append(took)
        late += took > 3.0
        if reply.status == 200:
            acknowledged.append(text)

    users = list(forms)
    await bounded(at_once, [lambda u=u, n=n: submit(u, n) for n, u in enumerate(users)])
    with contextlib.suppress(TimeoutError):
        await fake.wait_until(lambda: len(fake.thanked) >= len(users), within=thanks_within)
    cpu = child.cpu_seconds() - cpu_before
    thanks = [fake.thanked[u] - sent[u] for u in users if u in fake.thanked]
    count = len(users)
    return BurstResult(
        rss_after=child.rss_mib(),
        acks=acks,
        thanks=thanks,
        cpu_per_answer=cpu / count,
        calls_per_answer=(len(fake.calls) - calls_before) / count,
        connections_per_answer=len(fake.transports) / count,
        acknowledged=acknowledged,
        late_acks=late,
    )


def stored_answers(database: Path) -> set[str]:
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute("SELECT text FROM answers")}


@dataclass
class AppRun:
    name: str
    cold_start: float
    idle_rss: float
    result: BurstResult
    lost: int | None  # None: the app keeps nothing
    first_start: float | None = None  # consultbot's very first start, building its cache


# As the ``consultbot`` command starts (its entry point is bot/__main__.py's ``main``).
CONSULTBOT = [sys.executable, "-m", "bot"]


async def run_consultbot(
    count: int, at_once: int, workdir: Path, launcher: list[str] = CONSULTBOT
) -> AppRun:
    async with TimedSlack() as fake:
        database = workdir / "bench.db"
        port = free_port()
        argv = [*launcher, "run", "--platform", "slack", "--http"]
        env = consultbot_env(fake, database)
        first = await start_child([*argv, "--port", str(port)], env, port)  # fills the cache
        first.stop()
        child = await start_child([*argv, "--port", str(port)], env, port)
        try:
            await asyncio.sleep(1.0)
            idle = child.rss_mib()
            url = f"http://127.0.0.1:{port}/slack/events"
            async with SlackRequests(url, SECRET, fake) as slack:
                forms = await open_forms(fake, slack, people(count), min(at_once, 10))
                result = await burst(fake, slack, child, forms, at_once)
        finally:
            child.stop()
        lost = len(set(result.acknowledged) - stored_answers(database))
        return AppRun("consultbot", child.cold_start, idle, result, lost, first.cold_start)


async def run_bare(count: int, at_once: int) -> AppRun:
    async with TimedSlack() as fake:
        port = free_port()
        argv = [sys.executable, "-m", "bench.bare_slack", str(port), fake.api_url, SECRET]
        child = await start_child(argv, {}, port)
        try:
            await asyncio.sleep(1.0)
            idle = child.rss_mib()
            url = f"http://127.0.0.1:{port}/slack/events"
            async with SlackRequests(url, SECRET, fake) as slack:
                forms = {user: bare_form() for user in people(count)}
                result = await burst(fake, slack, child, forms, at_once)
        finally:
            child.stop()
        return AppRun("bare slack-bolt", child.cold_start, idle, result, None)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(ours: AppRun, bare: AppRun, count: int, at_once: int) -> list[str]:
    def row(label: str, a: float, b: float, unit: str, scale: float = 1.0) -> str:
        ratio = f"{a / b:6.1f}×" if b else "    - "
        return f"  {label:<34} {a * scale:10.1f} {b * scale:10.1f} {unit:<4} {ratio}"

    o, b = ours.result, bare.result
    lines = [
        f"Slack: {count} answer submissions, {at_once} at a time (HTTP mode, loopback fakes)",
        f"  {'':<34} {'consultbot':>10} {'bare':>10}      ratio",
        row("cold start (to port open)", ours.cold_start, bare.cold_start, "ms", 1000),
        row("  first start (fills the cache)", ours.first_start or 0, bare.cold_start, "ms", 1000),
        row("idle memory (RSS)", ours.idle_rss, bare.idle_rss, "MiB"),
        row("  memory after the burst (RSS)", o.rss_after, b.rss_after, "MiB"),
        row("ack p50", percentile(o.acks, 50), percentile(b.acks, 50), "ms", 1000),
        row("ack p99", percentile(o.acks, 99), percentile(b.acks, 99), "ms", 1000),
        row("thanks p50", percentile(o.thanks, 50), percentile(b.thanks, 50), "ms", 1000),
        row("thanks p99", percentile(o.thanks, 99), percentile(b.thanks, 99), "ms", 1000),
        row("CPU per answer", o.cpu_per_answer, b.cpu_per_answer, "ms", 1000),
        row("Web API calls per answer", o.calls_per_answer, b.calls_per_answer, ""),
        row("new connections per answer", o.connections_per_answer, b.connections_per_answer, ""),
        f"  acks past 3 s: {o.late_acks} (bare {b.late_acks}); thanks received: "
        f"{len(o.thanks)}/{count} (bare {len(b.thanks)}/{count})",
        f"  lost answers (acknowledged, not in the database): {ours.lost} of "
        f"{len(o.acknowledged)} acknowledged",
    ]
    return lines


async def main(count: int, at_once: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="consultbot-bench-") as workdir:
        bare = await run_bare(count, at_once)
        ours = await run_consultbot(count, at_once, Path(workdir))
    return report(ours, bare, count, at_once)


def run(count: int = 300, at_once: int = 50) -> None:
    for line in asyncio.run(main(count, at_once)):
        print(line, flush=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--at-once", type=int, default=50)
    args = parser.parse_args()
    run(args.people, args.at_once)
