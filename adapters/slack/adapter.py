"""Slack wiring: slack-bolt's AsyncApp listeners, acknowledgements, and the ``Outbox``.

Every listener acknowledges first (Slack allows 3 s) and does slow work afterwards; the
answer button acks and opens a modal before anything else, because its ``trigger_id`` also
expires after 3 s (only a quick read, ``engine.answer_form``, comes before ``views.open``).
The core never sees a trigger id, response URL or token.

Answering: **Answer anonymously** opens the answer modal, or first, for someone who hasn't
agreed to the privacy note in this session, a modal showing the note with an **I understand**
submit button. Submitting it dispatches ``ConsentGiven`` and swaps the answer modal in with
``response_action: "update"`` (that database write and read happen before the ack, which
carries the new view; the engine's "thanks" is dropped, the form says it). The answer modal
has a multiline input and an optional, unticked checkbox "You can quote my exact words in
the group's report" (→ ``AnswerSubmitted.quote_ok``).

Buttons are routed by action id (``bot.core.actions``): skip → ``QuestionSkipped``; report →
``AnswerReported``; consent → ``ConsentGiven`` (then the answer modal when the note came from
an answer, else the thanks replacing the note); ack → ``AlertAcknowledged``; release /
keep-out → the same ``CommandInvoked`` as ``/release`` / ``/keep-out``. Replies to button
presses go through the press's ``response_url`` (ephemeral).

How each outbound kind is rendered (``send`` returns ``"{channel}:{ts}"`` for posts; a native
reaction event's ``item`` gives the same pair, which is how reactions map back to answers):

- ``QuestionPost``: Block Kit message: header ("Question n of m"; "Check-in" for number 0),
  the content note as context above the question when set, the question, help as context,
  and **Answer anonymously** and **Skip** buttons.
- ``AnswerPost``: the escaped answer under the alias, with one anonymous reaction button per
  palette entry (emoji and count on the button), the palette labels as context, and a
  **🚩 Report privately** button in its own block.
- ``ReactionCountsChanged``: ``chat.update`` of the answer's buttons, coalesced to at most one
  update per message per ``update_interval`` (1 s), one at a time per message, so the latest
  counts always land last. The blocks
  come from a bounded cache filled when posting or pressing; after a restart they are read
  back with ``reactions.get``. A failed count update (``chat.update`` or ``reactions.get``),
  sent at once or later, is logged without text, never raised: the counts are stored, and
  the person who reacted could do nothing about it.
- ``ChannelNotice``: plain message; Markdown ``**bold**`` becomes Slack's ``*bold*``.
- ``PrivateNotice``: for the person who acted, the slash command's or button press's
  ``response_url`` (ephemeral; works even where the bot is not a member), else (a form, a
  reaction, or a refused ``response_url``) ``chat.postEphemeral``, and a direct message if
  Slack refuses that in the channel. For anyone else (the facilitator's check-in answers and
  "an answer was passed to the lead", notes from timed jobs) a direct message
  (``conversations.open`` + ``chat.postMessage``, verbatim blocks, as it may quote an answer):
  Slack shows an ephemeral message only to someone active in the channel, and drops it on
  reload.
- ``ConsentRequest``: ``chat.postEphemeral`` of the privacy note with an **I understand**
  button (its action id is the request's ``consent_action_id``); a direct message if Slack
  refuses the ephemeral.
- ``SafeguardingAlert``: never to the group. LEAD → ``SLACK_SAFEGUARDING_CHANNEL_ID``; if it
  is unset or refuses the post (e.g. ``not_in_channel``), a direct message
  (``conversations.open``) to each of ``SLACK_SAFEGUARDING_USER_IDS``. DEPUTY →
  ``SLACK_DEPUTY_CHANNEL_ID`` / ``SLACK_DEPUTY_USER_IDS`` the same way, and when none of
  those took it (or none is set), the lead's destination as above. The text is escaped like
  an answer (it may quote one) in verbatim blocks; ``writer`` becomes a real ``<@U…>``
  mention, the one mention this adapter writes (Slack notifies only members of the
  conversation, so the writer is not pinged in a private lead channel or a DM).
  Buttons: **I'm on it**, **Release to the group** (with a confirm step) and **Keep out of
  the digest**, when the core sets them. The notification text is only the alert's first
  line, so an answer's words never appear on a lock screen. One failed DM does not stop the
  others; ``DeliveryFailed`` only when every destination failed. Failures are logged by
  alert id, never with the alert's text.
- ``StaffNote``: a message in ``SLACK_STAFF_CHANNEL_ID`` (verbatim blocks: it may quote a
  check-in); without one, a warning is logged (without the note's text).
- ``FileDelivery``: ``files_upload_v2``. STAFF → ``SLACK_STAFF_CHANNEL_ID``, or a direct
  message to the requester when unset; when the scheduler asked (no user id) and there is no
  staff channel, ``DeliveryFailed`` saying to set one. REQUESTER → always a direct message to
  the requester (Slack has no ephemeral files), with an ephemeral pointer to it.

A message for a ``Person`` with an empty user id (the scheduler's ``system_person``) is
refused with ``DeliveryFailed`` before any call to Slack.

Slack errors become ``DeliveryFailed`` in one place (``_delivery_failed``). 429s are retried
honouring ``Retry-After``, 5xx and connection errors retried twice. Events API retries
(``X-Slack-Retry-Num``) and redelivered Socket Mode envelopes carry the same ``event_id`` and
are dropped by a bounded in-memory LRU of the last 1000 ids; a restart forgets it, so a retry
that straddles a restart could count once more.

Roles are resolved (user ids, then user groups via ``usergroups.users.list``, cached 60 s)
only for slash commands and the safeguarding alert's buttons; answers, skips, reports and
reactions need none.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, assert_never

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import convert
from adapters.slack.settings import SlackSettings
from bot.core.actions import (
    AcknowledgeAction,
    AnswerAction,
    KeepOutAction,
    ReleaseAction,
    parse_action_id,
)
from bot.core.errors import DeliveryFailed, UserFacingError
from bot.core.events import Command, Person, Role
from bot.core.outbound import (
    AlertAudience,
    AnswerForm,
    AnswerPost,
    Audience,
    ChannelNotice,
    ConsentRequest,
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

PLATFORM = "slack"
EVENTS_PATH = "/slack/events"
UPDATE_INTERVAL = 1.0  # chat.update at most once a second per message
GROUP_CACHE_SECONDS = 60.0
_COMMAND_PATTERN = re.compile("^/(" + "|".join(re.escape(c.value) for c in Command) + ")$")
_CHANNEL_REFUSED = {"not_in_channel", "channel_not_found", "user_not_in_channel"}
_FORM_FAILED = "Sorry, the answer form didn't open in time. Please tap the button again."
NO_STAFF_CHANNEL = (
    "No staff channel is set, so the digest had nowhere to go: set SLACK_STAFF_CHANNEL_ID; "
    "staff can still get it with /digest."
)
NO_RECIPIENT = "That message was for nobody on Slack (no user id), so it wasn't sent."


# --- errors: the one place Slack failures become DeliveryFailed ----------------------------


def _delivery_failed(exc: Exception, channel_id: str | None) -> DeliveryFailed:
    where = f"<#{channel_id}>" if channel_id and channel_id[0] in "CG" else "that channel"
    if isinstance(exc, SlackApiError):
        error = str(exc.response.get("error", "unknown_error"))
        if error in {"not_in_channel", "channel_not_found"}:
            return DeliveryFailed(
                f"I can't post in {where} yet. Please invite me to {where} with "
                "/invite @consultbot, then try again."
            )
        if error == "is_archived":
            return DeliveryFailed(f"{where} is archived, so I can't post there.")
        if error == "ratelimited" or exc.response.status_code == 429:
            return DeliveryFailed(
                "Slack is busy right now. Please try again in a minute.", transient=True
            )
        return DeliveryFailed(
            f"Slack didn't accept that message ({error}). Please try again, or ask whoever "
            "set up consultbot to check the app's settings."
        )
    return DeliveryFailed(
        "I couldn't reach Slack just now. Please try again in a minute.", transient=True
    )


def _require_user(user_id: str) -> None:
    """Refuse a message to nobody (e.g. the scheduler's ``system_person``), which Slack
    would otherwise take as ``conversations.open(users="")`` and lose."""
    if not user_id:
        raise DeliveryFailed(NO_RECIPIENT)


def _slack_error(exc: Exception) -> str | None:
    return str(exc.response.get("error")) if isinstance(exc, SlackApiError) else None


async def _call(
    request: Awaitable[AsyncSlackResponse], channel_id: str | None
) -> AsyncSlackResponse:
    try:
        return await request
    except (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        raise _delivery_failed(exc, channel_id) from exc


def make_client(settings: SlackSettings) -> AsyncWebClient:
    """A Web API client that retries 429s (after ``Retry-After``), 5xx and dropped
    connections; slack_sdk retries only connection errors by default."""
    client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url)
    client.retry_handlers = [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ]
    return client


# --- roles ---------------------------------------------------------------------------------


class RoleResolver:
    """Maps a Slack user id to core roles from the configured user ids and user groups.

    Group members are read with ``usergroups.users.list`` and cached for ``ttl`` seconds. If
    Slack cannot be asked, the group counts as empty: commands are refused, never allowed."""

    def __init__(
        self,
        client: AsyncWebClient,
        settings: SlackSettings,
        *,
        ttl: float = GROUP_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._settings = settings
        self._ttl = ttl
        self._clock = clock
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}

    async def person(self, user_id: str) -> Person:
        roles: set[Role] = set()
        s = self._settings
        if user_id in s.facilitator_user_ids or await self._in_any(
            user_id, s.facilitator_group_ids
        ):
            roles.add(Role.FACILITATOR)
        if user_id in s.staff_user_ids or await self._in_any(user_id, s.staff_group_ids):
            roles.add(Role.STAFF)
        if (
            user_id in s.safeguarding_user_ids
            or user_id in s.deputy_user_ids
            or await self._in_any(user_id, s.safeguarding_group_ids)
        ):
            roles.add(Role.SAFEGUARDING_LEAD)
        return Person(platform=PLATFORM, user_id=user_id, roles=frozenset(roles))

    async def _in_any(self, user_id: str, group_ids: frozenset[str]) -> bool:
        for group_id in sorted(group_ids):
            if user_id in await self._members(group_id):
                return True
        return False

    async def _members(self, group_id: str) -> frozenset[str]:
        cached = self._groups.get(group_id)
        now = self._clock()
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        try:
            response = await self._client.usergroups_users_list(usergroup=group_id)
            members = frozenset(str(u) for u in response.get("users") or [])
        except (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not read user group %s (%s); treating it as empty", group_id, exc)
            members = frozenset()
        self._groups[group_id] = (now, members)
        return members


# --- outbox --------------------------------------------------------------------------------


K = TypeVar("K")
V = TypeVar("V")


class _Lru(Generic[K, V]):
    """A small bounded mapping that forgets the least recently used entries."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        if key in self._data:
            self._data.move_to_end(key)
            return self._data[key]
        return None

    def put(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self._size:
            self._data.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._data


@dataclass(frozen=True, slots=True)
class _AlertDestination:
    name: str  # "lead" / "deputy", for the log
    channel_id: str | None
    user_ids: list[str]


@dataclass(slots=True)
class _PostedAnswer:
    channel_id: str
    ts: str
    blocks: list[convert.Block]


@dataclass(slots=True)
class _CountSlot:
    """Coalescing state for one answer post's count updates."""

    latest: ReactionCountsChanged
    version: int = 0
    sent_version: int = 0
    last_sent: float = -math.inf
    task: asyncio.Task[None] | None = None
    # one chat.update at a time per message, so older counts can never land last
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class SlackOutbox:
    """The ``Outbox`` for Slack. One per app; ``replying_to`` gives a per-command view that
    answers the invoker through the command's ``response_url``."""

    def __init__(
        self,
        client: AsyncWebClient,
        settings: SlackSettings,
        *,
        update_interval: float = UPDATE_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        cache_size: int = 2000,
    ) -> None:
        self._client = client
        self._settings = settings
        self._interval = update_interval
        self._clock = clock
        self._posted: _Lru[str, _PostedAnswer] = _Lru(cache_size)
        self._slots: dict[str, _CountSlot] = {}

    def replying_to(
        self, user_id: str, response_url: str | None = None, *, replace_original: bool = False
    ) -> Outbox:
        """The outbox for one person's request: their own private notices go through the
        request's ``response_url`` when there is one, else ephemerally; everything else
        (notices for anyone else included) goes through this outbox."""
        return _ReplyOutbox(self, user_id, response_url or None, replace_original)

    def remember_answer_post(self, answer_id: str, channel_id: str, ts: str, blocks: Any) -> None:
        """Keep an answer post's blocks (e.g. from a button press) for later count updates."""
        if isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("block_id") == convert.REACTIONS_BLOCK_ID for b in blocks
        ):
            self._posted.put(answer_id, _PostedAnswer(channel_id, ts, blocks))

    async def send(self, message: Outbound) -> str | None:
        match message:
            case QuestionPost():
                text, blocks = convert.question_message(message)
                return await self._post(message.channel_id, text, blocks)
            case AnswerPost():
                text, blocks = convert.answer_message(message)
                ref = await self._post(message.channel_id, text, blocks)
                channel_id, ts = convert.split_message_ref(ref) or (message.channel_id, "")
                self._posted.put(message.answer_id, _PostedAnswer(channel_id, ts, blocks))
                return ref
            case ChannelNotice():
                return await self._post(message.channel_id, convert.notice_text(message.text), None)
            case PrivateNotice():
                # Not for the person who acted (that goes through ``replying_to``): a DM,
                # which Slack keeps, unlike an ephemeral message to someone not looking.
                text, blocks = convert.notice_message(message.text)
                await self._post(await self._open_dm(message.recipient.user_id), text, blocks)
                return None
            case ConsentRequest():
                text, blocks = convert.consent_message(message)
                await self._ephemeral(message.recipient.user_id, message.channel_id, text, blocks)
                return None
            case ReactionCountsChanged():
                await self._counts_changed(message)
                return None
            case FileDelivery():
                await self._deliver_files(message)
                return None
            case SafeguardingAlert():
                await self._alert(message)
                return None
            case StaffNote():
                await self._staff_note(message)
                return None
            case _:
                assert_never(message)

    async def settle(self) -> None:
        """Wait until every scheduled count update has been sent."""
        while tasks := self._scheduled():
            await asyncio.gather(*tasks, return_exceptions=True)

    def _scheduled(self) -> list[asyncio.Task[None]]:
        return [s.task for s in self._slots.values() if s.task is not None and not s.task.done()]

    async def aclose(self) -> None:
        """Send the last pending count updates now, then stop."""
        tasks = self._scheduled()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for answer_id, slot in list(self._slots.items()):
            if slot.version != slot.sent_version:
                await self._flush_quietly(answer_id)

    # -- posting ----------------------------------------------------------------------------

    async def _post(self, channel_id: str, text: str, blocks: list[convert.Block] | None) -> str:
        response = await _call(
            self._client.chat_postMessage(
                channel=channel_id,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
            ),
            channel_id,
        )
        return convert.message_ref(str(response.get("channel") or channel_id), str(response["ts"]))

    async def tell(self, user_id: str, channel_id: str, text: str) -> None:
        """An ephemeral message, for the person who acted (who is looking at the channel);
        a direct message if Slack refuses it in that channel."""
        await self._ephemeral(user_id, channel_id, convert.notice_text(text), None)

    async def _ephemeral(
        self, user_id: str, channel_id: str, text: str, blocks: list[convert.Block] | None
    ) -> None:
        _require_user(user_id)
        try:
            await self._client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=text, blocks=blocks
            )
            return
        except SlackApiError as exc:
            if _slack_error(exc) not in _CHANNEL_REFUSED:
                raise _delivery_failed(exc, channel_id) from exc
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            raise _delivery_failed(exc, channel_id) from exc
        dm = await self._open_dm(user_id)
        await self._post(dm, text, blocks)

    # -- safeguarding and staff -------------------------------------------------------------

    def _alert_destinations(self, audience: AlertAudience) -> list[_AlertDestination]:
        """Where an alert may go, in order: for DEPUTY the deputy's destination (when set)
        and then the lead's, so an escalation is never lost; for LEAD the lead's."""
        s = self._settings
        lead = _AlertDestination("lead", s.safeguarding_channel_id, sorted(s.safeguarding_user_ids))
        deputy = _AlertDestination("deputy", s.deputy_channel_id, sorted(s.deputy_user_ids))
        if audience is AlertAudience.DEPUTY and (deputy.channel_id or deputy.user_ids):
            return [deputy, lead]
        return [lead]

    async def _alert(self, alert: SafeguardingAlert) -> None:
        """Deliver the alert to the first destination that takes it: its channel, else (or
        when the channel refuses it) a direct message to each of its users, where one failed
        DM does not stop the others. Raises only when nobody got it. Failures are logged by
        alert id, never with the alert's words."""
        text, blocks = convert.alert_message(alert)
        failures: list[DeliveryFailed] = []
        for destination in self._alert_destinations(alert.audience):
            if destination.channel_id:
                try:
                    await self._post(destination.channel_id, text, blocks)
                    return
                except DeliveryFailed as exc:
                    log.error(
                        "alert %s: the %s's channel refused it: %s",
                        alert.alert_id,
                        destination.name,
                        exc.hint,
                    )
                    failures.append(exc)
            delivered = 0
            for user_id in destination.user_ids:
                try:
                    await self._post(await self._open_dm(user_id), text, blocks)
                    delivered += 1
                except DeliveryFailed as exc:
                    log.error(
                        "alert %s: a direct message to a %s failed: %s",
                        alert.alert_id,
                        destination.name,
                        exc.hint,
                    )
                    failures.append(exc)
            if delivered:
                return
        if failures:
            raise failures[0]
        raise DeliveryFailed(
            "There is nowhere to send safeguarding alerts: set SLACK_SAFEGUARDING_CHANNEL_ID "
            "or SLACK_SAFEGUARDING_USER_IDS."
        )

    async def _staff_note(self, note: StaffNote) -> None:
        channel = self._settings.staff_channel_id
        if channel is None:
            log.warning("a note for staff was not delivered: SLACK_STAFF_CHANNEL_ID is not set")
            return
        text, blocks = convert.notice_message(note.text)
        await self._post(channel, text, blocks)

    async def _open_dm(self, user_id: str) -> str:
        _require_user(user_id)
        response = await _call(self._client.conversations_open(users=user_id), None)
        channel = response.get("channel") or {}
        return str(channel["id"])

    async def _deliver_files(self, message: FileDelivery) -> None:
        requester = message.requester.user_id
        if message.audience is Audience.STAFF and self._settings.staff_channel_id:
            target = self._settings.staff_channel_id
        elif message.audience is Audience.STAFF and not requester:
            # e.g. a planned session's digest: the scheduler asked, and it has no inbox
            raise DeliveryFailed(NO_STAFF_CHANNEL)
        else:
            target = await self._open_dm(requester)
        await _call(
            self._client.files_upload_v2(
                channel=target,
                initial_comment=convert.notice_text(message.text),
                file_uploads=[
                    {"content": f.content, "filename": f.name, "title": f.name}
                    for f in message.files
                ],
            ),
            target,
        )
        if message.audience is Audience.REQUESTER:
            await self.tell(requester, message.channel_id, convert.SENT_BY_DM)

    # -- coalesced count updates ------------------------------------------------------------

    async def _counts_changed(self, message: ReactionCountsChanged) -> None:
        slot = self._slots.get(message.answer_id)
        if slot is None:
            slot = self._slots[message.answer_id] = _CountSlot(latest=message)
            self._prune_slots()
        slot.latest = message
        slot.version += 1
        if slot.task is not None and not slot.task.done():
            return  # the scheduled update will carry these counts
        delay = slot.last_sent + self._interval - self._clock()
        if delay <= 0:
            # quietly: the person who reacted can do nothing about it, and counts are stored
            await self._flush_quietly(message.answer_id)
        else:
            slot.task = asyncio.create_task(self._flush_later(message.answer_id, delay))

    async def _flush_later(self, answer_id: str, delay: float) -> None:
        await asyncio.sleep(delay)
        await self._flush_quietly(answer_id)
        slot = self._slots[answer_id]
        slot.task = None
        if slot.version != slot.sent_version:  # counts changed during the update
            slot.task = asyncio.create_task(self._flush_later(answer_id, self._interval))

    async def _flush_quietly(self, answer_id: str) -> None:
        try:
            await self._flush(answer_id)
        except DeliveryFailed as exc:
            log.warning("count update for answer %s failed: %s", answer_id, exc.hint)

    async def _flush(self, answer_id: str) -> None:
        slot = self._slots[answer_id]
        async with slot.lock:
            if slot.version == slot.sent_version:
                return  # an update that finished while we waited carried these counts
            slot.last_sent = self._clock()
            version, message = slot.version, slot.latest
            posted = await self._answer_post(message)
            slot.sent_version = version
            if posted is None:
                log.info("answer %s: post not found, counts stored but not shown", answer_id)
                return
            blocks = convert.with_reaction_counts(posted.blocks, message.reactions)
            posted.blocks = blocks
            await _call(
                self._client.chat_update(
                    channel=posted.channel_id, ts=posted.ts, blocks=blocks, text=_fallback(blocks)
                ),
                posted.channel_id,
            )

    async def _answer_post(self, message: ReactionCountsChanged) -> _PostedAnswer | None:
        posted = self._posted.get(message.answer_id)
        if posted is not None:
            return posted
        where = convert.split_message_ref(message.message_ref or "")
        if where is None:
            return None
        channel_id, ts = where
        # After a restart the cache is empty: read the post back (scope reactions:read).
        response = await _call(
            self._client.reactions_get(channel=channel_id, timestamp=ts, full=True), channel_id
        )
        self.remember_answer_post(
            message.answer_id, channel_id, ts, (response.get("message") or {}).get("blocks")
        )
        return self._posted.get(message.answer_id)

    def _prune_slots(self) -> None:
        if len(self._slots) <= 1000:
            return
        horizon = self._clock() - self._interval
        for answer_id, slot in list(self._slots.items()):
            idle = slot.task is None or slot.task.done()
            if idle and slot.version == slot.sent_version and slot.last_sent < horizon:
                del self._slots[answer_id]


