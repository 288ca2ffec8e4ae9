"""Keys (``KeyStore``): the fingerprints of the keys the database was set up with, and
re-keying participants' hashes or re-sealing their identities (and what alerts keep
sealed) when a key is changed; each
replacement is one transaction with its fingerprint and its audit entry."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.records import AuditEntry, SealedAlert, SealedIdentity
from db.postgres.audit import append_audit
from db.postgres.connection import Connection, PostgresConnection


class PostgresKeys(PostgresConnection):
    async def key_fingerprint(self, name: str) -> str | None:
        rows = await self._rows("SELECT fingerprint FROM key_fingerprints WHERE name = %s", (name,))
        return str(rows[0]["fingerprint"]) if rows else None

    async def remember_key_fingerprint(self, name: str, fingerprint: str) -> str:
        """Store it unless one is stored already (two first starts at once agree on one)."""
        if (stored := await self.key_fingerprint(name)) is not None:
            return stored
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO key_fingerprints (name, fingerprint) VALUES (%s, %s)"
                " ON CONFLICT (name) DO NOTHING",
                (name, fingerprint),
            )
            cursor = await conn.execute(
                "SELECT fingerprint FROM key_fingerprints WHERE name = %s", (name,)
            )
            row = await cursor.fetchone()
        assert row is not None
        return str(row["fingerprint"])

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
        async with self._write() as conn:
            async with conn.cursor() as cursor:
                await cursor.executemany(
                    "UPDATE participants SET person_key = %s WHERE id = %s",
                    [(key, pid) for pid, key in person_keys],
                )
            await _replace_fingerprint(conn, "identity", fingerprint)
            await append_audit(conn, entry)

    async def reseal_identities(
        self,
        identities: Sequence[tuple[int, bytes]],
        fingerprint: str,
        entry: AuditEntry,
        *,
        alerts: Sequence[tuple[str, bytes]] = (),
    ) -> None:
        async with self._write() as conn:
            async with conn.cursor() as cursor:
                await cursor.executemany(
                    "UPDATE identities SET ciphertext = %s WHERE participant_id = %s",
                    [(token, pid) for pid, token in identities],
                )
                await cursor.executemany(
                    "UPDATE alerts SET sealed = %s WHERE id = %s",
                    [(token, alert_id) for alert_id, token in alerts],
                )
            await _replace_fingerprint(conn, "safeguarding", fingerprint)
            await append_audit(conn, entry)


async def _replace_fingerprint(conn: Connection, name: str, fingerprint: str) -> None:
    await conn.execute(
        "INSERT INTO key_fingerprints (name, fingerprint) VALUES (%s, %s)"
        " ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint",
        (name, fingerprint),
    )
