"""Outbound messages: what the core asks an adapter to show.

Optional things are data on the message (buttons, recipient, files); each adapter renders them
or degrades them, and says how in its module docstring. Button meanings travel in action ids
built by ``bot.core.actions`` so a press after a restart still maps to an event.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeGuard

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
    """A question for the group, with an "Answer anonymously" button (``answer_action_id``)
    and a "Skip" button (``skip_action_id``).

    ``content_note`` (for a sensitive question) is shown before the question. ``number`` 0 is
    the closing check-in, whose answers go to the facilitator only."""

    channel_id: str
    session_id: str
    number: int
    total: int
    text: str
    help_text: str | None
    answer_action_id: str
    skip_action_id: str
    content_note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScaleChoice:
    """One face on the end-of-session check's scale."""

    emoji: str
    label: str
    action_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EndCheckPost:
    """One question of the anonymous end-of-session check, for the group, with a button per
    face (``choices``, in scale order). ``intro`` is set on the first of the four. No counts
    are shown: only the digest and report have them."""

    channel_id: str
    session_id: str
    number: int  # 1 to ``total``
    total: int
    text: str
    choices: tuple[ScaleChoice, ...]
    intro: str | None = None


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
    report_action_id: str  # "Report privately": reaches the safeguarding lead only


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionCountsChanged:
    """The counts on an answer post changed; adapters may coalesce bursts of these."""

    channel_id: str
    answer_id: str
    message_ref: str | None
    reactions: tuple[ReactionButton, ...]
    # Which change to the answer's reactions these counts include (0: unknown). Processes
    # sharing a database order count updates by it, so newer counts are never overwritten.
    revision: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class PostsRemoved:
    """Delete the bot's own posts of answers that were withdrawn or kept out (and so any
    count updates still waiting for them). ``message_refs`` are what the outbox returned
    for the posts, all in ``channel_id``. Adapters retry as for any delivery; a message
    already gone counts as deleted. ``DeliveryFailed`` when the platform refused any: the
    engine then tells whoever asked ``if_refused``."""

    channel_id: str
    message_refs: tuple[str, ...]
    if_refused: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelNotice:
    """Plain text for the whole group (session started, session ended)."""

    channel_id: str
    text: str
    job_id: str | None = None  # a planned job this post stands for: done once the platform took it


@dataclass(frozen=True, slots=True, kw_only=True)
class PrivateNotice:
    """Text only ``recipient`` sees (ephemeral where the platform allows, else a DM).
    ``refused``: it says what to fix in a refused request (a mistake, not "you may not"),
    and nothing changed; an adapter whose form can show errors may show it in the form
    instead, keeping what was typed. ``saved``: it tells the recipient that what they sent
    was kept (an answer stored, a check-in passed on), so a form may say "saved"."""

    channel_id: str
    recipient: Person
    text: str
    refused: bool = False
    saved: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentRequest:
    """The privacy note, shown privately before someone's first answer or reaction in a
    session, with an "I understand" button (``consent_action_id``). After the press the
    adapter opens the answer form for ``question_number`` when it is not ``None``."""

    channel_id: str
    recipient: Person
    session_id: str
    question_number: int | None
    text: str
    consent_action_id: str


class AlertAudience(enum.StrEnum):
    LEAD = "lead"  # the designated safeguarding lead (a user or a private channel)
    DEPUTY = "deputy"  # when the lead has not acknowledged in time


@dataclass(frozen=True, slots=True, kw_only=True)
class SafeguardingAlert:
    """A private alert for the safeguarding lead, never for the group. ``text`` may hold an
    answer and who wrote it (``writer``: platform user id, for the adapter to mention).
    Buttons: acknowledge; release and keep out when an answer is held. ``low_priority`` is a
    note (harm told as past and over): adapters give it a calm heading, with no alarm."""

    audience: AlertAudience
    alert_id: str
    text: str
    writer: str | None
    acknowledge_action_id: str
    release_action_id: str | None = None
    keep_out_action_id: str | None = None
    low_priority: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class HeldAnswer:
    """One held answer in the lead's /held list. ``heading`` (session, question number,
    when, answer id), ``question`` and ``why`` are the bot's words; ``words`` are the young
    person's, which each adapter escapes. No one's name or platform id is in any of them."""

    answer_id: str
    heading: str
    question: str
    words: str
    why: str
    release_action_id: str
    keep_out_action_id: str
    who_wrote_action_id: str  # the adapter asks for a reason before it becomes /who-wrote


@dataclass(frozen=True, slots=True, kw_only=True)
class HeldAnswerList:
    """The answers held back from the group, for the safeguarding lead who asked (/held)
    and nobody else: ephemeral where the platform allows, else a direct message. Each
    adapter splits it into as many messages as its limits need, ``intro`` on the first,
    ``more`` (how to see the rest, when there are more) on the last, and each answer's
    three buttons with that answer."""

    channel_id: str
    recipient: Person
    intro: str
    answers: tuple[HeldAnswer, ...]
    more: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffNote:
    """Text for the staff destination (the staff channel; logged if there is none)."""

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
    """Files (digests) for staff or for the requester only. ``digest_of`` is set on a
    session's automatic digest for staff: the engine marks it delivered only once the
    platform has accepted it (at least once: a crash mid-upload sends it again)."""

    channel_id: str
    audience: Audience
    requester: Person
    text: str
    files: tuple[DeliveryFile, ...]
    digest_of: str | None = None


Outbound = (
    QuestionPost
    | EndCheckPost
    | AnswerPost
    | ReactionCountsChanged
    | PostsRemoved
    | ChannelNotice
    | PrivateNotice
    | FileDelivery
    | ConsentRequest
    | SafeguardingAlert
    | HeldAnswerList
    | StaffNote
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerForm:
    """What an adapter needs to show the answer form for one question. When ``consent`` is
    set, show that instead (the privacy note and its button); the form comes after."""

    session_id: str
    question_number: int
    question_text: str
    help_text: str | None
    max_chars: int
    consent: ConsentRequest | None = None


def is_private_to(message: Outbound, person: Person) -> TypeGuard[PrivateNotice]:
    """A private notice addressed to ``person``."""
    return isinstance(message, PrivateNotice) and message.recipient.user_id == person.user_id


def split_for_actor(
    messages: Sequence[Outbound], actor: Person
) -> tuple[list[Outbound], list[Outbound]]:
    """(replies to whoever acted, everything else). The rule every adapter follows: a reply
    to the actor goes back through the interaction they started (ephemeral where the
    platform allows), everything else through the ordinary outbox."""
    mine: list[Outbound] = [m for m in messages if _for(m, actor)]
    others = [m for m in messages if not _for(m, actor)]
    return mine, others


def is_held_list_for(message: Outbound, person: Person) -> TypeGuard[HeldAnswerList]:
    """A /held list for ``person`` (it goes back through their own interaction)."""
    return isinstance(message, HeldAnswerList) and message.recipient.user_id == person.user_id


def _for(message: Outbound, actor: Person) -> bool:
    return is_private_to(message, actor) or is_held_list_for(message, actor)
