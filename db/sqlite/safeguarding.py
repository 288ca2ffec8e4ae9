"""Safeguarding (``SafeguardingStore``): alerts for the lead, acknowledged and escalated at
most once each, their deliveries (the alert outbox: one row per audience until the platform
took it, each attempt claimed by one caller), and the encrypted identity behind an answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.core.records import AlertDelivery, AlertRecord, AnswerRecord, DeliveryAudience, JobRecord
from db.sqlite.connection import SqliteConnection
from db.sqlite.jobs import _insert_jobs
from db.sqlite.rows import ANSWER_SELECT, alert_delivery, alert_record, answer_record


async def insert_alert(
    db: aiosqlite.Connection, alert: AlertRecord, jobs: Sequence[JobRecord] = ()
) -> None:
    """The alert, its delivery to the lead (due at once) and its jobs (the escalation), in
    the caller's transaction."""
    await db.execute(
        "INSERT INTO alerts (id, kind, session_id, answer_id, categories, created_at,"
        " sealed) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            alert.id,
            alert.kind.value,
            alert.session_id,
            alert.answer_id,
            ",".join(alert.categories),
            alert.created_at.isoformat(),
            alert.sealed,
        ),
    )
    await db.execute(
        "INSERT INTO alert_deliveries (alert_id, audience, due_at) VALUES (?, ?, ?)",
        (alert.id, DeliveryAudience.LEAD.value, alert.created_at.isoformat()),
    )
    await _insert_jobs(db, jobs)


class SqliteSafeguarding(SqliteConnection):
    async def identity_of_answer(self, answer_id: str) -> bytes | None:
        rows = await self._rows(
            "SELECT i.ciphertext FROM identities i JOIN answers a"
            " ON a.participant_id = i.participant_id WHERE a.id = ?",
            (answer_id,),
        )
        return bytes(rows[0]["ciphertext"]) if rows else None

    async def create_alert(self, alert: AlertRecord, jobs: Sequence[JobRecord] = ()) -> None:
        async with self._write() as db:
            await insert_alert(db, alert, jobs)

    async def held_answers_without_alert(self) -> list[AnswerRecord]:
        rows = await self._rows(
            ANSWER_SELECT + " WHERE a.status = 'held' AND NOT EXISTS (SELECT 1 FROM alerts l"
            " WHERE l.answer_id = a.id AND l.kind = 'disclosure') ORDER BY a.seq"
        )
        return [answer_record(r) for r in rows]

    async def alert(self, alert_id: str) -> AlertRecord | None:
        rows = await self._rows("SELECT * FROM alerts WHERE id = ?", (alert_id,))
        return alert_record(rows[0]) if rows else None

    async def alerts_for_answer(self, answer_id: str) -> list[AlertRecord]:
        rows = await self._rows(
            "SELECT * FROM alerts WHERE answer_id = ? ORDER BY created_at", (answer_id,)
        )
        return [alert_record(r) for r in rows]

    async def acknowledge_alert(self, alert_id: str, at: datetime) -> bool:
        """``True`` for the first acknowledgement only."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE alerts SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL",
                (at.isoformat(), alert_id),
            )
            return cursor.rowcount == 1

    async def mark_alert_escalated(
        self, alert_id: str, *, deliver_at: datetime | None = None
    ) -> bool:
        """``True`` if the alert was still unacknowledged and not yet escalated; with
        ``deliver_at``, its delivery to the deputy is queued in the same transaction."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE alerts SET escalated = 1 WHERE id = ? AND escalated = 0"
                " AND acknowledged_at IS NULL",
                (alert_id,),
            )
            escalated = cursor.rowcount == 1
            if escalated and deliver_at is not None:
                await db.execute(
                    "INSERT OR IGNORE INTO alert_deliveries (alert_id, audience, due_at)"
                    " VALUES (?, ?, ?)",
                    (alert_id, DeliveryAudience.DEPUTY.value, deliver_at.isoformat()),
                )
            return escalated

    async def alert_deliveries(self, alert_id: str) -> list[AlertDelivery]:
        rows = await self._rows(
            "SELECT * FROM alert_deliveries WHERE alert_id = ? ORDER BY audience DESC", (alert_id,)
        )
        return [alert_delivery(r) for r in rows]

    async def undelivered_alerts(self) -> list[AlertDelivery]:
        rows = await self._rows("SELECT * FROM alert_deliveries WHERE delivered_at IS NULL")
        return sorted((alert_delivery(r) for r in rows), key=lambda d: (d.due_at, d.alert_id))

    async def claim_alert_delivery(
        self, alert_id: str, audience: DeliveryAudience, *, seen_due: datetime, hold_until: datetime
    ) -> bool:
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE alert_deliveries SET due_at = ?, attempts = attempts + 1"
                " WHERE alert_id = ? AND audience = ? AND delivered_at IS NULL AND due_at = ?",
                (hold_until.isoformat(), alert_id, audience.value, seen_due.isoformat()),
            )
            return cursor.rowcount == 1

    async def extend_alert_hold(
        self,
        alert_id: str,
        audience: DeliveryAudience,
        *,
        held_until: datetime,
        hold_until: datetime,
    ) -> bool:
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE alert_deliveries SET due_at = ?"
                " WHERE alert_id = ? AND audience = ? AND delivered_at IS NULL AND due_at = ?",
                (hold_until.isoformat(), alert_id, audience.value, held_until.isoformat()),
            )
            return cursor.rowcount == 1

    async def alert_delivery_failed(
        self, alert_id: str, audience: DeliveryAudience, retry_at: datetime, *, held_until: datetime
    ) -> bool:
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE alert_deliveries SET due_at = ?"
                " WHERE alert_id = ? AND audience = ? AND delivered_at IS NULL AND due_at = ?",
                (retry_at.isoformat(), alert_id, audience.value, held_until.isoformat()),
            )
            return cursor.rowcount == 1

    async def mark_alert_delivered(
        self, alert_id: str, audience: DeliveryAudience, at: datetime
    ) -> bool:
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE alert_deliveries SET delivered_at = ?"
                " WHERE alert_id = ? AND audience = ? AND delivered_at IS NULL",
                (at.isoformat(), alert_id, audience.value),
            )
            return cursor.rowcount == 1
