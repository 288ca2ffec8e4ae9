"""Drafts a summary for the young people from a session's digest or a report, for staff to
read and edit before it is shared. It says what the group told us, the biggest themes, what
happens next and who will read it, in short sentences (aimed at a reading age of 11 or
under), naming each theme as young people see it (the codebook's ``young_label``, when
given). It holds themes and counts only: no answer, no alias, nothing a young person wrote.

Lines starting with ``#`` are notes for staff and are never shared (``shared_text``). A
``[[…]]`` is for staff to fill in: it can't be saved until it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from bot.digest.model import Digest
from bot.report.model import Report

TOP_THEMES = 3
NO_AUDIENCE = "[[Write who will read what the group said, e.g. the Review team.]]"
WHAT_NEXT = (
    "We will read every answer. Then we will write our reply and take what you said to the "
    "people who make the choices.",
    "We will come back and tell you what changed, and why.",
)


def shared_text(text: str) -> str:
    """What is shared: the file without its ``#`` notes, trimmed."""
    kept = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return "\n".join(kept).strip()


def draft_from_digest(digest: Digest, young_labels: Mapping[str, str] | None = None) -> str:
    zone = ZoneInfo(digest.time_zone)
    day = f"{digest.started_at.astimezone(zone):%-d %B}"
    named = f"{digest.session_id} ({digest.label})" if digest.label else digest.session_id
    themes = [
        (
            (young_labels or {}).get(t.theme_id, t.label),
            f"{_of_you(t.raised_by + t.agreed_by)} said this or agreed",
        )
        for t in digest.themes[:TOP_THEMES]
    ]
    told = (
        f'Thank you for coming to "{digest.question_set_title}" on {day}. '
        f"{_of_you(digest.participant_count).capitalize()} took part, and you gave "
        f"{_count(digest.answer_count, 'answer')}."
    )
    return _layout(f"session {named}", named_session=digest.session_id, told=told,
                   themes=themes, audience=digest.audience)  # fmt: skip


def draft_from_report(
    report: Report,
    audiences: Sequence[str] = (),
    young_labels: Mapping[str, str] | None = None,
) -> str:
    groups = len(report.workshops)
    themes = [
        (
            (young_labels or {}).get(t.theme_id, t.label),
            f"it came up in {t.workshops} of {groups} groups",
        )
        for t in report.themes[:TOP_THEMES]
    ]
    told = (
        f"Thank you. {report.people} of you took part, in {_count(groups, 'group')}. "
        "This is what you told us."
    )
    audience = "; ".join(dict.fromkeys(a for a in audiences if a)) or None
    return _layout("a report", named_session=None, told=told, themes=themes, audience=audience)


def _layout(
    what: str,
    *,
    named_session: str | None,
    told: str,
    themes: Sequence[tuple[str, str]],
    audience: str | None,
) -> str:
    save = f"--session {named_session}" if named_session else "--session SESSION"
    lines = [
        f"# A summary for the young people, drafted from {what}.",
        "# Read it and change anything: keep it short and warm, with no one's own words.",
        "# Lines starting with # are notes for you and are never shared.",
        "# Check it: consultbot summary check FILE",
        f"# Save it:  consultbot summary save FILE {save}",
        "# Share it: /share-summary in the group's channel",
        "**What you told us**",
        told,
        "",
        "**The biggest themes**",
    ]
    if themes:
        lines += [f"• {label}: {how}." for label, how in themes]
    else:
        lines.append("You told us lots of different things.")
    lines += ["", "**What happens next**", *WHAT_NEXT, "", "**Who will read it**"]
    lines.append(f"{audience[0].upper()}{audience[1:].rstrip('.')}." if audience else NO_AUDIENCE)
    return "\n".join(lines) + "\n"


def _of_you(n: int) -> str:
    return "one of you" if n == 1 else f"{n} of you"


def _count(n: int, one: str) -> str:
    return f"{n} {one}{'' if n == 1 else 's'}"
