""" "You said, we did" (``ActionStore``): per theme of a session, or of a report's sessions,
what was done, with every update kept. An update and the follow-up jobs it changes are one
transaction: a newer update cancels the reminders an older one planned."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime

from bot.core.records import ActionRecord, ActionUpdate, Decision, JobKind, JobRecord
from db.sqlite.connection import SqliteConnection
from db.sqlite.jobs import _insert_jobs


class SqliteActions(SqliteConnection):
    async def create_action(self, action: ActionRecord, jobs: Sequence[JobRecord] = ()) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO actions (id, theme_id, heard, created_at) VALUES (?, ?, ?, ?)",
                (action.id, action.theme_id, action.heard, action.created_at.isoformat()),
            )
            await db.executemany(
                "INSERT INTO action_sessions (action_id, session_id) VALUES (?, ?)",
                [(action.id, s) for s in action.session_ids],
            )
            for update in action.updates:
                await db.execute(_INSERT_UPDATE, _update_row(action.id, update.number, update))
            await _insert_jobs(db, jobs)

    async def add_action_update(
        self,
        action_id: str,
        update: ActionUpdate,
        plan: Callable[[ActionUpdate], Sequence[JobRecord]] | None = None,
    ) -> ActionUpdate | None:
        async with self._write() as db:
            async with db.execute(
                "SELECT MAX(number) FROM action_updates WHERE action_id = ?", (action_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None or row[0] is None:
                return None
            number = int(row[0]) + 1
            await db.execute(_INSERT_UPDATE, _update_row(action_id, number, update))
            await db.execute(
                "UPDATE jobs SET state = 'cancelled' WHERE kind = ? AND subject = ?"
                " AND state = 'pending'",
                (JobKind.FOLLOW_UP.value, action_id),
            )
            stored = replace(update, number=number)
            if plan is not None:
                await _insert_jobs(db, plan(stored))
        return stored

    async def action(self, action_id: str) -> ActionRecord | None:
        found = await self._actions("WHERE a.id = ?", (action_id,))
        return found[0] if found else None

    async def actions_for_sessions(self, session_ids: Iterable[str] | None) -> list[ActionRecord]:
        if session_ids is None:
            return await self._actions("", ())
        wanted = sorted(set(session_ids))
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        return await self._actions(
            f"WHERE a.id IN (SELECT action_id FROM action_sessions WHERE session_id IN ({marks}))",
            wanted,
        )

    async def _actions(self, where: str, params: Sequence[str]) -> list[ActionRecord]:
        heads = await self._rows(
            f"SELECT a.* FROM actions a {where} ORDER BY a.created_at, a.id", params
        )
        if not heads:
            return []
        ids = [str(h["id"]) for h in heads]
        marks = ", ".join("?" for _ in ids)
        sessions: dict[str, list[str]] = defaultdict(list)
        for r in await self._rows(
            f"SELECT * FROM action_sessions WHERE action_id IN ({marks}) ORDER BY session_id", ids
        ):
            sessions[str(r["action_id"])].append(str(r["session_id"]))
        updates: dict[str, list[ActionUpdate]] = defaultdict(list)
        for r in await self._rows(
            f"SELECT * FROM action_updates WHERE action_id IN ({marks}) ORDER BY number", ids
        ):
            updates[str(r["action_id"])].append(_update(r))
        return [
            ActionRecord(
                id=str(h["id"]),
                theme_id=str(h["theme_id"]),
                heard=str(h["heard"]),
                session_ids=tuple(sessions[str(h["id"])]),
                created_at=datetime.fromisoformat(str(h["created_at"])),
                updates=tuple(updates[str(h["id"])]),
            )
            for h in heads
        ]


_INSERT_UPDATE = (
    "INSERT INTO action_updates (action_id, number, at, recorded_by, taken_to, decision,"
    " because, follow_up) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _update_row(
    action_id: str, number: int, u: ActionUpdate
) -> tuple[str, int, str, str, str, str, str, str | None]:
    follow_up = u.follow_up.isoformat() if u.follow_up else None
    return (
        action_id,
        number,
        u.at.isoformat(),
        u.by,
        u.taken_to,
        u.decision.value,
        u.because,
        follow_up,
    )


def _update(row: sqlite3.Row) -> ActionUpdate:
    follow_up = row["follow_up"]
    return ActionUpdate(
        number=int(row["number"]),
        at=datetime.fromisoformat(str(row["at"])),
        by=str(row["recorded_by"]),
        taken_to=str(row["taken_to"]),
        decision=Decision(str(row["decision"])),
        because=str(row["because"]),
        follow_up=date.fromisoformat(str(follow_up)) if follow_up else None,
    )
