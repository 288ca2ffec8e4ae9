"""Question sets as the core sees them: immutable, validated at load time."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ReactionKind(enum.StrEnum):
    """What pressing a reaction means, so the digest counts agreement by meaning, not by
    adding up every button."""

    AGREE = "agree"  # "me too", "good point", "same frustration": counted as agreement
    UNSURE = "unsure"  # "not sure": heard, neither agreeing nor not
    SUPPORT = "support"  # "sending support": kindness to the writer, not agreement
    DISAGREE = "disagree"  # "different for me": their experience is not this one


@dataclass(frozen=True, slots=True, kw_only=True)
class PaletteEntry:
    """One anonymous reaction a young person can give an answer."""

    emoji: str
    label: str
    kind: ReactionKind = ReactionKind.AGREE


# The kind of each reaction the shipped question sets use, for a palette entry that leaves
# out `kind` (a file from before kinds existed). Any other emoji must say its kind.
KNOWN_KINDS: dict[str, ReactionKind] = {
    "👍": ReactionKind.AGREE,
    "💡": ReactionKind.AGREE,
    "😤": ReactionKind.AGREE,
    "🤔": ReactionKind.UNSURE,
    "❤️": ReactionKind.SUPPORT,
    "❤": ReactionKind.SUPPORT,
    "🔀": ReactionKind.DISAGREE,
}

DIFFERENT_FOR_ME = PaletteEntry(emoji="🔀", label="different for me", kind=ReactionKind.DISAGREE)

DEFAULT_PALETTE: tuple[PaletteEntry, ...] = (
    PaletteEntry(emoji="👍", label="me too", kind=ReactionKind.AGREE),
    PaletteEntry(emoji="💡", label="good point", kind=ReactionKind.AGREE),
    PaletteEntry(emoji="❤️", label="sending support", kind=ReactionKind.SUPPORT),
    DIFFERENT_FOR_ME,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Question:
    number: int  # 1-based position in its set
    text: str
    help_text: str | None
    palette: tuple[PaletteEntry, ...]
    sensitive: bool = False  # introduced with a content note and where to get support
    # The digest's one-page summary shows what this question surfaced (for "What is
    # missing?" and questions like it).
    highlight: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionSet:
    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    # Who will hear what the group says ("the Review team"); the intro tells the group, and
    # the digest and report record it. ``None``: the set doesn't say.
    audience: str | None = None
    # The four anonymous emoji-scale questions at the end (``bot.sessions.end_check``).
    end_check: bool = True

    def question(self, number: int) -> Question:
        return self.questions[number - 1]
