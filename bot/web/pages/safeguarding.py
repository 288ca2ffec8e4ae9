"""The safeguarding lead's page: held answers with their words, the alerts, and the lead's
three decisions, made through the existing desk and engine exactly as in the chat.

Release and keep out go through the engine as /release and /keep-out would, so a released
answer is posted to its group (anonymously) and a kept-out one is taken out of the chat.
Who wrote an answer needs a reason (audited) and is sent to the lead privately in the chat,
never shown on a page: no page carries a young person's platform id. All three need the
running bot (``consultbot run`` with CONSULTBOT_WEB_PORT); served alone, the page says so
and changes nothing."""

from __future__ import annotations

from aiohttp import web

from bot.core.errors import InvalidRequest, NotFound
from bot.core.events import Command, CommandInvoked, Role
from bot.core.outbound import PrivateNotice, is_private_to
from bot.core.records import AnswerStatus
from bot.safeguarding.desk import MIN_REASON_CHARS
from bot.web import access
from bot.web.render import page
from bot.web.workspace import ChatLink, Workspace, workspace_of

WHO = "the safeguarding lead"
CHANNEL = "workspace"  # not a chat channel: replies to the lead are shown on the page
ALERTS_SHOWN = 50
NOT_CONNECTED = (
    "The workspace is running on its own, without the bot, so it can't reach the chat. "
    "Nothing has changed. Use /{command} in the chat, or ask whoever runs consultbot to "
    "serve the workspace with `consultbot run` (CONSULTBOT_WEB_PORT)."
)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/safeguarding", desk_page)
    router.add_post("/safeguarding/answers/{answer}/release", release)
    router.add_post("/safeguarding/answers/{answer}/keep-out", keep_out)
    router.add_post("/safeguarding/answers/{answer}/who-wrote", who_wrote)


async def desk_page(request: web.Request, *, done: str = "") -> web.StreamResponse:
    access.require(request, Role.SAFEGUARDING_LEAD, who=WHO)
    workspace = workspace_of(request)
    held = []
    for summary in await workspace.store.session_summaries():
        if summary.session.purged:
            continue
        for answer in await workspace.store.answers_with_status(
            summary.session.id, AnswerStatus.HELD
        ):
            held.append({"answer": answer, "session": summary.session})
    return page(
        request,
        "safeguarding.html.j2",
        held=held,
        alerts=await workspace.store.recent_alerts(ALERTS_SHOWN),
        zone=workspace.zone,
        connected=workspace.chat is not None,
        min_reason=MIN_REASON_CHARS,
        done=done,
    )


def _chat(workspace: Workspace, command: Command) -> ChatLink:
    if workspace.chat is None:
        raise InvalidRequest(NOT_CONNECTED.format(command=command.value))
    return workspace.chat


async def _as_in_chat(request: web.Request, command: Command) -> str:
    """Run the lead's command through the engine; send what is for the chat; return the
    reply meant for the lead, to show on the page."""
    lead = access.require(request, Role.SAFEGUARDING_LEAD, who=WHO)
    workspace = workspace_of(request)
    chat = _chat(workspace, command)
    answer_id = request.match_info["answer"]
    answer = await workspace.store.answer(answer_id)
    if answer is None:
        raise NotFound(f"There's no answer '{answer_id}'. Nothing has changed.")
    if command is Command.RELEASE and answer.status is not AnswerStatus.HELD:
        raise InvalidRequest(f"Answer {answer_id} isn't held, so there's nothing to release.")
    event = CommandInvoked(
        person=lead.person, channel_id=CHANNEL, command=command, options={"answer": answer_id}
    )
    messages = await chat.handler.handle(event)
    mine = [m for m in messages if is_private_to(m, lead.person)]
    others = [m for m in messages if not is_private_to(m, lead.person)]
    await chat.handler.send_all(others, chat.outbox, actor=lead.person, channel_id=CHANNEL)
    return " ".join(m.text for m in mine if isinstance(m, PrivateNotice))


async def release(request: web.Request) -> web.StreamResponse:
    return await desk_page(request, done=await _as_in_chat(request, Command.RELEASE))


async def keep_out(request: web.Request) -> web.StreamResponse:
    return await desk_page(request, done=await _as_in_chat(request, Command.KEEP_OUT))


async def who_wrote(request: web.Request) -> web.StreamResponse:
    lead = access.require(request, Role.SAFEGUARDING_LEAD, who=WHO)
    workspace = workspace_of(request)
    chat = _chat(workspace, Command.WHO_WROTE)
    form = await request.post()
    reason = str(form.get("reason", ""))
    answer_id = request.match_info["answer"]
    found = await workspace.desk.who_wrote(answer_id, reason, lead.person)
    await chat.outbox.send(PrivateNotice(channel_id=CHANNEL, recipient=lead.person, text=found))
    done = f"Who wrote answer {answer_id} has been sent to you privately in the chat."
    return await desk_page(request, done=done)
