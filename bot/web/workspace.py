"""What the workspace's pages use, built once by the composition root (``bot.app``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core.events import Person
from bot.core.ports import EventHandler, Outbox
from bot.core.records import AuditEntry
from bot.core.store import AnswerStore, AuditStore, SessionStore, WorkspaceStore
from bot.digest.delivery import Digests
from bot.feedback.service import Feedback
from bot.report.notes import Tag
from bot.report.service import Reports
from bot.signin.grants import RoleGrants
from bot.signin.links import SignIn
from bot.web.made_reports import MadeReports

MAX_FORM_BYTES = 2 * 1024 * 1024  # a notes file fits; anything bigger is refused


class WebStore(SessionStore, AnswerStore, AuditStore, WorkspaceStore, Protocol):
    """What the pages read directly: sessions, answers (held ones for the lead), the audit
    log, and sign-in state."""


class LeadDesk(Protocol):
    """The safeguarding desk's look at who wrote an answer (with a reason; audited)."""

    async def who_wrote(self, answer_id: str, reason: str, lead: Person) -> str: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatLink:
    """The running bot, when the workspace is served by ``consultbot run``: the safeguarding
    lead's decisions go through the engine (as /release would) and reach the chat."""

    handler: EventHandler
    outbox: Outbox


@dataclass(slots=True, kw_only=True)
class Workspace:
    store: WebStore
    signin: SignIn
    grants: RoleGrants
    digests: Digests
    reports: Reports
    desk: LeadDesk
    feedback: Feedback
    clock: Callable[[], datetime]
    zone: ZoneInfo
    secure_cookies: bool = False
    chat: ChatLink | None = None
    tag_notes: Tag | None = None  # tags notes rows that come without themes
    # What each browser session last asked a report of (by its token's hash), rebuilt to view
    # and download.
    reports_made: MadeReports = field(default_factory=MadeReports)

    async def audit(self, who: str, action: str, subject: str = "", detail: str = "") -> None:
        entry = AuditEntry(
            at=self.clock(), actor=who, action=action, subject=subject, detail=detail
        )
        await self.store.audit(entry)


WORKSPACE = web.AppKey("workspace", Workspace)


def workspace_of(request: web.Request) -> Workspace:
    return request.app[WORKSPACE]
