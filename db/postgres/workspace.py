"""The staff workspace (``WorkspaceStore``): sign-in links and browser sessions, kept as
hashes of their tokens; a link is used at most once (a conditional update)."""

from __future__ import annotations

from datetime import datetime, timedelta

from psycopg.rows import DictRow

from bot.core.records import AlertRecord, BrowserSession, SignInLink
from db.postgres.connection import PostgresConnection
from db.postgres.rows import alert_record

_FORGET_AFTER = timedelta(days=1)


class PostgresWorkspace(PostgresConnection):
    async def add_sign_in_link(self, link: SignInLink) -> None:
        await self._add_token_row("sign_in_links", link)

    async def sign_in_link(self, token_hash: str) -> SignInLink | None:
        rows = await self._rows("SELECT * FROM sign_in_links WHERE token_hash = %s", (token_hash,))
        if not rows:
            return None
        r = rows[0]
        return SignInLink(
            token_hash=r["token_hash"],
            platform=r["platform"],
            user_id=r["user_id"],
            roles=_roles(r),
            created_at=r["created_at"],
            expires_at=r["expires_at"],
            used_at=r["used_at"],
        )

    async def use_sign_in_link(self, token_hash: str, at: datetime) -> bool:
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE sign_in_links SET used_at = %s WHERE token_hash = %s"
                " AND used_at IS NULL AND expires_at > %s",
                (at, token_hash, at),
            )
            return cursor.rowcount == 1

    async def sign_in_links_since(self, platform: str, user_id: str, since: datetime) -> int:
        rows = await self._rows(
            "SELECT count(*) AS n FROM sign_in_links"
            " WHERE platform = %s AND user_id = %s AND created_at >= %s",
            (platform, user_id, since),
        )
        return int(rows[0]["n"])

    async def start_browser_session(self, session: BrowserSession) -> None:
        await self._add_token_row("browser_sessions", session)

    async def browser_session(self, token_hash: str) -> BrowserSession | None:
        rows = await self._rows(
            "SELECT * FROM browser_sessions WHERE token_hash = %s", (token_hash,)
        )
        if not rows:
            return None
        r = rows[0]
        return BrowserSession(
            token_hash=r["token_hash"],
            platform=r["platform"],
            user_id=r["user_id"],
            roles=_roles(r),
            created_at=r["created_at"],
            expires_at=r["expires_at"],
            ended_at=r["ended_at"],
        )

    async def end_browser_session(self, token_hash: str, at: datetime) -> bool:
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE browser_sessions SET ended_at = %s WHERE token_hash = %s"
                " AND ended_at IS NULL",
                (at, token_hash),
            )
            return cursor.rowcount == 1

    async def _add_token_row(self, table: str, row: SignInLink | BrowserSession) -> None:
        """A sign-in link or a browser session (the same columns), forgetting rows of that
        table expired a day ago. ``table`` is one of the two names, never input."""
        async with self._write() as conn:
            await conn.execute(
                f"DELETE FROM {table} WHERE expires_at < %s",
                ((row.created_at - _FORGET_AFTER),),
            )
            await conn.execute(
                f"INSERT INTO {table} (token_hash, platform, user_id, roles, created_at,"
                " expires_at) VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    row.token_hash,
                    row.platform,
                    row.user_id,
                    ",".join(row.roles),
                    row.created_at,
                    row.expires_at,
                ),
            )

    async def recent_alerts(self, limit: int) -> list[AlertRecord]:
        rows = await self._rows(
            "SELECT * FROM alerts ORDER BY created_at DESC, id LIMIT %s", (limit,)
        )
        return [alert_record(r) for r in rows]


def _roles(row: DictRow) -> tuple[str, ...]:
    return tuple(r for r in str(row["roles"]).split(",") if r)
