"""Small builders for the contract suite's records: sessions, participants, answers, jobs."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.records import (
    AlertKind,
    AlertRecord,
    AnswerRecord,
    AnswerStatus,
    JobKind,
    JobRecord,
    Participant,
    Repeat,
    ScheduleRecord,
    SessionRecord,
    SessionStatus,
)
from bot.core.store import Store

T0 = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
ALIASES = [f"{a} {b}" for a in ("Calm", "Brave", "Kind", "Wise") for b in ("Otter", "Fox", "Owl")]
_ids = itertools.count(1)


def session(session_id: str = "s1", channel: str = "c1", **extra: Any) -> SessionRecord:
    base = SessionRecord(
        id=session_id,
        platform="local",
        channel_id=channel,
        question_set_id="check-in",
        status=SessionStatus.OPEN,
        current_question=1,
        started_at=T0,
        closed_at=None,
    )
    return replace(base, **extra)


def aliases(n: int) -> list[str]:
    """``n`` distinct aliases, always in the same order."""
    return [f"Alias {i:03d}" for i in range(n)]


async def participant(
    store: Store, session_id: str = "s1", person: str = "p1", identity: bytes = b"\x00sealed\xff"
) -> Participant:
    return await store.consent_participant(session_id, person, ALIASES, identity)


async def answer(
    store: Store,
    who: Participant,
    text: str = "I want to be listened to",
    *,
    answer_id: str | None = None,
    question: int = 1,
    status: AnswerStatus = AnswerStatus.SHOWN,
    tags: tuple[tuple[str, str], ...] = (),
) -> AnswerRecord:
    return await store.record_answer(
        answer_id=answer_id or f"a{next(_ids)}",
        session_id=who.session_id,
        question_number=question,
        participant=who,
        text=text,
        auto_tags=tags,
        status=status,
    )


def job(job_id: str, minutes: float = 0, kind: JobKind = JobKind.REVEAL, **extra: Any) -> JobRecord:
    return replace(JobRecord(id=job_id, kind=kind, due_at=T0 + timedelta(minutes=minutes)), **extra)


def schedule(schedule_id: str = "plan1", **extra: Any) -> ScheduleRecord:
    base = ScheduleRecord(
        id=schedule_id,
        platform="discord",
        channel_id="c9",
        question_set_id="check-in",
        first_start=datetime(2026, 12, 1, 18, 0),  # naive: wall-clock time in time_zone
        time_zone="Europe/London",
        repeat=Repeat.WEEKLY,
        length_minutes=60,
        question_minutes=5,
    )
    return replace(base, **extra)


def alert(
    alert_id: str,
    *,
    session_id: str | None = "s1",
    answer_id: str | None = None,
    kind: AlertKind = AlertKind.DISCLOSURE,
    minutes: float = 0,
) -> AlertRecord:
    return AlertRecord(
        id=alert_id,
        kind=kind,
        session_id=session_id,
        answer_id=answer_id,
        categories=("self-harm", "abuse"),
        created_at=T0 + timedelta(minutes=minutes),
        acknowledged_at=None,
        escalated=False,
    )
