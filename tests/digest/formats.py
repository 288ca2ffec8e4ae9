"""Reading a digest file back as the words a person sees in it, whatever its format."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from typing import Any

import docx


class _Text(HTMLParser):
    _SKIP = frozenset({"style", "title", "desc", "nav"})  # nav: the jump links
    _BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "tr", "blockquote", "td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_text(data: bytes) -> str:
    """What a browser shows (no CSS, titles or chart descriptions), one block a line."""
    parser = _Text()
    parser.feed(data.decode("utf-8"))
    return "".join(parser.parts)


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style, text) of every paragraph of a Word file, read with python-docx."""
    document = docx.Document(io.BytesIO(data))
    return [(p.style.name if p.style is not None else "", p.text) for p in document.paragraphs]


def docx_text(data: bytes) -> str:
    return "\n".join(text for _, text in docx_paragraphs(data))


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def json_data(data: bytes) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(data)
    return loaded


def json_answers(data: bytes) -> dict[str, dict[str, Any]]:
    """Every answer of a JSON digest by its id."""
    return {a["answer_id"]: a for q in json_data(data)["questions"] for a in q["answers"]}


def readable(files: dict[str, bytes]) -> dict[str, str]:
    """Every format as the text a person reads in it."""
    return {
        "md": files["md"].decode("utf-8"),
        "html": html_text(files["html"]),
        "csv": files["csv"].decode("utf-8-sig"),
        "json": files["json"].decode("utf-8"),
        "docx": docx_text(files["docx"]),
    }
