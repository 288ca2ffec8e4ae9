"""What a report says about going back to the young people: who will hear each workshop's
views (its question set's audience) and the end-of-session check added up over the chat
workshops that had one (counts only, in the same words as the digest)."""

from __future__ import annotations

from bot.digest.build import end_check_result
from bot.digest.feedback_words import end_check_data, end_check_lines
from bot.digest.model import EndCheckResult
from bot.report.model import Report, Source

AUDIENCE_HEADING = "Who will hear it"
END_CHECK_HEADING = "End-of-session check, all workshops"


def audience_lines(report: Report) -> list[str]:
    chat = [w for w in report.workshops if w.source is Source.CHAT]
    if not chat:
        return ["No chat workshops, so no question set said who will hear it."]
    return [f"{w.label}: {w.audience or 'not said in its question set'}" for w in chat]


def end_check_total(report: Report) -> tuple[EndCheckResult | None, int]:
    """The counts added up, and how many workshops had the check (``None``: none had)."""
    had = [w for w in report.workshops if w.end_check]
    if not had:
        return None, 0
    counts: dict[tuple[int, int], int] = {}
    for w in had:
        for q, row in enumerate(w.end_check, start=1):
            for c, n in enumerate(row):
                counts[(q, c)] = counts.get((q, c), 0) + n
    return end_check_result(counts), len(had)


def end_check_still_open(report: Report) -> int:
    """Workshops whose check is still taking taps (their counts join once it closes)."""
    return sum(w.end_check_open for w in report.workshops)


def has_end_check(report: Report) -> bool:
    """Some workshop in the report had the check, closed or still open."""
    return any(w.end_check or w.end_check_open for w in report.workshops)


def end_check_report_lines(report: Report) -> list[str]:
    total, had = end_check_total(report)
    still_open = end_check_still_open(report)
    open_line = (
        [
            f"Still open in {still_open} workshop{'s' if still_open != 1 else ''}: "
            "make the report again later to count them."
        ]
        if still_open
        else []
    )
    if total is None:
        if still_open:
            return open_line
        return ["No workshop in this report had the end-of-session check."]
    n = len(report.workshops)
    return [f"From {had} of {n} workshops (counts only).", *open_line, *end_check_lines(total)]


def feedback_data(report: Report) -> dict[str, object]:
    total, had = end_check_total(report)
    still_open = end_check_still_open(report)
    counts = (end_check_data(total) or {}) if total is not None else {}
    return {
        "audiences": {w.label: w.audience for w in report.workshops if w.source is Source.CHAT},
        "end_check": (
            {"workshops": had, "still_open_in": still_open, **counts}
            if total is not None or still_open
            else None
        ),
    }
