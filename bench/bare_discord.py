"""The baseline: a bare discord.py client that only acknowledges a modal submit.

It defers every modal submit privately (the first response) and sends one "thanks"
follow-up, the least any bot must do. ``bench.discord_burst`` runs it in a child process
on the same fake Discord and load as consultbot.

    python -m bench.bare_discord API_BASE GATEWAY_URL
"""

from __future__ import annotations

import asyncio
import sys

import discord
import yarl
from discord.gateway import DiscordWebSocket


class Bare(discord.Client):
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.modal_submit:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send("Thanks", ephemeral=True)


async def main(api_base: str, gateway_url: str) -> None:
    discord.http.Route.BASE = api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    client = Bare(intents=discord.Intents.default())
    await client.start("fake-token")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
