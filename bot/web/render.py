"""Pages from the Jinja2 templates in ``templates/`` (autoescaped: answer text is inert),
and the security headers every response carries."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Mapping
from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup, escape

from bot.web.access import VIEWER

# The workspace's own pages: styles from its one stylesheet, no script at all.
PAGE_POLICY = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: Mapping[str, str] = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # A sign-in link's token never leaves for another site in a Referer; same-origin keeps the
    # Origin header on our own forms (no-referrer makes it "null").
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages hold young people's words
    "Cross-Origin-Opener-Policy": "same-origin",
}
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def chat_text(text: str) -> Markup:
    """A card as the chat shows it: escaped, with its **bold** parts bold."""
    return Markup(_BOLD.sub(r"<strong>\1</strong>", str(escape(text))))


@functools.cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["chat_text"] = chat_text
    return environment


def page(request: web.Request, template: str, *, code: int = 200, **values: Any) -> web.Response:
    """A page, with the viewer (if signed in) and the navigation they may use."""
    html = (
        _environment()
        .get_template(template)
        .render(viewer=request.get(VIEWER), path=request.path, **values)
    )
    return web.Response(text=html, status=code, content_type="text/html", charset="utf-8")


def own_page(html: str) -> web.Response:
    """A self-contained HTML file made by the digest or the report (inline styles, no
    script), shown as it is: its styles are allowed by their hashes, nothing else is."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _STYLE.findall(html)
    )
    response = web.Response(text=html, content_type="text/html", charset="utf-8")
    styles = hashes or "'none'"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {styles}; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return response


def download(content: bytes, name: str, mime_type: str) -> web.Response:
    response = web.Response(body=content)
    response.headers["Content-Type"] = mime_type
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
