"""The report in every digest format: Markdown, HTML, CSV, JSON and Word.

Every format says the same things in the same order: the workshops (chat sessions, then
notes from in-person workshops, clearly marked), the themes ranked by the size-fair rule
with a column per workshop, which themes came from most workshops and which from one,
quotes (young people's own words, from chat only) kept apart from notes, the questions per
question set, "you said, we did" (where each theme's action stands, when there are any),
and the rule itself. Text from answers and notes is escaped for each format
(Markdown marks, HTML, spreadsheet formulas, characters Word cannot hold).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from docx import Document

from bot.digest.actions import SECTION_TITLE, action_line, status_cell
from bot.digest.csv_export import defuse
from bot.digest.docx_export import clean
from bot.digest.json_export import action_data
from bot.digest.markdown import escape_inline
from bot.digest.render import MIME_TYPES, DigestFormat
from bot.report.feedback import (
    AUDIENCE_HEADING,
    END_CHECK_HEADING,
    audience_lines,
    end_check_report_lines,
    feedback_data,
)
from bot.report.model import SIZE_FAIR_RULE, Quote, Report, ReportTheme, Source

ReportFormat = DigestFormat
REPORT_MIME_TYPES = MIME_TYPES
NOTES_MARK = "notes from an in-person workshop"
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def cell(theme: ReportTheme, index: int, report: Report) -> str:
    """One workshop's figure for a theme: ``3/10 (30%)``, or ``-`` where it was not raised."""
    reach = theme.reach[index]
    if not reach:
        return "-"
    return f"{reach}/{report.workshops[index].people} ({percent(theme.shares[index])})"


def workshop_heading(report: Report, index: int) -> str:
    w = report.workshops[index]
    return f"{w.label} (notes)" if w.source is Source.NOTES else w.label


def render_report(report: Report, fmt: DigestFormat) -> bytes:
    return _RENDERERS[fmt](report)


def report_file_name(report: Report, fmt: DigestFormat) -> str:
    stem = _UNSAFE_IN_NAME.sub("-", report.title.lower()).strip("-")[:60] or "workshops"
    return f"report-{stem}.{fmt.value}"


# -- Markdown ------------------------------------------------------------------------------


