"""The JSON digest: a faithful structured dump of the model for other tools, and the snapshot
kept after the retention purge. ``actions`` ("you said, we did") lists where each theme
stands (status, who it was taken to, why, follow-up date).

Field names are the model's own. ``text`` is empty when an answer is not quotable (its
``quotable`` is false; it still counts). ``agreement`` is the number of distinct people, not
the writer, who pressed an agree button; ``participant_count`` is everyone present (answered
or reacted). Datetimes are ISO 8601; ``time_zone`` says where the session was run. The top
level says what the file is and which version of this layout it follows (2: agreement by
meaning, session facts, labels), so readers can refuse what they do not understand.
``audience`` (who will hear it, or null) and ``end_check`` (the end-of-session check's counts
per face, or null when the session had none) were added to version 2; readers that don't know
them can ignore them.

The file is written as it is made (``json_writer``): each answer's fields are made, written
and dropped in turn, so a 50,000-answer digest is never held as one structure or one string.
"""

from __future__ import annotations

import io
from typing import Any

from bot.digest.feedback_words import end_check_data
from bot.digest.json_writer import write_json
from bot.digest.model import Digest, DigestAnswer, DigestQuestion, ThemeAction, ThemeSummary

FORMAT_NAME = "consultbot-digest"
FORMAT_VERSION = 2


def render_json(digest: Digest) -> str:
    """The whole digest as a JSON document (UTF-8 text, not ASCII-escaped)."""
    return json_bytes(digest).decode("utf-8")


def json_bytes(digest: Digest) -> bytes:
    """The whole digest as the bytes of a JSON file (UTF-8): ``json.dumps(…, indent=2,
    ensure_ascii=False)`` of ``digest_data`` with its answers listed, and a final newline."""
    out = io.BytesIO()
    write_json(digest_data(digest), out)
    out.write(b"\n")
    return out.getvalue()


def digest_data(digest: Digest) -> dict[str, Any]:
    """The digest as JSON-ready data, except that each question's answers are an iterator
    (``json_writer`` makes each answer's dict only as it writes it)."""
    facts = digest.facts
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "session_id": digest.session_id,
        "label": digest.label,
        "question_set_id": digest.question_set_id,
        "question_set_title": digest.question_set_title,
        "started_at": digest.started_at.isoformat(),
        "closed_at": digest.closed_at.isoformat() if digest.closed_at else None,
        "time_zone": digest.time_zone,
        "codebook_version": digest.codebook_version,
        "participant_count": digest.participant_count,
        "answer_count": digest.answer_count,
        "facts": {
            "answered": facts.answered,
            "only_reacted": facts.only_reacted,
            "with_lead": facts.with_lead,
            "not_quotable": facts.not_quotable,
            "untagged": facts.untagged,
        },
        "questions": [_question(question) for question in digest.questions],
        "themes": [_theme(theme) for theme in digest.themes],
        "audience": digest.audience,
        "end_check": end_check_data(digest.end_check),
        "actions": [action_data(a) for a in digest.actions],
    }


def action_data(action: ThemeAction) -> dict[str, Any]:
    return {
        "action_id": action.action_id,
        "theme_id": action.theme_id,
        "label": action.label,
        "status": action.status,
        "taken_to": action.taken_to,
        "because": action.because,
        "follow_up": action.follow_up.isoformat() if action.follow_up else None,
        "updated_at": action.updated_at.isoformat(),
        "updates": action.updates,
    }


def _question(question: DigestQuestion) -> dict[str, Any]:
    return {
        "number": question.number,
        "text": question.text,
        "answered_by": question.answered_by,
        "skipped": question.skipped,
        "untagged": question.untagged,
        "top_themes": [
            {"theme_id": t.theme_id, "label": t.label, "people": t.people}
            for t in question.top_themes
        ],
        "highlight": question.highlight,
        "answers": map(_answer, question.answers),
    }


def _answer(answer: DigestAnswer) -> dict[str, Any]:
    return {
        "answer_id": answer.answer_id,
        "question_number": answer.question_number,
        "alias": answer.alias,
        "text": answer.text if answer.quotable else "",
        "quotable": answer.quotable,
        "themes": list(answer.themes),
        "reactions": [
            {"emoji": r.emoji, "label": r.label, "kind": r.kind.value, "count": r.count}
            for r in answer.reactions
        ],
        "agreement": answer.agreement,
        "differ": answer.differ,
        "consensus": answer.consensus.value,
    }


def _theme(theme: ThemeSummary) -> dict[str, Any]:
    return {
        "theme_id": theme.theme_id,
        "label": theme.label,
        "answer_count": theme.answer_count,
        "raised_by": theme.raised_by,
        "agreed_by": theme.agreed_by,
        "agreement_total": theme.agreement_total,
        "not_quotable": theme.not_quotable,
        "broad": theme.broad,
        "divided": theme.divided,
        "quotes": [_answer(quote) for quote in theme.quotes],
    }
