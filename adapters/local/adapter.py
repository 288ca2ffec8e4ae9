"""The local (loopback) adapter: no platform, everything in memory.

It injects events the way a platform adapter would (from the same action ids a button would
carry) and records every outbound message. ``consultbot demo`` and the end-to-end tests use it.

Rendering: posts are recorded with a message reference ``local-N``; ``PrivateNotice``,
``ConsentRequest``, ``SafeguardingAlert``, ``StaffNote`` and ``FileDelivery`` are recorded
for their recipient; ``ReactionCountsChanged`` updates the recorded buttons. Nothing is
printed here: the demo prints its own progress.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TypeVar

from bot.core.actions import (
    AcknowledgeAction,
    AnswerAction,
    ConsentAction,
    ReactAction,
    ReportAction,
    SkipAction,
    parse_action_id,
)
from bot.core.errors import UserFacingError
from bot.core.events import (
    AlertAcknowledged,
    AnswerReported,
    AnswerSubmitted,
    Command,
    CommandInvoked,
    ConsentGiven,
    Person,
    QuestionSkipped,
    ReactionChange,
    ReactionToggled,
    Role,
)
from bot.core.outbound import (
    AnswerPost,
    ConsentRequest,
    Outbound,
    PrivateNotice,
    QuestionPost,
    ReactionButton,
    ReactionCountsChanged,
    SafeguardingAlert,
)
from bot.engine import Engine

PLATFORM = "local"
T = TypeVar("T")


@dataclass
class LocalOutbox:
    """Records what the core sent, in order; posts get references ``local-1``, ``local-2``…"""

    sent: list[Outbound] = field(default_factory=list)
    refs: dict[str, Outbound] = field(default_factory=dict)
    buttons: dict[str, tuple[ReactionButton, ...]] = field(default_factory=dict)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, message: Outbound) -> str | None:
        self.sent.append(message)
        if isinstance(message, ReactionCountsChanged):
            self.buttons[message.answer_id] = message.reactions
            return None
        if isinstance(message, QuestionPost | AnswerPost):
            ref = f"local-{next(self._numbers)}"
            self.refs[ref] = message
            if isinstance(message, AnswerPost):
                self.buttons[message.answer_id] = message.reactions
            return ref
        return None

    def of_type(self, kind: type[T]) -> list[T]:
        return [m for m in self.sent if isinstance(m, kind)]


class LocalChannel:
    """One channel of the local platform: people act in it through the real engine path."""

    def __init__(self, engine: Engine, channel_id: str = "local-channel") -> None:
        self.engine = engine
        self.channel_id = channel_id
        self.outbox = LocalOutbox()

    @staticmethod
    def person(user_id: str, *roles: Role) -> Person:
        return Person(platform=PLATFORM, user_id=user_id, roles=frozenset(roles))

    async def command(self, person: Person, command: Command, **options: str) -> list[Outbound]:
        event = CommandInvoked(
            person=person, channel_id=self.channel_id, command=command, options=options
        )
        return await self.engine.dispatch(event, self.outbox)

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
        presses its button. Returns what the answer brought (or, without ``agree``, the note);
        the note itself is in ``outbox.sent`` either way."""
        action = parse_action_id(question.answer_action_id)
        assert isinstance(action, AnswerAction)
        try:
            form = await self.engine.answer_form(action.session_id, action.question_number, person)
        except UserFacingError as exc:  # as a platform would: the form never opens
            notice = PrivateNotice(channel_id=self.channel_id, recipient=person, text=str(exc))
            await self.outbox.send(notice)
            return [notice]
        if form.consent is not None:
            await self.outbox.send(form.consent)
            if not agree:
                return [form.consent]
            await self.agree(person, form.consent)
        event = AnswerSubmitted(
            person=person,
            channel_id=self.channel_id,
            text=text,
            session_id=form.session_id,
            question_number=form.question_number,
            quote_ok=quote_ok,
        )
        return await self.engine.dispatch(event, self.outbox)

    async def agree(self, person: Person, request: ConsentRequest) -> list[Outbound]:
        """Press "I understand" on the privacy note."""
        action = parse_action_id(request.consent_action_id)
        assert isinstance(action, ConsentAction)
        event = ConsentGiven(
            person=person, channel_id=self.channel_id, session_id=action.session_id
        )
        return await self.engine.dispatch(event, self.outbox)

    async def skip(self, person: Person, question: QuestionPost) -> list[Outbound]:
        action = parse_action_id(question.skip_action_id)
        assert isinstance(action, SkipAction)
        event = QuestionSkipped(
            person=person,
            channel_id=self.channel_id,
            session_id=action.session_id,
            question_number=action.question_number,
        )
        return await self.engine.dispatch(event, self.outbox)

    async def report(self, person: Person, post: AnswerPost) -> list[Outbound]:
        """Press "Report privately" under an answer."""
        action = parse_action_id(post.report_action_id)
        assert isinstance(action, ReportAction)
        event = AnswerReported(
            person=person, channel_id=self.channel_id, answer_id=action.answer_id
        )
        return await self.engine.dispatch(event, self.outbox)

    async def acknowledge(self, lead: Person, alert: SafeguardingAlert) -> list[Outbound]:
        action = parse_action_id(alert.acknowledge_action_id)
        assert isinstance(action, AcknowledgeAction)
        event = AlertAcknowledged(person=lead, channel_id=self.channel_id, alert_id=action.alert_id)
        return await self.engine.dispatch(event, self.outbox)

    async def press(
        self, person: Person, button: ReactionButton, *, agree: bool = True
    ) -> list[Outbound]:
        """Press an anonymous reaction button under an answer. Someone who hasn't agreed to
        the privacy note in this session sees it first; with ``agree`` they press its button
        and then the reaction again."""
        action = parse_action_id(button.action_id)
        assert isinstance(action, ReactAction)
        event = ReactionToggled(
            person=person,
            channel_id=self.channel_id,
            answer_id=action.answer_id,
            palette_index=action.palette_index,
        )
        sent = await self.engine.dispatch(event, self.outbox)
        consent = next((m for m in sent if isinstance(m, ConsentRequest)), None)
        if consent is None or not agree:
            return sent
        await self.agree(person, consent)
        return await self.engine.dispatch(event, self.outbox)

    async def join(self, person: Person, session_id: str) -> list[Outbound]:
        """Agree to the privacy note of a session without answering (e.g. to react)."""
        event = ConsentGiven(person=person, channel_id=self.channel_id, session_id=session_id)
        return await self.engine.dispatch(event, self.outbox)

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
        return await self.engine.dispatch(event, self.outbox)
