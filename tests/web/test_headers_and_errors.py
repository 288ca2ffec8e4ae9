"""Every workspace response carries the security headers, redirects and error pages too; a
store or chat outage, or anything unexpected, is a kind page, never aiohttp's bare one.
The failing pages are real routes added to the real app, raising the real errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.core.errors import DeliveryFailed, StorageError
from bot.core.events import Role
from bot.web.app import CHAT_DOWN, STORE_DOWN, WENT_WRONG, make_app
from tests.web.conftest import STAFF_ID, Client, Site

FAILURES: dict[str, Exception] = {
    "/store-down": StorageError("database is locked"),
    "/chat-down": DeliveryFailed("the direct message could not be sent"),
    "/went-wrong": RuntimeError("unexpected"),
}


def _assert_secured(response: ClientResponse) -> None:
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"


@pytest.fixture
async def failing(site: Site) -> AsyncIterator[Client]:
    app = make_app(site.workspace)
    for path, error in FAILURES.items():

        async def fail(request: web.Request, error: Exception = error) -> web.StreamResponse:
            raise error

        app.router.add_get(path, fail)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def test_a_redirect_carries_the_security_headers(site: Site, failing: Client) -> None:
    link = await site.link(STAFF_ID, Role.STAFF)
    path = link[link.index("/sign-in/") :]
    pressed = await failing.post(path, allow_redirects=False)
    assert pressed.status == 303
    _assert_secured(pressed)


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/store-down", 503, STORE_DOWN),
        ("/chat-down", 502, CHAT_DOWN),
        ("/went-wrong", 500, WENT_WRONG),
    ],
)
async def test_an_outage_or_a_bug_is_a_kind_page_with_the_headers(
    failing: Client, path: str, status: int, message: str
) -> None:
    shown = await failing.get(path)
    text = await shown.text()
    assert shown.status == status
    assert message.replace("'", "&#39;") in text or message in text
    assert "Internal Server Error" not in text and "unexpected" not in text
    _assert_secured(shown)
