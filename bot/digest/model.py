"""The digest of one closed session, as plain data that every renderer reads.

It holds no platform id, username or display name, and no per-answer timestamp: answers
appear only under their per-session alias.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionCount:
    emoji: str
    label: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestAnswer:
    answer_id: str
    question_number: int
    alias: str
    text: str
    themes: tuple[str, ...]  # theme ids, codebook order
    reactions: tuple[ReactionCount, ...]  # the question's palette order
    # False when the young person did not agree to be quoted: ``text`` is then a placeholder
    # and the answer only counts (themes, agreement), never appears word for word.
    quotable: bool = True

    @property
    def agreement(self) -> int:
        """Total reactions: what "most agreed" sorts by."""
        return sum(r.count for r in self.reactions)


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestQuestion:
    number: int
    text: str
    answers: tuple[DigestAnswer, ...]  # most agreed first, then in the order given


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeSummary:
    theme_id: str
    label: str
    answer_count: int
    participant_count: int
    quotes: tuple[DigestAnswer, ...]  # strongest (most agreed) first, at most three


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest:
    session_id: str
    question_set_id: str
    question_set_title: str
    started_at: datetime
    closed_at: datetime | None
    participant_count: int
    answer_count: int
    questions: tuple[DigestQuestion, ...]
    themes: tuple[ThemeSummary, ...]  # themes with at least one answer, most answers first
