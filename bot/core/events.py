"""Inbound events: facts an adapter reports to the core.

Ids are ``str`` (a Discord snowflake becomes ``str`` at the edge); times are aware UTC.
A ``Person`` carries the platform user id only so the core can derive a keyed hash; the core
never stores or logs it in clear, and adapters never pass display names or usernames at all.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime


class Role(enum.StrEnum):
    """What a person may do beyond answering. Adapters map platform roles/groups to these."""

    FACILITATOR = "facilitator"
    STAFF = "staff"
    SAFEGUARDING_LEAD = "safeguarding-lead"  # the DSL and deputies: see held answers


class Command(enum.StrEnum):
    """Commands every adapter offers (slash commands on Discord and Slack)."""

    START_SESSION = "start-session"
    NEXT_QUESTION = "next-question"
    END_SESSION = "end-session"
    SESSIONS = "sessions"
    DIGEST = "digest"
    WITHDRAW = "withdraw"
    PRIVACY = "privacy"
    SCHEDULE_SESSION = "schedule-session"
    PAUSE_QUESTION = "pause-question"
    EXTEND_QUESTION = "extend-question"
    HELP = "help"
    WORRIED = "worried"
    RELEASE = "release"  # safeguarding lead: show a held answer to the group, anonymously
    KEEP_OUT = "keep-out"  # safeguarding lead: keep an answer out of the group and the digest
    WHO_WROTE = "who-wrote"  # safeguarding lead: see who wrote a held or reported answer
    HELD = "held"  # safeguarding lead: list held answers with their words, privately
    REPORT = "report"  # staff: one report over several sessions, by label or question set
    WORKSPACE = "workspace"  # staff, facilitators, lead: a private sign-in link to the browser
    YOU_SAID_WE_DID = "you-said-we-did"  # staff, facilitators: what happened, told to the group
    SHARE_SUMMARY = "share-summary"  # staff: post a session's saved summary to its group


class ReactionChange(enum.StrEnum):
    """A button press toggles; native platform reactions say added or removed."""

    TOGGLE = "toggle"
    ADDED = "added"
    REMOVED = "removed"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """Who acted. ``user_id`` is hashed by the core and never stored or logged in clear."""

    platform: str
    user_id: str
    roles: frozenset[Role] = frozenset()

    def __repr__(self) -> str:  # keeps ids out of any accidental log line
        return f"Person(platform={self.platform!r}, roles={sorted(self.roles)!r})"


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandInvoked:
    person: Person
    channel_id: str
    command: Command
    options: Mapping[str, str] = field(default_factory=dict)
    at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerSubmitted:
    """An answer to a question. ``session_id``/``question_number`` come from the button the
    person pressed, so a late submit still lands on the question they saw; ``None`` means
    "whatever question is open in this channel"."""

    person: Person
    channel_id: str
    text: str
    session_id: str | None = None
    question_number: int | None = None
    quote_ok: bool = False  # may the words be quoted exactly in the report? (off by default)
    # The platform's id for this one submission (Slack: the form's view id; Discord: the
    # interaction id): the same submission sent again is stored and shown once.
    submission_id: str | None = None
    at: datetime = field(default_factory=utc_now)


def audit_name(person: Person) -> str:
    """How a staff member or lead is named in the audit log. Never used for young people."""
    return f"{person.platform}:{person.user_id}" if person.user_id else "scheduler"


SYSTEM_USER_ID = ""  # the scheduler acting on its own: no platform user behind it


def system_person(platform: str) -> Person:
    """Who a timed job acts as. Adapters can't message it; the runner drops notes to it."""
    return Person(
        platform=platform, user_id=SYSTEM_USER_ID, roles=frozenset({Role.FACILITATOR, Role.STAFF})
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerFormRequested:
    """Someone pressed "Answer anonymously": show them the form, or the privacy note first.
    Not an ``InboundEvent``: the adapter asks ``EventHandler.answer_form`` for what to show,
    because the form must be the platform's first response to the press."""

    person: Person
    channel_id: str
    session_id: str
    question_number: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentGiven:
    """The person read the privacy note for a session and agreed (a button press)."""

    person: Person
    channel_id: str
    session_id: str
    then_answer: int | None = None  # the question whose answer form should open next
    at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionSkipped:
    person: Person
    channel_id: str
    session_id: str
    question_number: int
    at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerReported:
    """Someone pressed "Report privately" under an answer shown to the group."""

    person: Person
    channel_id: str
    answer_id: str
    at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertAcknowledged:
    """A safeguarding lead pressed "I'm on it" on an alert."""

    person: Person
    channel_id: str
    alert_id: str
    at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionToggled:
    """A reaction on an answer post, in one of two shapes:

    - an anonymous button: ``answer_id`` and ``palette_index`` decoded from the button's
      action id (``bot.core.actions.ReactAction``), ``change=TOGGLE``;
    - a native platform reaction: ``message_ref`` of the bot's answer post, the ``emoji``
      character (Slack names mapped to characters by the adapter), ``ADDED``/``REMOVED``.
    """

    person: Person
    channel_id: str
    emoji: str = ""
    palette_index: int | None = None
    change: ReactionChange = ReactionChange.TOGGLE
    answer_id: str | None = None
    message_ref: str | None = None
    at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True, kw_only=True)
class EndCheckAnswered:
    """Someone tapped a face in the end-of-session check: ``question`` 1 to 4, ``choice``
    the face's place on the scale. A later tap on the same question replaces it."""

    person: Person
    channel_id: str
    session_id: str
    question: int
    choice: int
    at: datetime = field(default_factory=utc_now)


InboundEvent = (
    CommandInvoked
    | AnswerSubmitted
    | ReactionToggled
    | ConsentGiven
    | QuestionSkipped
    | AnswerReported
    | AlertAcknowledged
    | EndCheckAnswered
)
