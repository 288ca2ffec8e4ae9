"""Discord settings from the environment, and the edit coalescer's timing."""

from __future__ import annotations

import asyncio

import pytest

from adapters.discord.adapter import bot_intents
from adapters.discord.settings import DEFAULT_API_BASE, DiscordSettings
from bot.core.coalesce import EditCoalescer
from bot.core.errors import ConfigError

ROLE = "123456789012345678"
LEAD_ROLE = "623456789012345678"
LEAD_CHANNEL = "723456789012345678"
BASE = {
    "DISCORD_TOKEN": "secret-token",
    "DISCORD_FACILITATOR_ROLE_IDS": ROLE,
    "DISCORD_SAFEGUARDING_ROLE_IDS": LEAD_ROLE,
    "DISCORD_SAFEGUARDING_CHANNEL_ID": LEAD_CHANNEL,
}


def test_the_minimum_is_a_token_a_facilitator_role_and_a_safeguarding_lead() -> None:
    settings = DiscordSettings.from_env(BASE)
    assert settings.api_base == DEFAULT_API_BASE and settings.gateway_url is None
    assert settings.facilitator_role_ids == {int(ROLE)}
    assert settings.staff_role_ids == frozenset() and settings.staff_channel_id is None
    assert settings.guild_id is None and settings.sync_commands is True
    assert settings.safeguarding_role_ids == {int(LEAD_ROLE)}
    assert settings.safeguarding_channel_id == int(LEAD_CHANNEL)
    assert settings.safeguarding_user_ids == frozenset() == settings.deputy_user_ids
    assert settings.deputy_channel_id is None
    assert "secret-token" not in repr(settings)


def test_every_key_is_read() -> None:
    settings = DiscordSettings.from_env(
        {
            **BASE,
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10/",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/gateway",
            "DISCORD_FACILITATOR_ROLE_IDS": f"{ROLE}, 223456789012345678",
            "DISCORD_STAFF_ROLE_IDS": "323456789012345678",
            "DISCORD_STAFF_CHANNEL_ID": "423456789012345678",
            "DISCORD_GUILD_ID": "523456789012345678",
            "DISCORD_SYNC_COMMANDS": "false",
            "DISCORD_SAFEGUARDING_USER_IDS": "823456789012345678,823456789012345679",
            "DISCORD_DEPUTY_CHANNEL_ID": "923456789012345678",
            "DISCORD_DEPUTY_USER_IDS": "993456789012345678",
        }
    )
    assert settings.api_base == "http://127.0.0.1:9/api/v10"
    assert settings.gateway_url == "ws://127.0.0.1:9/gateway"
    assert settings.facilitator_role_ids == {int(ROLE), 223456789012345678}
    assert settings.staff_role_ids == {323456789012345678}
    assert settings.staff_channel_id == 423456789012345678
    assert settings.guild_id == 523456789012345678
    assert settings.sync_commands is False
    assert settings.safeguarding_user_ids == {823456789012345678, 823456789012345679}
    assert settings.deputy_channel_id == 923456789012345678
    assert settings.deputy_user_ids == {993456789012345678}
    assert settings.lead_user_ids == {823456789012345678, 823456789012345679, 993456789012345678}


def test_safeguarding_alerts_need_a_channel_or_users_and_the_error_names_both() -> None:
    env = {**BASE, "DISCORD_SAFEGUARDING_CHANNEL_ID": ""}
    with pytest.raises(ConfigError) as raised:
        DiscordSettings.from_env(env)
    assert "DISCORD_SAFEGUARDING_CHANNEL_ID" in str(raised.value)
    assert "DISCORD_SAFEGUARDING_USER_IDS" in str(raised.value)
    by_dm = DiscordSettings.from_env({**env, "DISCORD_SAFEGUARDING_USER_IDS": ROLE})
    assert by_dm.safeguarding_channel_id is None and by_dm.safeguarding_user_ids == {int(ROLE)}


