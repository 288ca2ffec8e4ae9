"""The local (loopback) adapter: no platform, everything in memory.

It implements the same inbound port as the platform adapters: it asks the core only what
``bot.core.ports.EventHandler`` offers. A press is made from the action id the button carries
and becomes an event through ``bot.core.actions.event_for``, as on Discord and Slack; "I
understand" on the privacy note shown before an answer goes through
``EventHandler.agree_then_form`` (the form, when it opens, takes the place of the thanks, as
on the platforms); replies to whoever acted go back "through the interaction"
(``split_for_actor``), everything else through the ``LocalOutbox``. Native emoji reactions
are injected as ``ReactionToggled`` with ``ADDED`` / ``REMOVED``.

Rendering: every message is recorded in ``LocalOutbox.sent``, in order, replies too (they are
also in ``replies``). Posts get a message reference ``local-N``; ``ReactionCountsChanged``
updates the recorded buttons. Nothing is printed here: the demo prints its own progress.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from bot.core.actions import consent_action_id, event_for, parse_action_id
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
    Role,
)
from bot.core.outbound import (
    AnswerForm,
    AnswerPost,
    ConsentRequest,
    EndCheckPost,
    Outbound,
    PrivateNotice,
    QuestionPost,
    ReactionButton,
    ReactionCountsChanged,
    SafeguardingAlert,
    split_for_actor,
)
from bot.core.ports import EventHandler

PLATFORM = "local"
T = TypeVar("T")


@dataclass
class LocalOutbox:
    """Records what the core sent, in order; posts get references ``local-1``, ``local-2``…"""

    sent: list[Outbound] = field(default_factory=list)
    replies: list[Outbound] = field(default_factory=list)  # back to whoever acted
    refs: dict[str, Outbound] = field(default_factory=dict)
    buttons: dict[str, tuple[ReactionButton, ...]] = field(default_factory=dict)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, message: Outbound) -> str | None:
        self.sent.append(message)
        if isinstance(message, ReactionCountsChanged):
            self.buttons[message.answer_id] = message.reactions
            return None
        if isinstance(message, QuestionPost | AnswerPost | EndCheckPost):
            ref = f"local-{next(self._numbers)}"
            self.refs[ref] = message
            if isinstance(message, AnswerPost):
                self.buttons[message.answer_id] = message.reactions
            return ref
        return None

    def of_type(self, kind: type[T]) -> list[T]:
        return [m for m in self.sent if isinstance(m, kind)]

    def ref_of(self, message: Outbound) -> str | None:
        """The reference a question or answer was posted under (an answer: the latest)."""
        found = [ref for ref, posted in self.refs.items() if posted == message]
        if not found and isinstance(message, AnswerPost):
            found = [
                ref
                for ref, posted in self.refs.items()
                if isinstance(posted, AnswerPost) and posted.answer_id == message.answer_id
            ]
        return found[-1] if found else None


@dataclass
class _Replies:
    """The interaction's own way back to the person who acted (ephemeral on a platform)."""

    outbox: LocalOutbox

    async def send(self, message: Outbound) -> str | None:
        self.outbox.replies.append(message)
        return await self.outbox.send(message)


