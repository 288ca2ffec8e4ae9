"""The Discord adapter: ``serve(engine, DiscordSettings.from_env(env))`` runs the bot."""

from adapters.discord.adapter import ConsultClient, serve
from adapters.discord.settings import DiscordSettings

__all__ = ["ConsultClient", "DiscordSettings", "serve"]
