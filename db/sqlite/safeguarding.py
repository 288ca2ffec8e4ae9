"""Safeguarding (``SafeguardingStore``): alerts for the lead, acknowledged and escalated at
most once each, and the encrypted identity behind an answer."""

from __future__ import annotations

from datetime import datetime

from bot.core.records import AlertRecord
from db.sqlite.connection import SqliteConnection
from db.sqlite.rows import alert_record


class SqliteSafeguarding(SqliteConnection):
    async def identity_of_answer(self, answer_id: str) -> bytes | None:
        rows = await self._rows(
            "SELECT i.ciphertext FROM identities i JOIN answers a"
            " ON a.participant_id = i.participant_id WHERE a.id = ?",
            (answer_id,),
        )
        return bytes(rows[0]["ciphertext"]) if rows else None

    async def create_alert(self, alert: AlertRecord) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO alerts (id, kind, session_id, answer_id, categories, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    alert.id,
                    alert.kind.value,
                    alert.session_id,
                    alert.answer_id,
                    ",".join(alert.categories),
                    alert.created_at.isoformat(),
                ),
            )

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

    async def mark_alert_escalated(self, alert_id: str) -> bool:
        """``True`` if the alert was still unacknowledged and not yet escalated."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE alerts SET escalated = 1 WHERE id = ? AND escalated = 0"
                " AND acknowledged_at IS NULL",
                (alert_id,),
            )
            return cursor.rowcount == 1
