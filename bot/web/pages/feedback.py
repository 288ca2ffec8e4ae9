""" "You said, we did" for staff and facilitators: each theme's action with its status and
history, writing an update, previewing its card, and posting it to the group.

Everything goes through the feedback feature (``bot.feedback``), as /you-said-we-did and
``consultbot actions`` do: the same checks (fields, decision, follow-up date, card length,
the glossary), every update kept with who wrote it, and audited. Served beside the bot, the
card is posted to the sessions' channels at once, through the chat; served alone, the running
bot posts it within a minute (a ``feedback-card`` job), as from the command line.
A preview changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from aiohttp import web
from multidict import MultiDictProxy

from bot.core.errors import InvalidRequest
from bot.core.events import Role
from bot.core.records import Decision
from bot.feedback.card import check_length, parse_decision
from bot.feedback.service import Feedback, Recorded, Step, waiting_note
from bot.web import access
from bot.web.render import page
from bot.web.workspace import workspace_of

WHO = "staff and facilitators"
CHANNEL = "workspace"
DECISIONS = (
    (Decision.WAITING, "Still waiting to hear back"),
    (Decision.CHANGED, "Changed"),
    (Decision.PARTLY, "Partly changed"),
    (Decision.NOT_CHANGED, "Not changed"),
)

Form = MultiDictProxy[str | bytes | bytearray | web.FileField]


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/actions", actions_page)
    router.add_post("/actions", add_action)
    router.add_get("/actions/{action}", action_page)
    router.add_post("/actions/{action}/preview", preview)
    router.add_post("/actions/{action}/updates", post_update)


def _feedback(request: web.Request) -> Feedback:
    access.require(request, Role.FACILITATOR, Role.STAFF, who=WHO)
    return workspace_of(request).feedback


async def actions_page(request: web.Request) -> web.StreamResponse:
    feedback = _feedback(request)
    workspace = workspace_of(request)
    actions = await feedback.actions()
    sessions = {s.session.id: s.session for s in await workspace.store.session_summaries()}
    actions.sort(key=lambda a: (feedback.label(a.theme_id), a.latest.at))
    return page(
        request,
        "actions.html.j2",
        actions=actions,
        label=feedback.label,
        sessions=sessions,
        decisions=dict(DECISIONS),
        themes=workspace.digests.theme_labels,
        choices=await workspace.reports.label_choices(),
        zone=workspace.zone,
    )


async def add_action(request: web.Request) -> web.StreamResponse:
    feedback = _feedback(request)
    viewer = access.viewer(request)
    form = await request.post()
    names = ", ".join(str(n) for n in form.getall("session", []) if str(n).strip())
    if not names:
        raise InvalidRequest("Please tick the sessions the theme came from. Nothing has changed.")
    action = await feedback.add(
        names, str(form.get("theme", "")), str(form.get("heard", "")), viewer.audit_name
    )
    raise web.HTTPSeeOther(f"/actions/{action.id}")


async def action_page(
    request: web.Request, *, step: Step | None = None, card: str = "", done: str = ""
) -> web.StreamResponse:
    feedback = _feedback(request)
    workspace = workspace_of(request)
    action = await feedback.action(request.match_info["action"])
    sessions = {s.session.id: s.session for s in await workspace.store.session_summaries()}
    return page(
        request,
        "action.html.j2",
        action=action,
        label=feedback.label(action.theme_id),
        sessions=[sessions[s] for s in action.session_ids if s in sessions],
        current=feedback.card(action, action.latest),
        decisions=DECISIONS,
        names=dict(DECISIONS),
        step=step or Step(),
        preview=card,
        done=done,
        zone=workspace.zone,
        connected=workspace.chat is not None,
    )


def _step(form: Form) -> Step:
    return Step(
        taken_to=str(form.get("taken_to", "")),
        decision=str(form.get("decision", "")),
        because=str(form.get("because", "")),
        follow_up=str(form.get("follow_up", "")).strip(),
    )


async def preview(request: web.Request) -> web.StreamResponse:
    """The card as the group would see it; nothing is saved or posted."""
    feedback = _feedback(request)
    viewer = access.viewer(request)
    action = await feedback.action(request.match_info["action"])
    step = _step(await request.post())
    follow_up = None
    if step.follow_up:
        try:
            follow_up = date.fromisoformat(step.follow_up)
        except ValueError:
            raise InvalidRequest(
                f"follow-up '{step.follow_up}' is not a date: use YYYY-MM-DD."
            ) from None
    update = replace(
        action.latest,
        number=action.latest.number + 1,
        by=viewer.audit_name,
        taken_to=" ".join(step.taken_to.split()),
        decision=parse_decision(step.decision),
        because=" ".join(step.because.split()),
        follow_up=follow_up,
    )
    card = feedback.card(action, update)
    check_length(card, viewer.platform)
    return await action_page(request, step=step, card=card)


async def post_update(request: web.Request) -> web.StreamResponse:
    """Save the update and post its card: through the chat when the bot runs beside."""
    feedback = _feedback(request)
    viewer = access.viewer(request)
    workspace = workspace_of(request)
    step = _step(await request.post())
    chat = workspace.chat
    recorded = await feedback.update(
        request.match_info["action"],
        step,
        viewer.audit_name,
        platform=viewer.platform if chat is not None else None,
    )
    if chat is not None:
        posted = [await feedback.post_card(p, chat.outbox) for p in recorded.posts]
        done = _delivered(recorded, posted.count("posted"), posted.count("refused"))
    else:
        done = f"Saved update {recorded.update.number}. The bot posts it to the group's " + (
            "channel within a minute, if it is running."
        )
    return await action_page(request, done=done)


def _delivered(recorded: Recorded, posted: int, refused: int) -> str:
    """What was posted and what waits: a refused card is tried again by the bot; a card for
    another platform's channel is posted by the bot serving it."""
    done = f"Saved update {recorded.update.number} and posted it to {_channels(posted)}."
    if refused:
        done += (
            f" {_channels(refused).capitalize()} could not take it yet: the bot tries again, "
            "and tells staff if it still can't."
        )
    taken = len(recorded.posts) - posted - refused  # the bot's job runner got there first
    if taken:
        done += f" {_channels(taken).capitalize()} will get it from the bot in a moment."
    return done + waiting_note(recorded.elsewhere)


def _channels(count: int) -> str:
    return f"{count} channel" + ("s" if count != 1 else "")
