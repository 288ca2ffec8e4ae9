"""Time arithmetic for scheduled sessions: wall-clock times in the organisation's time zone.

A weekly session "Tuesdays at 18:00" stays at 18:00 local time across daylight-saving
changes: occurrences are computed in local wall-clock time and only then converted to UTC.
Local times that don't exist (the spring-forward gap) are refused; ambiguous ones (the
autumn hour that happens twice) take the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import InvalidRequest
from bot.core.records import JobKind, JobRecord, Repeat, ScheduleRecord

MIN_LENGTH_MINUTES = 10
MAX_LENGTH_MINUTES = 6 * 60
MIN_QUESTION_MINUTES = 1
MAX_QUESTION_MINUTES = 60
NUDGE_BEFORE = timedelta(minutes=1)
_STEP = {Repeat.WEEKLY: timedelta(days=7), Repeat.FORTNIGHTLY: timedelta(days=14)}
TIME_FORMAT_HINT = "YYYY-MM-DD HH:MM, for example 2026-12-01 18:00"


@dataclass(frozen=True, slots=True, kw_only=True)
class Occurrence:
    number: int  # 0 for the first
    starts_at: datetime  # aware UTC
    ends_at: datetime  # aware UTC


def parse_local_time(text: str, zone: ZoneInfo) -> datetime:
    """``YYYY-MM-DD HH:MM`` in ``zone`` → a naive wall-clock datetime (validated)."""
    cleaned = text.strip().replace("T", " ")
    try:
        local = datetime.strptime(cleaned, "%Y-%m-%d %H:%M")
    except ValueError:
        raise InvalidRequest(
            f"I couldn't read the time '{text}'. Please use {TIME_FORMAT_HINT}."
        ) from None
    to_utc(local, zone)  # refuses times that don't exist in this zone
    return local


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall-clock time in ``zone`` as aware UTC; refuses non-existent local times."""
    aware = local.replace(tzinfo=zone, fold=0)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != local:
        raise InvalidRequest(
            f"{local:%H:%M} on {local:%d %B %Y} doesn't exist in {zone.key} "
            "(the clocks go forward then). Please pick another time."
        )
    return aware.astimezone(UTC)


def parse_repeat(text: str) -> Repeat:
    try:
        return Repeat((text or "none").strip().lower())
    except ValueError:
        raise InvalidRequest(
            f"'{text}' isn't a repeat I know. Use none, weekly or fortnightly."
        ) from None


def check_length(minutes: int) -> int:
    if not MIN_LENGTH_MINUTES <= minutes <= MAX_LENGTH_MINUTES:
        raise InvalidRequest(
            f"A session can last from {MIN_LENGTH_MINUTES} minutes to "
            f"{MAX_LENGTH_MINUTES // 60} hours; {minutes} minutes won't work."
        )
    return minutes


def check_question_minutes(minutes: int | None) -> int | None:
    if minutes is None:
        return None
    if not MIN_QUESTION_MINUTES <= minutes <= MAX_QUESTION_MINUTES:
        raise InvalidRequest(
            f"A question's time limit can be {MIN_QUESTION_MINUTES} to "
            f"{MAX_QUESTION_MINUTES} minutes; {minutes} minutes won't work."
        )
    return minutes


def parse_minutes(text: str | None, what: str) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidRequest(f"The {what} should be a whole number of minutes.") from None


MAX_LABEL_CHARS = 60


def parse_label(text: str | None) -> str | None:
    """A session's optional label ("Policy group, 3 Dec"): one short line, for staff lists
    and the digest. Mentions are refused, so a label never pings or names anyone."""
    label = " ".join((text or "").split())
    if not label:
        return None
    if len(label) > MAX_LABEL_CHARS:
        raise InvalidRequest(
            f"The label is {len(label)} characters; please keep it to {MAX_LABEL_CHARS}, "
            "for example: Policy group, 3 Dec."
        )
    if "@" in label or "<" in label:
        raise InvalidRequest(
            "A label can't mention anyone. Name the group and the date, for example: "
            "Policy group, 3 Dec."
        )
    return label


def occurrence(schedule: ScheduleRecord, number: int) -> Occurrence:
    zone = ZoneInfo(schedule.time_zone)
    local = schedule.first_start + _STEP.get(schedule.repeat, timedelta(0)) * number
    starts = to_utc_lenient(local, zone)
    return Occurrence(
        number=number, starts_at=starts, ends_at=starts + timedelta(minutes=schedule.length_minutes)
    )


def to_utc_lenient(local: datetime, zone: ZoneInfo) -> datetime:
    """Like ``to_utc`` but a repeat landing in a spring-forward gap moves an hour later."""
    try:
        return to_utc(local, zone)
    except InvalidRequest:
        return to_utc(local + timedelta(hours=1), zone)


def occurrence_jobs(
    schedule: ScheduleRecord, number: int, reminders: Sequence[timedelta]
) -> list[JobRecord]:
    """Reminders, start and close for one occurrence, with stable ids."""
    occ = occurrence(schedule, number)
    prefix = f"{schedule.id}:{number}"
    jobs = [
        JobRecord(
            id=f"{prefix}:remind:{int(before.total_seconds())}",
            kind=JobKind.REMIND,
            due_at=occ.starts_at - before,
            schedule_id=schedule.id,
            occurrence=number,
        )
        for before in reminders
    ]
    jobs.append(
        JobRecord(
            id=f"{prefix}:start",
            kind=JobKind.START,
            due_at=occ.starts_at,
            schedule_id=schedule.id,
            occurrence=number,
        )
    )
    jobs.append(
        JobRecord(
            id=f"{prefix}:close",
            kind=JobKind.CLOSE,
            due_at=occ.ends_at,
            schedule_id=schedule.id,
            occurrence=number,
        )
    )
    return jobs


def question_jobs(
    session_id: str, question_number: int, posted_at: datetime, seconds: int
) -> list[JobRecord]:
    """The "one minute left" nudge (for limits over a minute) and the move-on."""
    due = posted_at + timedelta(seconds=seconds)
    prefix = f"{session_id}:q{question_number}"
    jobs = []
    if seconds > NUDGE_BEFORE.total_seconds():
        jobs.append(
            JobRecord(
                id=f"{prefix}:nudge",
                kind=JobKind.NUDGE,
                due_at=due - NUDGE_BEFORE,
                session_id=session_id,
                question_number=question_number,
            )
        )
    jobs.append(
        JobRecord(
            id=f"{prefix}:advance",
            kind=JobKind.ADVANCE,
            due_at=due,
            session_id=session_id,
            question_number=question_number,
        )
    )
    return jobs
