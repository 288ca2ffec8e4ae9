"""The audit log for staff: who did what, when (never answer text), newest first. The
detail of a safeguarding action (the lead's reason for seeing who wrote an answer, often
safeguarding detail itself) is shown to the safeguarding lead alone: staff see the action,
who and when."""

from __future__ import annotations

from dataclasses import replace

from aiohttp import web

from bot.core.events import Role
from bot.web import access
from bot.web.render import page
from bot.web.workspace import workspace_of

SHOWN = 500
SAFEGUARDING_ACTIONS = frozenset(
    {
        "identity-revealed",
        "identity-reveal-failed",
        "alert-raised",
        "alert-acknowledged",
        "alert-escalated",
        "answer-released",
        "answer-kept-out",
        "held-listed",
        "held-list-refused",
    }
)
LEAD_ONLY = "(for the safeguarding lead)"


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/audit", audit_log)


async def audit_log(request: web.Request) -> web.StreamResponse:
    viewer = access.require(request, Role.STAFF, Role.SAFEGUARDING_LEAD, who="staff")
    lead = viewer.is_lead
    workspace = workspace_of(request)
    entries = await workspace.store.audit_entries()
    action = request.query.get("action", "").strip()
    actions = sorted({e.action for e in entries})
    shown = [
        e
        if lead or e.action not in SAFEGUARDING_ACTIONS or not e.detail
        else replace(e, detail=LEAD_ONLY)
        for e in reversed(entries)
        if not action or e.action == action
    ][:SHOWN]
    return page(
        request,
        "audit.html.j2",
        entries=shown,
        total=len(entries),
        actions=actions,
        action=action,
        zone=workspace.zone,
    )
