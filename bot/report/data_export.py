"""The report as data: CSV (one row per theme, for a spreadsheet; formulas defused) and
JSON (everything, for other tools).

As in the digest's CSV, two columns come last only when some workshop has them: ``audience``
(who will hear each workshop, "label: audience | …") and ``end-check`` (the end-of-session
check added up, in the report's words, " | " between lines); each row repeats them."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.digest.actions import status_cell
from bot.digest.csv_export import AUDIENCE, END_CHECK, defuse
from bot.digest.json_export import action_data
from bot.report.feedback import (
    audience_lines,
    end_check_report_lines,
    feedback_data,
    has_end_check,
)
from bot.report.figures import cell, workshop_heading
from bot.report.model import SIZE_FAIR_RULE, Quote, Report


def render_csv(report: Report) -> bytes:
    """One header row and one row per theme; a byte-order mark once, for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    heads = [workshop_heading(report, i) for i in range(len(report.workshops))]
    feedback = _feedback_columns(report)
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
            *feedback,
        ]
    )
    cells = [defuse(" | ".join(lines)) for lines in feedback.values()]
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
                *cells,
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _feedback_columns(report: Report) -> dict[str, list[str]]:
    """The audience and end-check columns the report has, with their lines."""
    columns = {}
    if any(w.audience for w in report.workshops):
        columns[AUDIENCE] = audience_lines(report)
    if has_end_check(report):
        columns[END_CHECK] = end_check_report_lines(report)
    return columns


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
