"""The audit log (``AuditStore``): append-only, read back in the order it was written."""

from __future__ import annotations

from bot.core.records import AuditEntry
from db.postgres.connection import Connection, PostgresConnection
from db.postgres.rows import without_nul


class PostgresAudit(PostgresConnection):
    async def audit(self, entry: AuditEntry) -> None:
        async with self._write() as conn:
            await append_audit(conn, entry)

    async def audit_entries(self) -> list[AuditEntry]:
        rows = await self._rows("SELECT * FROM audit_log ORDER BY seq")
        return [
            AuditEntry(
                at=r["at"],
                actor=r["actor"],
                action=r["action"],
                subject=r["subject"],
                detail=r["detail"],
            )
            for r in rows
        ]


async def append_audit(conn: Connection, entry: AuditEntry) -> None:
    """One audit row, inside the caller's transaction."""
    await conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (%s, %s, %s, %s, %s)",
        (entry.at, entry.actor, entry.action, entry.subject, without_nul(entry.detail)),
    )
