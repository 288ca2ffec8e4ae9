"""The local (loopback) adapter: no platform, everything in memory.

It injects events the way a platform adapter would (from the same action ids a button would
carry) and records every outbound message. ``consultbot demo`` and the end-to-end tests use it.

Rendering: posts are recorded with a message reference ``local-N``; ``PrivateNotice`` and
``FileDelivery`` are recorded for their recipient; ``ReactionCountsChanged`` updates the
recorded buttons. Nothing is printed here: the demo prints its own progress.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TypeVar

from bot.core.actions import AnswerAction, ReactAction, parse_action_id
from bot.core.engine import Engine
from bot.core.errors import UserFacingError
from bot.core.events import (
    AnswerSubmitted,
    Command,
    CommandInvoked,
    Person,
    ReactionChange,
    ReactionToggled,
    Role,
)
from bot.core.outbound import (
    AnswerPost,
    Outbound,
    PrivateNotice,
    QuestionPost,
    ReactionButton,
    ReactionCountsChanged,
)

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

    async def answer(self, person: Person, question: QuestionPost, text: str) -> list[Outbound]:
        """Press the question's "Answer anonymously" button and submit the form."""
        action = parse_action_id(question.answer_action_id)
        assert isinstance(action, AnswerAction)
        try:
            form = await self.engine.answer_form(action.session_id, action.question_number)
        except UserFacingError as exc:  # as a platform would: the form never opens
            notice = PrivateNotice(channel_id=self.channel_id, recipient=person, text=str(exc))
            await self.outbox.send(notice)
            return [notice]
        event = AnswerSubmitted(
            person=person,
            channel_id=self.channel_id,
            text=text,
            session_id=form.session_id,
            question_number=form.question_number,
        )
        return await self.engine.dispatch(event, self.outbox)

    async def press(self, person: Person, button: ReactionButton) -> list[Outbound]:
        """Press an anonymous reaction button under an answer."""
        action = parse_action_id(button.action_id)
        assert isinstance(action, ReactAction)
        event = ReactionToggled(
            person=person,
            channel_id=self.channel_id,
            answer_id=action.answer_id,
            palette_index=action.palette_index,
        )
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
