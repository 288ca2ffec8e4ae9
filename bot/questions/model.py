"""Question sets as the core sees them: immutable, validated at load time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class PaletteEntry:
    """One anonymous reaction a young person can give an answer."""

    emoji: str
    label: str


DEFAULT_PALETTE: tuple[PaletteEntry, ...] = (
    PaletteEntry(emoji="👍", label="me too"),
    PaletteEntry(emoji="💡", label="good point"),
    PaletteEntry(emoji="❤️", label="sending support"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Question:
    number: int  # 1-based position in its set
    text: str
    help_text: str | None
    palette: tuple[PaletteEntry, ...]
    sensitive: bool = False  # introduced with a content note and where to get support


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionSet:
    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]

    def question(self, number: int) -> Question:
        return self.questions[number - 1]
