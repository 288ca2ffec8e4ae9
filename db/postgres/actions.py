""" "You said, we did" (``ActionStore``), as SQLite's ``db.sqlite.actions``: per theme of a
session, or of a report's sessions, what was done, with every update kept. An update locks
its action's row first, so two updates at once get numbers one after the other, and it
cancels the follow-up reminders an older update planned in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from bot.core.records import ActionRecord, ActionUpdate, Decision, JobKind, JobRecord
from db.postgres.connection import PostgresConnection
from db.postgres.jobs import _insert_jobs
from db.postgres.rows import without_nul


class PostgresActions(PostgresConnection):
    async def create_action(self, action: ActionRecord, jobs: Sequence[JobRecord] = ()) -> None:
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO actions (id, theme_id, heard, created_at) VALUES (%s, %s, %s, %s)",
                (action.id, action.theme_id, without_nul(action.heard), action.created_at),
            )
            async with conn.cursor() as cursor:
                await cursor.executemany(
                    "INSERT INTO action_sessions (action_id, session_id) VALUES (%s, %s)",
                    [(action.id, s) for s in action.session_ids],
                )
            for update in action.updates:
                await conn.execute(_INSERT_UPDATE, _update_row(action.id, update.number, update))
            await _insert_jobs(conn, jobs)

    async def add_action_update(
        self,
        action_id: str,
        update: ActionUpdate,
        plan: Callable[[ActionUpdate], Sequence[JobRecord]] | None = None,
    ) -> ActionUpdate | None:
        async with self._write() as conn:
            cursor = await conn.execute(
                "SELECT id FROM actions WHERE id = %s FOR UPDATE", (action_id,)
            )
            if await cursor.fetchone() is None:
                return None
            cursor = await conn.execute(
                "SELECT COALESCE(MAX(number), 0) AS last FROM action_updates WHERE action_id = %s",
                (action_id,),
            )
            row = await cursor.fetchone()
            number = int(row["last"] if row else 0) + 1
            await conn.execute(_INSERT_UPDATE, _update_row(action_id, number, update))
            await conn.execute(
                "UPDATE jobs SET state = 'cancelled', lease_until = NULL"
                " WHERE kind = %s AND subject = %s AND state = 'pending'",
                (JobKind.FOLLOW_UP.value, action_id),
            )
            stored = replace(update, number=number)
            if plan is not None:
                await _insert_jobs(conn, plan(stored))
        return stored

    async def action(self, action_id: str) -> ActionRecord | None:
        found = await self._actions([action_id], by_session=False)
        return found[0] if found else None

    async def actions_for_sessions(self, session_ids: Iterable[str] | None) -> list[ActionRecord]:
        if session_ids is None:
            return await self._actions(None, by_session=False)
        wanted = sorted(set(session_ids))
        return await self._actions(wanted, by_session=True) if wanted else []

    async def _actions(self, ids: list[str] | None, *, by_session: bool) -> list[ActionRecord]:
        if ids is None:
            heads = await self._rows("SELECT * FROM actions ORDER BY created_at, id")
        elif by_session:
            heads = await self._rows(
                "SELECT * FROM actions WHERE id IN (SELECT action_id FROM action_sessions"
                " WHERE session_id = ANY(%s)) ORDER BY created_at, id",
                (ids,),
            )
        else:
            heads = await self._rows(
                "SELECT * FROM actions WHERE id = ANY(%s) ORDER BY created_at, id", (ids,)
            )
        if not heads:
            return []
        found = [str(h["id"]) for h in heads]
        sessions: dict[str, list[str]] = defaultdict(list)
        for r in await self._rows(
            "SELECT * FROM action_sessions WHERE action_id = ANY(%s) ORDER BY session_id",
            (found,),
        ):
            sessions[str(r["action_id"])].append(str(r["session_id"]))
        updates: dict[str, list[ActionUpdate]] = defaultdict(list)
        for r in await self._rows(
            "SELECT * FROM action_updates WHERE action_id = ANY(%s) ORDER BY number", (found,)
        ):
            updates[str(r["action_id"])].append(_update(r))
        return [
            ActionRecord(
                id=str(h["id"]),
                theme_id=str(h["theme_id"]),
                heard=str(h["heard"]),
                session_ids=tuple(sessions[str(h["id"])]),
                created_at=h["created_at"],
                updates=tuple(updates[str(h["id"])]),
            )
            for h in heads
        ]


_INSERT_UPDATE = (
    "INSERT INTO action_updates (action_id, number, at, recorded_by, taken_to, decision,"
    " because, follow_up) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)


def _update_row(action_id: str, number: int, u: ActionUpdate) -> tuple[Any, ...]:
    return (
        action_id,
        number,
        u.at,
        u.by,
        without_nul(u.taken_to),
        u.decision.value,
        without_nul(u.because),
        u.follow_up,
    )


def _update(row: dict[str, Any]) -> ActionUpdate:
    return ActionUpdate(
        number=int(row["number"]),
        at=row["at"],
        by=str(row["recorded_by"]),
        taken_to=str(row["taken_to"]),
        decision=Decision(str(row["decision"])),
        because=str(row["because"]),
        follow_up=row["follow_up"],
    )
