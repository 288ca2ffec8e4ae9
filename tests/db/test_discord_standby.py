"""Discord with a warm standby: two real ``consultbot run --platform discord`` processes on
one PostgreSQL database and the fake Discord. One holds the gateway (the advisory lock in
``db.postgres.leader``); the other waits with everything else ready. When the leader is
killed (SIGKILL: no goodbye, as in a crash), the standby takes the lock and connects to the
gateway. The test prints how long that took on the real clock; it asserts only that the
takeover happens (timing on a shared machine is not a test's business)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet

from tests.fakes.discord_server import FakeDiscord
from tests.fakes.replicas import BotProcess

TAKEOVER_WITHIN = 120.0  # a bound for a stuck test, not a claim about speed
HOLDS = "this process now holds the gateway"
STANDS_BY = "standing by: another process holds the gateway"


def discord_env(fake: FakeDiscord, database_url: str) -> dict[str, str]:
    guild = fake.add_guild()
    lead_channel = fake.add_channel(guild, "safeguarding")
    return {
        "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DISCORD_FACILITATOR_ROLE_IDS": fake.add_role(guild, "Facilitators"),
        "DISCORD_SAFEGUARDING_ROLE_IDS": fake.add_role(guild, "Safeguarding"),
        "DISCORD_SAFEGUARDING_CHANNEL_ID": lead_channel,
        "CONSULTBOT_DATABASE_URL": database_url,
        "CONSULTBOT_IDENTITY_KEY": "standby-test-key-0123456789",
        "CONSULTBOT_SAFEGUARDING_KEY": Fernet.generate_key().decode(),
        "CONSULTBOT_LOG_LEVEL": "INFO",
    }


async def test_a_standby_takes_over_the_gateway_when_the_leader_is_killed(
    postgres_url: str, tmp_path: Path
) -> None:
    async with FakeDiscord() as fake:
        env = discord_env(fake, postgres_url)
        leader = BotProcess(["run", "--platform", "discord"], env, tmp_path / "leader.log")
        standby = None
        try:
            await leader.said(HOLDS)
            await fake.wait_for(lambda: len(fake.identified_at) == 1, within=TAKEOVER_WITHIN)
            standby = BotProcess(["run", "--platform", "discord"], env, tmp_path / "standby.log")
            await standby.said(STANDS_BY)
            assert len(fake.identified_at) == 1  # one gateway session while the leader lives
            await _standby_polled(postgres_url, times=3)
            assert len(fake.identified_at) == 1  # and still one, several polls later
            assert HOLDS not in standby.output()

            killed_at = time.monotonic()
            leader.kill()
            await fake.wait_for(lambda: len(fake.identified_at) == 2, within=TAKEOVER_WITHIN)
            took = fake.identified_at[1] - killed_at
            print(f"\nDiscord standby connected to the gateway {took:.2f} s after SIGKILL")
            assert HOLDS in standby.output()
            assert leader.process.returncode == -9
        finally:
            leader.stop()
            if standby is not None:
                standby.stop()


async def _standby_polled(url: str, *, times: int) -> None:
    """Wait until the standby has asked for the gateway lock ``times`` more times: each try
    is a new ``pg_try_advisory_lock`` on its connection, seen in ``pg_stat_activity``."""
    seen: set[tuple[int, datetime]] = set()
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        async with asyncio.timeout(TAKEOVER_WITHIN):
            # + 2: the leader's own first try, and the standby's before "standing by"
            while len(seen) < times + 2:
                cursor = await conn.execute(
                    "SELECT pid, query_start FROM pg_stat_activity"
                    " WHERE query LIKE 'SELECT pg_try_advisory_lock%%' AND pid <> pg_backend_pid()"
                )
                seen.update((int(pid), start) for pid, start in await cursor.fetchall())
                await asyncio.sleep(0.1)  # how often to look, not a claim about timing
