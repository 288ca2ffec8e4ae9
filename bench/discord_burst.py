"""Discord: consultbot against a bare discord.py client on the same fake Discord and load.

consultbot runs exactly as ``consultbot run --platform discord`` builds it (a child process,
a fresh SQLite file, the real prompts), pointed at the project's fake Discord
(``tests.fakes.discord_server``) through ``DISCORD_API_BASE`` / ``DISCORD_GATEWAY_URL``; the
baseline is ``bench.bare_discord``. A facilitator starts a session; everyone presses "Answer
anonymously" and agrees to the privacy note (not measured); then ``people`` modal submits,
``at_once`` in flight at a time. Measured from the gateway dispatch of each submit: the first
response (interaction callback) p50/p99; the "thanks" (the first follow-up, or edit of the
deferred reply) p50/p99; the child's CPU per answer; REST calls per answer; and, for
consultbot, lost answers (submits answered but not in the database once it has stopped).

    python -m bench.discord_burst [--people 300] [--at-once 50]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.slack_burst import CONSULTBOT, Child, bounded, percentile, spawn, stored_answers
from tests.fakes.discord_server import FakeDiscord, InteractionHandle


class TimedDiscord(FakeDiscord):
    """The fake, also noting (loop time) each interaction's first callback and first
    follow-up or edit of its reply, by interaction token."""

    def __init__(self) -> None:
        super().__init__()
        self.first_response: dict[str, float] = {}
        self.thanked: dict[str, float] = {}

    async def _callback(self, call: Any) -> Any:
        self.first_response.setdefault(call.params["token"], asyncio.get_running_loop().time())
        return await super()._callback(call)

    async def _followup(self, call: Any) -> Any:
        self.thanked.setdefault(call.params["token"], asyncio.get_running_loop().time())
        return await super()._followup(call)

    async def _edit_hook_message(self, call: Any) -> Any:
        self.thanked.setdefault(call.params["token"], asyncio.get_running_loop().time())
        return await super()._edit_hook_message(call)


@dataclass
class World:
    guild: str
    channel: str
    facilitator: str
    people: list[str]


def build_world(fake: FakeDiscord, count: int) -> tuple[World, dict[str, str]]:
    guild = fake.add_guild("Youth voice group")
    channel = fake.add_channel(guild, "consultation")
    safeguarding = fake.add_channel(guild, "safeguarding")
    facilitator_role = fake.add_role(guild, "Facilitator")
    lead_role = fake.add_role(guild, "Safeguarding lead")
    facilitator = "1300000000000000001"
    fake.add_member(guild, fake.user(facilitator, "fiona"), [facilitator_role])
    people = [str(1310000000000000000 + n) for n in range(count)]
    for n, user_id in enumerate(people):
        fake.add_member(guild, fake.user(user_id, f"person{n}"))
    env = {
        "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DISCORD_FACILITATOR_ROLE_IDS": facilitator_role,
        "DISCORD_SAFEGUARDING_ROLE_IDS": lead_role,
        "DISCORD_SAFEGUARDING_CHANNEL_ID": safeguarding,
        "DISCORD_GUILD_ID": guild,
    }
    return World(guild, channel, facilitator, people), env


def _buttons(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [b for row in message.get("components", []) for b in row["components"]]


def _labelled(message: Mapping[str, Any], label: str) -> str | None:
    return next((b["custom_id"] for b in _buttons(message) if b.get("label") == label), None)


async def _settled(fake: TimedDiscord, payload: dict[str, Any]) -> InteractionHandle:
    handle = await fake.interact(payload)
    await fake.wait_for(lambda: bool(fake.callbacks(handle.id)), within=60)
    return handle


async def open_forms(fake: TimedDiscord, world: World, at_once: int) -> dict[str, dict[str, Any]]:
    """Start a session; everyone presses "Answer anonymously" and agrees to the privacy
    note; returns each person's answer modal."""
    start = fake.slash_command(
        "start-session",
        guild_id=world.guild,
        channel_id=world.channel,
        user_id=world.facilitator,
        options={"question-set": "check-in"},
    )
    await _settled(fake, start)

    def question() -> dict[str, Any] | None:
        for m in list(fake.messages.values()):
            if m["channel_id"] == world.channel and _labelled(m, "Answer anonymously"):
                return m
        return None

    await fake.wait_for(question, within=30)
    asked = question()
    assert asked is not None
    forms: dict[str, dict[str, Any]] = {}

    async def agree(user: str) -> None:
        custom_id = _labelled(asked, "Answer anonymously")
        press = fake.button_press(asked["id"], str(custom_id), guild_id=world.guild, user_id=user)
        handle = await _settled(fake, press)
        callback = fake.callbacks(handle.id)[0].json
        if callback["type"] == 4:  # the privacy note first
            (note,) = [m for m in fake.replies(handle) if _labelled(m, "I understand")]
            ok = str(_labelled(note, "I understand"))
            handle = await _settled(
                fake, fake.button_press(note["id"], ok, guild_id=world.guild, user_id=user)
            )
            callback = fake.callbacks(handle.id)[0].json
        assert callback["type"] == 9, callback
        forms[user] = callback["data"]

    await bounded(at_once, [lambda u=u: agree(u) for u in world.people])
    return forms


@dataclass
class BurstResult:
    first: list[float]
    thanks: list[float]
    cpu_per_answer: float
    calls_per_answer: float
    answered: list[str]
    lost: int | None = None


