"""How every format of the report writes its figures and names its workshops, so that each
says the same things in the same words."""

from __future__ import annotations

from bot.report.feedback import (
    AUDIENCE_HEADING,
    END_CHECK_HEADING,
    audience_lines,
    end_check_report_lines,
)
from bot.report.model import Report, ReportTheme, Source

NOTES_MARK = "notes from an in-person workshop"


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def cell(theme: ReportTheme, index: int, report: Report) -> str:
    """One workshop's figure for a theme: ``3/10 (30%)``, or ``-`` where it was not raised."""
    reach = theme.reach[index]
    if not reach:
        return "-"
    return f"{reach}/{report.workshops[index].people} ({percent(theme.shares[index])})"


def workshop_heading(report: Report, index: int) -> str:
    w = report.workshops[index]
    return f"{w.label} (notes)" if w.source is Source.NOTES else w.label


def sources_line(report: Report) -> str:
    """``3 chat sessions, 1 in-person workshop from notes``."""
    chat = sum(w.source is Source.CHAT for w in report.workshops)
    notes = len(report.workshops) - chat
    text = f"{chat} chat session{'s' if chat != 1 else ''}"
    if notes:
        text += f", {notes} in-person workshop{'s' if notes != 1 else ''} from notes"
    return text


def only_workshop(report: Report, theme: ReportTheme) -> str:
    """The one workshop a theme was raised in."""
    index = next(i for i, r in enumerate(theme.reach) if r)
    return workshop_heading(report, index)


def one_line(text: str) -> str:
    """Text on one line (a quote in Markdown must not break out of its block)."""
    return " ".join(text.split())


def feedback_sections(report: Report) -> list[tuple[str, list[str]]]:
    """Who will hear it, and the end-of-session check's counts: (heading, lines) each."""
    return [
        (AUDIENCE_HEADING, audience_lines(report)),
        (END_CHECK_HEADING, end_check_report_lines(report)),
    ]
