"""The digest's shared phrases, so every format says the same thing the same way: plurals,
shares of the room, agreement, and times in the organisation's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.digest.model import Consensus, Digest, DigestAnswer, DigestQuestion, ThemeSummary

NOT_QUOTABLE = "Not quotable: counted in the themes and agreement, never quoted."


def count(n: int, one: str, many: str | None = None) -> str:
    """``1 answer``, ``2 answers``; ``many`` for irregular plurals (person, people)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def people(n: int) -> str:
    return count(n, "person", "people")


def share(part: int, whole: int) -> str:
    """A whole percentage, ``27%``; ``0%`` of nobody."""
    return f"{round(100 * part / whole) if whole else 0}%"


def agreed(answer: DigestAnswer, present: int) -> str:
    """``agreed by 7 of 26 (27%) · broad agreement``, with "different for me" when any."""
    if answer.agreement:
        words = f"agreed by {answer.agreement} of {present} ({share(answer.agreement, present)})"
    else:
        words = "no one pressed agree"
    if answer.differ:
        words += f", {answer.differ} different for them"
    if answer.consensus is not Consensus.NONE:
        words += f" · {answer.consensus.value}"
    return words


def theme_line(theme: ThemeSummary, present: int) -> str:
    """``Raised by 9 people in 14 answers; with the 8 more who agreed, 17 of 26 (65%). Each
    answer agreed by 4.2 of 26 on average (16%): 3 in broad agreement, 1 divided.``"""
    line = f"Raised by {people(theme.raised_by)} in {count(theme.answer_count, 'answer')}"
    if theme.agreed_by:
        line += f"; with the {theme.agreed_by} more who agreed, {theme.reach} of {present}"
    else:
        line += f": {theme.reach} of {present}"
    line += f" ({share(theme.reach, present)})."
    mean = theme.mean_agreement
    if mean:
        line += (
            f" Each answer agreed by {mean:.1f} of {present} on average"
            f" ({share(round(mean * 10), present * 10)})"
        )
    else:
        line += " No one pressed agree on its answers"
    notes = []
    if theme.broad:
        notes.append(f"{theme.broad} in broad agreement")
    if theme.divided:
        notes.append(f"{theme.divided} divided")
    line += (": " + ", ".join(notes) + ".") if notes else "."
    if theme.not_quotable:
        line += f" {theme.not_quotable} not quotable."
    return line


THEME_COLUMNS = ("Theme", "Raised by", "Answers", "Agreed per answer", "Raised or agreed")
THEME_TABLE_NOTE = (
    "Raised by: people with an answer in the theme. Agreed per answer: on average, out of"
    " everyone present. Raised or agreed: people who raised it or agreed with one of its"
    " answers."
)


def theme_row(theme: ThemeSummary, present: int) -> tuple[str, ...]:
    """The theme's cells under ``THEME_COLUMNS`` (numbers right-aligned after the label)."""
    return (
        theme.label,
        str(theme.raised_by),
        str(theme.answer_count),
        f"{theme.mean_agreement:.1f} ({share(round(theme.mean_agreement * 10), present * 10)})",
        f"{theme.reach} ({share(theme.reach, present)})",
    )


def question_line(question: DigestQuestion, present: int) -> str:
    """``Answered by 18 of 26; 8 skipped. Most raised: Being heard (7 people), …``"""
    line = f"Answered by {question.answered_by} of {present}; {question.skipped} skipped."
    if question.top_themes:
        raised = ", ".join(f"{t.label} ({people(t.people)})" for t in question.top_themes)
        line += f" Most raised: {raised}."
    if question.untagged:
        line += f" {count(question.untagged, 'answer')} with no theme yet."
    return line


def attendance(digest: Digest) -> str:
    """``26 people took part: 20 answered and 6 only reacted.``"""
    facts = digest.facts
    return (
        f"{people(digest.participant_count)} took part: {facts.answered} answered and "
        f"{facts.only_reacted} only reacted."
    )


def held_back(digest: Digest) -> list[str]:
    """What is counted but not shown, one sentence each (none when there is nothing)."""
    facts = digest.facts
    lines = [f"{count(digest.answer_count, 'answer')} in this digest."]
    if facts.with_lead:
        verb = "is" if facts.with_lead == 1 else "are"
        lines.append(
            f"{count(facts.with_lead, 'answer')} {verb} with the safeguarding lead "
            "(a count only: not shown here)."
        )
    if facts.not_quotable:
        lines.append(
            f"{count(facts.not_quotable, 'answer')} can't be quoted: counted in the themes "
            "and agreement, never quoted."
        )
    if facts.untagged:
        verb = "has" if facts.untagged == 1 else "have"
        lines.append(f"{count(facts.untagged, 'answer')} {verb} no theme yet: read them below.")
    return lines


def when(moment: datetime, zone: str) -> str:
    """``4 March 2025, 18:05 GMT`` in the organisation's time zone."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local.day} {local:%B %Y, %H:%M} {local.tzname() or ''}".rstrip()


def span(digest: Digest) -> str:
    """When the session ran: ``4 March 2025, 18:05 to 19:35 GMT``."""
    zone = ZoneInfo(digest.time_zone)
    start = digest.started_at.astimezone(zone)
    if digest.closed_at is None:
        return f"{when(digest.started_at, digest.time_zone)}, not closed"
    end = digest.closed_at.astimezone(zone)
    if end.date() == start.date() and end.tzname() == start.tzname():
        return f"{start.day} {start:%B %Y, %H:%M} to {end:%H:%M} {end.tzname() or ''}".rstrip()
    return (
        f"{when(digest.started_at, digest.time_zone)} to {when(digest.closed_at, digest.time_zone)}"
    )


def heading(digest: Digest) -> str:
    """``Our response to the Case for Change: Policy group, 3 Dec``."""
    if digest.label:
        return f"{digest.question_set_title}: {digest.label}"
    return digest.question_set_title


def highlighted(digest: Digest) -> tuple[DigestQuestion, ...]:
    return tuple(q for q in digest.questions if q.highlight)
