"""Slack wiring: slack-bolt's AsyncApp, its listeners and acknowledgements, the lifecycle
(``settle``, ``aclose``) and ``serve`` (Socket Mode or HTTP).

Every listener acknowledges first (Slack allows 3 s) and does slow work afterwards, except
the answer form's submit: its ack closes the form, so it comes only once the answer is
committed (within ``COMMIT_BUDGET``, 2 s; past that the form turns into "Saving your
answer…", and "saved" once it is, with the thanks as usual). The answer button acks and
opens a modal before anything else, because its ``trigger_id`` also expires after 3 s (only
a quick read, ``engine.answer_form``, comes before ``views.open``).
The core never sees a trigger id, response URL or token.

Listeners are registered for our slash commands (``commands.command_pattern``), for every
action id of ours (``bot.core.actions.ACTION_ID_PATTERN``), for the three modals' callback ids
(the answer, the privacy note, and "you said, we did": ``feedback.py``), and for native
reactions. What a press means is the core's (``event_for``, via
``inbound.press_event``); the adapter only decides how Slack shows what comes next:

- **Answer anonymously** (``AnswerFormRequested``) opens the answer modal or, for someone who
  hasn't agreed to the privacy note in this session, a modal showing the note with an
  **I understand** submit button. Submitting it records the consent and swaps the answer
  modal in with ``response_action: "update"`` (``EventHandler.agree_then_form``: that write
  and read happen before the ack, which carries the new view; the engine's reply to the
  person is dropped, the form says it). The answer modal has a multiline input and an
  optional, unticked checkbox "You can quote my exact words in the group's report"
  (→ ``AnswerSubmitted.quote_ok``).
- **I understand** under a privacy note sent as an ephemeral message (``ConsentGiven``):
  with ``then_answer``, the same ``agree_then_form`` and then ``views.open``; without, the
  thanks replaces the note.
- A reaction button remembers the post's blocks (for the count update) and is dispatched.
- Skip (``QuestionSkipped``), report (``AnswerReported``), and the alert's buttons (ack →
  ``AlertAcknowledged``; release / keep-out → the same ``CommandInvoked`` as ``/release`` /
  ``/keep-out``) are dispatched; roles are resolved only for a lead's act, so a young
  person's press costs no user-group lookup.
- **Who wrote it?** under a held answer in the lead's ``/held`` list opens a one-box reason
  form at once (the trigger id lasts 3 s); its submit becomes the same ``CommandInvoked`` as
  ``/who-wrote`` with that reason, roles resolved then, answered ephemerally in the channel
  the list was shown in (a direct message if Slack refuses).

Replies to whoever acted go through the request's ``response_url`` (ephemeral), see
``outbox``. Events API retries and redelivered Socket Mode envelopes are dropped once
handled (``deliveries``: in memory, and through the store replicas share).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import commands, feedback, inbound, modals, render
from adapters.slack.client import SLACK_FAILURES, make_client, pooled_session, slack_error
from adapters.slack.deliveries import Deliveries
from adapters.slack.forms import FormListeners, answer_view
from adapters.slack.listeners import ListenerTasks
from adapters.slack.outbox import UPDATE_INTERVAL, SlackOutbox
from adapters.slack.settings import SlackSettings
from bot.core.actions import ACTION_ID_PATTERN, WhoWroteAction, parse_action_id
from bot.core.errors import DeliveryFailed, UserFacingError
from bot.core.events import (
    AlertAcknowledged,
    AnswerFormRequested,
    Command,
    CommandInvoked,
    ConsentGiven,
    Person,
    ReactionToggled,
)
from bot.core.outbound import PrivateNotice
from bot.core.ports import EventHandler, Outbox
from bot.core.store import ReplicaStore

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Slack closes an answer form only when we ack it, and waits 3 s for that ack: the answer is
# committed first if that takes at most this long, or else the form says "saving…".
COMMIT_BUDGET = 2.0
_FORM_FAILED = "Sorry, the answer form didn't open in time. Please tap the button again."
_REASON_FAILED = "Sorry, the form didn't open in time. Please tap the button again."


class SlackAdapter(FormListeners):
    """The bolt ``AsyncApp`` with consultbot's listeners (the form submissions' are in
    ``forms``), and the outbox they send through."""

    def __init__(
        self,
        engine: EventHandler,
        settings: SlackSettings,
        *,
        client: AsyncWebClient | None = None,
        update_interval: float = UPDATE_INTERVAL,
        seen_events: int = 1000,
        shared: ReplicaStore | None = None,
        commit_budget: float = COMMIT_BUDGET,
    ) -> None:
        self.engine = engine
        self.commit_budget = commit_budget
        self.settings = settings
        # the adapter's own client gets a pooled session, which ``aclose`` closes
        self._session = pooled_session() if client is None else None
        self.client = client or make_client(settings, self._session)
        self.outbox = SlackOutbox(
            self.client, settings, update_interval=update_interval, shared=shared
        )
        self.roles = commands.RoleResolver(self.client, settings)
        self.deliveries = Deliveries(seen_events, shared)
        self.app = AsyncApp(
            client=self.client,
            signing_secret=settings.signing_secret or "",
            name="consultbot",
            logger=logging.getLogger("consultbot.slack"),
            process_before_response=True,  # replies as soon as a listener acks: listeners.py
        )
        self._listeners = ListenerTasks()
        prefix = settings.command_prefix
        self.app.command(commands.command_pattern(prefix))(self._listeners.wrap(self._on_command))
        self.app.action(ACTION_ID_PATTERN)(self._listeners.wrap(self._on_press))
        self.app.view(modals.ANSWER_VIEW_CALLBACK_ID)(
            self._listeners.wrap(self._on_answer_submitted)
        )
        self.app.view(modals.CONSENT_VIEW_CALLBACK_ID)(
            self._listeners.wrap(self._on_consent_submitted)
        )
        self.app.view(feedback.CALLBACK_ID)(self._listeners.wrap(self._on_feedback_submitted))
        self.app.view(modals.WHO_WROTE_VIEW_CALLBACK_ID)(
            self._listeners.wrap(self._on_who_wrote_submitted)
        )
        self.app.event("reaction_added")(self._listeners.wrap(self._on_reaction))
        self.app.event("reaction_removed")(self._listeners.wrap(self._on_reaction))

    async def settle(self, *, within: float = 5.0) -> None:
        """Wait until listeners still working after their ack, and the count updates they
        asked for, have finished."""
        async with asyncio.timeout(within):
            while pending := self._listeners.pending():
                await asyncio.wait(pending)
            await self.outbox.settle()

    async def aclose(self, *, drain_seconds: float = 5.0) -> None:
        """Let unfinished work end (so the store is not closed under it), then stop."""
        try:
            await self.settle(within=drain_seconds)
        except TimeoutError:
            log.warning("Slack listeners still busy after %.0f s at shutdown", drain_seconds)
        await self.outbox.aclose()
        if self._session is not None:
            await self._session.close()

    def web_app(self) -> web.Application:
        """The aiohttp application for HTTP mode (signature-verified by bolt)."""
        return self.app.web_app(path=EVENTS_PATH)

    # -- listeners (each acks first, except a view submission that answers with a view) -----

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user_id = str(body.get("user_id", ""))
        unchecked = commands.slash_command_event(
            body, inbound.person_for(user_id), self.settings.command_prefix
        )
        outbox = self.outbox.replying_to(user_id, body.get("response_url"))
        if (
            unchecked is not None
            and unchecked.command is Command.YOU_SAID_WE_DID
            and feedback.wants_form(unchecked.options)
        ):
            # The form first (the trigger id lasts 3 s); roles are checked at its submit.
            view = feedback.form(unchecked.options, unchecked.channel_id)
            await self._open_view(body, view, outbox, unchecked.person, unchecked.channel_id)
            return
        person = await self.roles.person(user_id)
        event = commands.slash_command_event(body, person, self.settings.command_prefix)
        if event is None:
            return
        await self.engine.dispatch(event, outbox)

    async def _on_press(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        """Any of our buttons; replies go only to the presser."""
        await ack()
        user_id = str(body.get("user", {}).get("id", ""))
        if isinstance(parse_action_id(str(action.get("action_id", ""))), WhoWroteAction):
            await self._ask_reason(body, str(action["action_id"]), user_id)
            return
        event = inbound.press_event(body, action, inbound.person_for(user_id))
        if event is None or not user_id:
            return
        response_url = body.get("response_url")
        match event:
            case AnswerFormRequested():
                await self._open_form(body, event)
            case ConsentGiven(then_answer=None):
                # the thanks takes the place of the note, so the button can't be pressed again
                outbox = self.outbox.replying_to(user_id, response_url, replace_original=True)
                await self.engine.dispatch(event, outbox)
            case ConsentGiven(then_answer=int(number)):
                await self._agree_then_open(body, event, number)
            case ReactionToggled(answer_id=str(answer_id)):
                where = render.split_message_ref(event.message_ref or "")
                if where is not None:
                    message = body.get("message") or {}
                    self.outbox.remember_answer_post(answer_id, *where, message.get("blocks"))
                await self.engine.dispatch(event, self.outbox.replying_to(user_id, response_url))
            case AlertAcknowledged() | CommandInvoked():
                lead = replace(event, person=await self.roles.person(user_id))
                await self.engine.dispatch(lead, self.outbox.replying_to(user_id, response_url))
            case _:
                await self.engine.dispatch(event, self.outbox.replying_to(user_id, response_url))

    async def _ask_reason(self, body: Mapping[str, Any], action_id: str, user_id: str) -> None:
        """ "Who wrote it?" under a held answer: the reason form first (the trigger id lasts
        3 s, so nothing comes before it; the engine checks the role on submit)."""
        channel_id = inbound.interaction_channel(body)
        outbox = self.outbox.replying_to(user_id, body.get("response_url"))
        view = modals.who_wrote_modal(action_id, channel_id)
        person = inbound.person_for(user_id)
        await self._open_view(body, view, outbox, person, channel_id, failed=_REASON_FAILED)

    async def _open_form(self, body: Mapping[str, Any], event: AnswerFormRequested) -> None:
        """The answer form, or first the privacy note for someone who hasn't agreed in this
        session. Only a quick read comes before ``views.open`` (the trigger id lasts 3 s)."""
        outbox = self.outbox.replying_to(event.person.user_id, body.get("response_url"))
        try:
            form = await self.engine.answer_form(
                event.session_id, event.question_number, event.person
            )
        except UserFacingError as exc:
            await self._tell(outbox, event.person, event.channel_id, str(exc))
            return
        if form.consent is not None:
            consent = commands.spelled(form.consent, self.settings.command_prefix)
            view = modals.consent_modal(consent, event.channel_id)
        else:
            view = answer_view(form, event.channel_id)
        await self._open_view(body, view, outbox, event.person, event.channel_id)

    async def _agree_then_open(
        self, body: Mapping[str, Any], consent: ConsentGiven, number: int
    ) -> None:
        """ "I understand" under a privacy note sent for an answer: record it, then open the
        answer form (or say why it can't open)."""
        person, channel_id = consent.person, consent.channel_id
        outbox = self.outbox.replying_to(person.user_id, body.get("response_url"))
        messages, form = await self.engine.agree_then_form(consent, number)
        if form is None:
            await self.engine.send_all(messages, outbox, actor=person, channel_id=channel_id)
            return
        await self._open_view(body, answer_view(form, channel_id), outbox, person, channel_id)
        await self._send_others(messages, person, channel_id)

    async def _open_view(
        self,
        body: Mapping[str, Any],
        view: dict[str, Any],
        outbox: Outbox,
        person: Person,
        channel_id: str,
        *,
        failed: str = _FORM_FAILED,
    ) -> None:
        try:
            await self.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view)
        except SLACK_FAILURES as exc:
            log.warning("views.open failed: %s", slack_error(exc) or type(exc).__name__)
            await self._tell(outbox, person, channel_id, failed)

    async def _on_reaction(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        event_id = str(body.get("event_id", ""))
        if not await self.deliveries.first(event_id):
            log.info("event %s delivered again (a Slack retry); ignored", event_id)
            return
        user_id = str(event.get("user", ""))
        reaction = inbound.native_reaction_event(
            event, inbound.person_for(user_id), bot_user_id=context.bot_user_id
        )
        try:
            if reaction is not None:
                await self.engine.dispatch(reaction, self.outbox.replying_to(user_id))
        except BaseException:
            await self.deliveries.forget(event_id)  # not handled: Slack's retry must be
            raise

    async def _tell(self, outbox: Outbox, person: Person, channel_id: str, text: str) -> None:
        try:
            await outbox.send(PrivateNotice(channel_id=channel_id, recipient=person, text=text))
        except DeliveryFailed as exc:
            log.warning("could not tell a person privately: %s", exc.hint)


# --- running -------------------------------------------------------------------------------


async def serve(
    engine: EventHandler,
    settings: SlackSettings,
    *,
    http: bool,
    port: int,
    host: str = "127.0.0.1",
    on_start: Callable[[Outbox], Awaitable[None]] | None = None,
    shared: ReplicaStore | None = None,
) -> None:
    """Run the Slack adapter until cancelled: Socket Mode by default (needs
    ``SLACK_APP_TOKEN``), or an HTTP server on ``host:port`` at ``/slack/events`` with
    ``http=True`` (needs ``SLACK_SIGNING_SECRET``); ``host`` is loopback unless told (put a
    TLS-terminating proxy in front, or pass ``--host 0.0.0.0`` knowingly). ``on_start``
    receives the outbox for messages nobody asked for (timed jobs) once the app is
    listening. ``shared`` is the store replicas share (see ``replicas``)."""
    settings.require_mode(http=http)
    adapter = SlackAdapter(engine, settings, shared=shared)
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
            # Imported here: an HTTP-mode run has no use for Socket Mode's websocket client.
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

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
