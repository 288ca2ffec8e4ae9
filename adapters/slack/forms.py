"""The Slack adapter's form submissions (view_submission listeners): the privacy note, the
answer form, "you said, we did" and the lead's "Who wrote it?" reason. The answer form and
"you said, we did" are handled before the ack within ``commit_budget`` (the ack closes the
form), so a refusal shows inside the form with what was typed; see ``adapter`` for the rest
of the listeners and ``saving`` for how a submitted form ends."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import commands, feedback, inbound, modals, saving
from adapters.slack.client import SLACK_FAILURES, slack_error
from adapters.slack.deliveries import Deliveries
from adapters.slack.outbox import SlackOutbox
from bot.core.events import Command, CommandInvoked, Person
from bot.core.outbound import AnswerForm, Outbound, split_for_actor
from bot.core.ports import EventHandler

log = logging.getLogger("adapters.slack.adapter")


class FormListeners:
    """Mixed into ``SlackAdapter``, which sets these attributes."""

    engine: EventHandler
    outbox: SlackOutbox
    roles: commands.RoleResolver
    client: AsyncWebClient
    commit_budget: float
    deliveries: Deliveries

    async def _on_who_wrote_submitted(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        await ack()
        user_id = str(body.get("user", {}).get("id", ""))
        event = inbound.who_wrote_submission(view, inbound.person_for(user_id))
        if event is None or not user_id:
            return
        lead = replace(event, person=await self.roles.person(user_id))
        await self.engine.dispatch(lead, self.outbox.replying_to(user_id))

    async def _on_consent_submitted(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        """The privacy-note modal submitted ("I understand"): record the agreement, then swap
        the answer form in (``response_action: update``). Both are quick database work and must
        come before the ack, which is what carries the new view."""
        user_id = str(body.get("user", {}).get("id", ""))
        consent = inbound.consent_submission(view, inbound.person_for(user_id))
        outbox = self.outbox.replying_to(user_id)
        if consent is None or consent.then_answer is None:
            await ack()
            if consent is not None:
                await self.engine.dispatch(consent, outbox)
            return
        person, channel_id = consent.person, consent.channel_id
        messages, form = await self.engine.agree_then_form(consent, consent.then_answer)
        if form is None:  # not recorded, or the form can't open: the messages say why
            await ack()
            await self.engine.send_all(messages, outbox, actor=person, channel_id=channel_id)
            return
        await ack(response_action="update", view=answer_view(form, channel_id))
        await self._send_others(messages, person, channel_id)

    async def _on_answer_submitted(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        user_id = str(body.get("user", {}).get("id", ""))
        event = inbound.view_submission_event(view, inbound.person_for(user_id))
        if event is not None and not event.text.strip():
            # Checked here so the modal stays open with the person's text; no I/O before ack.
            await ack(
                response_action="errors",
                errors={modals.ANSWER_INPUT_BLOCK_ID: modals.EMPTY_ANSWER},
            )
            return
        if event is None:
            await ack()
            return
        # Commit before the form closes: the ack closes the modal, so it waits for the
        # answer to be stored, within the budget; past it the form says "saving…" instead.
        handling = asyncio.ensure_future(self.engine.handle(event))
        await asyncio.wait({handling}, timeout=self.commit_budget)
        outbox = self.outbox.replying_to(user_id)
        person, channel_id = event.person, event.channel_id
        if handling.done():
            messages = handling.result()
            reason = None if saving.was_saved(messages) else saving.reason_for(messages, person)
            if reason is not None:  # the form stays open, with the words and the reason
                await ack(response_action="errors", errors=saving.form_errors(reason))
                await self._send_others(messages, person, channel_id)
                return
            await ack()
            await self.engine.send_all(messages, outbox, actor=person, channel_id=channel_id)
            return
        await ack(response_action="update", view=modals.status_modal(modals.SAVING_TEXT))
        messages = await handling
        await self.engine.send_all(messages, outbox, actor=person, channel_id=channel_id)
        if saving.was_saved(messages):
            await self._update_view(view, modals.status_modal(modals.SAVED_TEXT))
        else:
            await self._update_view(view, saving.not_saved_modal(event.text))

    async def _update_view(self, view: Mapping[str, Any], new_view: dict[str, Any]) -> None:
        """The "saving…" form, once handling ended: saved, or not (the messages say why)."""
        try:
            await self.client.views_update(view_id=str(view.get("id", "")), view=new_view)
        except SLACK_FAILURES as exc:
            log.info("views.update failed: %s", slack_error(exc) or type(exc).__name__)

    async def _on_feedback_submitted(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        """The "you said, we did" form: the command with its fields, handled before the ack
        (within the budget) so a refusal shows inside the form with everything typed still
        there; past it the form closes and the outcome comes by message. The same form sent
        again with the same fields (Slack's retry, or a resubmit after its timeout error)
        records nothing more."""
        user_id = str(body.get("user", {}).get("id", ""))
        found = feedback.submitted(view)
        if found is None or not user_id:
            await ack()
            return
        options, channel_id = found
        key = saving.submission_key(str(view.get("id", "")), options)
        if not await self.deliveries.first(key):
            log.info("a you-said-we-did form came again; recorded once")
            await ack()
            return
        handling = asyncio.ensure_future(self._feedback(user_id, options, channel_id))
        await asyncio.wait({handling}, timeout=self.commit_budget)
        acked = False
        try:
            if not handling.done():
                await ack()
                acked = True
            person, messages = await handling
        except BaseException:
            await self.deliveries.forget(key)
            raise
        if not saving.was_saved(messages):
            await self.deliveries.forget(key)  # not recorded: sending it again is welcome
            errors = feedback.form_errors(messages)
            if errors is not None and not acked:
                await ack(response_action="errors", errors=errors)
                return
        if not acked:
            await ack()
        outbox = self.outbox.replying_to(user_id)
        await self.engine.send_all(messages, outbox, actor=person, channel_id=channel_id)

    async def _feedback(
        self, user_id: str, options: dict[str, str], channel_id: str
    ) -> tuple[Person, list[Outbound]]:
        person = await self.roles.person(user_id)
        event = CommandInvoked(
            person=person, channel_id=channel_id, command=Command.YOU_SAID_WE_DID, options=options
        )
        return person, await self.engine.handle(event)

    async def _send_others(
        self, messages: Sequence[Outbound], person: Person, channel_id: str
    ) -> None:
        """After the answer form opened: the form itself says what the engine's reply to the
        person would have said, so only messages for anyone else are sent."""
        _, others = split_for_actor(messages, person)
        if others:
            await self.engine.send_all(others, self.outbox, actor=person, channel_id=channel_id)


def answer_view(form: AnswerForm, channel_id: str) -> dict[str, Any]:
    return modals.answer_modal(
        target=modals.AnswerTarget(form.session_id, form.question_number, channel_id),
        question_text=form.question_text,
        help_text=form.help_text,
        max_chars=form.max_chars,
    )
