"""The one entry point for turning a digest into a file: pick a format, get bytes and a name."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType

from bot.digest.csv_export import render_csv
from bot.digest.html import html_bytes
from bot.digest.json_export import json_bytes
from bot.digest.markdown import markdown_bytes
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

_RENDERERS: Mapping[DigestFormat, Callable[[Digest], bytes]] = MappingProxyType(
    {
        DigestFormat.MD: markdown_bytes,
        DigestFormat.HTML: html_bytes,
        DigestFormat.CSV: render_csv,
        DigestFormat.JSON: json_bytes,
        DigestFormat.DOCX: lambda digest: _render_docx(digest),
    }
)


def _render_docx(digest: Digest) -> bytes:
    # python-docx (and lxml) only when a Word file is asked for: 15 MiB a bot need not hold
    from bot.digest.docx_export import render_docx

    return render_docx(digest)


_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def render(digest: Digest, fmt: DigestFormat) -> bytes:
    """The digest as the bytes of a file in ``fmt``."""
    return _RENDERERS[fmt](digest)


def file_name(digest: Digest, fmt: DigestFormat) -> str:
    """A safe file name such as ``digest-<session_id>.md``."""
    session = _UNSAFE_IN_NAME.sub("-", digest.session_id).strip("-") or "session"
    return f"digest-{session}.{fmt.value}"