async def burst(
    fake: TimedDiscord,
    world: World,
    child: Child,
    forms: Mapping[str, Mapping[str, Any]],
    at_once: int,
) -> BurstResult:
    fake.first_response.clear()
    fake.thanked.clear()
    calls_before = len(fake.requests)
    cpu_before = child.cpu_seconds()
    sent: dict[str, tuple[str, float, str]] = {}  # user -> (token, dispatched at, text)

    async def submit(user: str, n: int) -> None:
        text = f"bench answer number {n} about what would make things better"
        payload = fake.modal_submit(
            forms[user],
            {"answer": text},
            guild_id=world.guild,
            channel_id=world.channel,
            user_id=user,
        )
        handle = await fake.interact(payload)
        sent[user] = (handle.token, handle.dispatched_at, text)
        await fake.wait_for(lambda: handle.token in fake.thanked, within=120)

    jobs = [lambda u=u, n=n: submit(u, n) for n, u in enumerate(forms)]
    with contextlib.suppress(TimeoutError):
        await bounded(at_once, jobs)
    cpu = child.cpu_seconds() - cpu_before
    count = len(forms)
    first = [fake.first_response[t] - at for t, at, _ in sent.values() if t in fake.first_response]
    thanks = [fake.thanked[t] - at for t, at, _ in sent.values() if t in fake.thanked]
    answered = [text for t, _, text in sent.values() if t in fake.first_response]
    return BurstResult(
        first, thanks, cpu / count, (len(fake.requests) - calls_before) / count, answered
    )


async def ready(fake: FakeDiscord, argv: list[str], env: Mapping[str, str]) -> Child:
    started = asyncio.get_running_loop().time()
    process = spawn(argv, env)
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{argv[:4]} exited with {process.returncode} before it was ready")
        with contextlib.suppress(TimeoutError):
            await fake.wait_until_identified(within=0.05)
            break
    await asyncio.sleep(1.0)  # GUILD_CREATE handled, commands synced
    return Child(process, 0, asyncio.get_running_loop().time() - started)


async def run_consultbot(
    count: int, at_once: int, workdir: Path
) -> tuple[BurstResult, dict[str, Any]]:
    """consultbot's burst, and one of its answer forms (for the bare client to submit)."""
    from bench.slack_burst import consultbot_env
    from tests.fakes.slack_server import FakeSlack

    database = workdir / "discord.db"
    core = {
        k: v for k, v in consultbot_env(FakeSlack(), database).items() if not k.startswith("SLACK_")
    }
    async with TimedDiscord() as fake:
        world, env = build_world(fake, count)
        argv = [*CONSULTBOT, "run", "--platform", "discord"]
        child = await ready(fake, argv, {**core, **env})
        try:
            forms = await open_forms(fake, world, min(at_once, 10))
            result = await burst(fake, world, child, forms, at_once)
        finally:
            child.stop()
    result.lost = len(set(result.answered) - stored_answers(database))
    return result, next(iter(forms.values()))


async def run_bare(count: int, at_once: int, form: Mapping[str, Any]) -> BurstResult:
    async with TimedDiscord() as fake:
        world, _ = build_world(fake, count)
        argv = [sys.executable, "-m", "bench.bare_discord", fake.api_base, fake.gateway_url]
        child = await ready(fake, argv, {})
        try:
            return await burst(fake, world, child, {u: form for u in world.people}, at_once)
        finally:
            child.stop()


def report(ours: BurstResult, bare: BurstResult, count: int, at_once: int) -> list[str]:
    def row(label: str, a: float, b: float, unit: str, scale: float = 1.0) -> str:
        ratio = f"{a / b:6.1f}×" if b else "    - "
        return f"  {label:<34} {a * scale:10.1f} {b * scale:10.1f} {unit:<4} {ratio}"

    p = percentile
    return [
        f"Discord: {count} modal submits, {at_once} at a time (gateway + REST, loopback fake)",
        f"  {'':<34} {'consultbot':>10} {'bare':>10}      ratio",
        row("first response p50", p(ours.first, 50), p(bare.first, 50), "ms", 1000),
        row("first response p99", p(ours.first, 99), p(bare.first, 99), "ms", 1000),
        row("thanks follow-up p50", p(ours.thanks, 50), p(bare.thanks, 50), "ms", 1000),
        row("thanks follow-up p99", p(ours.thanks, 99), p(bare.thanks, 99), "ms", 1000),
        row("CPU per answer", ours.cpu_per_answer, bare.cpu_per_answer, "ms", 1000),
        row("REST calls per answer", ours.calls_per_answer, bare.calls_per_answer, ""),
        f"  thanks received: {len(ours.thanks)}/{count} (bare {len(bare.thanks)}/{count});"
        f" lost answers (answered, not in the database): {ours.lost} of {len(ours.answered)}",
    ]


async def main(count: int, at_once: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="consultbot-discord-") as workdir:
        ours, form = await run_consultbot(count, at_once, Path(workdir))
        bare = await run_bare(count, at_once, form)  # it only needs a modal to submit
    return report(ours, bare, count, at_once)


def run(count: int = 300, at_once: int = 50) -> None:
    for line in asyncio.run(main(count, at_once)):
        print(line, flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--at-once", type=int, default=50)
    args = parser.parse_args()
    run(args.people, args.at_once)
