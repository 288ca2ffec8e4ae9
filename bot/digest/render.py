"""The one entry point for turning a digest into a file: pick a format, get bytes and a name.

Each format's renderer is imported when a file in it is first made, not when the bot starts:
a running bot makes digests at the end of sessions, and may never make some formats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType

from bot.digest.model import Digest


class DigestFormat(StrEnum):
    MD = "md"
    HTML = "html"
    CSV = "csv"
    JSON = "json"
    DOCX = "docx"


TEXT_FORMATS = frozenset({DigestFormat.MD, DigestFormat.HTML, DigestFormat.CSV, DigestFormat.JSON})

MIME_TYPES: Mapping[DigestFormat, str] = MappingProxyType(
    {
        DigestFormat.MD: "text/markdown; charset=utf-8",
        DigestFormat.HTML: "text/html; charset=utf-8",
        DigestFormat.CSV: "text/csv; charset=utf-8",
        DigestFormat.JSON: "application/json",
        DigestFormat.DOCX: (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        ),
    }
)


def _render_markdown(digest: Digest) -> bytes:
    from bot.digest.markdown import markdown_bytes

    return markdown_bytes(digest)


def _render_html(digest: Digest) -> bytes:
    from bot.digest.html import html_bytes

    return html_bytes(digest)


def _render_csv(digest: Digest) -> bytes:
    from bot.digest.csv_export import render_csv

    return render_csv(digest)


def _render_json(digest: Digest) -> bytes:
    from bot.digest.json_export import json_bytes

    return json_bytes(digest)


def _render_docx(digest: Digest) -> bytes:
    # python-docx (and lxml) only when a Word file is asked for: 15 MiB a bot need not hold
    from bot.digest.docx_export import render_docx

    return render_docx(digest)


_RENDERERS: Mapping[DigestFormat, Callable[[Digest], bytes]] = MappingProxyType(
    {
        DigestFormat.MD: _render_markdown,
        DigestFormat.HTML: _render_html,
        DigestFormat.CSV: _render_csv,
        DigestFormat.JSON: _render_json,
        DigestFormat.DOCX: _render_docx,
    }
)


_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def render(digest: Digest, fmt: DigestFormat) -> bytes:
    """The digest as the bytes of a file in ``fmt``."""
    return _RENDERERS[fmt](digest)


def file_name(digest: Digest, fmt: DigestFormat) -> str:
    """A safe file name such as ``digest-<session_id>.md``."""
    session = _UNSAFE_IN_NAME.sub("-", digest.session_id).strip("-") or "session"
    return f"digest-{session}.{fmt.value}"