def render_markdown(report: Report) -> str:
    lines = [f"# Report: {escape_inline(report.title)}", ""]
    lines += [
        f"{len(report.workshops)} workshops, {report.people} young people ({_sources(report)}).",
        "",
        "## Workshops",
        "",
        "| workshop | source | people | answers or notes |",
        "| --- | --- | ---: | ---: |",
    ]
    for w in report.workshops:
        source = NOTES_MARK if w.source is Source.NOTES else "chat session " + w.key
        lines.append(f"| {escape_inline(w.label)} | {source} | {w.people} | {w.answers} |")
    heads = " | ".join(
        escape_inline(workshop_heading(report, i)) for i in range(len(report.workshops))
    )
    lines += [
        "",
        "## Themes across the workshops",
        "",
        "Ranked by the size-fair score (see the end). People: raised or agreed with it.",
        "",
        f"| theme | workshops | score | people | {heads} |",
        "| --- | ---: | ---: | ---: |" + " ---: |" * len(report.workshops),
    ]
    for t in report.themes:
        cells = " | ".join(cell(t, i, report) for i in range(len(report.workshops)))
        lines.append(
            f"| {escape_inline(t.label)} | {t.workshops} of {len(report.workshops)} | "
            f"{percent(t.score)} | {t.people} | {cells} |"
        )
    lines += ["", "## Raised in most workshops", ""]
    lines += [f"- {escape_inline(t.label)} ({t.workshops} workshops)" for t in report.in_most]
    lines += [] if report.in_most else ["- none raised in more than half"]
    lines += ["", "## Raised in one workshop only", ""]
    lines += [
        f"- {escape_inline(t.label)} ({escape_inline(_only(report, t))})" for t in report.from_one
    ]
    lines += [] if report.from_one else ["- none"]
    lines += ["", "## In their words", ""]
    for t in report.themes:
        if not (t.quotes or t.notes):
            continue
        lines += [f"### {escape_inline(t.label)}", ""]
        for q in t.quotes:
            lines.append(f"> {escape_inline(_one_line(q.text))}")
            lines.append(f"> — {escape_inline(q.workshop)}, {q.agreement} of {q.present} agreed")
            lines.append("")
        for n in t.notes:
            lines.append(
                f"- *Note ({NOTES_MARK}, {escape_inline(n.workshop)}):* "
                f"{escape_inline(_one_line(n.text))}"
            )
        lines.append("")
    lines += ["## Questions, by question set", ""]
    for qs in report.question_sets:
        lines += [
            f"### {escape_inline(qs.title)} ({escape_inline(qs.id)})",
            "",
            "Workshops: " + ", ".join(escape_inline(w) for w in qs.workshops),
            "",
        ]
        for question in qs.questions:
            tops = ", ".join(escape_inline(t) for t in question.top_themes) or "no themes yet"
            lines.append(
                f"{question.number}. {escape_inline(question.text)} — "
                f"{question.answered_by} answered; {tops}"
            )
        lines.append("")
    if report.actions:
        lines += [f"## {SECTION_TITLE}", ""]
        lines += [f"- {escape_inline(action_line(a))}" for a in report.actions] + [""]
    lines += [f"## {AUDIENCE_HEADING}", ""]
    lines += [f"- {escape_inline(line)}" for line in audience_lines(report)]
    lines += ["", f"## {END_CHECK_HEADING}", ""]
    lines += [f"- {escape_inline(line)}" for line in end_check_report_lines(report)]
    lines += ["", "## How to read the numbers", "", SIZE_FAIR_RULE, ""]
    if report.codebook_version:
        lines.append(f"Themes from codebook {escape_inline(report.codebook_version)}.")
    return "\n".join(lines) + "\n"


# -- CSV -----------------------------------------------------------------------------------


