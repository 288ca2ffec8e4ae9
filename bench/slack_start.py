"""Cold start and idle memory alone, repeated: consultbot (``consultbot run --platform slack
--http``) against the bare slack-bolt app, on the same fake Slack as ``bench.slack_burst``.

Each round starts both apps in turn (the order alternates between rounds, so neither always
runs on a warmer machine), times process start → port open, reads the CPU time the process
used to get there (steadier than the wall clock on a shared machine), waits a second, reads
the resident set, and stops them. consultbot is started once first, untimed, to fill its cache of
built data. Prints each round and the medians; asserts nothing.

    python -m bench.slack_start            # 7 rounds
    python -m bench.slack_start --rounds 15
    python -m bench.slack_start --module bot.cli   # started as python -m bot.cli instead
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from bench.slack_burst import (
    CONSULTBOT,
    SECRET,
    Child,
    TimedSlack,
    consultbot_env,
    free_port,
    start_child,
)

IDLE_AFTER = 1.0  # seconds between port open and reading the resident set


class Start(NamedTuple):
    cold: float  # seconds, process start → port open
    cpu: float  # seconds of CPU (user + system) the process had used by then
    rss: float  # MiB, IDLE_AFTER later


async def measure(argv: list[str], env: dict[str, str], port: int) -> Start:
    """One start, stopped after the idle reading."""
    child: Child = await start_child(argv, env, port)
    try:
        cpu = child.cpu_seconds()
        await asyncio.sleep(IDLE_AFTER)
        return Start(child.cold_start, cpu, child.rss_mib())
    finally:
        child.stop()


async def main(rounds: int, launcher: list[str] = CONSULTBOT) -> list[str]:
    ours: list[Start] = []
    bare: list[Start] = []
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="consultbot-start-") as workdir:
        async with TimedSlack() as fake:
            env = consultbot_env(fake, Path(workdir) / "bench.db")
            port = free_port()

            def consultbot_argv() -> list[str]:
                return [*launcher, "run", "--platform", "slack", "--http", "--port", str(port)]

            bare_argv = [sys.executable, "-m", "bench.bare_slack", str(port), fake.api_url, SECRET]
            first = await measure(consultbot_argv(), env, port)  # fills the cache
            lines.append(f"  first start (fills the cache): {first.cold * 1000:.0f} ms")
            for n in range(rounds):
                if n % 2:
                    bare.append(await measure(bare_argv, {}, port))
                    ours.append(await measure(consultbot_argv(), env, port))
                else:
                    ours.append(await measure(consultbot_argv(), env, port))
                    bare.append(await measure(bare_argv, {}, port))
                o, b = ours[-1], bare[-1]
                lines.append(
                    f"  round {n + 1}: consultbot {o.cold * 1000:5.0f} ms {o.rss:5.1f} MiB "
                    f"(CPU {o.cpu * 1000:4.0f} ms) · bare {b.cold * 1000:5.0f} ms {b.rss:5.1f} MiB "
                    f"(CPU {b.cpu * 1000:4.0f} ms)"
                )
    return [*lines, *summary(ours, bare)]


def summary(ours: list[Start], bare: list[Start]) -> list[str]:
    def row(label: str, field: str, scale: float, unit: str) -> str:
        o = [getattr(s, field) * scale for s in ours]
        b = [getattr(s, field) * scale for s in bare]
        mo, mb = statistics.median(o), statistics.median(b)
        return (
            f"  {label:<27} consultbot {mo:7.1f} ({min(o):.0f}–{max(o):.0f}) {unit:<3}  "
            f"bare {mb:7.1f} ({min(b):.0f}–{max(b):.0f}) {unit:<3}  ratio {mo / mb:.2f}×"
        )

    return [
        f"Slack cold start and idle memory, medians of {len(ours)} (min–max)",
        row("cold start (to port open)", "cold", 1000, "ms"),
        row("  CPU used by then", "cpu", 1000, "ms"),
        row("idle memory (RSS)", "rss", 1, "MiB"),
    ]


def run(rounds: int = 7, module: str | None = None) -> None:
    launcher = CONSULTBOT if module is None else [sys.executable, "-m", module]
    for line in asyncio.run(main(rounds, launcher)):
        print(line, flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--module", help="start consultbot as python -m MODULE")
    args = parser.parse_args()
    run(args.rounds, args.module)
