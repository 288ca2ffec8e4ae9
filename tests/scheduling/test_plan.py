"""Wall-clock arithmetic: daylight saving, bad times, reminder settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import parse_reminders
from bot.core.errors import InvalidRequest
from bot.core.records import Repeat, ScheduleRecord
from bot.scheduling.plan import occurrence, parse_local_time

LONDON = ZoneInfo("Europe/London")


def _weekly(first: datetime, repeat: Repeat = Repeat.WEEKLY) -> ScheduleRecord:
    return ScheduleRecord(
        id="sch-1",
        platform="local",
        channel_id="c",
        question_set_id="check-in",
        first_start=first,
        time_zone="Europe/London",
        repeat=repeat,
        length_minutes=60,
        question_minutes=None,
    )


def test_weekly_session_stays_at_six_pm_across_the_end_of_british_summer_time() -> None:
    # The clocks go back on Sunday 25 October 2026 (the last Sunday of October).
    schedule = _weekly(datetime(2026, 10, 20, 18, 0))
    before, after = occurrence(schedule, 0), occurrence(schedule, 1)
    assert before.starts_at == datetime(2026, 10, 20, 17, 0, tzinfo=UTC)  # BST, UTC+1
    assert after.starts_at == datetime(2026, 10, 27, 18, 0, tzinfo=UTC)  # GMT
    for occ in (before, after):
        assert occ.starts_at.astimezone(LONDON).hour == 18
    assert after.starts_at - before.starts_at == timedelta(days=7, hours=1)


def test_fortnightly_steps_two_weeks() -> None:
    schedule = _weekly(datetime(2026, 12, 1, 18, 0), Repeat.FORTNIGHTLY)
    assert occurrence(schedule, 2).starts_at == datetime(2026, 12, 29, 18, 0, tzinfo=UTC)


def test_a_time_in_the_spring_forward_gap_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="doesn't exist"):
        parse_local_time("2027-03-28 01:30", LONDON)


def test_an_ambiguous_autumn_time_takes_the_first() -> None:
    local = parse_local_time("2026-10-25 01:30", LONDON)
    schedule = _weekly(local, Repeat.NONE)
    assert occurrence(schedule, 0).starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01 18:00", "18:00", ""])
def test_unreadable_times_say_what_format_to_use(text: str) -> None:
    with pytest.raises(InvalidRequest, match="2026-12-01 18:00"):
        parse_local_time(text, LONDON)


def test_reminder_settings() -> None:
    assert parse_reminders("24h,15m") == (timedelta(hours=24), timedelta(minutes=15))
    assert parse_reminders("") == ()
    with pytest.raises(ValueError, match="'0m'"):
        parse_reminders("0m")
    with pytest.raises(ValueError, match="'soon'"):
        parse_reminders("soon")
