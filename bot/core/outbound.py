"""Outbound messages: what the core asks an adapter to show.

Optional things are data on the message (buttons, recipient, files); each adapter renders them
or degrades them, and says how in its module docstring. Button meanings travel in action ids
built by ``bot.core.actions`` so a press after a restart still maps to an event.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.core.events import Person


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionButton:
    """One anonymous reaction button under an answer: emoji, short label, current count."""

    emoji: str
    label: str
    count: int
    action_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionPost:
    """A question for the group, with an "Answer anonymously" button (``answer_action_id``)."""

    channel_id: str
    session_id: str
    number: int
    total: int
    text: str
    help_text: str | None
    answer_action_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerPost:
    """An anonymous answer shown to the group under the participant's session alias.

    ``text`` is the raw answer; each adapter escapes it for its platform so nothing in it can
    mention, ping or format anyone."""

    channel_id: str
    session_id: str
    answer_id: str
    question_number: int
    alias: str
    text: str
    reactions: tuple[ReactionButton, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionCountsChanged:
    """The counts on an answer post changed; adapters may coalesce bursts of these."""

    channel_id: str
    answer_id: str
    message_ref: str | None
    reactions: tuple[ReactionButton, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelNotice:
    """Plain text for the whole group (session started, session ended)."""

    channel_id: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PrivateNotice:
    """Text only ``recipient`` sees (ephemeral where the platform allows, else a DM)."""

    channel_id: str
    recipient: Person
    text: str


class Audience(enum.StrEnum):
    STAFF = "staff"  # the staff destination from config; the requester by DM when unset
    REQUESTER = "requester"  # only the person who asked (ephemeral / DM)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryFile:
    name: str
    content: bytes
    mime_type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FileDelivery:
    """Files (digests) for staff or for the requester only."""

    channel_id: str
    audience: Audience
    requester: Person
    text: str
    files: tuple[DeliveryFile, ...]


Outbound = (
    QuestionPost | AnswerPost | ReactionCountsChanged | ChannelNotice | PrivateNotice | FileDelivery
)
