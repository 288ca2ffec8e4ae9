"""Keys (``KeyStore``): the fingerprints of the keys the database was set up with, and
re-keying participants' hashes or re-sealing their identities (and what alerts keep
sealed) when a key is changed."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.core.records import AuditEntry, SealedAlert, SealedIdentity
from db.sqlite.connection import SqliteConnection

_AUDIT = "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)"


def _audit_row(entry: AuditEntry) -> tuple[str, str, str, str, str]:
    return (entry.at.isoformat(), entry.actor, entry.action, entry.subject, entry.detail)


class SqliteKeys(SqliteConnection):
    async def key_fingerprint(self, name: str) -> str | None:
        rows = await self._rows("SELECT fingerprint FROM key_fingerprints WHERE name = ?", (name,))
        return str(rows[0]["fingerprint"]) if rows else None

    async def remember_key_fingerprint(self, name: str, fingerprint: str) -> str:
        """Store it unless one is stored already (two first starts at once agree on one)."""
        if (stored := await self.key_fingerprint(name)) is not None:
            return stored  # the usual case: no write, so a read-only start stays read-only
        async with self._write() as db:
            await db.execute(
                "INSERT OR IGNORE INTO key_fingerprints (name, fingerprint) VALUES (?, ?)",
                (name, fingerprint),
            )
            async with db.execute(
                "SELECT fingerprint FROM key_fingerprints WHERE name = ?", (name,)
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return str(row[0])

    async def sealed_identities(self) -> list[SealedIdentity]:
        rows = await self._rows(
            "SELECT p.id, p.session_id, i.ciphertext FROM participants p"
            " LEFT JOIN identities i ON i.participant_id = p.id ORDER BY p.id"
        )
        return [
            SealedIdentity(
                participant_id=r["id"],
                session_id=r["session_id"],
                ciphertext=None if r["ciphertext"] is None else bytes(r["ciphertext"]),
            )
            for r in rows
        ]

    async def sealed_alerts(self) -> list[SealedAlert]:
        rows = await self._rows(
            "SELECT id, sealed FROM alerts WHERE sealed IS NOT NULL ORDER BY created_at, id"
        )
        return [SealedAlert(alert_id=r["id"], ciphertext=bytes(r["sealed"])) for r in rows]

    async def rekey_people(
        self, person_keys: Sequence[tuple[int, str]], fingerprint: str, entry: AuditEntry
    ) -> None:
        async with self._write() as db:
            await db.executemany(
                "UPDATE participants SET person_key = ? WHERE id = ?",
                [(key, pid) for pid, key in person_keys],
            )
            await _replace_fingerprint(db, "identity", fingerprint)
            await db.execute(_AUDIT, _audit_row(entry))
        await self._forget()  # the old hashes go from the log too

    async def reseal_identities(
        self,
        identities: Sequence[tuple[int, bytes]],
        fingerprint: str,
        entry: AuditEntry,
        *,
        alerts: Sequence[tuple[str, bytes]] = (),
    ) -> None:
        async with self._write() as db:
            await db.executemany(
                "UPDATE identities SET ciphertext = ? WHERE participant_id = ?",
                [(token, pid) for pid, token in identities],
            )
            await db.executemany(
                "UPDATE alerts SET sealed = ? WHERE id = ?",
                [(token, alert_id) for alert_id, token in alerts],
            )
            await _replace_fingerprint(db, "safeguarding", fingerprint)
            await db.execute(_AUDIT, _audit_row(entry))
        await self._forget()


async def _replace_fingerprint(db: aiosqlite.Connection, name: str, fingerprint: str) -> None:
    await db.execute(
        "INSERT INTO key_fingerprints (name, fingerprint) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint",
        (name, fingerprint),
    )