def test_someone_must_be_able_to_act_on_an_alert() -> None:
    env = {**BASE, "DISCORD_SAFEGUARDING_ROLE_IDS": ""}
    with pytest.raises(ConfigError) as raised:
        DiscordSettings.from_env(env)
    assert raised.value.key == "DISCORD_SAFEGUARDING_ROLE_IDS"
    # The users alerts are DM'd to are leads by id, so no role is needed then.
    users = DiscordSettings.from_env({**env, "DISCORD_SAFEGUARDING_USER_IDS": ROLE})
    assert users.safeguarding_role_ids == frozenset() and users.lead_user_ids == {int(ROLE)}


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"DISCORD_TOKEN": ""}, "DISCORD_TOKEN"),
        ({"DISCORD_FACILITATOR_ROLE_IDS": ""}, "DISCORD_FACILITATOR_ROLE_IDS"),
        ({"DISCORD_FACILITATOR_ROLE_IDS": "Facilitators"}, "DISCORD_FACILITATOR_ROLE_IDS"),
        ({"DISCORD_STAFF_ROLE_IDS": f"{ROLE},12"}, "DISCORD_STAFF_ROLE_IDS"),
        ({"DISCORD_STAFF_CHANNEL_ID": "#staff"}, "DISCORD_STAFF_CHANNEL_ID"),
        ({"DISCORD_GUILD_ID": "my server"}, "DISCORD_GUILD_ID"),
        ({"DISCORD_SYNC_COMMANDS": "sometimes"}, "DISCORD_SYNC_COMMANDS"),
        ({"DISCORD_API_BASE": "discord.com"}, "DISCORD_API_BASE"),
        ({"DISCORD_GATEWAY_URL": "http://x"}, "DISCORD_GATEWAY_URL"),
        ({"DISCORD_SAFEGUARDING_ROLE_IDS": "DSL"}, "DISCORD_SAFEGUARDING_ROLE_IDS"),
        ({"DISCORD_SAFEGUARDING_CHANNEL_ID": "#dsl"}, "DISCORD_SAFEGUARDING_CHANNEL_ID"),
        ({"DISCORD_SAFEGUARDING_USER_IDS": "@dana"}, "DISCORD_SAFEGUARDING_USER_IDS"),
        ({"DISCORD_DEPUTY_CHANNEL_ID": "#deputy"}, "DISCORD_DEPUTY_CHANNEL_ID"),
        ({"DISCORD_DEPUTY_USER_IDS": "1,2"}, "DISCORD_DEPUTY_USER_IDS"),
    ],
)
def test_a_wrong_value_names_its_key(changes: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        DiscordSettings.from_env({**BASE, **changes})
    assert raised.value.key == key


def test_no_privileged_intent_is_asked_for() -> None:
    intents = bot_intents()
    assert not (intents.members or intents.presences or intents.message_content)
    assert intents.guilds and intents.guild_reactions
    assert not (intents.guild_messages or intents.dm_messages)


async def test_a_burst_becomes_a_first_and_a_last_edit() -> None:
    edits: list[tuple[str, int]] = []

    async def edit(key: str, value: int) -> None:
        edits.append((key, value))

    coalescer: EditCoalescer[str, int] = EditCoalescer(edit, interval=0.1)
    for value in range(1, 11):
        coalescer.submit("post", value)
        await asyncio.sleep(0.005)
    coalescer.submit("other", 1)
    await asyncio.sleep(0.25)
    assert edits[0] == ("post", 1)
    assert [v for k, v in edits if k == "post"][-1] == 10
    assert len([k for k, _ in edits if k == "post"]) <= 3
    assert ("other", 1) in edits


async def test_closing_sends_the_latest_counts_at_once() -> None:
    edits: list[int] = []

    async def edit(key: str, value: int) -> None:
        edits.append(value)

    coalescer: EditCoalescer[str, int] = EditCoalescer(edit, interval=60)
    coalescer.submit("post", 1)
    await asyncio.sleep(0)
    coalescer.submit("post", 2)
    await asyncio.wait_for(coalescer.aclose(), 1)
    assert edits == [1, 2]
