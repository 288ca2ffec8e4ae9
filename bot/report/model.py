"""One report over several workshops, as plain data that every renderer reads.

A workshop is either a chat session (its digest) or an in-person workshop whose typed-up
notes were joined with ``--notes``. Notes are their own source: they are counted in the
themes, shown apart, and never mixed up with young people's own answers.

The size-fair rule (also printed at the end of every format):

    In each workshop, a theme's share is the people who raised it or agreed with it, over
    the people in that workshop. A theme's score is that share averaged over every workshop
    in the report, counting 0 where a workshop did not raise it. Themes are ranked by score,
    then by how many workshops raised it, then in codebook order, so a big room and a small
    room weigh the same.

For notes, the people who raised or agreed with a theme are the rows noting it, each
counting its ``agreed`` figure when given (else 1), and never more than the room's size.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from bot.digest.model import ThemeAction

SIZE_FAIR_RULE = (
    "In each workshop, a theme's share is the people who raised it or agreed with it, over "
    "the people in that workshop. A theme's score is that share averaged over every workshop "
    "in the report, counting 0 where a workshop did not raise it. Themes are ranked by score, "
    "then by how many workshops raised it, so a big room and a small room weigh the same. "
    "For notes from in-person workshops, each noted point counts its 'agreed' figure "
    "(else 1), never more than the people in the room."
)


class Source(enum.StrEnum):
    CHAT = "chat"
    NOTES = "notes"  # typed up from an in-person workshop


@dataclass(frozen=True, slots=True, kw_only=True)
class Workshop:
    key: str  # the session id, or "notes:<label>"
    label: str  # the column heading: the session's label (or id), or the notes' workshop
    source: Source
    people: int  # people in the room
    answers: int  # answers (chat) or noted points (notes)
    question_set_id: str = ""
    started_at: datetime | None = None
    audience: str | None = None  # who will hear it, as the session's question set says
    # The end-of-session check's counts, (question, face) → people; empty when it had none.
    end_check: tuple[tuple[int, ...], ...] = ()
    # Its question set has the check, but it is still taking taps: no counts yet.
    end_check_open: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    text: str
    workshop: str  # the workshop's label
    agreement: int  # people who agreed with it
    present: int  # people in that workshop


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportTheme:
    theme_id: str
    label: str
    reach: tuple[int, ...]  # people who raised or agreed with it, one per workshop, in order
    shares: tuple[float, ...]  # reach over the people in each workshop
    score: float  # the shares averaged over every workshop (the size-fair rule)
    workshops: int  # how many workshops raised it
    people: int  # reach added up over the workshops (the raw count, shown, not ranked by)
    from_notes: int = 0  # how many of those workshops were notes
    quotes: tuple[Quote, ...] = ()  # chat answers only, at most three, from different rooms
    notes: tuple[Quote, ...] = ()  # noted points from in-person workshops, kept apart


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportQuestion:
    number: int
    text: str
    answered_by: int  # added up over the chat workshops on this set
    top_themes: tuple[str, ...]  # theme labels, most people first


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportQuestionSet:
    id: str
    title: str
    workshops: tuple[str, ...]  # labels of the chat workshops on this set
    questions: tuple[ReportQuestion, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    title: str
    workshops: tuple[Workshop, ...]
    themes: tuple[ReportTheme, ...]  # ranked by the size-fair rule
    question_sets: tuple[ReportQuestionSet, ...]
    codebook_version: str = ""
    made_at: datetime | None = None
    time_zone: str = "Europe/London"
    extra: dict[str, str] = field(default_factory=dict)
    actions: tuple[ThemeAction, ...] = ()  # "you said, we did" for its sessions' themes

    @property
    def people(self) -> int:
        return sum(w.people for w in self.workshops)

    @property
    def in_most(self) -> tuple[ReportTheme, ...]:
        """Themes raised in more than half of the workshops."""
        return tuple(t for t in self.themes if 2 * t.workshops > len(self.workshops))

    @property
    def from_one(self) -> tuple[ReportTheme, ...]:
        """Themes raised in one workshop only (when there are several)."""
        if len(self.workshops) < 2:
            return ()
        return tuple(t for t in self.themes if t.workshops == 1)