def _fallback(blocks: Sequence[Mapping[str, Any]]) -> str:
    """The notification text of an updated answer post: its section texts."""
    return "\n".join(
        str(b["text"]["text"]) for b in blocks if b.get("type") == "section" and "text" in b
    )[: convert.FALLBACK_TEXT_LIMIT]


@dataclass(slots=True)
class _ReplyOutbox:
    """Answers the person who acted (a slash command, a button press, a form, a reaction):
    through the request's ``response_url`` when it has one, else ephemerally. Notices for
    anyone else, and every other kind of message, go through ``outbox``."""

    outbox: SlackOutbox
    user_id: str
    response_url: str | None
    replace_original: bool = False  # e.g. the thanks takes the place of the privacy note

    async def send(self, message: Outbound) -> str | None:
        if not (
            isinstance(message, PrivateNotice)
            and self.user_id
            and message.recipient.user_id == self.user_id
        ):
            return await self.outbox.send(message)
        if self.response_url:
            try:
                response = await AsyncWebhookClient(self.response_url).send(
                    text=convert.notice_text(message.text),
                    response_type="ephemeral",
                    replace_original=self.replace_original,
                )
                if response.status_code == 200:
                    return None
                log.info("response_url refused (%s); sending ephemerally", response.status_code)
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.info("response_url failed (%s); sending ephemerally", exc)
        await self.outbox.tell(self.user_id, message.channel_id, message.text)
        return None


