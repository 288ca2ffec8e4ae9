"""What the store hands back: plain frozen dataclasses, never rows."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class SessionStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionRecord:
    id: str
    platform: str
    channel_id: str
    question_set_id: str
    status: SessionStatus
    current_question: int
    started_at: datetime
    closed_at: datetime | None
    ends_at: datetime | None = None  # auto-close time, when scheduled with a length
    question_seconds: int | None = None  # time limit per question, when set
    paused_seconds_left: int | None = None  # set while the question timer is paused
    schedule_id: str | None = None
    occurrence: int | None = None
    purged: bool = False  # answers deleted by the retention purge; the digest snapshot stays


class Repeat(enum.StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleRecord:
    id: str
    platform: str
    channel_id: str
    question_set_id: str
    first_start: datetime  # naive wall-clock time in ``time_zone``
    time_zone: str
    repeat: Repeat
    length_minutes: int
    question_minutes: int | None
    cancelled: bool = False


class JobKind(enum.StrEnum):
    REMIND = "remind"  # a reminder in the channel before a scheduled session
    START = "start"  # a scheduled session starts
    CLOSE = "close"  # a session reaches its end time
    NUDGE = "nudge"  # "one minute left" on a timed question
    ADVANCE = "advance"  # a timed question ran out: move on
    REVEAL = "reveal"  # the next shuffled batch of answers is shown to the group
    ESCALATE = "escalate"  # an alert nobody acknowledged goes to the deputy
    PURGE = "purge"  # the retention purge


RERUN = "rerun"  # the subject the store gives a start or move-on requeued after a crash


class JobState(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    DROPPED = "dropped"  # missed and not worth doing late (see bot.scheduling.runner)
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True, kw_only=True)
class JobRecord:
    id: str
    kind: JobKind
    due_at: datetime  # aware UTC
    state: JobState = JobState.PENDING
    schedule_id: str | None = None
    occurrence: int | None = None
    session_id: str | None = None
    question_number: int | None = None
    subject: str | None = None  # an alert id, for ESCALATE


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionSummary:
    session: SessionRecord
    participant_count: int
    answer_count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    id: int
    session_id: str
    alias: str
    consented: bool = False


class AnswerStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the next shuffled batch to the group
    SHOWN = "shown"
    HELD = "held"  # a possible disclosure: only the safeguarding lead sees it
    KEPT_OUT = "kept_out"  # the safeguarding lead kept it out of the group and the digest


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerRecord:
    id: str
    session_id: str
    question_number: int
    participant_id: int
    alias: str
    text: str
    status: AnswerStatus = AnswerStatus.SHOWN
    quote_ok: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TagRecord:
    theme_id: str
    origin: str  # "auto" or "facilitator"
    evidence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerForDigest:
    answer: AnswerRecord
    tags: tuple[TagRecord, ...]  # active tags only
    reaction_counts: dict[str, int]  # emoji -> count


class AlertKind(enum.StrEnum):
    DISCLOSURE = "disclosure"  # an answer held back by the screen
    REPORT = "report"  # someone reported a shown answer privately
    WORRIED = "worried"  # someone used /worried


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRecord:
    id: str
    kind: AlertKind
    session_id: str | None
    answer_id: str | None
    categories: tuple[str, ...]
    created_at: datetime
    acknowledged_at: datetime | None
    escalated: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    at: datetime
    actor: str  # "platform:user" of a staff member or safeguarding lead, or "scheduler"/"cli"
    action: str
    subject: str
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpSettings:
    """How to reach the mail server that emails safeguarding alerts."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = 10.0
