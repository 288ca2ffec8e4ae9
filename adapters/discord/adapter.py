"""The Discord adapter's wiring and lifecycle: the discord.py client, its intents, the slash
command sync at start, and ``serve``.

The client only connects the parts: gateway events go to ``Inbound`` (``inbound.py``:
payloads → core events, Discord's acknowledgements), slash commands are declared in
``commands.py``, and everything the core sends goes through ``DiscordOutbox``
(``outbox.py``: rendering via ``render.py``, sending, retries, ``DeliveryFailed``). The
proactive outbox is handed to ``on_start`` once, after login, for timed jobs. On close the
pending reaction-count edits are sent before the connection goes.

The client asks for no privileged intent and sets ``allowed_mentions`` to none, so no message
of the bot's can ping anyone.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from adapters.discord import convert, ui
from adapters.discord.commands import add_commands
from adapters.discord.feedback import add_feedback_command
from adapters.discord.inbound import Inbound, Interaction
from adapters.discord.outbox import DEFAULT_EDIT_INTERVAL, DEFAULT_RETRY_DELAYS, DiscordOutbox
from adapters.discord.settings import DiscordSettings
from bot.core.errors import ConfigError
from bot.core.events import ReactionChange
from bot.core.ports import EventHandler, Outbox

log = logging.getLogger(__name__)


def bot_intents() -> discord.Intents:
    """Least privilege: nothing privileged (no message content, members or presences)."""
    intents = discord.Intents.none()
    intents.guilds = True  # channels and roles, so a member's role ids resolve
    intents.guild_reactions = True  # native reactions on answer posts
    return intents


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(
        application_id, permissions=convert.BOT_PERMISSIONS, scopes=convert.BOT_SCOPES
    )


@contextlib.contextmanager
def api_endpoints(settings: DiscordSettings) -> Iterator[None]:
    """Point discord.py at ``settings``' API and gateway; these are process-wide globals in
    discord.py, so they are restored on exit."""
    old_base, old_gateway = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = settings.api_base
    if settings.gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


class ConsultClient(discord.Client):
    """The discord.py client: commands, buttons, modals and reactions → engine events."""

    def __init__(
        self,
        engine: EventHandler,
        settings: DiscordSettings,
        *,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        edit_interval: float = DEFAULT_EDIT_INTERVAL,
        on_start: Callable[[Outbox], Awaitable[None]] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(intents=bot_intents(), allowed_mentions=ui.NO_MENTIONS, **options)
        self.engine = engine
        self.settings = settings
        self._on_start = on_start
        self.outbox = DiscordOutbox(
            self, settings, retry_delays=retry_delays, edit_interval=edit_interval
        )
        roles = convert.RoleMap(
            facilitator_role_ids=settings.facilitator_role_ids,
            staff_role_ids=settings.staff_role_ids,
            lead_role_ids=settings.safeguarding_role_ids,
            lead_user_ids=settings.lead_user_ids,
        )
        self.inbound = Inbound(engine, self.outbox, roles)
        self.tree: app_commands.CommandTree[ConsultClient] = app_commands.CommandTree(self)
        add_commands(
            self.tree,
            run=self.inbound.command,
            question_sets=engine.question_set_choices,
            session_list=engine.session_choices,
        )
        add_feedback_command(
            self.tree,
            open_form=self.inbound.open_feedback_form,
            session_list=engine.session_choices,
        )

    async def setup_hook(self) -> None:
        await self._sync_commands()
        await self.start_background()

    async def _sync_commands(self) -> None:
        if self.application_id is not None:
            log.info("invite link: %s", invite_url(self.application_id))
        if not self.settings.sync_commands:
            log.info("DISCORD_SYNC_COMMANDS is false: slash commands were not synced")
            return
        guild_id = self.settings.guild_id
        try:
            if guild_id is not None:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
            else:
                synced = await self.tree.sync()
        except discord.Forbidden as exc:
            raise ConfigError(
                "DISCORD_GUILD_ID" if guild_id is not None else "DISCORD_TOKEN",
                "Discord refused to register the slash commands; invite the bot with the "
                "'applications.commands' scope (see docs/discord.md)",
            ) from exc
        where = f"server {guild_id}" if guild_id is not None else "all servers (global)"
        log.info("synced %d slash commands to %s", len(synced), where)

    async def start_background(self) -> None:
        """Hand the proactive outbox to whoever runs timed jobs (once, after login)."""
        if self._on_start is not None:
            await self._on_start(self.outbox)

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s, in %d server(s)", self.user, len(self.guilds))

    async def close(self) -> None:
        await self.outbox.edits.aclose()
        await super().close()

    async def on_interaction(self, interaction: Interaction) -> None:
        await self.inbound.interaction(interaction)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, ReactionChange.ADDED)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, ReactionChange.REMOVED)

    async def _reaction(
        self, payload: discord.RawReactionActionEvent, change: ReactionChange
    ) -> None:
        own_id = self.user.id if self.user is not None else None
        await self.inbound.reaction(payload, change, own_id=own_id)


async def serve(
    engine: EventHandler,
    settings: DiscordSettings,
    *,
    on_start: Callable[[Outbox], Awaitable[None]] | None = None,
) -> None:
    """Run the Discord bot until cancelled (or the connection closes for good).
    ``on_start`` receives the outbox for messages nobody asked for (timed jobs)."""
    with api_endpoints(settings):
        client = ConsultClient(engine, settings, on_start=on_start)
        async with client:
            try:
                await client.start(settings.token)
            except discord.LoginFailure as exc:
                raise ConfigError(
                    "DISCORD_TOKEN",
                    "was refused by Discord; copy it again from the Bot page of your application",
                ) from exc
