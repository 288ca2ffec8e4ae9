"""The one-page summary every format opens with: the themes most people raised, with how the
room agreed and their two most agreed quotes each (never the same quote twice), what the
highlighted questions ("What is missing?") surfaced, and the answers with no theme yet that
someone should read."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.digest.model import Digest, DigestAnswer, DigestQuestion, ThemeSummary

SUMMARY_THEMES = 5
SUMMARY_QUOTES = 2  # per theme: the summary fits little more than a printed page
HIGHLIGHT_QUOTES = 3
UNTAGGED_SHOWN = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class Highlight:
    question: DigestQuestion
    quotes: tuple[DigestAnswer, ...]  # most agreed quotable answers not quoted above


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    themes: tuple[ThemeSummary, ...]
    more_themes: int  # themes not in the summary (all are in the overview)
    highlights: tuple[Highlight, ...]
    to_read: tuple[DigestAnswer, ...]  # quotable answers with no theme yet, most agreed first
    untagged: int  # every answer with no theme yet, quotable or not


def summarise(digest: Digest) -> Summary:
    themes = tuple(
        replace(theme, quotes=theme.quotes[:SUMMARY_QUOTES])
        for theme in digest.themes[:SUMMARY_THEMES]
    )
    quoted = {q.answer_id for t in themes for q in t.quotes}
    highlights = []
    for question in digest.questions:
        if not question.highlight:
            continue
        fresh = [a for a in question.answers if a.quotable and a.answer_id not in quoted]
        quotes = tuple(fresh[:HIGHLIGHT_QUOTES])
        quoted.update(a.answer_id for a in quotes)
        highlights.append(Highlight(question=question, quotes=quotes))
    untagged = digest.untagged_answers
    readable = sorted(
        (a for a in untagged if a.quotable and a.answer_id not in quoted),
        key=lambda a: (-a.agreement, a.answer_id),
    )
    return Summary(
        themes=themes,
        more_themes=max(len(digest.themes) - SUMMARY_THEMES, 0),
        highlights=tuple(highlights),
        to_read=tuple(readable[:UNTAGGED_SHOWN]),
        untagged=len(untagged),
    )
