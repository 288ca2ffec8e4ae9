"""The ``Outbox`` for Slack: each core message rendered (``render``) and sent with the Web API.

How each outbound kind is rendered (``send`` returns ``"{channel}:{ts}"`` for posts; a native
reaction event's ``item`` gives the same pair, which is how reactions map back to answers):

- ``QuestionPost``: Block Kit message: header ("Question n of m"; "Check-in" for number 0),
  the content note as context above the question when set, the question, help as context,
  and **Answer anonymously** and **Skip** buttons.
- ``AnswerPost``: the escaped answer under the alias, with one anonymous reaction button per
  palette entry (emoji and count on the button), the palette labels as context, and a
  **🚩 Report privately** button in its own block.
- ``ReactionCountsChanged``: ``chat.update`` of the answer's buttons through the core's
  ``EditCoalescer``: the first change at once, then at most one update per message per
  ``update_interval`` (1 s) carrying the latest counts, one at a time per message, so the
  latest counts always land last. The blocks come from a bounded cache filled when posting
  or pressing; after a restart they are read back with ``reactions.get``. A failed count
  update (``chat.update`` or ``reactions.get``) is logged without text, never raised: the
  counts are stored, and the person who reacted could do nothing about it. With several
  replicas on one database, each update shows the newest counts any replica offered
  (``replicas.show_newest``), so an older update never lands last.
- ``PostsRemoved``: ``chat.delete`` of each post (a bot may delete its own messages), with
  the count updates still waiting for it dropped; ``message_not_found`` counts as deleted.
  Every post is tried; ``DeliveryFailed`` if Slack refused any.
- ``EndCheckPost``: a message with the question as a section and a button per face (emoji
  and label) in one actions block; the intro above the first; no counts shown.
- ``ChannelNotice``: plain message; Markdown ``**bold**`` becomes Slack's ``*bold*``.
  In this and every notice, alert and note, the core's ``/withdraw`` is written as this
  workspace types it (``commands.spelled``: ``/cb-withdraw`` with the default prefix).
- ``PrivateNotice``: for the person who acted (``bot.core.outbound.is_private_to``, through
  ``replying_to``), the slash command's or button press's ``response_url`` (ephemeral; works
  even where the bot is not a member), else (a form, a reaction, or a refused
  ``response_url``) ``chat.postEphemeral``, and a direct message if Slack refuses that in the
  channel. For anyone else (the facilitator's check-in answers and "an answer was passed to
  the lead", notes from timed jobs) a direct message (``conversations.open`` +
  ``chat.postMessage``, verbatim blocks, as it may quote an answer): Slack shows an
  ephemeral message only to someone active in the channel, and drops it on reload.
- ``ConsentRequest``: ``chat.postEphemeral`` of the privacy note with an **I understand**
  button (its action id is the request's ``consent_action_id``); a direct message if Slack
  refuses the ephemeral.
- ``SafeguardingAlert``: never to the group. Where it goes, and in which order, is the
  core's (``bot.core.routing``): LEAD → ``SLACK_SAFEGUARDING_CHANNEL_ID``; if it is unset or
  refuses the post (e.g. ``not_in_channel``), a direct message (``conversations.open``) to
  each of ``SLACK_SAFEGUARDING_USER_IDS``; then the deputy's destination if none of those
  took it. DEPUTY → ``SLACK_DEPUTY_CHANNEL_ID`` /
  ``SLACK_DEPUTY_USER_IDS`` the same way, and when none of those took it (or none is set),
  the lead's destination as above. The text is escaped like an answer (it may quote one) in
  verbatim blocks; ``writer`` becomes a real ``<@U…>`` mention, the one mention this adapter
  writes (Slack notifies only members of the conversation, so the writer is not pinged in a
  private lead channel or a DM). Buttons: **I'm on it**, **Release to the group** (with a
  confirm step) and **Keep out of the digest**, when the core sets them. The notification
  text is only the alert's first line, so an answer's words never appear on a lock screen.
  One failed DM does not stop the others; ``DeliveryFailed`` only when every destination
  failed. Failures are logged by alert id, never with the alert's text.
- ``StaffNote``: a message in ``SLACK_STAFF_CHANNEL_ID`` (verbatim blocks: it may quote a
  check-in); without one, a warning is logged (without the note's text).
- ``FileDelivery``: ``files_upload_v2``. STAFF → ``SLACK_STAFF_CHANNEL_ID``, or a direct
  message to the requester when unset; when the scheduler asked (no user id) and there is no
  staff channel, ``DeliveryFailed`` saying to set one. REQUESTER → always a direct message to
  the requester (Slack has no ephemeral files), with an ephemeral pointer to it.

A message for a ``Person`` with an empty user id (the scheduler's ``system_person``) is
refused with ``DeliveryFailed`` before any call to Slack. Slack errors become
``DeliveryFailed`` in one place (``client.delivery_failed``); 429s are retried honouring
``Retry-After``, 5xx and connection errors retried twice (``client.make_client``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, assert_never

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import render
from adapters.slack.cache import Lru
from adapters.slack.client import CHANNEL_REFUSED, SLACK_FAILURES, call, delivery_failed
from adapters.slack.commands import spelled
from adapters.slack.inbound import person_for
from adapters.slack.replicas import show_newest
from adapters.slack.settings import SlackSettings
from bot.core.coalesce import EditCoalescer
from bot.core.errors import ConsultbotError, DeliveryFailed
from bot.core.outbound import (
    AnswerPost,
    Audience,
    ChannelNotice,
    ConsentRequest,
    EndCheckPost,
    FileDelivery,
    Outbound,
    PostsRemoved,
    PrivateNotice,
    QuestionPost,
    ReactionButton,
    ReactionCountsChanged,
    SafeguardingAlert,
    StaffNote,
    is_private_to,
)
from bot.core.ports import Outbox
from bot.core.routing import AlertTargets, alert_route, deliver_alert
from bot.core.store import ReplicaStore

log = logging.getLogger(__name__)

UPDATE_INTERVAL = 1.0  # chat.update at most once a second per message
NO_STAFF_CHANNEL = (
    "No staff channel is set, so the digest had nowhere to go: set SLACK_STAFF_CHANNEL_ID; "
    "staff can still get it with /digest."
)
NO_RECIPIENT = "That message was for nobody on Slack (no user id), so it wasn't sent."
NO_ALERT_DESTINATION = (
    "There is nowhere to send safeguarding alerts: set SLACK_SAFEGUARDING_CHANNEL_ID "
    "or SLACK_SAFEGUARDING_USER_IDS."
)
SENT_BY_DM = "I've sent it to you in a direct message from consultbot."


def _require_user(user_id: str) -> None:
    """Refuse a message to nobody (e.g. the scheduler's ``system_person``), which Slack
    would otherwise take as ``conversations.open(users="")`` and lose."""
    if not user_id:
        raise DeliveryFailed(NO_RECIPIENT)


@dataclass(slots=True)
class _PostedAnswer:
    channel_id: str
    ts: str
    blocks: list[render.Block]


class SlackOutbox:
    """The ``Outbox`` for Slack. One per app; ``replying_to`` gives a per-request view that
    answers whoever acted through the request's ``response_url``."""

    def __init__(
        self,
        client: AsyncWebClient,
        settings: SlackSettings,
        *,
        update_interval: float = UPDATE_INTERVAL,
        cache_size: int = 2000,
        shared: ReplicaStore | None = None,
    ) -> None:
        self._client = client
        self._settings = settings
        self._shared = shared  # with other replicas: count updates ordered (``replicas``)
        self._posted: Lru[str, _PostedAnswer] = Lru(cache_size)
        self._counts: EditCoalescer[str, ReactionCountsChanged] = EditCoalescer(
            self._update_counts, update_interval
        )
        self._lead = AlertTargets(
            name="lead",
            channel_id=settings.safeguarding_channel_id,
            user_ids=tuple(sorted(settings.safeguarding_user_ids)),
        )
        self._deputy = AlertTargets(
            name="deputy",
            channel_id=settings.deputy_channel_id,
            user_ids=tuple(sorted(settings.deputy_user_ids)),
        )

    @property
    def command_prefix(self) -> str:
        return self._settings.command_prefix

    def replying_to(
        self, user_id: str, response_url: str | None = None, *, replace_original: bool = False
    ) -> Outbox:
        """The outbox for one person's request: their own private notices go through the
        request's ``response_url`` when there is one, else ephemerally; everything else
        (notices for anyone else included) goes through this outbox."""
        return _ReplyOutbox(self, user_id, response_url or None, replace_original)

    def remember_answer_post(self, answer_id: str, channel_id: str, ts: str, posted: Any) -> None:
        """Keep an answer post's blocks (e.g. from a button press) for later count updates."""
        if render.has_reaction_buttons(posted):
            self._posted.put(answer_id, _PostedAnswer(channel_id, ts, posted))

    async def send(self, message: Outbound) -> str | None:
        message = spelled(message, self._settings.command_prefix)
        match message:
            case QuestionPost():
                text, rendered = render.question_message(message)
                return await self._post(message.channel_id, text, rendered)
            case EndCheckPost():
                text, rendered = render.end_check_message(message)
                return await self._post(message.channel_id, text, rendered)
            case AnswerPost():
                text, rendered = render.answer_message(message)
                ref = await self._post(message.channel_id, text, rendered)
                channel_id, ts = render.split_message_ref(ref) or (message.channel_id, "")
                self._posted.put(message.answer_id, _PostedAnswer(channel_id, ts, rendered))
                return ref
            case ChannelNotice():
                return await self._post(message.channel_id, render.notice_text(message.text), None)
            case PrivateNotice():
                # Not for the person who acted (that goes through ``replying_to``): a DM,
                # which Slack keeps, unlike an ephemeral message to someone not looking.
                await self._direct(message.recipient.user_id, *render.notice_message(message.text))
                return None
            case ConsentRequest():
                text, rendered = render.consent_message(message)
                await self._ephemeral(message.recipient.user_id, message.channel_id, text, rendered)
                return None
            case ReactionCountsChanged():
                self._counts.submit(message.answer_id, message)
                return None
            case PostsRemoved():
                await self._remove(message)
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
        """Wait until every count update asked for so far has been sent."""
        await self._counts.settle()

    async def aclose(self) -> None:
        """Send the last pending count updates now, then stop."""
        await self._counts.aclose()

    # -- posting ----------------------------------------------------------------------------

    async def _post(self, channel_id: str, text: str, rendered: list[render.Block] | None) -> str:
        response = await call(
            self._client.chat_postMessage(
                channel=channel_id,
                text=text,
                blocks=rendered,
                unfurl_links=False,
                unfurl_media=False,
            ),
            channel_id,
        )
        return render.message_ref(str(response.get("channel") or channel_id), str(response["ts"]))

    async def _open_dm(self, user_id: str) -> str:
        _require_user(user_id)
        response = await call(self._client.conversations_open(users=user_id), None)
        channel = response.get("channel") or {}
        return str(channel["id"])

    async def _direct(self, user_id: str, text: str, rendered: list[render.Block] | None) -> None:
        """A direct message (``conversations.open``, then a post in it)."""
        await self._post(await self._open_dm(user_id), text, rendered)

    async def tell(self, user_id: str, channel_id: str, text: str) -> None:
        """An ephemeral message, for the person who acted (who is looking at the channel);
        a direct message if Slack refuses it in that channel."""
        await self._ephemeral(user_id, channel_id, render.notice_text(text), None)

    async def _ephemeral(
        self, user_id: str, channel_id: str, text: str, rendered: list[render.Block] | None
    ) -> None:
        _require_user(user_id)
        try:
            await self._client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=text, blocks=rendered
            )
            return
        except SlackApiError as exc:
            if exc.response.get("error") not in CHANNEL_REFUSED:
                raise delivery_failed(exc, channel_id) from exc
        except SLACK_FAILURES as exc:
            raise delivery_failed(exc, channel_id) from exc
        await self._direct(user_id, text, rendered)

    async def _remove(self, removal: PostsRemoved) -> None:
        """Delete our own posts; one refusal does not stop the others."""
        refs = removal.message_refs
        where = [render.split_message_ref(r) or (removal.channel_id, r) for r in refs]
        for answer_id, posted in self._posted.items():  # no count update for a deleted post
            if (posted.channel_id, posted.ts) in where:
                self._counts.discard(answer_id)
                self._posted.pop(answer_id)
        refused: DeliveryFailed | None = None
        for channel_id, ts in where:
            try:
                await self._client.chat_delete(channel=channel_id, ts=ts)
                continue
            except SlackApiError as exc:
                if exc.response.get("error") == "message_not_found":
                    continue  # already gone (deleted by hand)
                refused = delivery_failed(exc, channel_id)
            except SLACK_FAILURES as exc:
                refused = delivery_failed(exc, channel_id)
            log.warning("could not delete a post in %s: %s", channel_id, refused.hint)
        if refused is not None:
            raise refused

    # -- safeguarding, staff and files ------------------------------------------------------

    async def _alert(self, alert: SafeguardingAlert) -> None:
        text, rendered = render.alert_message(alert)

        async def to_channel(channel_id: str) -> None:
            await self._post(channel_id, text, rendered)

        async def to_person(user_id: str) -> None:
            await self._direct(user_id, text, rendered)

        await deliver_alert(
            alert_route(alert.audience, lead=self._lead, deputy=self._deputy),
            alert_id=alert.alert_id,
            to_channel=to_channel,
            to_person=to_person,
            nowhere_hint=NO_ALERT_DESTINATION,
        )

    async def _staff_note(self, note: StaffNote) -> None:
        channel = self._settings.staff_channel_id
        if channel is None:
            log.warning("a note for staff was not delivered: SLACK_STAFF_CHANNEL_ID is not set")
            return
        await self._post(channel, *render.notice_message(note.text))

    async def _deliver_files(self, message: FileDelivery) -> None:
        requester = message.requester.user_id
        if message.audience is Audience.STAFF and self._settings.staff_channel_id:
            target = self._settings.staff_channel_id
        elif message.audience is Audience.STAFF and not requester:
            # e.g. a planned session's digest: the scheduler asked, and it has no inbox
            raise DeliveryFailed(NO_STAFF_CHANNEL)
        else:
            target = await self._open_dm(requester)
        await call(
            self._client.files_upload_v2(
                channel=target,
                initial_comment=render.notice_text(message.text),
                file_uploads=[
                    {"content": f.content, "filename": f.name, "title": f.name}
                    for f in message.files
                ],
            ),
            target,
        )
        if message.audience is Audience.REQUESTER:
            await self.tell(requester, message.channel_id, SENT_BY_DM)

    # -- count updates (called by the coalescer, one at a time per answer) ------------------

    async def _update_counts(self, answer_id: str, message: ReactionCountsChanged) -> None:
        # Quietly: the person who reacted can do nothing about it, and the counts are stored.
        try:
            posted = await self._answer_post(message)
            if posted is None:
                log.info("answer %s: post not found, counts stored but not shown", answer_id)
                return

            async def show(reactions: tuple[ReactionButton, ...]) -> None:
                assert posted is not None
                posted.blocks = render.with_reaction_counts(posted.blocks, reactions)
                await call(
                    self._client.chat_update(
                        channel=posted.channel_id,
                        ts=posted.ts,
                        blocks=posted.blocks,
                        text=render.section_fallback(posted.blocks),
                    ),
                    posted.channel_id,
                )

            if self._shared is None or message.revision <= 0:
                await show(message.reactions)
            else:
                await show_newest(
                    self._shared, answer_id, message.revision, message.reactions, show
                )
        except DeliveryFailed as exc:
            log.warning("count update for answer %s failed: %s", answer_id, exc.hint)
        except ConsultbotError as exc:  # the shared store: the counts are stored all the same
            log.warning("count update for answer %s failed: %s", answer_id, exc)

    async def _answer_post(self, message: ReactionCountsChanged) -> _PostedAnswer | None:
        posted = self._posted.get(message.answer_id)
        if posted is not None:
            return posted
        where = render.split_message_ref(message.message_ref or "")
        if where is None:
            return None
        channel_id, ts = where
        # After a restart the cache is empty: read the post back (scope reactions:read).
        response = await call(
            self._client.reactions_get(channel=channel_id, timestamp=ts, full=True), channel_id
        )
        self.remember_answer_post(
            message.answer_id, channel_id, ts, (response.get("message") or {}).get("blocks")
        )
        return self._posted.get(message.answer_id)


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
        if not is_private_to(message, person_for(self.user_id)):
            return await self.outbox.send(message)
        message = spelled(message, self.outbox.command_prefix)
        if self.response_url:
            try:
                response = await AsyncWebhookClient(self.response_url).send(
                    text=render.notice_text(message.text),
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
