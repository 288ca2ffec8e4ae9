"""Fixtures for the workspace tests: a runtime on a temp SQLite file with two ended sessions
(one answer held for the safeguarding lead), the workspace over it with the local adapter as
its chat, a fake clock, and an aiohttp test client (no browser)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.local.adapter import LocalChannel
from bot.app import Runtime, open_runtime, workspace_for
from bot.config import Settings
from bot.core.events import Command, Person, Role
from bot.core.outbound import QuestionPost
from bot.core.records import AnswerStatus
from bot.web.app import make_app
from bot.web.workspace import ChatLink, Workspace

DISCLOSURE = "my dad hits me and i'm scared to go home"
YOUNG_PEOPLE = ("yp-1001", "yp-1002", "yp-1003", "yp-1004")
STAFF_ID, FACILITATOR_ID, LEAD_ID = "staff-7", "facil-8", "lead-9"
LEEDS_ANSWERS = (
    "I want my social worker to listen to me and answer my calls",
    "More time with my brother and sister",
    "Something else entirely, pizza",
)
HULL_ANSWERS = (
    "School should understand when I move home",
    "I'd like more say in my plans",
    "Stop moving me so often",
)


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 12, 3, 10, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Site:
    runtime: Runtime
    workspace: Workspace
    channel: LocalChannel
    clock: Clock
    leeds: str
    hull: str
    held_answer: str

    def person(self, user_id: str, *roles: Role) -> Person:
        return Person(platform="local", user_id=user_id, roles=frozenset(roles))

    async def link(self, user_id: str, *roles: Role) -> str:
        return await self.runtime.engine.signin.make_link(self.person(user_id, *roles))


async def _session(channel: LocalChannel, label: str, answers: tuple[str, ...]) -> str:
    facilitator = channel.person(FACILITATOR_ID, Role.FACILITATOR)
    await channel.command(
        facilitator, Command.START_SESSION, **{"question-set": "check-in", "label": label}
    )
    question = channel.outbox.of_type(QuestionPost)[-1]
    for user, text in zip(YOUNG_PEOPLE, answers, strict=False):
        await channel.answer(channel.person(user), question, text, quote_ok=True)
    return question.session_id


async def _end(channel: LocalChannel) -> None:
    await channel.command(channel.person(FACILITATOR_ID, Role.FACILITATOR), Command.END_SESSION)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def site(settings: Settings, clock: Clock) -> AsyncIterator[Site]:
    async with open_runtime(settings, clock=clock) as runtime:
        channel = LocalChannel(runtime.engine)
        leeds = await _session(channel, "Leeds, 3 Dec", LEEDS_ANSWERS)
        question = channel.outbox.of_type(QuestionPost)[-1]
        await channel.answer(channel.person(YOUNG_PEOPLE[3]), question, DISCLOSURE)
        (held,) = await runtime.store.answers_with_status(leeds, AnswerStatus.HELD)
        await _end(channel)
        hull = await _session(channel, "Hull, 4 Dec", HULL_ANSWERS)
        await _end(channel)
        chat = ChatLink(handler=runtime.engine, outbox=channel.outbox)
        workspace = workspace_for(runtime, settings, env={}, chat=chat, clock=clock)
        yield Site(
            runtime=runtime,
            workspace=workspace,
            channel=channel,
            clock=clock,
            leeds=leeds,
            hull=hull,
            held_answer=held.id,
        )


@pytest.fixture
async def client(site: Site) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async with TestClient(TestServer(make_app(site.workspace))) as test_client:
        yield test_client


Client = TestClient[web.Request, web.Application]
_CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


async def sign_in(client: Client, link: str) -> str:
    """Open ``link`` and press "Sign in"; return a CSRF token from the home page."""
    path = link[link.index("/sign-in/") :]
    opened = await client.get(path)
    assert opened.status == 200, await opened.text()
    pressed = await client.post(path, allow_redirects=True)
    home = await pressed.text()
    assert pressed.status == 200 and "Welcome to the workspace" in home, home
    return csrf_of(home)


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def env_with(**values: str) -> Mapping[str, str]:
    return dict(values)
