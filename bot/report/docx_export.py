"""The report as a Word document; characters Word cannot hold are taken out of text from
answers and notes."""

from __future__ import annotations

import io

from docx import Document

from bot.digest.actions import SECTION_TITLE, action_line
from bot.digest.docx_writer import clean
from bot.report.figures import (
    NOTES_MARK,
    cell,
    feedback_sections,
    only_workshop,
    percent,
    sources_line,
    workshop_heading,
)
from bot.report.model import SIZE_FAIR_RULE, Report


def render_docx(report: Report) -> bytes:
    document = Document()
    document.core_properties.title = clean(f"Report: {report.title}")
    document.add_heading(clean(f"Report: {report.title}"), level=0)
    n = len(report.workshops)
    document.add_paragraph(f"{n} workshops, {report.people} young people ({sources_line(report)}).")
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
        document.add_paragraph(clean(f"{t.label} ({only_workshop(report, t)})"))
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
    for heading, section in feedback_sections(report):
        document.add_heading(heading, level=1)
        for line in section:
            document.add_paragraph(clean(line))
    document.add_heading("How to read the numbers", level=1)
    document.add_paragraph(SIZE_FAIR_RULE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
