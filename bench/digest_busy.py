"""The bot's replies while a 50,000-answer digest is being built.

consultbot runs as ``consultbot run --platform slack --http`` builds it, on a SQLite file
that already holds a closed session of ``answers`` answers (``bench.digest.populate``). A
staff member asks for its digest in every format (``/digest bench1 all``); while that is
built and rendered (in a worker thread), another person sends ``/help`` again and again, one
after the other. Measured: the ``/help`` reply time (slash command sent → its private reply
reached the fake's ``response_url``) p50/p99 while the digest is built, against the same
with the bot idle just before, and how long the digest took to arrive. The answers carry the
current codebook's version, as the bot stores them; ``--retag`` leaves it out, so every
answer is re-tagged before the digest is built (as after a codebook change).

    python -m bench.digest_busy [--answers 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs

from bench.digest import SESSION, _create, populate
from bench.slack_burst import (
    CHANNEL,
    CONSULTBOT,
    SECRET,
    TimedSlack,
    consultbot_env,
    free_port,
    percentile,
    start_child,
)
from bot.config import DEFAULT_PROMPTS_DIR
from bot.digest.retag import codebook_version
from bot.tagging.codebook import load_codebook
from tests.fakes.slack_server import FakeSlack, SlackRequests

STAFF = "U0STAFF001"
ASKER = "U0ASKER001"
FORM = "application/x-www-form-urlencoded"


async def reply_time(
    fake: FakeSlack, slack: SlackRequests, command: str, text: str, user: str
) -> float:
    body = slack.slash_body(command, text, user_id=user, channel_id=CHANNEL)
    key = parse_qs(body)["response_url"][0].rsplit("/", 1)[1]
    sent = time.perf_counter()
    await slack.post(body, FORM)
    await fake.wait_until(lambda: any(k == key for k, _ in fake.hook_posts), within=120)
    return time.perf_counter() - sent


async def measure(answers: int, workdir: Path, retag: bool = False) -> list[str]:
    database = workdir / "busy.db"
    await _create(database)
    populate(database, answers)
    version = codebook_version(load_codebook(DEFAULT_PROMPTS_DIR / "themes.toml"))
    with sqlite3.connect(database) as db:
        db.execute("UPDATE sessions SET platform = 'slack', channel_id = ?", (CHANNEL,))
        if not retag:  # tagged as the bot would have tagged them: nothing to re-tag first
            db.execute("UPDATE answers SET tagged_with = ?", (version,))
    async with TimedSlack() as fake:
        port = free_port()
        env = {**consultbot_env(fake, database), "SLACK_STAFF_USER_IDS": STAFF}
        argv = [*CONSULTBOT, "run", "--platform", "slack", "--http", "--port", str(port)]
        child = await start_child(argv, env, port)
        try:
            url = f"http://127.0.0.1:{port}/slack/events"
            async with SlackRequests(url, SECRET, fake) as slack:
                for _ in range(5):  # warm-up
                    await reply_time(fake, slack, "/help", "", ASKER)
                idle = [await reply_time(fake, slack, "/help", "", ASKER) for _ in range(100)]
                uploads = len(fake.calls_to("files.getUploadURLExternal"))

                def rendered() -> bool:  # the first file is on its way, or a reply came
                    return len(fake.calls_to("files.getUploadURLExternal")) > uploads or any(
                        k == key for k, _ in fake.hook_posts
                    )

                body = slack.slash_body(
                    "/digest", f"{SESSION} all", user_id=STAFF, channel_id=CHANNEL
                )
                key = parse_qs(body)["response_url"][0].rsplit("/", 1)[1]
                started = time.perf_counter()
                await slack.post(body, FORM)
                busy: list[float] = []
                while not rendered() and time.perf_counter() - started < 300:
                    busy.append(await reply_time(fake, slack, "/help", "", ASKER))
                built = time.perf_counter() - started
        finally:
            child.stop()
    return [
        f"Replies while a {answers:,}-answer digest is built (/digest {SESSION} all, Slack)"
        + (", every answer re-tagged first (an older codebook)" if retag else ""),
        f"  /help reply idle  p50 {percentile(idle, 50) * 1000:6.0f} ms"
        f"  p99 {percentile(idle, 99) * 1000:6.0f} ms  ({len(idle)} replies)",
        f"  /help reply busy  p50 {percentile(busy, 50) * 1000:6.0f} ms"
        f"  p99 {percentile(busy, 99) * 1000:6.0f} ms  ({len(busy)} replies,"
        f" max {max(busy) * 1000:.0f} ms)",
        f"  digest asked → rendered (first upload or reply): {built:.1f} s",
    ]


def run(answers: int = 50_000, retag: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="consultbot-busy-") as workdir:
        for line in asyncio.run(measure(answers, Path(workdir), retag)):
            print(line, flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument(
        "--retag", action="store_true", help="answers tagged by an older codebook (re-tag first)"
    )
    args = parser.parse_args()
    run(args.answers, args.retag)