class LocalChannel:
    """One channel of the local platform: people act in it as they would on a platform."""

    def __init__(self, handler: EventHandler, channel_id: str = "local-channel") -> None:
        self.handler = handler
        self.channel_id = channel_id
        self.outbox = LocalOutbox()
        self._replies = _Replies(self.outbox)

    @staticmethod
    def person(user_id: str, *roles: Role) -> Person:
        return Person(platform=PLATFORM, user_id=user_id, roles=frozenset(roles))

    # -- the inbound port ----------------------------------------------------------------

    async def act(self, event: InboundEvent) -> list[Outbound]:
        """What a platform adapter does with an event: ask the core, then send the replies
        to whoever acted back to them and everything else through the outbox."""
        messages = await self.handler.handle(event)
        mine, others = split_for_actor(messages, event.person)
        await self._send(others, event.person)
        await self._reply(mine, event.person)
        return messages

    async def press_button(
        self, person: Person, action_id: str, *, message_ref: str | None = None
    ) -> tuple[list[Outbound], AnswerForm | None]:
        """Press the button carrying ``action_id``: what the person is shown, and the answer
        form when one opens ("Answer anonymously", or "I understand" before an answer)."""
        action = parse_action_id(action_id)
        if action is None:
            raise ValueError(f"not one of our buttons: {action_id!r}")
        event = event_for(action, person, self.channel_id, message_ref=message_ref)
        if isinstance(event, AnswerFormRequested):
            return await self._open_form(event)
        if isinstance(event, ConsentGiven) and event.then_answer is not None:
            messages, form = await self.handler.agree_then_form(event, event.then_answer)
            mine, others = split_for_actor(messages, person)
            await self._send(others, person)
            if form is None:  # it could not open: the replies say why
                await self._reply(mine, person)
            return messages, form
        return await self.act(event), None

    async def _open_form(
        self, event: AnswerFormRequested
    ) -> tuple[list[Outbound], AnswerForm | None]:
        person = event.person
        try:
            form = await self.handler.answer_form(event.session_id, event.question_number, person)
        except UserFacingError as exc:  # as a platform would: the form never opens
            notice = PrivateNotice(channel_id=self.channel_id, recipient=person, text=str(exc))
            await self._reply([notice], person)
            return [notice], None
        if form.consent is not None:
            await self._reply([form.consent], person)
            return [form.consent], None
        return [], form

    async def _send(self, messages: Sequence[Outbound], actor: Person) -> None:
        if messages:
            await self.handler.send_all(
                messages, self.outbox, actor=actor, channel_id=self.channel_id
            )

    async def _reply(self, messages: Sequence[Outbound], actor: Person) -> None:
        if messages:
            await self.handler.send_all(
                messages, self._replies, actor=actor, channel_id=self.channel_id
            )

    # -- what people do ------------------------------------------------------------------

    async def command(self, person: Person, command: Command, **options: str) -> list[Outbound]:
        event = CommandInvoked(
            person=person, channel_id=self.channel_id, command=command, options=options
        )
        return await self.act(event)

    async def answer(
        self,
        person: Person,
        question: QuestionPost,
        text: str,
        *,
        quote_ok: bool = False,
        agree: bool = True,
    ) -> list[Outbound]:
        """Press the question's "Answer anonymously" button and submit the form. The first
        time in a session the privacy note comes first; ``agree`` says whether the person
        presses its button. Returns what the answer brought (or, without ``agree``, the note;
        or why the form did not open)."""
        shown, form = await self.press_button(person, question.answer_action_id)
        if form is None:
            consent = next((m for m in shown if isinstance(m, ConsentRequest)), None)
            if consent is None or not agree:
                return shown
            shown, form = await self.press_button(person, consent.consent_action_id)
            if form is None:
                return shown
        return await self.submit(person, form, text, quote_ok=quote_ok)

    async def submit(
        self, person: Person, form: AnswerForm, text: str, *, quote_ok: bool = False
    ) -> list[Outbound]:
        """Fill in and submit an answer form that opened."""
        event = AnswerSubmitted(
            person=person,
            channel_id=self.channel_id,
            text=text,
            session_id=form.session_id,
            question_number=form.question_number,
            quote_ok=quote_ok,
        )
        return await self.act(event)

    async def agree(self, person: Person, request: ConsentRequest) -> list[Outbound]:
        """Press "I understand" on the privacy note."""
        shown, _form = await self.press_button(person, request.consent_action_id)
        return shown

    async def skip(self, person: Person, question: QuestionPost) -> list[Outbound]:
        shown, _form = await self.press_button(person, question.skip_action_id)
        return shown

    async def report(self, person: Person, post: AnswerPost) -> list[Outbound]:
        """Press "Report privately" under an answer."""
        shown, _form = await self.press_button(person, post.report_action_id)
        return shown

    async def acknowledge(self, lead: Person, alert: SafeguardingAlert) -> list[Outbound]:
        """Press "I'm on it" on a safeguarding alert."""
        shown, _form = await self.press_button(lead, alert.acknowledge_action_id)
        return shown

    async def release(self, lead: Person, alert: SafeguardingAlert) -> list[Outbound]:
        """Press "Release to the group" on an alert about a held answer."""
        if alert.release_action_id is None:
            raise ValueError("this alert has no release button")
        shown, _form = await self.press_button(lead, alert.release_action_id)
        return shown

    async def keep_out(self, lead: Person, alert: SafeguardingAlert) -> list[Outbound]:
        """Press "Keep out of the digest" on an alert about an answer."""
        if alert.keep_out_action_id is None:
            raise ValueError("this alert has no keep-out button")
        shown, _form = await self.press_button(lead, alert.keep_out_action_id)
        return shown

    async def press(
        self, person: Person, button: ReactionButton, *, agree: bool = True
    ) -> list[Outbound]:
        """Press an anonymous reaction button under an answer. Someone who hasn't agreed to
        the privacy note in this session sees it first; with ``agree`` they press its button
        and then the reaction again."""
        ref = self._post_ref(button)
        sent, _form = await self.press_button(person, button.action_id, message_ref=ref)
        consent = next((m for m in sent if isinstance(m, ConsentRequest)), None)
        if consent is None or not agree:
            return sent
        await self.agree(person, consent)
        sent, _form = await self.press_button(person, button.action_id, message_ref=ref)
        return sent

    def _post_ref(self, button: ReactionButton) -> str | None:
        for ref, message in reversed(self.outbox.refs.items()):
            if isinstance(message, AnswerPost) and any(
                b.action_id == button.action_id for b in message.reactions
            ):
                return ref
        return None

    async def join(self, person: Person, session_id: str) -> list[Outbound]:
        """Agree to the privacy note of a session without answering (e.g. to react)."""
        shown, _form = await self.press_button(person, consent_action_id(session_id, None))
        return shown

    async def native_reaction(
        self, person: Person, message_ref: str, emoji: str, *, added: bool = True
    ) -> list[Outbound]:
        """A platform's own emoji reaction on a posted message."""
        event = ReactionToggled(
            person=person,
            channel_id=self.channel_id,
            emoji=emoji,
            message_ref=message_ref,
            change=ReactionChange.ADDED if added else ReactionChange.REMOVED,
        )
        return await self.act(event)
