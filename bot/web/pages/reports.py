"""Reports over several sessions: pick them (by label, or a question set and dates), add a
notes file from in-person workshops, then see and download the combined report (built by
``bot.report``, as /report and ``consultbot report`` build it). Staff only; every view and
download is audited. What a browser last asked for is kept in memory for it alone, and the
report built again from the store each time (``bot.web.made_reports``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from aiohttp import web

from bot.core.errors import DataFileError, InvalidRequest, NotFound
from bot.core.events import Role
from bot.digest.render import MIME_TYPES, DigestFormat
from bot.report.model import Report
from bot.report.notes import NotesWorkshop, read_notes
from bot.report.render import render_report, report_file_name
from bot.report.select import Selection, parse_day
from bot.web import access
from bot.web.made_reports import ReportAsked
from bot.web.render import download, own_page, page
from bot.web.workspace import Workspace, workspace_of

WHO = "staff"
NOTES_SUFFIXES = (".csv", ".jsonl", ".json")
_SAFE = "".join(chr(c) for c in range(128) if chr(c).isalnum()) + "-_. "


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/reports", report_form)
    router.add_post("/reports", make_report)
    router.add_get("/reports/latest", latest)
    router.add_get("/reports/latest/view", latest_view)
    router.add_get("/reports/latest/download/{format}", latest_file)


async def report_form(request: web.Request) -> web.StreamResponse:
    access.require(request, Role.STAFF, who=WHO)
    workspace = workspace_of(request)
    summaries = await workspace.store.session_summaries()
    return page(
        request,
        "reports.html.j2",
        choices=await workspace.reports.label_choices(),
        question_sets=sorted({s.session.question_set_id for s in summaries}),
    )


async def make_report(request: web.Request) -> web.StreamResponse:
    viewer = access.require(request, Role.STAFF, who=WHO)
    workspace = workspace_of(request)
    form = await request.post()
    since, until = str(form.get("since", "")).strip(), str(form.get("until", "")).strip()
    wanted = Selection(
        names=tuple(str(n) for n in form.getall("session", []) if str(n).strip()),
        question_set=str(form.get("question_set", "")).strip() or None,
        since=parse_day(since, "From") if since else None,
        until=parse_day(until, "To") if until else None,
    )
    notes = _notes(workspace, form.get("notes"))
    if not (wanted.names or wanted.question_set or notes):
        raise InvalidRequest(
            "Please tick some sessions, or choose a question set, or add a notes file."
        )
    title = str(form.get("title", "")).strip()[:200]
    report = await workspace.reports.report(wanted, notes, title=title)
    asked = ReportAsked(selection=wanted, notes=tuple(notes), title=title)
    workspace.reports_made.keep(viewer.session_hash, asked)
    await workspace.audit(viewer.audit_name, "report-made", _keys(report), "workspace")
    raise web.HTTPSeeOther("/reports/latest")


def _notes(workspace: Workspace, upload: object) -> list[NotesWorkshop]:
    if not isinstance(upload, web.FileField) or not upload.filename:
        return []
    name = "".join(c for c in Path(upload.filename).name if c in _SAFE).strip() or "notes"
    if not name.lower().endswith(NOTES_SUFFIXES):
        raise InvalidRequest(f"{name}: a notes file is .csv or .jsonl. Nothing has changed.")
    content = upload.file.read()
    with tempfile.TemporaryDirectory(prefix="consultbot-notes-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return read_notes(path, workspace.digests.theme_labels, workspace.tag_notes)
        except DataFileError as exc:  # name the file as the person knows it
            raise DataFileError(name, exc.field, exc.problem) from None


def _keys(report: Report) -> str:
    return ",".join(w.key for w in report.workshops)


async def _latest(request: web.Request) -> tuple[access.Viewer, Report]:
    viewer = access.require(request, Role.STAFF, who=WHO)
    workspace = workspace_of(request)
    asked = workspace.reports_made.get(viewer.session_hash)
    if asked is None:
        raise NotFound("There's no report yet in this browser: make one first.")
    report = await workspace.reports.report(asked.selection, list(asked.notes), title=asked.title)
    return viewer, report


async def latest(request: web.Request) -> web.StreamResponse:
    _, report = await _latest(request)
    return page(request, "report.html.j2", report=report, formats=[f.value for f in DigestFormat])


async def latest_view(request: web.Request) -> web.StreamResponse:
    viewer, report = await _latest(request)
    await workspace_of(request).audit(viewer.audit_name, "report-viewed", _keys(report))
    return own_page(render_report(report, DigestFormat.HTML).decode("utf-8"))


async def latest_file(request: web.Request) -> web.StreamResponse:
    viewer, report = await _latest(request)
    wanted = request.match_info["format"]
    try:
        fmt = DigestFormat(wanted)
    except ValueError:
        raise NotFound(f"There's no report format '{wanted}'.") from None
    await workspace_of(request).audit(
        viewer.audit_name, "report-downloaded", _keys(report), f"{fmt.value} (workspace)"
    )
    return download(render_report(report, fmt), report_file_name(report, fmt), MIME_TYPES[fmt])
