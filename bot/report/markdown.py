"""The report in Markdown: the text a facilitator pastes into a document or an email. Text
from answers and notes has its Markdown marks escaped."""

from __future__ import annotations

from bot.digest.actions import SECTION_TITLE, action_line
from bot.digest.markdown import escape_inline
from bot.report.figures import (
    NOTES_MARK,
    cell,
    feedback_sections,
    one_line,
    only_workshop,
    percent,
    sources_line,
    workshop_heading,
)
from bot.report.model import SIZE_FAIR_RULE, Report, Source


def render_markdown(report: Report) -> str:
    lines = [f"# Report: {escape_inline(report.title)}", ""]
    lines += [
        f"{len(report.workshops)} workshops, {report.people} young people "
        f"({sources_line(report)}).",
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
        f"- {escape_inline(t.label)} ({escape_inline(only_workshop(report, t))})"
        for t in report.from_one
    ]
    lines += [] if report.from_one else ["- none"]
    lines += ["", "## In their words", ""]
    for t in report.themes:
        if not (t.quotes or t.notes):
            continue
        lines += [f"### {escape_inline(t.label)}", ""]
        for q in t.quotes:
            lines.append(f"> {escape_inline(one_line(q.text))}")
            lines.append(f"> — {escape_inline(q.workshop)}, {q.agreement} of {q.present} agreed")
            lines.append("")
        for n in t.notes:
            lines.append(
                f"- *Note ({NOTES_MARK}, {escape_inline(n.workshop)}):* "
                f"{escape_inline(one_line(n.text))}"
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
    for heading, section in feedback_sections(report):
        lines += [f"## {heading}", ""]
        lines += [f"- {escape_inline(line)}" for line in section] + [""]
    lines += ["## How to read the numbers", "", SIZE_FAIR_RULE, ""]
    if report.codebook_version:
        lines.append(f"Themes from codebook {escape_inline(report.codebook_version)}.")
    return "\n".join(lines) + "\n"
