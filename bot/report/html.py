"""The report as one plain, self-contained HTML page; text from answers and notes is
escaped."""

from __future__ import annotations

import html

from bot.digest.actions import SECTION_TITLE, action_line
from bot.report.figures import (
    NOTES_MARK,
    cell,
    feedback_sections,
    only_workshop,
    percent,
    sources_line,
    workshop_heading,
)
from bot.report.model import SIZE_FAIR_RULE, Report, Source


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
        f"<p>{n} workshops, {report.people} young people ({e(sources_line(report))}).</p>",
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
    parts += [f"<li>{e(t.label)} ({e(only_workshop(report, t))})</li>" for t in report.from_one]
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
    for heading, section in feedback_sections(report):
        parts.append(f"<h2>{e(heading)}</h2><ul>")
        parts += [f"<li>{e(line)}</li>" for line in section]
        parts.append("</ul>")
    parts.append(f"<h2>How to read the numbers</h2><p>{e(SIZE_FAIR_RULE)}</p></body></html>")
    return "\n".join(parts) + "\n"
