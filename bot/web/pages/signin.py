"""Home, signing in with a link from the chat, and signing out.

Opening a link shows a "Sign in" button and changes nothing: a chat app that looks at links
in advance can't use it up. Pressing the button uses the link once and sets the cookie
(HttpOnly, SameSite=Strict, Secure behind TLS, 8 hours)."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from bot.core.errors import NotAllowed
from bot.signin.links import SESSION_LIFETIME, SIGN_IN_PATH
from bot.web import access
from bot.web.render import page
from bot.web.workspace import workspace_of


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/", home)
    router.add_get(SIGN_IN_PATH + "{token}", sign_in_page)
    router.add_post(SIGN_IN_PATH + "{token}", sign_in)
    router.add_post("/sign-out", sign_out)


async def home(request: web.Request) -> web.StreamResponse:
    access.viewer(request)
    return page(request, "home.html.j2")


async def sign_in_page(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    await workspace_of(request).signin.check_link(token)
    return page(request, "sign_in.html.j2", action=SIGN_IN_PATH + token)


async def sign_in(request: web.Request) -> web.StreamResponse:
    workspace = workspace_of(request)
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        # The button is on our own page: another site's form can't sign a browser in.
        raise NotAllowed("Please open the link from the chat and press Sign in there.")
    signed_in = await workspace.signin.open_link(request.match_info["token"])
    response = web.Response(status=303, headers={"Location": "/"})
    response.set_cookie(
        access.COOKIE,
        signed_in.cookie_token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="Strict",
        secure=workspace.secure_cookies,
    )
    return response


async def sign_out(request: web.Request) -> web.StreamResponse:
    person = access.viewer(request)
    workspace = workspace_of(request)
    await workspace.signin.sign_out(person.cookie_token)
    workspace.reports_made.pop(person.session_hash, None)
    request.pop(access.VIEWER, None)
    response = page(request, "signed_out.html.j2", signed_out=True)
    response.del_cookie(access.COOKIE, path="/")
    return response
