"""The Discord adapter: discord.py client wiring, acknowledgements, and the Outbox.

Inbound. Slash commands (``/start-session`` … ``/who-wrote``) are deferred ephemerally with
"thinking" before the engine runs, so Discord always gets its first response within 3 s and
nobody else in the channel sees who ran a command (``/withdraw``, ``/worried`` stay private).
Buttons and modal submits are routed by ``custom_id`` in ``on_interaction`` (not by
in-memory views), so a press after a restart still maps to an event:
- "Answer anonymously" opens the answer modal as the first response, or, for someone who has
  not agreed to the privacy note in this session, answers with the note and an "I
  understand" button (ephemeral). Pressing that records ``ConsentGiven`` and then opens the
  modal as its first response (the engine's "thanks" is dropped: the form says enough; if
  recording it takes over 2 s, it still completes and the person is asked to press again).
  An "I understand" from a reaction prompt is deferred and answered with the thanks.
- The modal holds the answer box and, except for the closing check-in, a "quote my words"
  checkbox, unticked by default; the submit is deferred (ephemeral, thinking) before the
  answer (``AnswerSubmitted.quote_ok``) is stored.
- A reaction button is acknowledged with a silent deferred update.
- "Skip", "Report privately" and the safeguarding lead's "I'm on it", "Release to the group"
  and "Keep out of the digest" are deferred (ephemeral, thinking); release and keep out
  become the ``/release`` and ``/keep-out`` commands, so the engine checks the role.
Native emoji reactions arrive as raw gateway events; the bot's own are ignored and the core
ignores reactions on messages that are not answer posts (and from people who have not agreed
to the privacy note). Only the member's role ids (mapped to core roles; configured
safeguarding user ids also make a lead, because a button in a DM carries no roles) and
snowflake reach the core: never a username or display name.

Outbound, kind by kind (``DiscordOutbox``; ``InteractionOutbox`` wraps it for one interaction):
- ``QuestionPost``: a channel message: the content note first when set, then "Question n of
  m" ("Check-in" for question 0), the text and help, and "Answer anonymously" and "Skip"
  buttons.
- ``AnswerPost``: a channel message (not a thread: sessions are short and facilitated, a
  single stream reads like the room, and threads would need two more permissions), the
  alias in bold and the answer escaped in a block quote, link previews suppressed, one
  anonymous button per palette emoji ("👍 me too · 3", rows of five, four rows at most) and
  "🚩 Report privately" on a row of its own. Too long after escaping: shortened with a note,
  never split. The bot adds no native reactions: pressing one shows your name.
- ``ReactionCountsChanged``: an edit of the post's buttons (the report button kept),
  coalesced per message to at most one edit per ``edit_interval`` (first edit at once, the
  latest counts at the end).
- ``ChannelNotice``: a channel message, split at line breaks past 2000 characters.
- ``PrivateNotice``: an ephemeral follow-up when it is for the person who caused the
  interaction; otherwise (timers, reactions, notes to the facilitator) a direct message.
  Words it quotes in «…» are escaped (``convert.notice_text``); the rest renders.
- ``ConsentRequest``: the privacy note with an "I understand" button, as an ephemeral
  follow-up to its recipient's own interaction; otherwise a direct message with the button.
- ``SafeguardingAlert``: never in the group's channel. LEAD → a post in
  ``DISCORD_SAFEGUARDING_CHANNEL_ID``, else a DM to each of ``DISCORD_SAFEGUARDING_USER_IDS``
  (who are also DM'd when the channel refuses it). DEPUTY → ``DISCORD_DEPUTY_CHANNEL_ID`` /
  ``DISCORD_DEPUTY_USER_IDS`` the same way, then the lead's destination if neither is set or
  neither took it. A neutral first line says only that there is an alert (phones preview
  the start of a message), then the core's text, escaped (it quotes the young person), and
  the writer as a ``<@id>`` mention (it shows the lead who wrote it and pings nobody), split at
  2000 characters, with "I'm on it", "Release to the group" and "Keep out of the digest"
  buttons (the last two when the alert has them) on the last part. ``DeliveryFailed`` only
  when no destination took it.
- ``StaffNote``: a channel message to ``DISCORD_STAFF_CHANNEL_ID``, escaped; with no staff
  channel, a warning is logged (without the text) and nothing is sent.
- ``FileDelivery``: REQUESTER → ephemeral follow-up with the files (DM when proactive);
  STAFF → an upload to ``DISCORD_STAFF_CHANNEL_ID``, or a DM to the requester when unset
  (``DeliveryFailed`` when the requester is the scheduler: nobody to DM).
A message for someone who is not a Discord user (the scheduler's ``system_person``) raises
``DeliveryFailed``. Every send goes through ``DiscordOutbox.deliver``: discord.py retries
429s itself; 5xx and connection errors are retried a bounded number of times when a retry
cannot send twice: channel posts and DMs carry a nonce with ``enforce_nonce``, so Discord
drops a repeat. Interaction follow-ups are webhook calls, which take no nonce, so they are
retried only when Discord surely did nothing (a rate limit, no connection made), never after
a 5xx or a dropped connection. (discord.py's webhook client itself still retries a 5xx up to
five times; that is outside the adapter.) Every Discord error becomes one ``DeliveryFailed``
whose hint names the missing permission (``convert.delivery_failure``). No mention can ping anyone:
``allowed_mentions`` is empty on the client and on every send.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeGuard, TypeVar, cast

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from adapters.discord import convert
from adapters.discord.convert import ButtonSpec, ButtonStyle, ModalSpec, Needs
from adapters.discord.settings import DiscordSettings
from bot.core.actions import (
    AcknowledgeAction,
    AnswerAction,
    ConsentAction,
    KeepOutAction,
    ReactAction,
    ReleaseAction,
    ReportAction,
    SkipAction,
    answer_action_id,
    parse_action_id,
    report_action_id,
)
from bot.core.errors import ConfigError, DeliveryFailed, UserFacingError
from bot.core.events import (
    AlertAcknowledged,
    AnswerReported,
    AnswerSubmitted,
    Command,
    CommandInvoked,
    ConsentGiven,
    InboundEvent,
    Person,
    QuestionSkipped,
    ReactionChange,
    ReactionToggled,
)
from bot.core.outbound import (
    AlertAudience,
    AnswerForm,
    AnswerPost,
    Audience,
    ChannelNotice,
    ConsentRequest,
    DeliveryFile,
    FileDelivery,
    Outbound,
    PrivateNotice,
    QuestionPost,
    ReactionCountsChanged,
    SafeguardingAlert,
    StaffNote,
)
from bot.core.ports import EventHandler, Outbox

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
DEFAULT_RETRY_DELAYS: tuple[float, ...] = (0.5, 2.0)
DEFAULT_EDIT_INTERVAL = 1.0
ANSWER_FORM_DEADLINE = 2.0  # the modal must be the first response, inside Discord's 3 s
APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."
SLOW = "Sorry, that took too long. Please press the button again."
DONE = "Done."

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")
Interaction = discord.Interaction[discord.Client]

_STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.SUCCESS: discord.ButtonStyle.success,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}
Rows = Sequence[Sequence[ButtonSpec]]


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


class EditCoalescer(Generic[K, V]):
    """At most one edit per key per ``interval``: the first at once, then the latest value
    at the end of each interval. A burst of presses becomes two edits, not N."""

    def __init__(self, edit: Callable[[K, V], Awaitable[None]], interval: float) -> None:
        self._edit = edit
        self._interval = interval
        self._pending: dict[K, V] = {}
        self._tasks: dict[K, asyncio.Task[None]] = {}
        self._closing = asyncio.Event()

    def submit(self, key: K, value: V) -> None:
        self._pending[key] = value
        if key not in self._tasks:
            self._tasks[key] = asyncio.create_task(self._drain(key))

    async def _drain(self, key: K) -> None:
        loop = asyncio.get_running_loop()
        try:
            while key in self._pending:
                value = self._pending.pop(key)
                started = loop.time()
                try:
                    await self._edit(key, value)
                except Exception:
                    log.exception("could not update a message's reaction counts")
                wait = self._interval - (loop.time() - started)
                if wait > 0 and not self._closing.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._closing.wait(), wait)
        finally:
            self._tasks.pop(key, None)

    async def aclose(self) -> None:
        """Send what is pending now (no more waiting), then stop."""
        self._closing.set()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)


@dataclass(frozen=True, slots=True)
class AlertDestination:
    """A private channel for safeguarding alerts and/or the users to DM them to."""

    channel_id: int | None
    user_ids: frozenset[int]

    def __bool__(self) -> bool:
        return self.channel_id is not None or bool(self.user_ids)


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
        self.edits: EditCoalescer[tuple[str, str], ReactionCountsChanged] = EditCoalescer(
            self._edit_counts, edit_interval
        )

    async def send(self, message: Outbound) -> str | None:
        match message:
            case QuestionPost():
                content = convert.question_content(message)
                return await self._post(
                    message.channel_id, content, convert.question_buttons(message)
                )
            case AnswerPost():
                content = convert.answer_content(message)
                buttons = convert.answer_buttons(message.reactions, message.report_action_id)
                return await self._post(message.channel_id, content, buttons)
            case ReactionCountsChanged():
                if message.message_ref is None:
                    log.warning("counts changed for answer %s, post unknown", message.answer_id)
                    return None
                self.edits.submit((message.channel_id, message.message_ref), message)
                return None
            case ChannelNotice():
                return await self._post_all(message.channel_id, convert.split_text(message.text))
            case PrivateNotice():
                await self.direct(message.recipient, convert.notice_text(message.text))
                return None
            case ConsentRequest():
                await self.direct(
                    message.recipient, message.text, rows=convert.consent_buttons(message)
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
                chunks = convert.split_text(convert.escape_text(message.text))
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
        content = convert.truncate(content, convert.MESSAGE_LIMIT)
        nonce = secrets.token_hex(8)  # the same on every try: Discord drops a repeat

        async def attempt() -> discord.Message:
            if files:
                return await channel.send(
                    content,
                    files=_files(files),
                    allowed_mentions=NO_MENTIONS,
                    nonce=nonce,
                )
            return await channel.send(
                content,
                view=_view(rows),
                allowed_mentions=NO_MENTIONS,
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
        chunks = convert.split_text(text)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1

            nonce = secrets.token_hex(8)

            async def attempt(
                chunk: str = chunk, last: bool = last, nonce: str = nonce
            ) -> discord.Message:
                if files and last:
                    return await dm.send(
                        chunk, files=_files(files), allowed_mentions=NO_MENTIONS, nonce=nonce
                    )
                if rows and last:
                    return await dm.send(
                        chunk, view=_view(rows), allowed_mentions=NO_MENTIONS, nonce=nonce
                    )
                return await dm.send(chunk, allowed_mentions=NO_MENTIONS, nonce=nonce)

            await self.deliver(attempt, needs=Needs.DIRECT_MESSAGE, channel_id=None)

    def alert_destinations(self, audience: AlertAudience) -> list[AlertDestination]:
        """Where an alert may go, in order. The deputy's destination (when configured) comes
        first for an escalation, then the lead's, so an escalation is never lost."""
        settings = self._settings
        lead = AlertDestination(settings.safeguarding_channel_id, settings.safeguarding_user_ids)
        deputy = AlertDestination(settings.deputy_channel_id, settings.deputy_user_ids)
        if audience is AlertAudience.DEPUTY and deputy:
            return [deputy, lead]
        return [lead]

    async def alert(self, alert: SafeguardingAlert) -> None:
        """A safeguarding alert to the first destination that takes it: its private channel,
        else (or when the channel refuses it) a DM to each of its users. Raises only when
        nobody got it."""
        chunks = convert.alert_chunks(alert)
        buttons = convert.alert_buttons(alert)
        failures: list[DeliveryFailed] = []
        for destination in self.alert_destinations(alert.audience):
            if destination.channel_id is not None:
                try:
                    await self._post_all(str(destination.channel_id), chunks, buttons)
                    return
                except DeliveryFailed as exc:
                    log.error("alert %s: its channel refused it: %s", alert.alert_id, exc.hint)
                    failures.append(exc)
            delivered = 0
            for user_id in sorted(destination.user_ids):
                lead = Person(platform=convert.PLATFORM, user_id=str(user_id))
                try:
                    await self.direct(lead, "\n".join(chunks), rows=buttons)
                    delivered += 1
                except DeliveryFailed as exc:
                    log.error("alert %s: a DM to a lead failed: %s", alert.alert_id, exc.hint)
                    failures.append(exc)
            if delivered:
                return
        if failures:
            raise failures[0]
        raise DeliveryFailed(
            "There is nowhere to send safeguarding alerts: set "
            "DISCORD_SAFEGUARDING_CHANNEL_ID or DISCORD_SAFEGUARDING_USER_IDS."
        )

    async def _edit_counts(self, key: tuple[str, str], change: ReactionCountsChanged) -> None:
        channel_id, message_ref = key
        channel = self._client.get_partial_messageable(convert.channel_snowflake(channel_id))
        message = channel.get_partial_message(int(message_ref))

        async def attempt() -> discord.Message:
            buttons = convert.answer_buttons(change.reactions, report_action_id(change.answer_id))
            return await message.edit(view=_view(buttons))

        try:
            await self.deliver(attempt, needs=Needs.CHANNEL_POST, channel_id=channel_id)
        except DeliveryFailed as exc:  # nobody to tell: the counts are stored all the same
            log.warning("could not update counts for answer %s: %s", change.answer_id, exc.hint)


