"""The aiohttp application: routes, and the middlewares every request passes through.

Security headers on every response, redirects and error pages too, set as it is prepared (a
strict Content-Security-Policy, no framing, nothing cached). Then, in order: kind pages for
every refusal and error (nothing changed; a store or chat outage, or anything unexpected,
a kind page too, never aiohttp's bare one); who is signed in (the
cookie's browser session, its roles narrowed to what the settings still give, so a role
taken away ends access at the next click); and the CSRF check on every POST (the form's
token must match the browser session's). Forms bigger than ``MAX_FORM_BYTES`` are refused.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bot.core.errors import (
    DataFileError,
    DeliveryFailed,
    NotAllowed,
    NotFound,
    StorageError,
    UserFacingError,
)
from bot.core.events import Role
from bot.digest.theme_edits import ThemeEditsRefused
from bot.signin.links import SIGN_IN_PATH, SignInRefused, same_form_token, token_hash
from bot.web import access
from bot.web.pages import audit, feedback, reports, safeguarding, sessions, signin, tags
from bot.web.render import PAGE_POLICY, SECURITY_HEADERS, page
from bot.web.workspace import MAX_FORM_BYTES, WORKSPACE, Workspace, workspace_of

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CHAT_DOWN = (
    "The message couldn't be sent through the chat just now, so it may not have arrived. "
    "Please try again in a few minutes."
)
STORE_DOWN = "The workspace couldn't reach its records just now. Please try again in a few minutes."
WENT_WRONG = (
    "Something went wrong on our side. Please go back and try again, and tell the team who "
    "runs the workspace if it keeps happening."
)


def make_app(workspace: Workspace) -> web.Application:
    app = web.Application(
        client_max_size=MAX_FORM_BYTES,
        middlewares=[_kind_errors, _signed_in, _csrf],
    )
    app.on_response_prepare.append(_security_headers)
    app[WORKSPACE] = workspace
    app.router.add_static("/static/", STATIC, append_version=False)
    signin.add_routes(app.router)
    sessions.add_routes(app.router)
    tags.add_routes(app.router)
    reports.add_routes(app.router)
    safeguarding.add_routes(app.router)
    audit.add_routes(app.router)
    feedback.add_routes(app.router)
    return app


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Every response, however it ends (a page, a redirect, an error aiohttp makes itself)."""
    response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


@web.middleware
async def _kind_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except access.NotSignedIn:
        return page(request, "signed_out.html.j2", code=401)
    except access.Forbidden as refused:
        return page(request, "refused.html.j2", code=403, who=refused.who)
    except SignInRefused as refused:
        return page(request, "link_problem.html.j2", code=400, problem=refused.problem.value)
    except ThemeEditsRefused as exc:
        message = "Nothing has changed, because:"
        return page(request, "problem.html.j2", code=400, message=message, problems=exc.problems)
    except NotAllowed as exc:
        return page(request, "problem.html.j2", code=403, message=str(exc))
    except NotFound as exc:
        return page(request, "problem.html.j2", code=404, message=str(exc))
    except (UserFacingError, DataFileError) as exc:
        return page(request, "problem.html.j2", code=400, message=str(exc))
    except web.HTTPRequestEntityTooLarge:
        message = "That form or file is too big (2 MB at most). Nothing has changed."
        return page(request, "problem.html.j2", code=413, message=message)
    except web.HTTPNotFound:
        message = "There's no page at this address. Nothing has changed."
        return page(request, "problem.html.j2", code=404, message=message)
    except web.HTTPMethodNotAllowed:
        message = "That page can't be used that way. Nothing has changed."
        return page(request, "problem.html.j2", code=405, message=message)
    except web.HTTPException:
        raise  # redirects, and aiohttp's own answers
    except DeliveryFailed as exc:
        log.warning("workspace %s %s: the chat failed (%s)", request.method, request.path, exc)
        return page(request, "problem.html.j2", code=502, message=CHAT_DOWN)
    except StorageError as exc:
        log.warning("workspace %s %s: the store failed (%s)", request.method, request.path, exc)
        return page(request, "problem.html.j2", code=503, message=STORE_DOWN)
    except Exception as exc:  # anything else: a kind page, and the kind of error in the log
        name = type(exc).__name__
        log.error("workspace %s %s failed: %s", request.method, request.path, name)
        return page(request, "problem.html.j2", code=500, message=WENT_WRONG)


@web.middleware
async def _signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    cookie = request.cookies.get(access.COOKIE, "")
    workspace = workspace_of(request)
    session = await workspace.signin.session_for(cookie)
    if session is not None:
        granted = frozenset(Role(r) for r in session.roles if r in set(Role))
        roles = workspace.grants.current(session.platform, session.user_id, granted)
        if roles:
            request[access.VIEWER] = access.Viewer(
                platform=session.platform,
                user_id=session.user_id,
                roles=roles,
                cookie_token=cookie,
                session_hash=token_hash(cookie),
            )
        else:  # every role was taken away in the settings: this browser session ends
            await workspace.signin.sign_out(cookie)
    return await handler(request)


@web.middleware
async def _csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method == "POST" and not request.path.startswith(SIGN_IN_PATH):
        person = access.viewer(request)
        form = await request.post()
        given = form.get("csrf")
        if not isinstance(given, str) or not same_form_token(person.cookie_token, given):
            message = (
                "This form had expired or did not come from the workspace, so nothing has "
                "changed. Please go back, reload the page and try again."
            )
            return page(request, "problem.html.j2", code=403, message=message)
    return await handler(request)