def render_csv(report: Report) -> bytes:
    """One header row and one row per theme; a byte-order mark once, for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    heads = [workshop_heading(report, i) for i in range(len(report.workshops))]
    writer.writerow(
        [
            "theme_id",
            "theme",
            "workshops",
            "workshops_total",
            "size_fair_score",
            "people",
            "from_notes",
            *(defuse(h) for h in heads),
            *(["you_said_we_did"] if report.actions else []),
        ]
    )
    for t in report.themes:
        writer.writerow(
            [
                t.theme_id,
                defuse(t.label),
                t.workshops,
                len(report.workshops),
                f"{t.score:.4f}",
                t.people,
                t.from_notes,
                *(cell(t, i, report) for i in range(len(report.workshops))),
                *([defuse(status_cell([t.theme_id], report.actions))] if report.actions else []),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- JSON ----------------------------------------------------------------------------------


def as_data(report: Report) -> dict[str, Any]:
    def quote(q: Quote) -> dict[str, Any]:
        return {"text": q.text, "workshop": q.workshop, "agreed": q.agreement, "present": q.present}

    return {
        "report": report.title,
        "rule": SIZE_FAIR_RULE,
        "codebook_version": report.codebook_version,
        "workshops": [
            {
                "key": w.key,
                "label": w.label,
                "source": w.source.value,
                "people": w.people,
                "answers": w.answers,
                "question_set": w.question_set_id or None,
                "started_at": w.started_at.isoformat() if w.started_at else None,
            }
            for w in report.workshops
        ],
        "themes": [
            {
                "id": t.theme_id,
                "label": t.label,
                "workshops": t.workshops,
                "score": round(t.score, 6),
                "people": t.people,
                "from_notes": t.from_notes,
                "by_workshop": {
                    w.label: {"people": r, "share": round(s, 6)}
                    for w, r, s in zip(report.workshops, t.reach, t.shares, strict=True)
                },
                "quotes": [quote(q) for q in t.quotes],
                "notes": [quote(n) for n in t.notes],
            }
            for t in report.themes
        ],
        "raised_in_most": [t.theme_id for t in report.in_most],
        "raised_in_one": [t.theme_id for t in report.from_one],
        "question_sets": [
            {
                "id": qs.id,
                "title": qs.title,
                "workshops": list(qs.workshops),
                "questions": [
                    {
                        "number": q.number,
                        "text": q.text,
                        "answered_by": q.answered_by,
                        "top_themes": list(q.top_themes),
                    }
                    for q in qs.questions
                ],
            }
            for qs in report.question_sets
        ],
        "actions": [action_data(a) for a in report.actions],
        **feedback_data(report),
    }


def render_json(report: Report) -> str:
    return json.dumps(as_data(report), ensure_ascii=False, indent=2) + "\n"


# -- HTML ----------------------------------------------------------------------------------


def render_html(report: Report) -> str:
    e = html.escape
    n = len(report.workshops)
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Report: {e(report.title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem}"
        ".note{color:#555;font-style:italic}</style></head><body>",
        f"<h1>Report: {e(report.title)}</h1>",
        f"<p>{n} workshops, {report.people} young people ({e(_sources(report))}).</p>",
        "<h2>Workshops</h2><table><tr><th>workshop</th><th>source</th><th>people</th>"
        "<th>answers or notes</th></tr>",
    ]
    for w in report.workshops:
        source = NOTES_MARK if w.source is Source.NOTES else "chat session " + w.key
        parts.append(
            f"<tr><td>{e(w.label)}</td><td>{e(source)}</td><td>{w.people}</td>"
            f"<td>{w.answers}</td></tr>"
        )
    parts.append(
        "</table><h2>Themes across the workshops</h2><table><tr><th>theme</th>"
        "<th>workshops</th><th>score</th><th>people</th>"
    )
    parts += [f"<th>{e(workshop_heading(report, i))}</th>" for i in range(n)]
    parts.append("</tr>")
    for t in report.themes:
        parts.append(
            f"<tr><td>{e(t.label)}</td><td>{t.workshops} of {n}</td>"
            f"<td>{percent(t.score)}</td><td>{t.people}</td>"
            + "".join(f"<td>{e(cell(t, i, report))}</td>" for i in range(n))
            + "</tr>"
        )
    parts.append("</table><h2>Raised in most workshops</h2><ul>")
    parts += [f"<li>{e(t.label)} ({t.workshops} workshops)</li>" for t in report.in_most]
    parts.append("</ul><h2>Raised in one workshop only</h2><ul>")
    parts += [f"<li>{e(t.label)} ({e(_only(report, t))})</li>" for t in report.from_one]
    parts.append("</ul><h2>In their words</h2>")
    for t in report.themes:
        if not (t.quotes or t.notes):
            continue
        parts.append(f"<h3>{e(t.label)}</h3>")
        for q in t.quotes:
            parts.append(
                f"<blockquote>{e(q.text)}<br><small>{e(q.workshop)}, {q.agreement} of "
                f"{q.present} agreed</small></blockquote>"
            )
        for note in t.notes:
            parts.append(
                f'<p class="note">Note ({NOTES_MARK}, {e(note.workshop)}): {e(note.text)}</p>'
            )
    parts.append("<h2>Questions, by question set</h2>")
    for qs in report.question_sets:
        parts.append(f"<h3>{e(qs.title)} ({e(qs.id)})</h3><ol>")
        for question in qs.questions:
            tops = ", ".join(question.top_themes) or "no themes yet"
            parts.append(
                f"<li>{e(question.text)} — {question.answered_by} answered; {e(tops)}</li>"
            )
        parts.append("</ol>")
    if report.actions:
        items = "".join(f"<li>{e(action_line(a))}</li>" for a in report.actions)
        parts.append(f"<h2>{SECTION_TITLE}</h2><ul>{items}</ul>")
    for heading, lines in _feedback(report):
        parts.append(f"<h2>{e(heading)}</h2><ul>")
        parts += [f"<li>{e(line)}</li>" for line in lines]
        parts.append("</ul>")
    parts.append(f"<h2>How to read the numbers</h2><p>{e(SIZE_FAIR_RULE)}</p></body></html>")
    return "\n".join(parts) + "\n"


# -- Word ----------------------------------------------------------------------------------


def render_docx(report: Report) -> bytes:
    document = Document()
    document.core_properties.title = clean(f"Report: {report.title}")
    document.add_heading(clean(f"Report: {report.title}"), level=0)
    n = len(report.workshops)
    document.add_paragraph(f"{n} workshops, {report.people} young people ({_sources(report)}).")
    document.add_heading("Themes across the workshops", level=1)
    table = document.add_table(rows=1, cols=4 + n)
    heads = ["theme", "workshops", "score", "people"] + [
        clean(workshop_heading(report, i)) for i in range(n)
    ]
    for c, head in zip(table.rows[0].cells, heads, strict=True):
        c.text = head
    for t in report.themes:
        row = table.add_row().cells
        values = [clean(t.label), f"{t.workshops} of {n}", percent(t.score), str(t.people)]
        values += [cell(t, i, report) for i in range(n)]
        for c, value in zip(row, values, strict=True):
            c.text = value
    document.add_heading("Raised in most workshops", level=1)
    for t in report.in_most:
        document.add_paragraph(clean(f"{t.label} ({t.workshops} workshops)"))
    document.add_heading("Raised in one workshop only", level=1)
    for t in report.from_one:
        document.add_paragraph(clean(f"{t.label} ({_only(report, t)})"))
    document.add_heading("In their words", level=1)
    for t in report.themes:
        if not (t.quotes or t.notes):
            continue
        document.add_heading(clean(t.label), level=2)
        for q in t.quotes:
            document.add_paragraph(clean(q.text))
            document.add_paragraph(f"{clean(q.workshop)}, {q.agreement} of {q.present} agreed")
        for note in t.notes:
            document.add_paragraph(clean(f"Note ({NOTES_MARK}, {note.workshop}): {note.text}"))
    document.add_heading("Questions, by question set", level=1)
    for qs in report.question_sets:
        document.add_heading(clean(f"{qs.title} ({qs.id})"), level=2)
        for question in qs.questions:
            tops = ", ".join(question.top_themes) or "no themes yet"
            document.add_paragraph(
                clean(
                    f"{question.number}. {question.text} — {question.answered_by} answered; {tops}"
                )
            )
    if report.actions:
        document.add_heading(SECTION_TITLE, level=1)
        for action in report.actions:
            document.add_paragraph(clean(action_line(action)))
    for heading, lines in _feedback(report):
        document.add_heading(heading, level=1)
        for line in lines:
            document.add_paragraph(clean(line))
    document.add_heading("How to read the numbers", level=1)
    document.add_paragraph(SIZE_FAIR_RULE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_RENDERERS: Mapping[DigestFormat, Callable[[Report], bytes]] = MappingProxyType(
    {
        DigestFormat.MD: lambda r: render_markdown(r).encode("utf-8"),
        DigestFormat.HTML: lambda r: render_html(r).encode("utf-8"),
        DigestFormat.CSV: render_csv,
        DigestFormat.JSON: lambda r: render_json(r).encode("utf-8"),
        DigestFormat.DOCX: render_docx,
    }
)


def _sources(report: Report) -> str:
    chat = sum(w.source is Source.CHAT for w in report.workshops)
    notes = len(report.workshops) - chat
    text = f"{chat} chat session{'s' if chat != 1 else ''}"
    if notes:
        text += f", {notes} in-person workshop{'s' if notes != 1 else ''} from notes"
    return text


def _only(report: Report, theme: ReportTheme) -> str:
    index = next(i for i, r in enumerate(theme.reach) if r)
    return workshop_heading(report, index)


def _feedback(report: Report) -> list[tuple[str, list[str]]]:
    return [
        (AUDIENCE_HEADING, audience_lines(report)),
        (END_CHECK_HEADING, end_check_report_lines(report)),
    ]


def _one_line(text: str) -> str:
    return " ".join(text.split())
