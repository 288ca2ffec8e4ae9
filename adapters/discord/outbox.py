"""The Outbox on Discord: each core message rendered (``render``) and sent, with retries, and
every Discord error mapped to one ``DeliveryFailed`` in one place (``DiscordOutbox.deliver``).

Kind by kind (``DiscordOutbox``; ``InteractionOutbox`` wraps it for one interaction):
- ``QuestionPost``: a channel message: the content note first when set, then "Question n of
  m" ("Check-in" for question 0), the text and help, and "Answer anonymously" and "Skip"
  buttons.
- ``EndCheckPost``: a channel message ("1 of 4: Did you feel safe?", the intro above the
  first) with one button per face, emoji and label, on one row; no counts are shown.
- ``AnswerPost``: a channel message (not a thread: sessions are short and facilitated, a
  single stream reads like the room, and threads would need two more permissions), the
  alias in bold and the answer escaped in a block quote, link previews suppressed, one
  anonymous button per palette emoji ("👍 me too · 3", rows of five, four rows at most) and
  "🚩 Report privately" on a row of its own. Too long after escaping: shortened with a note,
  never split. The bot adds no native reactions: pressing one shows your name.
- ``ReactionCountsChanged``: an edit of the post's buttons (the report button kept),
  coalesced per message by the core's ``EditCoalescer`` to at most one edit per
  ``edit_interval`` (first edit at once, the latest counts at the end).
- ``PostsRemoved``: ``DELETE /channels/{c}/messages/{m}`` for each post (the bot may always
  delete its own), with the count edits still waiting for it dropped; a message already
  gone counts as deleted. Every post is tried; ``DeliveryFailed`` if any was refused.
- ``ChannelNotice``: a channel message, split at line breaks past 2000 characters.
- ``PrivateNotice``: an ephemeral follow-up when it is for the person who caused the
  interaction (the core's ``is_private_to``); otherwise (timers, reactions, notes to the
  facilitator) a direct message. Words it quotes in «…» are escaped
  (``render.notice_text``); the rest renders.
- ``ConsentRequest``: the privacy note with an "I understand" button, as an ephemeral
  follow-up to its recipient's own interaction; otherwise a direct message with the button.
- ``SafeguardingAlert``: never in the group's channel. The order and the fallback are the
  core's (``bot.core.routing``): LEAD → a post in ``DISCORD_SAFEGUARDING_CHANNEL_ID``, else a
  DM to each of ``DISCORD_SAFEGUARDING_USER_IDS`` (who are also DM'd when the channel refuses
  it), then the deputy's targets if none of those took it. DEPUTY →
  ``DISCORD_DEPUTY_CHANNEL_ID`` / ``DISCORD_DEPUTY_USER_IDS`` the same way, then the lead's
  targets if neither is set or neither took it. A neutral first line says only that there is
  an alert (a calm one for a low-priority note; phones preview the start of a message), then
  the core's text,
  escaped (it quotes the young person), and the writer as a ``<@id>`` mention (it shows the
  lead who wrote it and pings nobody), split at 2000 characters, with "I'm on it", "Release
  to the group" and "Keep out of the digest" buttons (the last two when the alert has them)
  on the last part. ``DeliveryFailed`` only when no target took it.
- ``StaffNote``: a channel message to ``DISCORD_STAFF_CHANNEL_ID``, escaped; with no staff
  channel, a warning is logged (without the text) and nothing is sent.
- ``FileDelivery``: REQUESTER → ephemeral follow-up with the files (DM when proactive);
  STAFF → an upload to ``DISCORD_STAFF_CHANNEL_ID``, or a DM to the requester when unset
  (``DeliveryFailed`` when the requester is the scheduler: nobody to DM).
A message for someone who is not a Discord user (the scheduler's ``system_person``) raises
``DeliveryFailed``.

Retries. discord.py retries 429s itself; 5xx and connection errors are retried a bounded
number of times when a retry cannot send twice: channel posts and DMs carry a nonce with
``enforce_nonce``, so Discord drops a repeat. Interaction follow-ups are webhook calls, which
take no nonce, so they are retried only when Discord surely did nothing (a rate limit, no
connection made), never after a 5xx or a dropped connection. (discord.py's webhook client
itself still retries a 5xx up to five times; that is outside the adapter.) Every Discord
error becomes one ``DeliveryFailed`` whose hint names the missing permission
(``convert.delivery_failure``). No mention can ping anyone: ``allowed_mentions`` is empty on
the client and on every send.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import aiohttp
import discord

from adapters.discord import convert, render, ui
from adapters.discord.convert import Needs
from adapters.discord.render import Rows
from adapters.discord.settings import DiscordSettings
from bot.core.actions import report_action_id
from bot.core.coalesce import EditCoalescer
from bot.core.errors import DeliveryFailed
from bot.core.events import Person
from bot.core.outbound import (
    AnswerPost,
    Audience,
    ChannelNotice,
    ConsentRequest,
    DeliveryFile,
    EndCheckPost,
    FileDelivery,
    Outbound,
    PostsRemoved,
    PrivateNotice,
    QuestionPost,
    ReactionCountsChanged,
    SafeguardingAlert,
    StaffNote,
    is_private_to,
)
from bot.core.routing import alert_route, deliver_alert

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS: tuple[float, ...] = (0.5, 2.0)
DEFAULT_EDIT_INTERVAL = 1.0
DONE = "Done."

T = TypeVar("T")
Interaction = discord.Interaction[discord.Client]


class DiscordOutbox:
    """The Outbox for messages with no interaction to answer through."""

    def __init__(
        self,
        client: discord.Client,
        settings: DiscordSettings,
        *,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        edit_interval: float = DEFAULT_EDIT_INTERVAL,
    ) -> None:
        self._client = client
        self._settings = settings
        self._retry_delays = tuple(retry_delays)
        self._lead, self._deputy = settings.alert_targets()
        self.edits: EditCoalescer[tuple[str, str], ReactionCountsChanged] = EditCoalescer(
            self._edit_counts, edit_interval
        )

    async def send(self, message: Outbound) -> str | None:
        match message:
            case QuestionPost():
                content = render.question_content(message)
                return await self._post(
                    message.channel_id, content, render.question_buttons(message)
                )
            case EndCheckPost():
                content = render.end_check_content(message)
                return await self._post(
                    message.channel_id, content, render.end_check_buttons(message)
                )
            case AnswerPost():
                content = render.answer_content(message)
                buttons = render.answer_buttons(message.reactions, message.report_action_id)
                return await self._post(message.channel_id, content, buttons)
            case ReactionCountsChanged():
                if message.message_ref is None:
                    log.warning("counts changed for answer %s, post unknown", message.answer_id)
                    return None
                self.edits.submit((message.channel_id, message.message_ref), message)
                return None
            case PostsRemoved():
                await self._remove(message)
                return None
            case ChannelNotice():
                return await self._post_all(message.channel_id, render.split_text(message.text))
            case PrivateNotice():
                await self.direct(message.recipient, render.notice_text(message.text))
                return None
            case ConsentRequest():
                await self.direct(
                    message.recipient, message.text, rows=render.consent_buttons(message)
                )
                return None
            case SafeguardingAlert():
                await self.alert(message)
                return None
            case StaffNote():
                staff_channel = self._settings.staff_channel_id
                if staff_channel is None:
                    log.warning("a staff note was not sent: DISCORD_STAFF_CHANNEL_ID is not set")
                    return None
                chunks = render.split_text(render.escape_text(message.text))
                return await self._post_all(str(staff_channel), chunks)
            case FileDelivery():
                staff_channel = self._settings.staff_channel_id
                if message.audience is Audience.STAFF:
                    if staff_channel is not None:
                        return await self._post(
                            str(staff_channel), message.text, files=message.files
                        )
                    if not convert.is_user(message.requester):  # closed by the scheduler
                        raise DeliveryFailed(convert.NO_STAFF_CHANNEL)
                await self.direct(message.requester, message.text, message.files)
                return None
        return None  # pragma: no cover - the match is exhaustive

    async def deliver(
        self,
        attempt: Callable[[], Awaitable[T]],
        *,
        needs: Needs,
        channel_id: str | None,
        repeatable: bool = True,
    ) -> T:
        """Run ``attempt``, retrying transient failures; the one place Discord errors become
        ``DeliveryFailed``. ``repeatable=False`` is for a call Discord cannot de-duplicate
        (a follow-up: webhooks take no nonce): it is retried only when the failure shows
        Discord did nothing, since a 5xx or a dropped connection may come after the send."""
        delays: tuple[float | None, ...] = (*self._retry_delays, None)
        for delay in delays:
            cause: Exception
            unsent = False  # Discord surely did nothing, so even a follow-up may be retried
            try:
                return await attempt()
            except discord.HTTPException as exc:
                cause = exc
                unsent = exc.status == 429
                failure = convert.delivery_failure(
                    status=exc.status, code=exc.code, needs=needs, channel_id=channel_id
                )
            except discord.RateLimited as exc:
                cause, unsent = exc, True
                failure = convert.delivery_failure(
                    status=429, code=0, needs=needs, channel_id=channel_id
                )
            except aiohttp.ClientConnectorError as exc:  # before the general clause: a subclass
                cause, unsent = exc, True
                failure = convert.delivery_failure(
                    status=None, code=0, needs=needs, channel_id=channel_id
                )
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                cause = exc
                failure = convert.delivery_failure(
                    status=None, code=0, needs=needs, channel_id=channel_id
                )
            if not failure.transient or delay is None or not (repeatable or unsent):
                raise failure from cause
            log.warning("Discord failed transiently (%s); retrying in %.1fs", cause, delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _post(
        self,
        channel_id: str,
        content: str,
        rows: Rows = (),
        *,
        files: Sequence[DeliveryFile] = (),
    ) -> str:
        channel = self._client.get_partial_messageable(convert.channel_snowflake(channel_id))
        content = render.truncate(content, render.MESSAGE_LIMIT)
        nonce = secrets.token_hex(8)  # the same on every try: Discord drops a repeat

        async def attempt() -> discord.Message:
            if files:
                return await channel.send(
                    content, files=ui.files(files), allowed_mentions=ui.NO_MENTIONS, nonce=nonce
                )
            return await channel.send(
                content,
                view=ui.view(rows),
                allowed_mentions=ui.NO_MENTIONS,
                suppress_embeds=True,
                nonce=nonce,
            )

        needs = Needs.FILE_POST if files else Needs.CHANNEL_POST
        message = await self.deliver(attempt, needs=needs, channel_id=channel_id)
        return str(message.id)

    async def _post_all(self, channel_id: str, chunks: Sequence[str], rows: Rows = ()) -> str:
        """Several messages in a row, the buttons on the last; the first one's reference."""
        refs = [
            await self._post(channel_id, chunk, rows if index == len(chunks) - 1 else ())
            for index, chunk in enumerate(chunks)
        ]
        return refs[0]

    async def direct(
        self,
        person: Person,
        text: str,
        files: Sequence[DeliveryFile] = (),
        *,
        rows: Rows = (),
    ) -> None:
        """A direct message: the only private channel Discord offers without an interaction.
        Long text is split; files and buttons go with the last part. Each part carries its
        own nonce, the same on every try, so a retry after a 5xx cannot send it twice."""
        user = discord.Object(convert.user_snowflake(person))

        async def open_dm() -> discord.DMChannel:
            return await self._client.create_dm(user)

        dm = await self.deliver(open_dm, needs=Needs.DIRECT_MESSAGE, channel_id=None)
        chunks = render.split_text(text)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            nonce = secrets.token_hex(8)

            async def attempt(
                chunk: str = chunk, last: bool = last, nonce: str = nonce
            ) -> discord.Message:
                if files and last:
                    return await dm.send(
                        chunk, files=ui.files(files), allowed_mentions=ui.NO_MENTIONS, nonce=nonce
                    )
                if rows and last:
                    return await dm.send(
                        chunk, view=ui.view(rows), allowed_mentions=ui.NO_MENTIONS, nonce=nonce
                    )
                return await dm.send(chunk, allowed_mentions=ui.NO_MENTIONS, nonce=nonce)

            await self.deliver(attempt, needs=Needs.DIRECT_MESSAGE, channel_id=None)

    async def alert(self, alert: SafeguardingAlert) -> None:
        """A safeguarding alert along the core's route: Discord supplies only the two sends."""
        chunks = render.alert_chunks(alert)
        buttons = render.alert_buttons(alert)

        async def to_channel(channel_id: str) -> None:
            await self._post_all(channel_id, chunks, buttons)

        async def to_person(user_id: str) -> None:
            lead = Person(platform=convert.PLATFORM, user_id=user_id)
            await self.direct(lead, "\n".join(chunks), rows=buttons)

        await deliver_alert(
            alert_route(alert.audience, lead=self._lead, deputy=self._deputy),
            alert_id=alert.alert_id,
            to_channel=to_channel,
            to_person=to_person,
            nowhere_hint=convert.NO_ALERT_DESTINATION,
        )

    async def _remove(self, removal: PostsRemoved) -> None:
        """Delete the bot's own posts; one refusal does not stop the others."""
        channel_id = removal.channel_id
        channel = self._client.get_partial_messageable(convert.channel_snowflake(channel_id))
        refused: DeliveryFailed | None = None
        for ref in removal.message_refs:
            self.edits.discard((channel_id, ref))  # no count edit for a post being deleted
            if not ref.isdigit():
                log.warning("not a Discord message id, not deleted: %r", ref)
                continue
            message = channel.get_partial_message(int(ref))

            async def attempt(message: discord.PartialMessage = message) -> None:
                with contextlib.suppress(discord.NotFound):  # already gone: deleted by hand
                    await message.delete()

            try:
                await self.deliver(attempt, needs=Needs.CHANNEL_POST, channel_id=channel_id)
            except DeliveryFailed as exc:
                log.warning("could not delete a post in channel %s: %s", channel_id, exc.hint)
                refused = exc
        if refused is not None:
            raise refused

    async def _edit_counts(self, key: tuple[str, str], change: ReactionCountsChanged) -> None:
        channel_id, message_ref = key
        channel = self._client.get_partial_messageable(convert.channel_snowflake(channel_id))
        message = channel.get_partial_message(int(message_ref))

        async def attempt() -> discord.Message:
            buttons = render.answer_buttons(change.reactions, report_action_id(change.answer_id))
            return await message.edit(view=ui.view(buttons))

        try:
            await self.deliver(attempt, needs=Needs.CHANNEL_POST, channel_id=channel_id)
        except DeliveryFailed as exc:  # nobody to tell: the counts are stored all the same
            log.warning("could not update counts for answer %s: %s", change.answer_id, exc.hint)


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
