"""The Outbox while answering one Discord interaction (a slash command, a button, a form):
the actor's private notices, their privacy note and the files they asked for become
ephemeral follow-ups to it; everything else goes to ``DiscordOutbox``. Follow-ups are webhook
calls, which take no nonce, so they are not retried after a 5xx or a dropped connection."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from adapters.discord import render, ui
from adapters.discord.convert import Needs
from adapters.discord.outbox import DiscordOutbox
from adapters.discord.render import Rows
from bot.core.errors import DeliveryFailed
from bot.core.events import Person
from bot.core.outbound import (
    Audience,
    ConsentRequest,
    DeliveryFile,
    FileDelivery,
    Outbound,
    is_held_list_for,
    is_private_to,
)

log = logging.getLogger(__name__)

DONE = "Done."

Interaction = discord.Interaction[discord.Client]


class InteractionOutbox:
    """The Outbox while answering one interaction: the actor's private notices and the files
    they asked for become ephemeral follow-ups; everything else goes to ``DiscordOutbox``."""

    def __init__(self, base: DiscordOutbox, interaction: Interaction, actor: Person) -> None:
        self._base = base
        self._interaction = interaction
        self._actor = actor
        self.replied = False

    def _is_actor(self, person: Person) -> bool:
        return person.user_id == self._actor.user_id

    async def send(self, message: Outbound) -> str | None:
        if is_private_to(message, self._actor):
            for chunk in render.split_text(render.notice_text(message.text)):
                await self.reply(chunk)
            return None
        if is_held_list_for(message, self._actor):
            for text, rows in render.held_messages(message):
                await self.reply(text, rows=rows)
            return None
        if isinstance(message, ConsentRequest) and self._is_actor(message.recipient):
            chunks = render.split_text(message.text)
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                await self.reply(chunk, rows=render.consent_buttons(message) if last else ())
            return None
        if (
            isinstance(message, FileDelivery)
            and message.audience is Audience.REQUESTER
            and self._is_actor(message.requester)
        ):
            await self.reply(message.text, message.files)
            return None
        return await self._base.send(message)

    async def reply(
        self, text: str, files: Sequence[DeliveryFile] = (), *, rows: Rows = ()
    ) -> None:
        """An ephemeral follow-up to the interaction, with files or buttons. Not retried
        after a 5xx or a dropped connection: a webhook call cannot be de-duplicated."""
        followup = self._interaction.followup

        async def attempt() -> discord.WebhookMessage:
            if files:
                return await followup.send(
                    text,
                    files=ui.files(files),
                    ephemeral=True,
                    allowed_mentions=ui.NO_MENTIONS,
                    wait=True,
                )
            if rows:
                return await followup.send(
                    text,
                    view=ui.view(rows),
                    ephemeral=True,
                    allowed_mentions=ui.NO_MENTIONS,
                    wait=True,
                )
            return await followup.send(
                text, ephemeral=True, allowed_mentions=ui.NO_MENTIONS, wait=True
            )

        await self._base.deliver(
            attempt, needs=Needs.INTERACTION_REPLY, channel_id=None, repeatable=False
        )
        self.replied = True

    async def finish(self) -> None:
        """Resolve a "thinking…" response that the engine left without a private reply."""
        thinking = self._interaction.response.type is (
            discord.InteractionResponseType.deferred_channel_message
        )
        if thinking and not self.replied:
            try:
                await self.reply(DONE)
            except DeliveryFailed as exc:
                log.warning("could not resolve an interaction: %s", exc.hint)
