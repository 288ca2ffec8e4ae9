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


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerRecord:
    id: str
    session_id: str
    question_number: int
    participant_id: int
    alias: str
    text: str


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
