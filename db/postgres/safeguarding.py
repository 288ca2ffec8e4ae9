"""Safeguarding (``SafeguardingStore``): alerts for the lead, acknowledged and escalated at
most once each (conditional updates), their deliveries (the alert outbox: one row per
audience until the platform took it, each attempt claimed by one caller with a conditional
update), and the encrypted identity behind an answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.records import AlertDelivery, AlertRecord, AnswerRecord, DeliveryAudience, JobRecord
from db.postgres.connection import Connection, PostgresConnection
from db.postgres.jobs import _insert_jobs
from db.postgres.rows import ANSWER_SELECT, alert_delivery, alert_record, answer_record


async def insert_alert(
    conn: Connection, alert: AlertRecord, jobs: Sequence[JobRecord] = ()
) -> None:
    """The alert, its delivery to the lead (due at once) and its jobs (the escalation), in
    the caller's transaction."""
    await conn.execute(
        "INSERT INTO alerts (id, kind, session_id, answer_id, categories, created_at,"
        " sealed) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (
            alert.id,
            alert.kind.value,
            alert.session_id,
            alert.answer_id,
            ",".join(alert.categories),
            alert.created_at,
            alert.sealed,
        ),
    )
    await conn.execute(
        "INSERT INTO alert_deliveries (alert_id, audience, due_at) VALUES (%s, %s, %s)",
        (alert.id, DeliveryAudience.LEAD.value, alert.created_at),
    )
    await _insert_jobs(conn, jobs)


class PostgresSafeguarding(PostgresConnection):
    async def identity_of_answer(self, answer_id: str) -> bytes | None:
        rows = await self._rows(
            "SELECT i.ciphertext FROM identities i JOIN answers a"
            " ON a.participant_id = i.participant_id WHERE a.id = %s",
            (answer_id,),
        )
        return bytes(rows[0]["ciphertext"]) if rows else None

    async def create_alert(self, alert: AlertRecord, jobs: Sequence[JobRecord] = ()) -> None:
        async with self._write() as conn:
            await insert_alert(conn, alert, jobs)

    async def held_answers_without_alert(self) -> list[AnswerRecord]:
        rows = await self._rows(
            ANSWER_SELECT + " WHERE a.status = 'held' AND NOT EXISTS (SELECT 1 FROM alerts l"
            " WHERE l.answer_id = a.id AND l.kind = 'disclosure') ORDER BY a.seq"
        )
        return [answer_record(r) for r in rows]

    async def alert(self, alert_id: str) -> AlertRecord | None:
        rows = await self._rows("SELECT * FROM alerts WHERE id = %s", (alert_id,))
        return alert_record(rows[0]) if rows else None

    async def alerts_for_answer(self, answer_id: str) -> list[AlertRecord]:
        rows = await self._rows(
            "SELECT * FROM alerts WHERE answer_id = %s ORDER BY created_at, id", (answer_id,)
        )
        return [alert_record(r) for r in rows]

    async def acknowledge_alert(self, alert_id: str, at: datetime) -> bool:
        """``True`` for the first acknowledgement only."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE alerts SET acknowledged_at = %s WHERE id = %s AND acknowledged_at IS NULL",
                (at, alert_id),
            )
            return cursor.rowcount == 1

    async def mark_alert_escalated(
        self, alert_id: str, *, deliver_at: datetime | None = None
    ) -> bool:
        """``True`` if the alert was still unacknowledged and not yet escalated; with
        ``deliver_at``, its delivery to the deputy is queued in the same transaction."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE alerts SET escalated = true WHERE id = %s AND NOT escalated"
                " AND acknowledged_at IS NULL",
                (alert_id,),
            )
            escalated = cursor.rowcount == 1
            if escalated and deliver_at is not None:
                await conn.execute(
                    "INSERT INTO alert_deliveries (alert_id, audience, due_at)"
                    " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    (alert_id, DeliveryAudience.DEPUTY.value, deliver_at),
                )
            return escalated

    async def alert_deliveries(self, alert_id: str) -> list[AlertDelivery]:
        rows = await self._rows(
            "SELECT * FROM alert_deliveries WHERE alert_id = %s ORDER BY audience DESC", (alert_id,)
        )
        return [alert_delivery(r) for r in rows]

    async def undelivered_alerts(self) -> list[AlertDelivery]:
        rows = await self._rows(
            "SELECT * FROM alert_deliveries WHERE delivered_at IS NULL ORDER BY due_at, alert_id"
        )
        return [alert_delivery(r) for r in rows]

    async def claim_alert_delivery(
        self, alert_id: str, audience: DeliveryAudience, *, seen_due: datetime, hold_until: datetime
    ) -> bool:
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE alert_deliveries SET due_at = %s, attempts = attempts + 1"
                " WHERE alert_id = %s AND audience = %s AND delivered_at IS NULL"
                " AND due_at = %s",
                (hold_until, alert_id, audience.value, seen_due),
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
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE alert_deliveries SET due_at = %s"
                " WHERE alert_id = %s AND audience = %s AND delivered_at IS NULL AND due_at = %s",
                (hold_until, alert_id, audience.value, held_until),
            )
            return cursor.rowcount == 1

    async def alert_delivery_failed(
        self, alert_id: str, audience: DeliveryAudience, retry_at: datetime, *, held_until: datetime
    ) -> bool:
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE alert_deliveries SET due_at = %s"
                " WHERE alert_id = %s AND audience = %s AND delivered_at IS NULL AND due_at = %s",
                (retry_at, alert_id, audience.value, held_until),
            )
            return cursor.rowcount == 1

    async def mark_alert_delivered(
        self, alert_id: str, audience: DeliveryAudience, at: datetime
    ) -> bool:
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE alert_deliveries SET delivered_at = %s"
                " WHERE alert_id = %s AND audience = %s AND delivered_at IS NULL",
                (at, alert_id, audience.value),
            )
            return cursor.rowcount == 1