class InteractionOutbox:
    """The Outbox while answering one interaction: the actor's private notices and the files
    they asked for become ephemeral follow-ups; everything else goes to ``DiscordOutbox``."""

    def __init__(self, base: DiscordOutbox, interaction: Interaction) -> None:
        self._base = base
        self._interaction = interaction
        self.replied = False

    def _is_actor(self, person: Person) -> bool:
        return person.user_id == str(self._interaction.user.id)

    async def send(self, message: Outbound) -> str | None:
        if isinstance(message, PrivateNotice) and self._is_actor(message.recipient):
            for chunk in convert.split_text(convert.notice_text(message.text)):
                await self.reply(chunk)
            return None
        if isinstance(message, ConsentRequest) and self._is_actor(message.recipient):
            chunks = convert.split_text(message.text)
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                await self.reply(chunk, rows=convert.consent_buttons(message) if last else ())
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
                    files=_files(files),
                    ephemeral=True,
                    allowed_mentions=NO_MENTIONS,
                    wait=True,
                )
            if rows:
                return await followup.send(
                    text, view=_view(rows), ephemeral=True, allowed_mentions=NO_MENTIONS, wait=True
                )
            return await followup.send(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS, wait=True
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
        super().__init__(intents=bot_intents(), allowed_mentions=NO_MENTIONS, **options)
        self.engine = engine
        self.settings = settings
        self.roles = convert.RoleMap(
            facilitator_role_ids=settings.facilitator_role_ids,
            staff_role_ids=settings.staff_role_ids,
            lead_role_ids=settings.safeguarding_role_ids,
            lead_user_ids=settings.lead_user_ids,
        )
        self._on_start = on_start
        self._background: set[asyncio.Task[Any]] = set()
        self.outbox = DiscordOutbox(
            self, settings, retry_delays=retry_delays, edit_interval=edit_interval
        )
        self.tree: app_commands.CommandTree[ConsultClient] = app_commands.CommandTree(self)
        _add_commands(self.tree, self)

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

    def person(self, user: discord.User | discord.Member) -> Person:
        roles = [role.id for role in user.roles] if isinstance(user, discord.Member) else []
        return convert.person(user.id, roles, self.roles)

    # -- commands ----------------------------------------------------------------------

    async def run_command(
        self, interaction: Interaction, command: Command, options: Mapping[str, str]
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        event = CommandInvoked(
            person=self.person(interaction.user),
            channel_id=str(interaction.channel_id),
            command=command,
            options=dict(options),
        )
        await self._dispatch(event, InteractionOutbox(self.outbox, interaction))

    async def question_set_choices(self, current: str) -> list[app_commands.Choice[str]]:
        wanted = current.strip().lower()
        return [
            app_commands.Choice(name=convert.truncate(f"{title} ({set_id})", 100), value=set_id)
            for set_id, title in self.engine.question_set_choices()
            if wanted in set_id.lower() or wanted in title.lower()
        ][:25]

    # -- buttons and modals ------------------------------------------------------------

    async def on_interaction(self, interaction: Interaction) -> None:
        data = cast(Mapping[str, Any], interaction.data or {})
        action = parse_action_id(str(data.get("custom_id", "")))
        if action is None:
            return  # slash commands are the tree's; other components are not ours
        if interaction.type is discord.InteractionType.modal_submit:
            if isinstance(action, AnswerAction):
                await self._submit_answer(interaction, action, data.get("components", []))
            return
        if interaction.type is not discord.InteractionType.component:
            return
        person = self.person(interaction.user)
        channel_id = str(interaction.channel_id)
        match action:
            case AnswerAction():
                await self._open_answer_form(interaction, action)
            case ConsentAction():
                await self._agree(interaction, action)
            case ReactAction():
                await self._press_reaction(interaction, action)
            case SkipAction():
                skipped = QuestionSkipped(
                    person=person,
                    channel_id=channel_id,
                    session_id=action.session_id,
                    question_number=action.question_number,
                )
                await self._privately(interaction, skipped)
            case ReportAction():
                reported = AnswerReported(
                    person=person, channel_id=channel_id, answer_id=action.answer_id
                )
                await self._privately(interaction, reported)
            case AcknowledgeAction():
                acknowledged = AlertAcknowledged(
                    person=person, channel_id=channel_id, alert_id=action.alert_id
                )
                await self._privately(interaction, acknowledged)
            case ReleaseAction() | KeepOutAction():
                # The same path as /release and /keep-out: the engine checks the role.
                command = Command.RELEASE if isinstance(action, ReleaseAction) else Command.KEEP_OUT
                decided = CommandInvoked(
                    person=person,
                    channel_id=channel_id,
                    command=command,
                    options={"answer": action.answer_id},
                )
                await self._privately(interaction, decided)

    async def _privately(self, interaction: Interaction, event: InboundEvent) -> None:
        """Acknowledge at once ("thinking", only the presser sees it), then let the engine
        answer in a private follow-up."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._dispatch(event, InteractionOutbox(self.outbox, interaction))

    async def _open_answer_form(self, interaction: Interaction, action: AnswerAction) -> None:
        """The modal as the first response; or the privacy note first, for someone who has
        not agreed to it in this session."""
        try:
            form = await asyncio.wait_for(
                self.engine.answer_form(
                    action.session_id, action.question_number, self.person(interaction.user)
                ),
                ANSWER_FORM_DEADLINE,
            )
        except UserFacingError as exc:
            await interaction.response.send_message(str(exc), ephemeral=True)
            return
        except TimeoutError:
            await interaction.response.send_message(SLOW, ephemeral=True)
            return
        except Exception:
            log.exception("could not open the answer form for session %s", action.session_id)
            await interaction.response.send_message(APOLOGY, ephemeral=True)
            return
        if form.consent is not None:
            await interaction.response.send_message(
                convert.truncate(form.consent.text, convert.MESSAGE_LIMIT),
                view=_view(convert.consent_buttons(form.consent)),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        await self._send_form(interaction, form)

    async def _send_form(self, interaction: Interaction, form: AnswerForm) -> None:
        custom_id = answer_action_id(form.session_id, form.question_number)
        await interaction.response.send_modal(_modal(convert.answer_modal(form, custom_id)))

    async def _agree(self, interaction: Interaction, action: ConsentAction) -> None:
        """ "I understand" on the privacy note. After an "Answer anonymously" press the answer
        form must be the first response, so the consent is recorded (a quick write) and the
        form fetched before anything is sent; the engine's thanks is dropped then."""
        person = self.person(interaction.user)
        channel_id = str(interaction.channel_id)
        agreed = ConsentGiven(person=person, channel_id=channel_id, session_id=action.session_id)
        number = action.question_number
        if number is None:  # asked because of a reaction button: just say thanks
            await self._privately(interaction, agreed)
            return

        async def agree_then_form() -> tuple[list[Outbound], AnswerForm | None]:
            messages = await self.engine.handle(agreed)
            try:
                form = await self.engine.answer_form(action.session_id, number, person)
            except UserFacingError as exc:
                notice = PrivateNotice(channel_id=channel_id, recipient=person, text=str(exc))
                return [*_not_to(person, messages), notice], None
            return messages, form if form.consent is None else None

        # Shielded: if Discord's deadline passes, the consent is still recorded, so the
        # next press of "Answer anonymously" opens the form straight away.
        task = asyncio.create_task(agree_then_form())
        self._background.add(task)
        task.add_done_callback(self._settle_background)
        try:
            messages, form = await asyncio.wait_for(asyncio.shield(task), ANSWER_FORM_DEADLINE)
        except TimeoutError:
            await interaction.response.send_message(SLOW, ephemeral=True)
            return
        except Exception:  # logged once, by _settle_background
            await interaction.response.send_message(APOLOGY, ephemeral=True)
            return
        if form is None:  # not agreed (e.g. the session ended): say why, privately
            mine = [convert.notice_text(m.text) for m in messages if _is_private_to(m, person)]
            await interaction.response.send_message(
                convert.truncate("\n".join(mine) or APOLOGY, convert.MESSAGE_LIMIT),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
        else:
            await self._send_form(interaction, form)
        others = _not_to(person, messages)
        if others:
            await self.engine.send_all(others, self.outbox, actor=person, channel_id=channel_id)

    def _settle_background(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("could not record a consent or open the form", exc_info=task.exception())

    async def _press_reaction(self, interaction: Interaction, action: ReactAction) -> None:
        await interaction.response.defer()  # a silent "update": the count edit follows
        message = interaction.message
        event = ReactionToggled(
            person=self.person(interaction.user),
            channel_id=str(interaction.channel_id),
            palette_index=action.palette_index,
            change=ReactionChange.TOGGLE,
            answer_id=action.answer_id,
            message_ref=str(message.id) if message is not None else None,
        )
        await self._dispatch(event, InteractionOutbox(self.outbox, interaction))

    async def _submit_answer(
        self, interaction: Interaction, action: AnswerAction, components: Any
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        answer = convert.modal_answer(components if isinstance(components, list) else [])
        event = AnswerSubmitted(
            person=self.person(interaction.user),
            channel_id=str(interaction.channel_id),
            text=answer.text or "",
            session_id=action.session_id,
            question_number=action.question_number,
            quote_ok=answer.quote_ok,
        )
        await self._dispatch(event, InteractionOutbox(self.outbox, interaction))

    async def _dispatch(self, event: InboundEvent, outbox: InteractionOutbox) -> None:
        try:
            await self.engine.dispatch(event, outbox)
        except Exception:  # the engine catches its own; this is an adapter bug: say sorry
            log.exception("could not deliver the reply to %s", type(event).__name__)
            with contextlib.suppress(Exception):
                await outbox.reply(APOLOGY)
        await outbox.finish()

    # -- native reactions --------------------------------------------------------------

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._native_reaction(payload, ReactionChange.ADDED)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._native_reaction(payload, ReactionChange.REMOVED)

    async def _native_reaction(
        self, payload: discord.RawReactionActionEvent, change: ReactionChange
    ) -> None:
        if payload.guild_id is None or self.user is None or payload.user_id == self.user.id:
            return
        member = payload.member  # present on add only; reactions need no roles
        roles = [role.id for role in member.roles] if member is not None else []
        person = convert.person(payload.user_id, roles, self.roles)
        event = ReactionToggled(
            person=person,
            channel_id=str(payload.channel_id),
            emoji=str(payload.emoji),
            change=change,
            message_ref=str(payload.message_id),
        )
        try:
            await self.engine.dispatch(event, self.outbox)
        except Exception:
            log.exception("could not handle a native reaction")


def _is_private_to(message: Outbound, person: Person) -> TypeGuard[PrivateNotice]:
    return isinstance(message, PrivateNotice) and message.recipient.user_id == person.user_id


def _not_to(person: Person, messages: Sequence[Outbound]) -> list[Outbound]:
    """Everything except the private notices for ``person``."""
    return [m for m in messages if not _is_private_to(m, person)]


DigestFormatChoice = Literal["all", "md", "html", "csv", "json"]
WITHDRAW_SCOPES = (("all", "All my answers, in every session"), ("this", "This session only"))
Choice = app_commands.Choice[str]


def _add_commands(tree: app_commands.CommandTree[ConsultClient], client: ConsultClient) -> None:
    """The slash commands; each hands straight to the engine, which decides who may."""

    @tree.command(name="start-session", description="Start a session (facilitators)")
    @app_commands.rename(question_set="question-set", question_minutes="question-minutes")
    @app_commands.describe(
        question_set="Which set of questions to ask",
        question_minutes="Optional time limit for each question, in minutes",
    )
    @app_commands.guild_only()
    async def start_session(
        interaction: Interaction,
        question_set: str,
        question_minutes: app_commands.Range[int, 1, 60] | None = None,
    ) -> None:
        options = {"question-set": question_set}
        if question_minutes is not None:
            options["question-minutes"] = str(question_minutes)
        await client.run_command(interaction, Command.START_SESSION, options)

    @start_session.autocomplete("question_set")
    async def question_sets(interaction: Interaction, current: str) -> list[Choice]:
        return await client.question_set_choices(current)

    @tree.command(name="next-question", description="Post the next question (facilitators)")
    @app_commands.guild_only()
    async def next_question(interaction: Interaction) -> None:
        await client.run_command(interaction, Command.NEXT_QUESTION, {})

    @tree.command(name="end-session", description="Finish the session and send the digest")
    @app_commands.guild_only()
    async def end_session(interaction: Interaction) -> None:
        await client.run_command(interaction, Command.END_SESSION, {})

    @tree.command(name="sessions", description="List sessions (facilitators and staff)")
    @app_commands.guild_only()
    async def sessions(interaction: Interaction) -> None:
        await client.run_command(interaction, Command.SESSIONS, {})

    @tree.command(name="digest", description="Download a session's digest (staff)")
    @app_commands.rename(digest_format="format")
    @app_commands.describe(session="The session id, from /sessions", digest_format="File type")
    @app_commands.guild_only()
    async def digest(
        interaction: Interaction, session: str, digest_format: DigestFormatChoice = "all"
    ) -> None:
        options = {"session": session, "format": digest_format}
        await client.run_command(interaction, Command.DIGEST, options)

    @tree.command(name="withdraw", description="Take your answers back")
    @app_commands.describe(
        session="all (the default), this (the session in this channel) or a session id"
    )
    @app_commands.guild_only()
    async def withdraw(interaction: Interaction, session: str | None = None) -> None:
        scope = (session or "").strip()
        await client.run_command(interaction, Command.WITHDRAW, {"session": scope} if scope else {})

    @withdraw.autocomplete("session")
    async def withdraw_scopes(interaction: Interaction, current: str) -> list[Choice]:
        wanted = current.strip().lower()
        return [
            app_commands.Choice(name=f"{value}: {label}", value=value)
            for value, label in WITHDRAW_SCOPES
            if wanted in value or wanted in label.lower()
        ]

    @tree.command(name="schedule-session", description="Plan a session ahead (facilitators)")
    @app_commands.rename(
        question_set="question-set", question_minutes="question-minutes", length="length-minutes"
    )
    @app_commands.describe(
        question_set="Which set of questions to ask",
        start="When it starts, local time: YYYY-MM-DD HH:MM",
        repeat="Repeat weekly or fortnightly",
        length="How long the session lasts (it closes itself and sends the digest)",
        question_minutes="Optional time limit for each question",
        channel="Where to hold it (default: here)",
    )
    @app_commands.guild_only()
    async def schedule_session(
        interaction: Interaction,
        question_set: str,
        start: str,
        repeat: Literal["none", "weekly", "fortnightly"] = "none",
        length: int = 60,
        question_minutes: int | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        # Out-of-range numbers are passed on: the engine refuses them with a clear message.
        options = {
            "question-set": question_set,
            "start": start,
            "repeat": repeat,
            "length": str(length),
            "channel": str(channel.id if channel is not None else interaction.channel_id),
        }
        if question_minutes is not None:
            options["question-minutes"] = str(question_minutes)
        await client.run_command(interaction, Command.SCHEDULE_SESSION, options)

    @schedule_session.autocomplete("question_set")
    async def scheduled_sets(interaction: Interaction, current: str) -> list[Choice]:
        return await client.question_set_choices(current)

    @tree.command(name="pause-question", description="Pause or restart the question timer")
    @app_commands.guild_only()
    async def pause_question(interaction: Interaction) -> None:
        await client.run_command(interaction, Command.PAUSE_QUESTION, {})

    @tree.command(name="extend-question", description="Give this question more time")
    @app_commands.describe(minutes="Extra minutes (1-30)")
    @app_commands.guild_only()
    async def extend_question(interaction: Interaction, minutes: int) -> None:
        await client.run_command(interaction, Command.EXTEND_QUESTION, {"minutes": str(minutes)})

    @tree.command(name="privacy", description="How your answers are kept private")
    @app_commands.guild_only()
    async def privacy(interaction: Interaction) -> None:
        await client.run_command(interaction, Command.PRIVACY, {})

    @tree.command(name="help", description="Where to get support, any time")
    @app_commands.guild_only()
    async def help_(interaction: Interaction) -> None:
        await client.run_command(interaction, Command.HELP, {})

    @tree.command(name="worried", description="Tell a trusted adult privately that you're worried")
    @app_commands.describe(message="Optional: anything you'd like them to know")
    @app_commands.guild_only()
    async def worried(interaction: Interaction, message: str | None = None) -> None:
        text = (message or "").strip()
        await client.run_command(interaction, Command.WORRIED, {"message": text} if text else {})

    @tree.command(name="release", description="Show a held answer to the group (safeguarding lead)")
    @app_commands.describe(answer="The answer id, from the alert")
    @app_commands.guild_only()
    async def release(interaction: Interaction, answer: str) -> None:
        await client.run_command(interaction, Command.RELEASE, {"answer": answer.strip()})

    @tree.command(
        name="keep-out",
        description="Keep an answer out of the group and digest (safeguarding lead)",
    )
    @app_commands.describe(answer="The answer id, from the alert")
    @app_commands.guild_only()
    async def keep_out(interaction: Interaction, answer: str) -> None:
        await client.run_command(interaction, Command.KEEP_OUT, {"answer": answer.strip()})

    @tree.command(
        name="who-wrote", description="See who wrote a held or reported answer (safeguarding lead)"
    )
    @app_commands.describe(
        answer="The answer id, from the alert", reason="Why you need to know (it is audited)"
    )
    @app_commands.guild_only()
    async def who_wrote(interaction: Interaction, answer: str, reason: str) -> None:
        options = {"answer": answer.strip(), "reason": reason}
        await client.run_command(interaction, Command.WHO_WROTE, options)


def _files(files: Sequence[DeliveryFile]) -> list[discord.File]:
    return [discord.File(io.BytesIO(f.content), filename=f.name) for f in files]


def _view(rows: Sequence[Sequence[ButtonSpec]]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for index, row in enumerate(rows):
        for spec in row:
            view.add_item(
                discord.ui.Button(
                    custom_id=spec.custom_id,
                    label=spec.label,
                    emoji=spec.emoji,
                    style=_STYLES[spec.style],
                    row=index,
                )
            )
    view.stop()  # presses are routed by custom_id in on_interaction, not by this object
    return view


def _modal(spec: ModalSpec) -> discord.ui.Modal:
    """The answer form: a Label around the text box and, when asked, a Label around an
    unticked "quote my words" checkbox (Discord's checkbox lives only in a Label)."""
    modal = discord.ui.Modal(title=spec.title, custom_id=spec.custom_id, timeout=None)
    text_box: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
        style=discord.TextStyle.paragraph,
        custom_id=convert.ANSWER_INPUT_ID,
        placeholder=spec.placeholder,
        max_length=spec.max_length,
        required=True,
    )
    modal.add_item(discord.ui.Label(text=spec.input_label, component=text_box))
    if spec.ask_quote:
        checkbox: discord.ui.Checkbox[discord.ui.Modal] = discord.ui.Checkbox(
            custom_id=convert.QUOTE_INPUT_ID, default=False
        )
        modal.add_item(
            discord.ui.Label(
                text=spec.quote_label, description=spec.quote_description, component=checkbox
            )
        )
    modal.stop()  # the submit is routed by custom_id in on_interaction, even after a restart
    return modal


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
