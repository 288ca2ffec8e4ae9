"""The fake Discord itself, driven by a bare discord.py client (no consultbot code)."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from tests.fakes.discord_server import Call, FakeDiscord, Reply

USER = "1300000000000000001"


class _Client(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none(), guild_ready_timeout=0.05)
        self.interactions: list[discord.Interaction[discord.Client]] = []

    async def on_interaction(self, interaction: discord.Interaction[discord.Client]) -> None:
        self.interactions.append(interaction)
        await interaction.response.send_message("pong", ephemeral=True)


@pytest.fixture
async def running() -> AsyncIterator[tuple[FakeDiscord, _Client, str, str]]:
    old_base, old_gateway = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Fake guild")
        channel = fake.add_channel(guild, "general")
        user = fake.user(USER, "someone")
        fake.add_member(guild, user)
        discord.http.Route.BASE = fake.api_base
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
        client = _Client()
        # login() first, then connect(): wait_until_ready() needs what login sets up. (Awaiting
        # it right after create_task(client.start(...)) only worked while asyncio.wait_for
        # wrapped it in a task that ran after start's first step: Python 3.11, not 3.12+.)
        await client.login("fake-token")
        task = asyncio.create_task(client.connect())
        try:
            await asyncio.wait_for(client.wait_until_ready(), 5)
            yield fake, client, guild, channel
        finally:
            await client.close()
            with contextlib.suppress(Exception):
                await task
            discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


async def test_login_and_gateway_fill_the_cache(
    running: tuple[FakeDiscord, _Client, str, str],
) -> None:
    fake, client, _, channel = running
    assert client.user is not None and str(client.user.id) == fake.bot_user["id"]
    assert str(client.application_id) == fake.application_id
    assert client.get_channel(int(channel)) is not None
    assert fake.identify is not None and fake.identify["token"] == "fake-token"
    assert [r.path for r in fake.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    assert fake.requests[0].headers["Authorization"] == "Bot fake-token"


async def test_messages_are_recorded_and_edited_in_place(
    running: tuple[FakeDiscord, _Client, str, str],
) -> None:
    fake, client, _, channel = running
    target = client.get_partial_messageable(int(channel))
    sent = await target.send("hello", file=discord.File(io.BytesIO(b"a,b\n"), filename="x.csv"))
    await sent.edit(content="hello again")

    (post,) = fake.requests_to("POST", rf"/channels/{channel}/messages")
    assert post.json["content"] == "hello"
    assert [(f.filename, f.content) for f in post.files] == [("x.csv", b"a,b\n")]
    assert fake.messages[str(sent.id)]["content"] == "hello again"
    assert fake.files[str(sent.id)][0].content == b"a,b\n"


async def test_faults_and_rate_limits_reach_the_client(
    running: tuple[FakeDiscord, _Client, str, str],
) -> None:
    fake, client, _, channel = running
    target = client.get_partial_messageable(int(channel))
    fake.forbid("POST", rf"/channels/{channel}/messages", times=1)
    with pytest.raises(discord.Forbidden) as refused:
        await target.send("no")
    assert refused.value.code == 50013

    fake.rate_limit("POST", rf"/channels/{channel}/messages", retry_after=0.01)
    await target.send("after a wait")  # discord.py sleeps and retries on its own
    statuses = [r.status for r in fake.requests_to("POST", rf"/channels/{channel}/messages")]
    assert statuses == [403, 429, 200]


async def test_interactions_are_dispatched_and_answers_recorded(
    running: tuple[FakeDiscord, _Client, str, str],
) -> None:
    fake, client, guild, channel = running
    payload = fake.slash_command(
        "ping", guild_id=guild, channel_id=channel, user_id="1300000000000000001"
    )
    handle = await fake.interact(payload)
    await fake.wait_for_response(handle)

    (callback,) = fake.callbacks(handle.id)
    assert callback.json == {"type": 4, "data": {"tts": False, "content": "pong", "flags": 64}}
    assert callback.at - handle.dispatched_at < 3
    assert client.interactions[0].user.id == 1300000000000000001


async def test_custom_routes_override_the_defaults(
    running: tuple[FakeDiscord, _Client, str, str],
) -> None:
    fake, client, _, channel = running

    @fake.route("GET", r"/channels/(?P<channel>\d+)")
    async def gone(call: Call) -> Reply:
        return Reply(404, {"message": "Unknown Channel", "code": 10003})

    with pytest.raises(discord.NotFound):
        await client.fetch_channel(int(channel))


async def test_components_discord_would_refuse_are_refused(
    running: tuple[FakeDiscord, _Client, str, str],
) -> None:
    fake, client, _, channel = running
    target = client.get_partial_messageable(int(channel))
    six: list[dict[str, Any]] = [
        {"type": 2, "style": 2, "label": str(i), "custom_id": f"b{i}"} for i in range(6)
    ]
    too_wide: dict[str, Any] = {"content": "x", "components": [{"type": 1, "components": six}]}
    with pytest.raises(discord.HTTPException) as refused:
        await client.http.send_message(target.id, params=_params(too_wide))
    assert refused.value.status == 400 and refused.value.code == 50035
    five: dict[str, Any] = {"content": "x", "components": [{"type": 1, "components": six[:5]}]}
    await client.http.send_message(target.id, params=_params(five))
    assert [r.status for r in fake.requests_to("POST", rf"/channels/{channel}/messages")] == [
        400,
        200,
    ]


async def test_a_modal_submit_echoes_the_modal_with_values(
    running: tuple[FakeDiscord, _Client, str, str],
) -> None:
    fake, _, guild, channel = running
    modal = {
        "custom_id": "form",
        "title": "A form",
        "components": [
            {"type": 18, "label": "Text", "component": {"type": 4, "custom_id": "t", "style": 2}},
            {"type": 18, "label": "Tick", "component": {"type": 23, "custom_id": "c"}},
        ],
    }
    payload = fake.modal_submit(
        modal, {"t": "hello", "c": True}, guild_id=guild, channel_id=channel, user_id=USER
    )
    assert payload["data"] == {
        "custom_id": "form",
        "components": [
            {
                "type": 18,
                "id": 1,
                "component": {"type": 4, "id": 2, "custom_id": "t", "value": "hello"},
            },
            {
                "type": 18,
                "id": 3,
                "component": {"type": 23, "id": 4, "custom_id": "c", "value": True},
            },
        ],
    }


async def test_a_button_in_a_dm_is_pressed_as_a_user_without_a_guild(
    running: tuple[FakeDiscord, _Client, str, str],
) -> None:
    fake, client, _, _ = running
    dm = await client.create_dm(discord.Object(int(USER)))
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Press", custom_id="press"))
    sent = await dm.send("hi", view=view)
    payload = fake.button_press(str(sent.id), "press", guild_id="0", user_id=USER)
    handle = await fake.interact(payload)
    await fake.wait_for_response(handle)
    (interaction,) = client.interactions
    assert interaction.guild_id is None and not isinstance(interaction.user, discord.Member)
    assert interaction.user.id == int(USER)


def _params(payload: dict[str, Any]) -> discord.http.MultipartParameters:
    return discord.http.MultipartParameters(payload=payload, multipart=None, files=None)
