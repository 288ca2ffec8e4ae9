"""Cold start and idle memory alone, repeated: consultbot (``consultbot run --platform slack
--http``) against the bare slack-bolt app, on the same fake Slack as ``bench.slack_burst``.

Each round starts both apps in turn (the order alternates between rounds, so neither always
runs on a warmer machine), times process start → port open, waits a second, reads the
resident set, and stops them. consultbot is started once first, untimed, to fill its cache of
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


async def measure(argv: list[str], env: dict[str, str], port: int) -> tuple[float, float]:
    """One start: (cold start in seconds, idle resident set in MiB)."""
    child: Child = await start_child(argv, env, port)
    try:
        await asyncio.sleep(IDLE_AFTER)
        return child.cold_start, child.rss_mib()
    finally:
        child.stop()


async def main(rounds: int, launcher: list[str] = CONSULTBOT) -> list[str]:
    ours: list[tuple[float, float]] = []
    bare: list[tuple[float, float]] = []
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="consultbot-start-") as workdir:
        async with TimedSlack() as fake:
            env = consultbot_env(fake, Path(workdir) / "bench.db")
            port = free_port()

            def consultbot_argv() -> list[str]:
                return [*launcher, "run", "--platform", "slack", "--http", "--port", str(port)]

            bare_argv = [sys.executable, "-m", "bench.bare_slack", str(port), fake.api_url, SECRET]
            first = await measure(consultbot_argv(), env, port)  # fills the cache
            lines.append(f"  first start (fills the cache): {first[0] * 1000:.0f} ms")
            for n in range(rounds):
                if n % 2:
                    bare.append(await measure(bare_argv, {}, port))
                    ours.append(await measure(consultbot_argv(), env, port))
                else:
                    ours.append(await measure(consultbot_argv(), env, port))
                    bare.append(await measure(bare_argv, {}, port))
                lines.append(
                    f"  round {n + 1}: consultbot {ours[-1][0] * 1000:5.0f} ms "
                    f"{ours[-1][1]:5.1f} MiB · bare {bare[-1][0] * 1000:5.0f} ms "
                    f"{bare[-1][1]:5.1f} MiB"
                )
    return [*lines, *summary(ours, bare)]


def summary(ours: list[tuple[float, float]], bare: list[tuple[float, float]]) -> list[str]:
    def spread(values: list[float], scale: float) -> str:
        return (
            f"{statistics.median(values) * scale:7.1f} "
            f"({min(values) * scale:.0f}–{max(values) * scale:.0f})"
        )

    o_start, o_rss = [s for s, _ in ours], [m for _, m in ours]
    b_start, b_rss = [s for s, _ in bare], [m for _, m in bare]
    return [
        f"Slack cold start and idle memory, medians of {len(ours)} (min–max)",
        f"  cold start (to port open)  consultbot {spread(o_start, 1000)} ms   "
        f"bare {spread(b_start, 1000)} ms   ratio "
        f"{statistics.median(o_start) / statistics.median(b_start):.2f}×",
        f"  idle memory (RSS)          consultbot {spread(o_rss, 1)} MiB  "
        f"bare {spread(b_rss, 1)} MiB  ratio "
        f"{statistics.median(o_rss) / statistics.median(b_rss):.2f}×",
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
