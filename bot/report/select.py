"""Which sessions a report covers: by id, by label, or by question set and date range.

Unknown ids or labels are refused in one line that lists what exists; a question set and
dates that match no session are refused with a clear message, never an empty report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.errors import InvalidRequest, NotFound
from bot.core.records import SessionRecord, SessionSummary

MAX_LISTED = 25


@dataclass(frozen=True, slots=True, kw_only=True)
class Selection:
    """What staff asked for. ``names`` are session ids or labels (any case)."""

    names: tuple[str, ...] = ()
    question_set: str | None = None
    since: date | None = None
    until: date | None = None


def parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequest(f"{what} '{text}' is not a date: use YYYY-MM-DD.") from None


def split_names(text: str) -> tuple[str, ...]:
    """``"Leeds, 3 Dec; Hull"`` → ``("Leeds", "3 Dec", "Hull")``: commas or semicolons."""
    return tuple(p.strip() for p in text.replace(";", ",").split(",") if p.strip())


def select_sessions(
    summaries: Sequence[SessionSummary], wanted: Selection, zone: ZoneInfo
) -> list[SessionRecord]:
    sessions = [s.session for s in summaries]
    if wanted.names and (wanted.question_set or wanted.since or wanted.until):
        raise InvalidRequest("Choose sessions by name, or by question set and dates, not both.")
    if wanted.names:
        return _by_name(sessions, wanted.names)
    if not wanted.question_set:
        raise InvalidRequest(
            "Say which sessions: their labels or ids, or a question set with --since/--until."
        )
    on_set = [s for s in sessions if s.question_set_id == wanted.question_set]
    if not on_set:
        known = sorted({s.question_set_id for s in sessions})
        raise NotFound(
            f"No sessions used question set '{wanted.question_set}'. "
            f"Question sets with sessions: {', '.join(known) or 'none yet'}."
        )
    if wanted.since and wanted.until and wanted.since > wanted.until:
        raise InvalidRequest(f"--since {wanted.since} is after --until {wanted.until}.")
    picked = [s for s in on_set if _within(s.started_at, wanted, zone)]
    if not picked:
        first = min(s.started_at for s in on_set).astimezone(zone).date()
        last = max(s.started_at for s in on_set).astimezone(zone).date()
        raise InvalidRequest(
            f"No sessions on '{wanted.question_set}' between {wanted.since or 'the start'} and "
            f"{wanted.until or 'today'}; its sessions ran from {first} to {last}. "
            "No report was made."
        )
    return sorted(picked, key=lambda s: (s.started_at, s.id))


def _within(started: datetime, wanted: Selection, zone: ZoneInfo) -> bool:
    day = started.astimezone(zone).date()
    return (wanted.since is None or day >= wanted.since) and (
        wanted.until is None or day <= wanted.until
    )


def _by_name(sessions: Sequence[SessionRecord], names: Sequence[str]) -> list[SessionRecord]:
    by_id = {s.id: s for s in sessions}
    by_label: dict[str, list[SessionRecord]] = {}
    for s in sessions:
        if s.label:
            by_label.setdefault(_key(s.label), []).append(s)
    picked: dict[str, SessionRecord] = {}
    unknown = []
    pieces = list(names)
    i = 0
    while i < len(pieces):
        # A label may hold a comma ("Leeds, 3 Dec"): the longest run of pieces that names one.
        for j in range(len(pieces), i, -1):
            name = ", ".join(p.strip() for p in pieces[i:j])
            found = [by_id[name]] if name in by_id else by_label.get(_key(name), [])
            if found:
                break
        else:
            unknown.append(pieces[i])
            j = i + 1
        for s in found:
            picked.setdefault(s.id, s)
        i = j
    if unknown:
        listed = [f"{s.id} ({s.label})" if s.label else s.id for s in sessions[:MAX_LISTED]]
        more = f" and {len(sessions) - MAX_LISTED} more" if len(sessions) > MAX_LISTED else ""
        raise NotFound(
            f"No session called {', '.join(repr(u) for u in unknown)}. "
            f"Sessions: {', '.join(listed) or 'none yet'}{more}."
        )
    return list(picked.values())


def _key(label: str) -> str:
    return ", ".join(p.strip() for p in label.lower().split(","))
