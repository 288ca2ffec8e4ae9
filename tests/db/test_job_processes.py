"""Three runner processes share 1,000 due jobs over PostgreSQL and each job runs exactly
once, although one process is killed (SIGKILL) in the middle of a job with a batch reserved:
its jobs run again on the others after its lease runs out, and only then."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.core.records import JobKind, JobRecord
from db.postgres import PostgresStore

pytestmark = pytest.mark.postgres

JOBS = 1000
LEASE = 1.0
HANG_AFTER = 30


def _lines(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line]


async def _wait_for(what: str, check: Callable[[], Awaitable[bool]], within: float) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_three_processes_run_every_job_exactly_once_even_when_one_is_killed(
    postgres_url: str, tmp_path: Path
) -> None:
    logs = [tmp_path / f"worker-{n}.log" for n in range(3)]
    workers = []
    for n, log in enumerate(logs):
        hang = ["--hang-after", str(HANG_AFTER)] if n == 0 else []
        command = ["-m", "tests.db.job_worker", str(log), "--lease", str(LEASE)]
        workers.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                *command,
                *hang,
                cwd=PROJECT_ROOT,
                env={
                    **os.environ,
                    "PYTHONPATH": str(PROJECT_ROOT),
                    "CONSULTBOT_DATABASE_URL": postgres_url,  # not in argv, where ps shows it
                },
            )
        )
    store = await PostgresStore.open(postgres_url)
    try:

        async def all_ready() -> bool:
            return all(any(w[0] == "ready" for w in _lines(log)) for log in logs)

        await _wait_for("three workers", all_ready, 60)
        due = datetime.now(UTC) - timedelta(seconds=1)
        ids = [f"esc-{n:04d}" for n in range(JOBS)]
        began = time.monotonic()
        await store.add_jobs(
            [JobRecord(id=i, kind=JobKind.ESCALATE, due_at=due, subject=i) for i in ids]
        )

        async def hung() -> bool:
            return any(w[0] == "hang" for w in _lines(logs[0]))

        await _wait_for("the first worker to hang in a job", hung, 60)
        (hang,) = [w for w in _lines(logs[0]) if w[0] == "hang"]
        workers[0].send_signal(signal.SIGKILL)
        await asyncio.wait_for(workers[0].wait(), 10)

        async def all_done() -> bool:
            return not any(j.kind is JobKind.ESCALATE for j in await store.pending_jobs()) and (
                sum(w[0] == "ran" for log in logs for w in _lines(log)) >= JOBS
            )

        await _wait_for("every job to run", all_done, 120)
        elapsed = time.monotonic() - began
        for survivor in workers[1:]:
            survivor.send_signal(signal.SIGTERM)
        for survivor in workers[1:]:
            assert await asyncio.wait_for(survivor.wait(), 30) == 0
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
        await store.close()

    runs = [(w[1], int(w[2]), float(w[3])) for log in logs for w in _lines(log) if w[0] == "ran"]
    counts = Counter(job_id for job_id, _, _ in runs)
    assert sorted(counts) == ids and set(counts.values()) == {1}  # each exactly once
    by_process = Counter(pid for _, pid, _ in runs)
    assert by_process[workers[0].pid] == HANG_AFTER  # the killed one, up to its hang
    assert by_process[workers[1].pid] > 0 and by_process[workers[2].pid] > 0
    (rerun,) = [(pid, at) for job_id, pid, at in runs if job_id == hang[1]]
    assert rerun[0] != workers[0].pid
    assert rerun[1] - float(hang[3]) >= LEASE - 0.05  # only after the lease ran out
    print(
        f"\n{JOBS} jobs over 3 processes in {elapsed:.1f} s; per process {dict(by_process)};"
        f" the hung job ran again {rerun[1] - float(hang[3]):.2f} s after it hung"
    )
