"""The digest of one closed session, as plain data that every renderer reads.

It holds no platform id, username or display name, and no per-answer timestamp: answers
appear only under their per-session alias. Everything staff read is worked out once, here
and in ``build``: agreement by meaning (``agreement``), who was present, the quotes chosen
for each theme. Renderers only lay it out, so every format says the same thing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.questions.model import ReactionKind


class Consensus(enum.StrEnum):
    BROAD = "broad agreement"
    DIVIDED = "divided"
    NONE = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionCount:
    emoji: str
    label: str
    count: int  # people who pressed it
    kind: ReactionKind = ReactionKind.AGREE


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestAnswer:
    answer_id: str
    question_number: int
    alias: str
    # Empty when the young person did not agree to be quoted: the answer then only counts
    # (themes, agreement) and never appears word for word, in any format.
    text: str
    themes: tuple[str, ...]  # theme ids, codebook order
    reactions: tuple[ReactionCount, ...]  # the question's palette order
    quotable: bool = True
    agreement: int = 0  # distinct people, not the writer, who pressed an "agree" button
    differ: int = 0  # distinct people who said "different for me"
    consensus: Consensus = Consensus.NONE


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeCount:
    theme_id: str
    label: str
    people: int  # distinct people who raised it


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestQuestion:
    number: int
    text: str
    answers: tuple[DigestAnswer, ...]  # most agreed first, then by answer id
    answered_by: int = 0  # distinct people with an answer here in the digest
    skipped: int = 0  # people present who gave none
    untagged: int = 0  # answers here with no theme yet
    top_themes: tuple[ThemeCount, ...] = ()  # most people first, at most three
    highlight: bool = False  # the summary shows what it surfaced ("What is missing?")


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeSummary:
    theme_id: str
    label: str
    answer_count: int
    raised_by: int  # distinct people with an answer in this theme
    agreed_by: int = 0  # distinct people who agreed with one of them but didn't raise it
    agreement_total: int = 0  # its answers' agreement added up (for the average)
    not_quotable: int = 0  # its answers that count but are never quoted
    broad: int = 0  # its answers in broad agreement
    divided: int = 0  # its answers the room was divided on
    # Up to three quotable answers, most agreed first, none quoted under an earlier theme.
    quotes: tuple[DigestAnswer, ...] = ()

    @property
    def reach(self) -> int:
        """People who raised it or agreed with it."""
        return self.raised_by + self.agreed_by

    @property
    def mean_agreement(self) -> float:
        """How many people agreed with each of its answers, on average."""
        return self.agreement_total / self.answer_count if self.answer_count else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionFacts:
    """What is counted and not shown, so nothing is left out silently."""

    answered: int = 0  # people who gave at least one answer
    only_reacted: int = 0  # people who reacted but gave no answer
    with_lead: int = 0  # answers with the safeguarding lead (held or kept out): a count only
    not_quotable: int = 0  # answers counted in themes and agreement, never quoted
    untagged: int = 0  # answers with no theme yet


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeAction:
    """ "You said, we did": where one theme stands now (its latest update), for staff."""

    action_id: str
    theme_id: str
    label: str
    status: str  # plain words: "heard", "taken to …", "changed", "partly changed", …
    taken_to: str
    because: str
    follow_up: date | None
    updated_at: datetime
    updates: int  # how many updates it has had


@dataclass(frozen=True, slots=True, kw_only=True)
class EndCheckQuestion:
    """One question of the anonymous end-of-session check: how many people chose each face
    (``counts``, in the scale's order). Counts only: never who."""

    text: str
    counts: tuple[int, ...]
    # Read back from a snapshot whose small counts were hidden: the total it showed.
    total: int | None = None

    @property
    def answered(self) -> int:
        return sum(self.counts) if self.total is None else self.total


@dataclass(frozen=True, slots=True, kw_only=True)
class EndCheckResult:
    faces: tuple[tuple[str, str], ...]  # (emoji, label), least to most
    questions: tuple[EndCheckQuestion, ...]
    # Taps still being taken: no counts are shown yet (a reload between taps would show whose).
    still_open: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest:
    session_id: str
    question_set_id: str
    question_set_title: str
    started_at: datetime
    closed_at: datetime | None
    participant_count: int  # people present: everyone who answered or reacted
    answer_count: int  # answers in the digest (not those with the safeguarding lead)
    questions: tuple[DigestQuestion, ...]
    # Themes with an answer: most people raising it first, then the most agreed with.
    themes: tuple[ThemeSummary, ...]
    label: str | None = None
    time_zone: str = "Europe/London"  # times are shown in the organisation's zone
    codebook_version: str = ""  # the codebook the tags came from
    facts: SessionFacts = field(default_factory=SessionFacts)
    actions: tuple[ThemeAction, ...] = ()  # "you said, we did", by theme (codebook order)
    audience: str | None = None  # who will hear it, as the question set says
    end_check: EndCheckResult | None = None  # ``None``: the session had no end check

    @property
    def untagged_answers(self) -> tuple[DigestAnswer, ...]:
        """Answers with no theme yet, by question, most agreed first."""
        return tuple(a for q in self.questions for a in q.answers if not a.themes)

    def theme_label(self, theme_id: str) -> str:
        for theme in self.themes:
            if theme.theme_id == theme_id:
                return theme.label
        return theme_id

    def theme_labels(self) -> dict[str, str]:
        """Each theme's label by its id, as ``theme_label`` gives it, for looking up many."""
        labels: dict[str, str] = {}
        for theme in self.themes:
            labels.setdefault(theme.theme_id, theme.label)
        return labels
