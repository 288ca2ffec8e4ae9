"""The audit log for staff: who did what, when (never answer text), newest first."""

from __future__ import annotations

from aiohttp import web

from bot.core.events import Role
from bot.web import access
from bot.web.render import page
from bot.web.workspace import workspace_of

SHOWN = 500


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/audit", audit_log)


async def audit_log(request: web.Request) -> web.StreamResponse:
    access.require(request, Role.STAFF, who="staff")
    workspace = workspace_of(request)
    entries = await workspace.store.audit_entries()
    action = request.query.get("action", "").strip()
    actions = sorted({e.action for e in entries})
    shown = [e for e in reversed(entries) if not action or e.action == action][:SHOWN]
    return page(
        request,
        "audit.html.j2",
        entries=shown,
        total=len(entries),
        actions=actions,
        action=action,
        zone=workspace.zone,
    )
