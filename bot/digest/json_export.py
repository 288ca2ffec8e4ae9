"""The JSON digest: a faithful structured dump of the model for other tools.

Field names are the model's own; each answer also carries its ``agreement`` (the model's total
of its reactions). Datetimes are ISO 8601. The top level says what the file is and which version
of this layout it follows, so readers can refuse what they do not understand.
"""

from __future__ import annotations

import json
from typing import Any

from bot.digest.model import Digest, DigestAnswer, ThemeSummary

FORMAT_NAME = "consultbot-digest"
FORMAT_VERSION = 1


def render_json(digest: Digest) -> str:
    """The whole digest as a JSON document (UTF-8 text, not ASCII-escaped)."""
    return json.dumps(digest_to_data(digest), ensure_ascii=False, indent=2) + "\n"


def digest_to_data(digest: Digest) -> dict[str, Any]:
    """The digest as plain JSON-ready data."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "session_id": digest.session_id,
        "question_set_id": digest.question_set_id,
        "question_set_title": digest.question_set_title,
        "started_at": digest.started_at.isoformat(),
        "closed_at": digest.closed_at.isoformat() if digest.closed_at else None,
        "participant_count": digest.participant_count,
        "answer_count": digest.answer_count,
        "questions": [
            {
                "number": question.number,
                "text": question.text,
                "answers": [_answer(answer) for answer in question.answers],
            }
            for question in digest.questions
        ],
        "themes": [_theme(theme) for theme in digest.themes],
    }


def _answer(answer: DigestAnswer) -> dict[str, Any]:
    return {
        "answer_id": answer.answer_id,
        "question_number": answer.question_number,
        "alias": answer.alias,
        "text": answer.text,
        "themes": list(answer.themes),
        "reactions": [
            {"emoji": r.emoji, "label": r.label, "count": r.count} for r in answer.reactions
        ],
        "agreement": answer.agreement,
        "quotable": answer.quotable,
    }


def _theme(theme: ThemeSummary) -> dict[str, Any]:
    return {
        "theme_id": theme.theme_id,
        "label": theme.label,
        "answer_count": theme.answer_count,
        "participant_count": theme.participant_count,
        "quotes": [_answer(quote) for quote in theme.quotes],
    }
