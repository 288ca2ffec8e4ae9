"""``serve()``: it runs until cancelled, restores discord.py's globals, and fails fast on a
refused token or command sync with the setting to fix."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord.gateway import DiscordWebSocket

from adapters.discord.adapter import serve
from adapters.discord.settings import DiscordSettings
from bot.app import open_engine
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.core.errors import ConfigError
from bot.engine import Engine
from tests.fakes.discord_server import FakeDiscord


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    core = Settings(
        database_path=tmp_path / "t.db",
        prompts_dir=DEFAULT_PROMPTS_DIR,
        identity_key=b"test-key-0123456789",
    )
    async with open_engine(core) as engine:
        yield engine


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        guild = fake.add_guild()
        fake.add_channel(guild, "consultation")
        yield fake


def settings_for(fake: FakeDiscord, **changes: object) -> DiscordSettings:
    values: dict[str, object] = {
        "token": "fake-token",
        "api_base": fake.api_base,
        "gateway_url": fake.gateway_url,
        "facilitator_role_ids": frozenset({1}),
        "guild_id": int(next(iter(fake.guilds))),
        **changes,
    }
    return DiscordSettings(**values)  # type: ignore[arg-type]


async def test_serve_runs_until_cancelled_and_restores_the_endpoints(
    engine: Engine, fake: FakeDiscord
) -> None:
    base, gateway = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    task = asyncio.create_task(serve(engine, settings_for(fake, sync_commands=False)))
    await fake.wait_until_identified()
    in_use = discord.http.Route.BASE
    assert in_use == fake.api_base
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    restored = (discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    assert restored == (base, gateway)
    assert not fake.requests_to("PUT", r"/applications/.*")  # sync was switched off


async def test_a_refused_token_names_the_setting(engine: Engine, fake: FakeDiscord) -> None:
    fake.fail("GET", "/users/@me", status=401, message="401: Unauthorized")
    with pytest.raises(ConfigError) as raised:
        await asyncio.wait_for(serve(engine, settings_for(fake)), 5)
    assert raised.value.key == "DISCORD_TOKEN"


async def test_a_refused_command_sync_names_the_setting(engine: Engine, fake: FakeDiscord) -> None:
    fake.fail("PUT", r"/applications/\d+/guilds/\d+/commands", status=403, code=50001)
    with pytest.raises(ConfigError) as raised:
        await asyncio.wait_for(serve(engine, settings_for(fake)), 5)
    assert raised.value.key == "DISCORD_GUILD_ID"
    assert "applications.commands" in raised.value.problem
