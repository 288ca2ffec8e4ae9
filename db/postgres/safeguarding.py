"""Safeguarding (``SafeguardingStore``): alerts for the lead, acknowledged and escalated at
most once each (conditional updates), and the encrypted identity behind an answer."""

from __future__ import annotations

from datetime import datetime

from bot.core.records import AlertRecord
from db.postgres.connection import PostgresConnection
from db.postgres.rows import alert_record


class PostgresSafeguarding(PostgresConnection):
    async def identity_of_answer(self, answer_id: str) -> bytes | None:
        rows = await self._rows(
            "SELECT i.ciphertext FROM identities i JOIN answers a"
            " ON a.participant_id = i.participant_id WHERE a.id = %s",
            (answer_id,),
        )
        return bytes(rows[0]["ciphertext"]) if rows else None

    async def create_alert(self, alert: AlertRecord) -> None:
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO alerts (id, kind, session_id, answer_id, categories, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    alert.id,
                    alert.kind.value,
                    alert.session_id,
                    alert.answer_id,
                    ",".join(alert.categories),
                    alert.created_at,
                ),
            )

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

    async def mark_alert_escalated(self, alert_id: str) -> bool:
        """``True`` if the alert was still unacknowledged and not yet escalated."""
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE alerts SET escalated = true WHERE id = %s AND NOT escalated"
                " AND acknowledged_at IS NULL",
                (alert_id,),
            )
            return cursor.rowcount == 1
