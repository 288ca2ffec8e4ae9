"""The report in every digest format: Markdown, HTML, CSV, JSON and Word (one module each:
``markdown``, ``html``, ``data_export``, ``docx_export``; shared wording in ``figures``).

Every format says the same things in the same order: the workshops (chat sessions, then
notes from in-person workshops, clearly marked), the themes ranked by the size-fair rule
with a column per workshop, which themes came from most workshops and which from one,
quotes (young people's own words, from chat only) kept apart from notes, the questions per
question set, "you said, we did" (where each theme's action stands, when there are any),
and the rule itself. Text from answers and notes is escaped for each format
(Markdown marks, HTML, spreadsheet formulas, characters Word cannot hold).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from bot.digest.render import MIME_TYPES, DigestFormat
from bot.report.model import Report

ReportFormat = DigestFormat
REPORT_MIME_TYPES = MIME_TYPES
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def render_report(report: Report, fmt: DigestFormat) -> bytes:
    return _RENDERERS[fmt](report)


def report_file_name(report: Report, fmt: DigestFormat) -> str:
    stem = _UNSAFE_IN_NAME.sub("-", report.title.lower()).strip("-")[:60] or "workshops"
    return f"report-{stem}.{fmt.value}"


def render_docx(report: Report) -> bytes:
    # python-docx (and lxml) only when a Word file is asked for: 15 MiB a bot need not hold
    from bot.report.docx_export import render_docx as render

    return render(report)


# Like the digest's, each renderer is imported when a report in its format is first made.
def _render_markdown(report: Report) -> bytes:
    from bot.report.markdown import render_markdown

    return render_markdown(report).encode("utf-8")


def _render_html(report: Report) -> bytes:
    from bot.report.html import render_html

    return render_html(report).encode("utf-8")


def _render_csv(report: Report) -> bytes:
    from bot.report.data_export import render_csv

    return render_csv(report)


def _render_json(report: Report) -> bytes:
    from bot.report.data_export import render_json

    return render_json(report).encode("utf-8")


_RENDERERS: Mapping[DigestFormat, Callable[[Report], bytes]] = MappingProxyType(
    {
        DigestFormat.MD: _render_markdown,
        DigestFormat.HTML: _render_html,
        DigestFormat.CSV: _render_csv,
        DigestFormat.JSON: _render_json,
        DigestFormat.DOCX: render_docx,
    }
)
