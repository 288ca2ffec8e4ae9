"""The audit log (``AuditStore``): append-only, read back in the order it was written."""

from __future__ import annotations

from datetime import datetime

from bot.core.records import AuditEntry
from db.sqlite.connection import SqliteConnection


class SqliteAudit(SqliteConnection):
    async def audit(self, entry: AuditEntry) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                (entry.at.isoformat(), entry.actor, entry.action, entry.subject, entry.detail),
            )

    async def audit_entries(self) -> list[AuditEntry]:
        rows = await self._rows("SELECT * FROM audit_log ORDER BY seq")
        return [
            AuditEntry(
                at=datetime.fromisoformat(r["at"]),
                actor=r["actor"],
                action=r["action"],
                subject=r["subject"],
                detail=r["detail"],
            )
            for r in rows
        ]
