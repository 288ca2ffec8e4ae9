"""Ports: what the core needs from the outside, as Protocols (``Outbox``, ``Store``).

``Outbox`` is the one port adapters implement. It has a single method so that adding a kind
of message never breaks an adapter's signature: new kinds are new dataclasses in
``bot.core.outbound``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from bot.core.outbound import Outbound
from bot.core.records import (
    AnswerForDigest,
    AnswerRecord,
    Participant,
    SessionRecord,
    SessionSummary,
)


class Outbox(Protocol):
    async def send(self, message: Outbound) -> str | None:
        """Deliver ``message``. Return the platform's reference for a posted message
        (message id / ts) when there is one, so native reactions can be mapped back.
        Raise ``DeliveryFailed`` when the platform refuses."""
        ...


class Store(Protocol):
    """Durable state. Every write method returns only after its transaction has committed."""

    async def create_session(self, session: SessionRecord) -> None: ...
    async def open_session_in_channel(
        self, platform: str, channel_id: str
    ) -> SessionRecord | None: ...
    async def session(self, session_id: str) -> SessionRecord | None: ...
    async def session_summaries(self) -> list[SessionSummary]: ...
    async def all_session_ids(self) -> list[str]: ...
    async def move_to_question(self, session_id: str, number: int) -> None: ...
    async def close_session(self, session_id: str, at: datetime) -> bool: ...
    async def participant(
        self, session_id: str, person_key: str, alias_candidates: Iterable[str]
    ) -> Participant: ...
    async def find_participant(self, session_id: str, person_key: str) -> Participant | None: ...
    async def withdraw_participant(self, participant_id: int) -> int: ...
    async def record_answer(
        self,
        *,
        answer_id: str,
        session_id: str,
        question_number: int,
        participant: Participant,
        text: str,
        auto_tags: Sequence[tuple[str, str]],
    ) -> AnswerRecord: ...
    async def answer(self, answer_id: str) -> AnswerRecord | None: ...
    async def record_answer_post(self, answer_id: str, message_ref: str) -> None: ...
    async def answer_for_message(self, message_ref: str) -> AnswerRecord | None: ...
    async def answers_for_session(self, session_id: str) -> list[AnswerForDigest]: ...
    async def set_reaction(
        self, answer_id: str, participant_id: int, emoji: str, on: bool
    ) -> bool: ...
    async def has_reaction(self, answer_id: str, participant_id: int, emoji: str) -> bool: ...
    async def reaction_counts(self, answer_id: str) -> dict[str, int]: ...
    async def set_tag(self, answer_id: str, theme_id: str, active: bool) -> None: ...
