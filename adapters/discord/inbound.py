"""Inbound on Discord: slash commands, button presses, modal submits and native reactions
become core events, each acknowledged the way Discord needs (a first response within 3 s).

What a press means is the core's (``bot.core.actions.event_for``); what follows consent is
the core's (``EventHandler.agree_then_form``); which replies go back through the interaction
is the core's (``split_for_actor``). This module keeps only the acknowledgements and
Discord's deadline.

Slash commands (``/start-session`` … ``/who-wrote``, declared in ``commands.py``) are
deferred ephemerally with "thinking" before the engine runs, so Discord always gets its first
response within 3 s and nobody else in the channel sees who ran a command (``/withdraw``,
``/worried`` stay private). Buttons and modal submits are routed by ``custom_id`` in
``Inbound.interaction`` (not by in-memory views), so a press after a restart still maps to
an event:
- "Answer anonymously" opens the answer modal as the first response, or, for someone who has
  not agreed to the privacy note in this session, answers with the note and an "I
  understand" button (ephemeral). Pressing that records ``ConsentGiven`` and then opens the
  modal as its first response (the engine's "thanks" is dropped: the form says enough; if
  recording it takes over 2 s, it still completes and the person is asked to press again).
  An "I understand" from a reaction prompt is deferred and answered with the thanks.
- The modal holds the answer box and, except for the closing check-in, a "quote my words"
  checkbox, unticked by default; the submit is deferred (ephemeral, thinking) before the
  answer (``AnswerSubmitted.quote_ok``, parsed by ``convert.modal_answer``) is stored.
- A reaction button is acknowledged with a silent deferred update.
- "Skip", "Report privately" and the safeguarding lead's "I'm on it", "Release to the group"
  and "Keep out of the digest" are deferred (ephemeral, thinking); release and keep out
  become the ``/release`` and ``/keep-out`` commands, so the engine checks the role.
- "Who wrote it?" under a held answer in the lead's /held list opens a one-box form for the
  reason as the first response; its submit is deferred privately and becomes ``/who-wrote``
  with that reason (the engine checks the role, the desk audits the look).
``/you-said-we-did`` opens its form as the first response and its submit becomes that command
with the fields as options (``feedback.py``).
Native emoji reactions arrive as raw gateway events; the bot's own are ignored and the core
ignores reactions on messages that are not answer posts (and from people who have not agreed
to the privacy note). Only the member's role ids (mapped to core roles; configured
safeguarding user ids also make a lead, because a button in a DM carries no roles) and
snowflake reach the core: never a username or display name.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any, cast

import discord

from adapters.discord import convert, feedback, render, ui
from adapters.discord.convert import RoleMap
from adapters.discord.interaction_outbox import InteractionOutbox
from adapters.discord.outbox import DiscordOutbox
from bot.core.actions import (
    AnswerAction,
    WhoWroteAction,
    answer_action_id,
    event_for,
    parse_action_id,
    who_wrote_event,
)
from bot.core.errors import UserFacingError
from bot.core.events import (
    AnswerFormRequested,
    AnswerSubmitted,
    Command,
    CommandInvoked,
    ConsentGiven,
    InboundEvent,
    Person,
    ReactionChange,
    ReactionToggled,
)
from bot.core.outbound import AnswerForm, Outbound, PrivateNotice, split_for_actor
from bot.core.ports import EventHandler

log = logging.getLogger(__name__)

ANSWER_FORM_DEADLINE = 2.0  # the modal must be the first response, inside Discord's 3 s
APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."
SLOW = "Sorry, that took too long. Please press the button again."

Interaction = discord.Interaction[discord.Client]


class Inbound:
    """Discord's inbound payloads → ``EventHandler`` calls, with Discord's acknowledgements."""

    def __init__(self, engine: EventHandler, outbox: DiscordOutbox, roles: RoleMap) -> None:
        self._engine = engine
        self._outbox = outbox
        self._roles = roles
        self._background: set[asyncio.Task[Any]] = set()

    def person(self, user: discord.User | discord.Member) -> Person:
        roles = [role.id for role in user.roles] if isinstance(user, discord.Member) else []
        return convert.person(user.id, roles, self._roles)

    # -- slash commands ------------------------------------------------------------------

    async def command(
        self, interaction: Interaction, command: Command, options: Mapping[str, str]
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        event = CommandInvoked(
            person=self.person(interaction.user),
            channel_id=str(interaction.channel_id),
            command=command,
            options=dict(options),
        )
        await self._dispatch(interaction, event)

    # -- buttons and modals --------------------------------------------------------------

    async def open_feedback_form(
        self, interaction: Interaction, options: Mapping[str, str]
    ) -> None:
        """/you-said-we-did: the form as the first response (``feedback.py``)."""
        custom_id = feedback.form_id(options)
        if custom_id is None:
            await interaction.response.send_message(feedback.TOO_LONG, ephemeral=True)
            return
        await interaction.response.send_modal(feedback.form(custom_id))

    async def interaction(self, interaction: Interaction) -> None:
        data = cast(Mapping[str, Any], interaction.data or {})
        target = feedback.form_target(str(data.get("custom_id", "")))
        if target is not None and interaction.type is discord.InteractionType.modal_submit:
            components = data.get("components", [])
            filled = feedback.submitted(components if isinstance(components, list) else [])
            await interaction.response.defer(ephemeral=True, thinking=True)
            event = CommandInvoked(
                person=self.person(interaction.user),
                channel_id=str(interaction.channel_id),
                command=Command.YOU_SAID_WE_DID,
                options={**target, **filled},
            )
            await self._dispatch(
                interaction, event, keep=lambda sent: feedback.with_what_was_typed(sent, filled)
            )
            return
        action = parse_action_id(str(data.get("custom_id", "")))
        if action is None:
            return  # slash commands are the tree's; other components are not ours
        if interaction.type is discord.InteractionType.modal_submit:
            if isinstance(action, AnswerAction):
                await self._submit_answer(interaction, action, data.get("components", []))
            if isinstance(action, WhoWroteAction):
                components = data.get("components", [])
                reason = convert.modal_reason(components if isinstance(components, list) else [])
                person = self.person(interaction.user)
                channel_id = str(interaction.channel_id)
                event = who_wrote_event(action, person, channel_id, reason)
                await self._privately(interaction, event)
            return
        if interaction.type is not discord.InteractionType.component:
            return
        if isinstance(action, WhoWroteAction):  # ask for the reason first: a form
            await interaction.response.send_modal(ui.reason_modal(str(data["custom_id"])))
            return
        message = interaction.message
        press = event_for(
            action,
            self.person(interaction.user),
            str(interaction.channel_id),
            message_ref=str(message.id) if message is not None else None,
        )
        match press:
            case AnswerFormRequested():
                await self._open_answer_form(interaction, press)
            case ConsentGiven(then_answer=int() as number):
                await self._agree(interaction, press, number)
            case ReactionToggled():
                await interaction.response.defer()  # a silent "update": the count edit follows
                await self._dispatch(interaction, press)
            case _:  # skip, report, the lead's buttons, and "I understand" from a reaction
                await self._privately(interaction, press)

    async def _privately(self, interaction: Interaction, event: InboundEvent) -> None:
        """Acknowledge at once ("thinking", only the presser sees it), then let the engine
        answer in a private follow-up."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._dispatch(interaction, event)

    async def _open_answer_form(
        self, interaction: Interaction, requested: AnswerFormRequested
    ) -> None:
        """The modal as the first response; or the privacy note first, for someone who has
        not agreed to it in this session."""
        try:
            form = await asyncio.wait_for(
                self._engine.answer_form(
                    requested.session_id, requested.question_number, requested.person
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
            log.exception("could not open the answer form for session %s", requested.session_id)
            await interaction.response.send_message(APOLOGY, ephemeral=True)
            return
        if form.consent is not None:
            await interaction.response.send_message(
                render.truncate(form.consent.text, render.MESSAGE_LIMIT),
                view=ui.view(render.consent_buttons(form.consent)),
                ephemeral=True,
                allowed_mentions=ui.NO_MENTIONS,
            )
            return
        await self._send_form(interaction, form)

    async def _send_form(self, interaction: Interaction, form: AnswerForm) -> None:
        custom_id = answer_action_id(form.session_id, form.question_number)
        await interaction.response.send_modal(ui.modal(render.answer_modal(form, custom_id)))

    async def _agree(self, interaction: Interaction, agreed: ConsentGiven, number: int) -> None:
        """ "I understand" on the privacy note shown before an answer form. The form must be
        the first response, so the core records the consent and gives the form before
        anything is sent; its thanks is dropped then."""
        # Shielded: if Discord's deadline passes, the consent is still recorded, so the
        # next press of "Answer anonymously" opens the form straight away.
        task = asyncio.create_task(self._engine.agree_then_form(agreed, number))
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
        mine, others = split_for_actor(messages, agreed.person)
        if form is None:  # not agreed (e.g. the session ended): say why, privately
            why = [render.notice_text(m.text) for m in mine if isinstance(m, PrivateNotice)]
            await interaction.response.send_message(
                render.truncate("\n".join(why) or APOLOGY, render.MESSAGE_LIMIT),
                ephemeral=True,
                allowed_mentions=ui.NO_MENTIONS,
            )
        else:
            await self._send_form(interaction, form)
        if others:
            await self._engine.send_all(
                others, self._outbox, actor=agreed.person, channel_id=agreed.channel_id
            )

    def _settle_background(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("could not record a consent or open the form", exc_info=task.exception())

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
            submission_id=f"discord-interaction:{interaction.id}",
        )
        await self._dispatch(interaction, event)

    async def _dispatch(
        self,
        interaction: Interaction,
        event: InboundEvent,
        *,
        keep: Callable[[list[Outbound]], list[Outbound]] | None = None,
    ) -> None:
        """Handle ``event`` and reply; ``keep`` rewrites the replies first (a refused form's
        reply gets what was typed)."""
        outbox = InteractionOutbox(self._outbox, interaction, event.person)
        try:
            if keep is None:
                await self._engine.dispatch(event, outbox)
            else:
                messages = keep(await self._engine.handle(event))
                await self._engine.send_all(
                    messages, outbox, actor=event.person, channel_id=event.channel_id
                )
        except Exception:  # the engine catches its own; this is an adapter bug: say sorry
            log.exception("could not deliver the reply to %s", type(event).__name__)
            with contextlib.suppress(Exception):
                await outbox.reply(APOLOGY)
        await outbox.finish()

    # -- native reactions ----------------------------------------------------------------

    async def reaction(
        self,
        payload: discord.RawReactionActionEvent,
        change: ReactionChange,
        *,
        own_id: int | None,
    ) -> None:
        """A native emoji reaction, added or removed; ``own_id`` is the bot's (ignored)."""
        if payload.guild_id is None or own_id is None or payload.user_id == own_id:
            return
        member = payload.member  # present on add only; reactions need no roles
        roles = [role.id for role in member.roles] if member is not None else []
        event = ReactionToggled(
            person=convert.person(payload.user_id, roles, self._roles),
            channel_id=str(payload.channel_id),
            emoji=str(payload.emoji),
            change=change,
            message_ref=str(payload.message_id),
        )
        try:
            await self._engine.dispatch(event, self._outbox)
        except Exception:
            log.exception("could not handle a native reaction")
