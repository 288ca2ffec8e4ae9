"""Tag corrections: add or remove a theme on one answer, a queue of answers with no theme,
and the same change to many answers at once.

Every change goes through the digest's ``ThemeEdits`` (as ``consultbot retag --from`` does):
it is checked whole first (the session, each answer in its digest, the theme in the
codebook), then each changed answer becomes staff's choice, which a later re-tag by the
codebook never undoes, and is written in the audit log. Anything wrong: a clear page, and
nothing has changed."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web
from multidict import MultiDictProxy

from bot.core.errors import InvalidRequest, NotFound
from bot.core.events import Role
from bot.core.records import SessionStatus
from bot.digest.model import Digest
from bot.digest.theme_edits import ThemePlan, ThemeRow
from bot.web import access
from bot.web.render import page
from bot.web.workspace import Workspace, workspace_of

WHO = "facilitators and staff"
SOURCE = "workspace"


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_post("/sessions/{session}/answers/{answer}/themes", one_answer)
    router.add_get("/themes/untagged", untagged)
    router.add_post("/themes/bulk", bulk)


async def change_themes(
    workspace: Workspace,
    who: str,
    session_id: str,
    answer_ids: Sequence[str],
    theme_id: str,
    *,
    add: bool,
) -> ThemePlan:
    """Add or remove ``theme_id`` on each answer; all or nothing."""
    labels = workspace.digests.theme_labels
    if theme_id not in labels:
        raise NotFound(
            f"There's no theme '{theme_id}' in the codebook, so nothing has changed. "
            f"Themes: {', '.join(labels)}."
        )
    if not answer_ids:
        raise InvalidRequest("Please tick at least one answer. Nothing has changed.")
    digest = await workspace.digests.digest(session_id)
    current = {a.answer_id: a.themes for q in digest.questions for a in q.answers}
    order = {t: i for i, t in enumerate(labels)}
    rows = []
    for line, answer_id in enumerate(answer_ids, start=1):
        if answer_id not in current:
            raise NotFound(
                f"There's no answer '{answer_id}' in this session's digest, so nothing has changed."
            )
        themes = set(current[answer_id])
        if add:
            themes.add(theme_id)
        else:
            themes.discard(theme_id)
        rows.append(
            ThemeRow(
                line=line,
                answer_id=answer_id,
                session_id=digest.session_id,
                themes=tuple(sorted(themes, key=order.__getitem__)),
            )
        )
    edits = workspace.digests.theme_edits
    plan = await edits.plan(rows, digest.session_id)
    await edits.apply(plan, who, SOURCE)
    return plan


def _change(form: MultiDictProxy[str | bytes | bytearray | web.FileField]) -> tuple[str, bool]:
    change = str(form.get("change", ""))
    if change not in {"add", "remove"}:
        raise InvalidRequest("Please choose to add or remove a theme. Nothing has changed.")
    return str(form.get("theme", "")), change == "add"


async def one_answer(request: web.Request) -> web.StreamResponse:
    viewer = access.require(request, Role.FACILITATOR, Role.STAFF, who=WHO)
    form = await request.post()
    theme_id, add = _change(form)
    session_id, answer_id = request.match_info["session"], request.match_info["answer"]
    workspace = workspace_of(request)
    await change_themes(workspace, viewer.audit_name, session_id, [answer_id], theme_id, add=add)
    raise web.HTTPSeeOther(f"/sessions/{session_id}#answer-{answer_id}")


async def untagged(request: web.Request) -> web.StreamResponse:
    access.require(request, Role.FACILITATOR, Role.STAFF, who=WHO)
    workspace = workspace_of(request)
    queue: list[Digest] = []
    for summary in await workspace.store.session_summaries():
        if summary.session.purged or summary.answer_count == 0:
            continue
        digest = await workspace.digests.digest(summary.session.id)
        if digest.untagged_answers:
            queue.append(digest)
    queue.sort(key=lambda d: d.started_at, reverse=True)
    return page(
        request,
        "untagged.html.j2",
        queue=queue,
        themes=workspace.digests.theme_labels,
        open_status=SessionStatus.OPEN,
    )


async def bulk(request: web.Request) -> web.StreamResponse:
    viewer = access.require(request, Role.FACILITATOR, Role.STAFF, who=WHO)
    form = await request.post()
    theme_id, add = _change(form)
    session_id = str(form.get("session", ""))
    answers = [str(a) for a in form.getall("answer", [])]
    workspace = workspace_of(request)
    plan = await change_themes(workspace, viewer.audit_name, session_id, answers, theme_id, add=add)
    back = str(form.get("back", ""))
    if back in {"untagged", "session"}:
        target = "/themes/untagged" if back == "untagged" else f"/sessions/{plan.session_id}"
        raise web.HTTPSeeOther(target)
    raise web.HTTPSeeOther(f"/sessions/{plan.session_id}")
