"""Who is looking: the signed-in person, their roles rechecked on every request, and the
checks each page and form makes (a role, and the form's CSRF token)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.core.events import Person, Role, audit_name
from bot.signin.links import form_token

COOKIE = "consultbot_workspace"
READERS = frozenset({Role.FACILITATOR, Role.STAFF})


@dataclass(frozen=True, slots=True, kw_only=True)
class Viewer:
    platform: str
    user_id: str
    roles: frozenset[Role]
    cookie_token: str
    session_hash: str

    @property
    def person(self) -> Person:
        return Person(platform=self.platform, user_id=self.user_id, roles=self.roles)

    @property
    def audit_name(self) -> str:
        return audit_name(self.person)

    @property
    def csrf(self) -> str:
        return form_token(self.cookie_token)

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_lead(self) -> bool:
        return Role.SAFEGUARDING_LEAD in self.roles

    @property
    def is_staff(self) -> bool:
        return Role.STAFF in self.roles

    @property
    def reads_sessions(self) -> bool:
        return bool(self.roles & READERS)


VIEWER = web.RequestKey("viewer", Viewer)


class NotSignedIn(Exception):
    """No browser session (or it ended): the page asks them to sign in from the chat."""


class Forbidden(Exception):
    """Signed in, but their role does not open this page; nothing was changed."""

    def __init__(self, who: str) -> None:
        super().__init__(who)
        self.who = who


def viewer(request: web.Request) -> Viewer:
    found = request.get(VIEWER)
    if not isinstance(found, Viewer):
        raise NotSignedIn()
    return found


def require(request: web.Request, *roles: Role, who: str) -> Viewer:
    """The viewer, if they hold one of ``roles``; ``Forbidden`` (saying ``who`` may) if not."""
    person = viewer(request)
    if not person.has(*roles):
        raise Forbidden(who)
    return person