# --- the app -------------------------------------------------------------------------------


class SlackAdapter:
    """The bolt ``AsyncApp`` with consultbot's listeners, and the outbox they send through."""

    def __init__(
        self,
        engine: EventHandler,
        settings: SlackSettings,
        *,
        client: AsyncWebClient | None = None,
        update_interval: float = UPDATE_INTERVAL,
        seen_events: int = 1000,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.client = client or make_client(settings)
        self.outbox = SlackOutbox(self.client, settings, update_interval=update_interval)
        self.roles = RoleResolver(self.client, settings)
        self._seen: _Lru[str, None] = _Lru(seen_events)
        self.app = AsyncApp(
            client=self.client,
            signing_secret=settings.signing_secret or "",
            name="consultbot",
            logger=logging.getLogger("consultbot.slack"),
        )
        self._inflight: set[asyncio.Task[Any]] = set()
        self.app.command(_COMMAND_PATTERN)(self._tracked(self._on_command))
        self.app.action(re.compile(r"^cb:answer:"))(self._tracked(self._on_answer_button))
        self.app.action(re.compile(r"^cb:react:"))(self._tracked(self._on_react_button))
        self.app.action(re.compile(r"^cb:consent:"))(self._tracked(self._on_consent_button))
        self.app.action(re.compile(r"^cb:(skip|report|ack|release|keep):"))(
            self._tracked(self._on_button)
        )
        self.app.view(convert.ANSWER_VIEW_CALLBACK_ID)(self._tracked(self._on_answer_submitted))
        self.app.view(convert.CONSENT_VIEW_CALLBACK_ID)(self._tracked(self._on_consent_submitted))
        self.app.event("reaction_added")(self._tracked(self._on_reaction))
        self.app.event("reaction_removed")(self._tracked(self._on_reaction))

    async def settle(self, *, within: float = 5.0) -> None:
        """Wait until listeners still working after their ack, and the count updates they
        scheduled, have finished."""
        async with asyncio.timeout(within):
            while pending := {t for t in self._inflight if not t.done()}:
                await asyncio.wait(pending)
            await self.outbox.settle()

    async def aclose(self, *, drain_seconds: float = 5.0) -> None:
        """Let unfinished work end (so the store is not closed under it), then stop."""
        try:
            await self.settle(within=drain_seconds)
        except TimeoutError:
            log.warning("Slack listeners still busy after %.0f s at shutdown", drain_seconds)
        await self.outbox.aclose()

    def _tracked(self, listener: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        """Remember the task a listener runs in (bolt runs it after the ack, detached)."""

        @functools.wraps(listener)  # bolt reads the wrapped signature to inject arguments
        async def run(**kwargs: Any) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._inflight.add(task)
            try:
                await listener(**kwargs)
            finally:
                self._inflight.discard(task)

        return run

    def web_app(self) -> web.Application:
        """The aiohttp application for HTTP mode (signature-verified by bolt)."""
        return self.app.web_app(path=EVENTS_PATH)

    # -- listeners (each acks first) --------------------------------------------------------

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user_id = str(body.get("user_id", ""))
        event = convert.slash_command_event(body, await self.roles.person(user_id))
        if event is None:
            return
        outbox = self.outbox.replying_to(user_id, body.get("response_url"))
        await self.engine.dispatch(event, outbox)

    async def _on_answer_button(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]
    ) -> None:
        """Open the answer form, or first the privacy note for someone who hasn't agreed in
        this session. Only a quick read comes before ``views.open`` (the trigger id lasts
        3 s)."""
        await ack()
        parsed = parse_action_id(str(action.get("action_id", "")))
        user_id = str(body.get("user", {}).get("id", ""))
        channel_id = convert.interaction_channel(body)
        if not isinstance(parsed, AnswerAction) or not user_id or not channel_id:
            return
        outbox = self.outbox.replying_to(user_id, body.get("response_url"))
        person = Person(platform=PLATFORM, user_id=user_id)
        try:
            form = await self.engine.answer_form(parsed.session_id, parsed.question_number, person)
        except UserFacingError as exc:
            await self._tell(outbox, person, channel_id, str(exc))
            return
        if form.consent is not None:
            view = convert.consent_modal(form.consent, channel_id)
        else:
            view = _answer_view(form, channel_id)
        await self._open_view(body, view, outbox, person, channel_id)

    async def _open_view(
        self,
        body: Mapping[str, Any],
        view: dict[str, Any],
        outbox: Outbox,
        person: Person,
        channel_id: str,
    ) -> None:
        try:
            await self.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view)
        except (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("views.open failed: %s", _slack_error(exc) or type(exc).__name__)
            await self._tell(outbox, person, channel_id, _FORM_FAILED)

    async def _on_consent_submitted(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        """The privacy-note modal submitted ("I understand"): record the agreement, then swap
        the answer form in (``response_action: update``). Both are quick database work and must
        come before the ack, which is what carries the new view."""
        user_id = str(body.get("user", {}).get("id", ""))
        person = Person(platform=PLATFORM, user_id=user_id)
        consent = convert.consent_submission(view, person)
        outbox = self.outbox.replying_to(user_id)
        if consent is None or consent.question_number is None:
            await ack()
            if consent is not None:
                await self.engine.dispatch(consent.event, outbox)
            return
        channel_id = consent.event.channel_id
        replies = await self.engine.handle(consent.event)
        try:
            form = await self.engine.answer_form(
                consent.event.session_id, consent.question_number, person
            )
        except UserFacingError as exc:
            await ack()
            await self._tell(outbox, person, channel_id, str(exc))
            return
        if form.consent is not None:  # not recorded: the engine's replies say why
            await ack()
            await self.engine.send_all(replies, outbox, actor=person, channel_id=channel_id)
            return
        # The engine's "thanks" is dropped: the answer form appearing says it.
        await ack(response_action="update", view=_answer_view(form, channel_id))

    async def _on_consent_button(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]
    ) -> None:
        """The "I understand" button under the privacy note sent as an ephemeral message
        (after a reaction press, or an answer submitted without agreeing)."""
        await ack()
        user_id = str(body.get("user", {}).get("id", ""))
        person = Person(platform=PLATFORM, user_id=user_id)
        consent = convert.consent_press(body, action, person)
        if consent is None or not user_id:
            return
        response_url = body.get("response_url")
        if consent.question_number is None:
            # the thanks takes the place of the note, so the button can't be pressed again
            outbox = self.outbox.replying_to(user_id, response_url, replace_original=True)
            await self.engine.dispatch(consent.event, outbox)
            return
        channel_id = consent.event.channel_id
        outbox = self.outbox.replying_to(user_id, response_url)
        replies = await self.engine.handle(consent.event)
        try:
            form = await self.engine.answer_form(
                consent.event.session_id, consent.question_number, person
            )
        except UserFacingError as exc:
            await self._tell(outbox, person, channel_id, str(exc))
            return
        if form.consent is not None:
            await self.engine.send_all(replies, outbox, actor=person, channel_id=channel_id)
            return
        await self._open_view(body, _answer_view(form, channel_id), outbox, person, channel_id)

    async def _on_button(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        """Skip, Report privately, and the safeguarding alert's buttons; replies go only to
        the presser. Roles are resolved only for the alert's buttons, which need the lead's:
        a young person's press costs no user-group lookup."""
        await ack()
        user_id = str(body.get("user", {}).get("id", ""))
        if not user_id:
            return
        parsed = parse_action_id(str(action.get("action_id", "")))
        if isinstance(parsed, AcknowledgeAction | ReleaseAction | KeepOutAction):
            person = await self.roles.person(user_id)
        else:
            person = Person(platform=PLATFORM, user_id=user_id)
        event = convert.button_event(body, action, person)
        if event is None:
            return
        await self.engine.dispatch(
            event, self.outbox.replying_to(user_id, body.get("response_url"))
        )

    async def _on_react_button(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]
    ) -> None:
        await ack()
        user_id = str(body.get("user", {}).get("id", ""))
        event = convert.react_press_event(body, action, Person(platform=PLATFORM, user_id=user_id))
        if event is None or event.answer_id is None:
            return
        where = convert.split_message_ref(event.message_ref or "")
        if where is not None:
            message = body.get("message") or {}
            self.outbox.remember_answer_post(event.answer_id, *where, message.get("blocks"))
        await self.engine.dispatch(
            event, self.outbox.replying_to(user_id, body.get("response_url"))
        )

    async def _on_answer_submitted(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        user_id = str(body.get("user", {}).get("id", ""))
        event = convert.view_submission_event(view, Person(platform=PLATFORM, user_id=user_id))
        if event is not None and not event.text.strip():
            # Checked here so the modal stays open with the person's text; no I/O before ack.
            await ack(
                response_action="errors",
                errors={convert.ANSWER_INPUT_BLOCK_ID: convert.EMPTY_ANSWER},
            )
            return
        await ack()
        if event is not None:
            await self.engine.dispatch(event, self.outbox.replying_to(user_id))

    async def _on_reaction(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        event_id = str(body.get("event_id", ""))
        if event_id in self._seen:
            log.info("event %s delivered again (a Slack retry); ignored", event_id)
            return
        self._seen.put(event_id, None)
        user_id = str(event.get("user", ""))
        reaction = convert.native_reaction_event(
            event, Person(platform=PLATFORM, user_id=user_id), bot_user_id=context.bot_user_id
        )
        if reaction is not None:
            await self.engine.dispatch(reaction, self.outbox.replying_to(user_id))

    async def _tell(self, outbox: Outbox, person: Person, channel_id: str, text: str) -> None:
        try:
            await outbox.send(PrivateNotice(channel_id=channel_id, recipient=person, text=text))
        except DeliveryFailed as exc:
            log.warning("could not tell a person privately: %s", exc.hint)


def _answer_view(form: AnswerForm, channel_id: str) -> dict[str, Any]:
    return convert.answer_modal(
        target=convert.AnswerTarget(form.session_id, form.question_number, channel_id),
        question_text=form.question_text,
        help_text=form.help_text,
        max_chars=form.max_chars,
    )


# --- running -------------------------------------------------------------------------------


async def serve(
    engine: EventHandler,
    settings: SlackSettings,
    *,
    http: bool,
    port: int,
    host: str = "0.0.0.0",
    on_start: Callable[[Outbox], Awaitable[None]] | None = None,
) -> None:
    """Run the Slack adapter until cancelled: Socket Mode by default (needs
    ``SLACK_APP_TOKEN``), or an HTTP server on ``host:port`` at ``/slack/events`` with
    ``http=True`` (needs ``SLACK_SIGNING_SECRET``). ``on_start`` receives the outbox for
    messages nobody asked for (timed jobs) once the app is listening."""
    settings.require_mode(http=http)
    adapter = SlackAdapter(engine, settings)
    try:
        if http:
            runner = web.AppRunner(adapter.web_app(), access_log=None)
            await runner.setup()
            try:
                await web.TCPSite(runner, host, port).start()
                log.info("Slack HTTP mode listening on %s:%d%s", host, port, EVENTS_PATH)
                if on_start is not None:
                    await on_start(adapter.outbox)
                await asyncio.Event().wait()
            finally:
                await runner.cleanup()
        else:
            handler = AsyncSocketModeHandler(adapter.app, settings.app_token)
            try:
                await handler.connect_async()  # type: ignore[no-untyped-call]  # bolt lacks hints
                log.info("Slack Socket Mode connected")
                if on_start is not None:
                    await on_start(adapter.outbox)
                await asyncio.Event().wait()
            finally:
                await handler.close_async()  # type: ignore[no-untyped-call]
    finally:
        await adapter.aclose()
