"""The sessions list (filter and search), one session's page (its digest in brief, the files
to download, and its answers with their themes), and the digest itself as in the HTML file.

Facilitators and staff see sessions and answers (answers as the digest shows them: the words
only of those who agreed to be quoted, under their anonymous names); the files are for
staff, as /digest is. Every view of the digest file and every download is audited."""

from __future__ import annotations

from aiohttp import web

from bot.core.errors import NotFound
from bot.core.events import Role
from bot.core.records import SessionStatus, SessionSummary
from bot.digest import words
from bot.digest.html import render_html
from bot.digest.render import MIME_TYPES, DigestFormat, file_name, render
from bot.web import access
from bot.web.render import download, own_page, page
from bot.web.workspace import workspace_of

READERS_WHO = "facilitators and staff"
STAFF_WHO = "staff"


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/sessions", sessions)
    router.add_get("/sessions/{session}", session)
    router.add_get("/sessions/{session}/digest", digest_page)
    router.add_get("/sessions/{session}/download/{format}", digest_file)


def _status(summary: SessionSummary) -> str:
    if summary.session.purged:
        return "answers deleted"
    return "running" if summary.session.status is SessionStatus.OPEN else "ended"


async def sessions(request: web.Request) -> web.StreamResponse:
    access.require(request, Role.FACILITATOR, Role.STAFF, who=READERS_WHO)
    workspace = workspace_of(request)
    summaries = await workspace.store.session_summaries()
    search = request.query.get("q", "").strip()
    question_set = request.query.get("question_set", "").strip()
    status = request.query.get("status", "").strip()
    shown = [
        s
        for s in summaries
        if (not search or search.casefold() in _searchable(s))
        and (not question_set or s.session.question_set_id == question_set)
        and (not status or _status(s) == status)
    ]
    shown.sort(key=lambda s: s.session.started_at, reverse=True)
    zone = workspace.zone
    return page(
        request,
        "sessions.html.j2",
        rows=[
            {
                "id": s.session.id,
                "label": s.session.label or s.session.id,
                "question_set": s.session.question_set_id,
                "date": s.session.started_at.astimezone(zone).strftime("%d %b %Y %H:%M"),
                "people": s.participant_count,
                "answers": s.answer_count,
                "status": _status(s),
            }
            for s in shown
        ],
        total=len(summaries),
        search=search,
        question_set=question_set,
        status=status,
        question_sets=sorted({s.session.question_set_id for s in summaries}),
        statuses=("running", "ended", "answers deleted"),
    )


def _searchable(summary: SessionSummary) -> str:
    s = summary.session
    return " ".join((s.id, s.label or "", s.question_set_id)).casefold()


async def session(request: web.Request) -> web.StreamResponse:
    viewer = access.require(request, Role.FACILITATOR, Role.STAFF, who=READERS_WHO)
    workspace = workspace_of(request)
    digest = await workspace.digests.digest(request.match_info["session"])
    labels = workspace.digests.theme_labels
    return page(
        request,
        "session.html.j2",
        digest=digest,
        heading=words.heading(digest),
        span=words.span(digest),
        themes=labels,
        formats=[f.value for f in DigestFormat] if viewer.is_staff else [],
        not_quotable=words.NOT_QUOTABLE,
        untagged=len(digest.untagged_answers),
    )


async def digest_page(request: web.Request) -> web.StreamResponse:
    viewer = access.require(request, Role.STAFF, who=STAFF_WHO)
    workspace = workspace_of(request)
    digest = await workspace.digests.digest(request.match_info["session"])
    await workspace.audit(viewer.audit_name, "digest-viewed", digest.session_id, "workspace")
    return own_page(render_html(digest))


async def digest_file(request: web.Request) -> web.StreamResponse:
    viewer = access.require(request, Role.STAFF, who=STAFF_WHO)
    workspace = workspace_of(request)
    wanted = request.match_info["format"]
    try:
        fmt = DigestFormat(wanted)
    except ValueError:
        formats = ", ".join(f.value for f in DigestFormat)
        raise NotFound(f"There's no digest format '{wanted}'. Formats: {formats}.") from None
    digest = await workspace.digests.digest(request.match_info["session"])
    detail = f"{fmt.value} (workspace)"
    await workspace.audit(viewer.audit_name, "digest-downloaded", digest.session_id, detail)
    return download(render(digest, fmt), file_name(digest, fmt), MIME_TYPES[fmt])
