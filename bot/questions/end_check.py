"""The end-of-session check: four questions every consultation can end with, answered
anonymously on one emoji scale (Lundy's *safe space*, *voice*, *audience* and *influence*).
Fixed here rather than in each question set, so counts mean the same in every digest and can
be added up across workshops in a report. A set turns it off with ``end_check = false``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

END_CHECK_OPEN_FOR = timedelta(minutes=30)  # taps are taken this long after the session closes

END_CHECK_QUESTIONS: tuple[str, ...] = (
    "Did you feel safe?",
    "Did you get to say what you wanted?",
    "Do you know who will hear it?",
    "Do you think it will make a difference?",
)


@dataclass(frozen=True, slots=True)
class ScaleFace:
    emoji: str
    label: str


# Least to most; a choice is its place here (0-based).
END_CHECK_SCALE: tuple[ScaleFace, ...] = (
    ScaleFace("😞", "no"),
    ScaleFace("😐", "not sure"),
    ScaleFace("🙂", "a bit"),
    ScaleFace("😀", "yes"),
)
