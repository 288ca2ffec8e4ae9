"""Rows to records: turns ``sqlite3.Row`` into ``bot.core.records`` dataclasses, and times to
and from ISO text, so no row ever leaves ``db/``. Also the one answer SELECT the answer
queries share."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.core.records import (
    AlertDelivery,
    AlertKind,
    AlertRecord,
    AnswerRecord,
    AnswerStatus,
    DeliveryAudience,
    JobKind,
    JobRecord,
    JobState,
    Repeat,
    ScheduleRecord,
    SessionRecord,
    SessionStatus,
)

ANSWER_SELECT = (
    "SELECT a.id, a.session_id, a.question_number, a.participant_id, p.alias, a.text,"
    " a.status, a.quote_ok FROM answers a JOIN participants p ON p.id = a.participant_id"
)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def session_record(row: sqlite3.Row) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        platform=row["platform"],
        channel_id=row["channel_id"],
        question_set_id=row["question_set_id"],
        status=SessionStatus(row["status"]),
        current_question=row["current_question"],
        started_at=datetime.fromisoformat(row["started_at"]),
        closed_at=from_iso(row["closed_at"]),
        ends_at=from_iso(row["ends_at"]),
        question_seconds=row["question_seconds"],
        paused_seconds_left=row["paused_seconds_left"],
        schedule_id=row["schedule_id"],
        occurrence=row["occurrence"],
        purged=bool(row["purged"]),
        label=row["label"],
        digest_delivered=bool(row["digest_delivered"]),
    )


def schedule_record(row: sqlite3.Row) -> ScheduleRecord:
    return ScheduleRecord(
        id=row["id"],
        platform=row["platform"],
        channel_id=row["channel_id"],
        question_set_id=row["question_set_id"],
        first_start=datetime.fromisoformat(row["first_start"]),
        time_zone=row["time_zone"],
        repeat=Repeat(row["repeat"]),
        length_minutes=row["length_minutes"],
        question_minutes=row["question_minutes"],
        cancelled=bool(row["cancelled"]),
        label=row["label"],
    )


def job_record(row: sqlite3.Row) -> JobRecord:
    return JobRecord(
        id=row["id"],
        kind=JobKind(row["kind"]),
        due_at=datetime.fromisoformat(row["due_at"]),
        state=JobState(row["state"]),
        schedule_id=row["schedule_id"],
        occurrence=row["occurrence"],
        session_id=row["session_id"],
        question_number=row["question_number"],
        subject=row["subject"],
        attempts=int(row["attempts"]),
    )


def answer_record(row: sqlite3.Row) -> AnswerRecord:
    return AnswerRecord(
        id=row["id"],
        session_id=row["session_id"],
        question_number=row["question_number"],
        participant_id=row["participant_id"],
        alias=row["alias"],
        text=row["text"],
        status=AnswerStatus(row["status"]),
        quote_ok=bool(row["quote_ok"]),
    )


def alert_record(row: sqlite3.Row) -> AlertRecord:
    return AlertRecord(
        id=row["id"],
        kind=AlertKind(row["kind"]),
        session_id=row["session_id"],
        answer_id=row["answer_id"],
        categories=tuple(c for c in str(row["categories"]).split(",") if c),
        created_at=datetime.fromisoformat(row["created_at"]),
        acknowledged_at=from_iso(row["acknowledged_at"]),
        escalated=bool(row["escalated"]),
        sealed=bytes(row["sealed"]) if row["sealed"] is not None else None,
    )


def alert_delivery(row: sqlite3.Row) -> AlertDelivery:
    return AlertDelivery(
        alert_id=row["alert_id"],
        audience=DeliveryAudience(row["audience"]),
        due_at=datetime.fromisoformat(row["due_at"]),
        attempts=int(row["attempts"]),
        delivered_at=from_iso(row["delivered_at"]),
    )
