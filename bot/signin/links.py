"""Single-use sign-in links and the browser sessions they start.

/workspace (facilitators, staff and the safeguarding lead; never a young person) sends a
private link holding a random token. Only the token's sha256 is stored, so a copy of the
database signs nobody in. The link works once, within ``LINK_LIFETIME``; opening it starts
a browser session whose own random token is the cookie's value (again stored as a hash),
for ``SESSION_LIFETIME``. A person can ask for at most ``LINKS_PER_WINDOW`` links in
``RATE_WINDOW``. Every link sent, sign-in and sign-out is audited (never the token).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.errors import InvalidRequest, NotAllowed
from bot.core.events import CommandInvoked, Person, Role, audit_name
from bot.core.outbound import Outbound, PrivateNotice
from bot.core.ports import AuditTrail
from bot.core.records import BrowserSession, SignInLink
from bot.core.store import WorkspaceStore

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=8)
LINKS_PER_WINDOW = 5
RATE_WINDOW = timedelta(minutes=10)
WORKSPACE_ROLES = frozenset({Role.FACILITATOR, Role.STAFF, Role.SAFEGUARDING_LEAD})
SIGN_IN_PATH = "/sign-in/"
_TOKEN_BYTES = 32
_CSRF = b"consultbot-workspace-form"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def form_token(session_token: str) -> str:
    """The CSRF token of a browser session: derived from its secret cookie token, so a page
    from another site (which cannot read the cookie) cannot make one."""
    return hmac.new(session_token.encode("utf-8"), _CSRF, hashlib.sha256).hexdigest()


def same_form_token(session_token: str, given: str) -> bool:
    return hmac.compare_digest(form_token(session_token), given)


def workspace_roles(person: Person) -> frozenset[Role]:
    return person.roles & WORKSPACE_ROLES


class LinkProblem(enum.StrEnum):
    UNKNOWN = "unknown"  # never sent, or mistyped, or changed
    EXPIRED = "expired"
    USED = "used"


class SignInRefused(Exception):
    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True, kw_only=True)
class SignedIn:
    cookie_token: str  # goes in the cookie only; the store has its hash
    session: BrowserSession


class SignIn:
    def __init__(
        self,
        *,
        store: WorkspaceStore,
        audit: AuditTrail,
        base_url: str,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._audit = audit
        self.base_url = base_url.rstrip("/")
        self._clock = clock

    async def make_link(self, person: Person) -> str:
        """A new single-use link for ``person``; ``NotAllowed`` for anyone without a
        workspace role (every young person), ``InvalidRequest`` past the rate limit."""
        roles = workspace_roles(person)
        if not roles or not person.user_id:
            raise NotAllowed("The workspace is for the team who run sessions. Nothing has changed.")
        now = self._clock()
        recent = await self._store.sign_in_links_since(
            person.platform, person.user_id, now - RATE_WINDOW
        )
        if recent >= LINKS_PER_WINDOW:
            minutes = int(RATE_WINDOW.total_seconds() // 60)
            raise InvalidRequest(
                f"You've asked for {recent} links in the last {minutes} minutes. Please use "
                "the newest one, or wait a few minutes and ask again."
            )
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        await self._store.add_sign_in_link(
            SignInLink(
                token_hash=token_hash(token),
                platform=person.platform,
                user_id=person.user_id,
                roles=tuple(sorted(roles)),
                created_at=now,
                expires_at=now + LINK_LIFETIME,
            )
        )
        await self._audit.audit(audit_name(person), "workspace-link-sent")
        return f"{self.base_url}{SIGN_IN_PATH}{token}"

    async def command(self, event: CommandInvoked) -> list[Outbound]:
        """/workspace: the link, privately to whoever asked."""
        link = await self.make_link(event.person)
        minutes = int(LINK_LIFETIME.total_seconds() // 60)
        text = (
            f"Here is your link to the workspace: {link}\n"
            f"It works once, in the next {minutes} minutes. Please don't share it."
        )
        return [PrivateNotice(channel_id=event.channel_id, recipient=event.person, text=text)]

    async def check_link(self, token: str) -> None:
        """``SignInRefused`` if the link can't be used (nothing is changed either way)."""
        link = await self._store.sign_in_link(token_hash(token))
        if link is None:
            raise SignInRefused(LinkProblem.UNKNOWN)
        if link.used_at is not None:
            raise SignInRefused(LinkProblem.USED)
        if link.expires_at <= self._clock():
            raise SignInRefused(LinkProblem.EXPIRED)

    async def open_link(self, token: str) -> SignedIn:
        """Use a link once and start a browser session; ``SignInRefused`` says why not."""
        hashed = token_hash(token)
        link = await self._store.sign_in_link(hashed)
        now = self._clock()
        if link is None:
            raise SignInRefused(LinkProblem.UNKNOWN)
        if link.used_at is not None:
            raise SignInRefused(LinkProblem.USED)
        if link.expires_at <= now:
            raise SignInRefused(LinkProblem.EXPIRED)
        if not await self._store.use_sign_in_link(hashed, now):
            raise SignInRefused(LinkProblem.USED)  # opened twice at the same moment
        cookie_token = secrets.token_urlsafe(_TOKEN_BYTES)
        session = BrowserSession(
            token_hash=token_hash(cookie_token),
            platform=link.platform,
            user_id=link.user_id,
            roles=link.roles,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
        await self._store.start_browser_session(session)
        await self._audit.audit(f"{link.platform}:{link.user_id}", "workspace-signed-in")
        return SignedIn(cookie_token=cookie_token, session=session)

    async def session_for(self, cookie_token: str) -> BrowserSession | None:
        """The browser session a cookie holds, while it lasts; ``None`` otherwise."""
        if not cookie_token:
            return None
        session = await self._store.browser_session(token_hash(cookie_token))
        if session is None or session.ended_at is not None:
            return None
        if session.expires_at <= self._clock():
            return None
        return session

    async def sign_out(self, cookie_token: str) -> None:
        session = await self.session_for(cookie_token)
        if session is None:
            return
        await self._store.end_browser_session(session.token_hash, self._clock())
        await self._audit.audit(f"{session.platform}:{session.user_id}", "workspace-signed-out")
