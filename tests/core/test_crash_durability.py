"""An answer acknowledged to a young person survives the process being killed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

# The child acknowledges answers as fast as it can (the default path: consent, screening,
# batched reveal), printing each answer only after the engine returned the "thanks" notice;
# the parent kills it with SIGKILL mid-stream.
CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from adapters.local.adapter import LocalChannel
    from bot.app import open_engine
    from bot.config import DEFAULT_PROMPTS_DIR, Settings
    from bot.core.events import Command, Role
    from bot.core.outbound import PrivateNotice, QuestionPost

    async def main():
        settings = Settings(database_path=Path(sys.argv[1]), prompts_dir=DEFAULT_PROMPTS_DIR,
                            identity_key=b"test-key-0123456789")
        async with open_engine(settings) as engine:
            channel = LocalChannel(engine)
            fac = channel.person("fac", Role.FACILITATOR)
            await channel.command(fac, Command.START_SESSION, **{"question-set": "check-in"})
            question = channel.outbox.of_type(QuestionPost)[-1]
            n = 0
            while True:
                n += 1
                text = f"answer {n}"
                sent = await channel.answer(channel.person(f"u{n % 7}"), question, text)
                thanks = sent[-1]
                assert isinstance(thanks, PrivateNotice) and "Thanks" in thanks.text
                print(f"ACK {text}", flush=True)

    asyncio.run(main())
    """
)


def test_acknowledged_answers_survive_sigkill(tmp_path: Path) -> None:
    db_path = tmp_path / "crash.db"
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=root,
    )
    acked: list[str] = []
    assert child.stdout is not None
    try:
        for line in child.stdout:
            if line.startswith("ACK "):
                acked.append(line[4:].strip())
            if len(acked) >= 40:
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    assert len(acked) >= 40

    with sqlite3.connect(db_path) as db:  # a fresh process view, after recovery of the WAL
        stored = {row[0] for row in db.execute("SELECT text FROM answers")}
        journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"
    missing = [a for a in acked if a not in stored]
    assert missing == []
