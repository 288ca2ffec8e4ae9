"""Reads a JSON digest back into the model: how a digest outlives the retention purge
(a snapshot of the anonymised digest is kept; the raw answers are deleted)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.digest.json_export import FORMAT_NAME, FORMAT_VERSION
from bot.digest.model import Digest, DigestAnswer, DigestQuestion, ReactionCount, ThemeSummary


def digest_from_json(text: str) -> Digest:
    data = json.loads(text)
    if data.get("format") != FORMAT_NAME or data.get("version") != FORMAT_VERSION:
        raise ValueError("not a consultbot digest this version can read")
    closed = data.get("closed_at")
    return Digest(
        session_id=data["session_id"],
        question_set_id=data["question_set_id"],
        question_set_title=data["question_set_title"],
        started_at=datetime.fromisoformat(data["started_at"]),
        closed_at=datetime.fromisoformat(closed) if closed else None,
        participant_count=int(data["participant_count"]),
        answer_count=int(data["answer_count"]),
        questions=tuple(
            DigestQuestion(
                number=int(q["number"]),
                text=q["text"],
                answers=tuple(_answer(a) for a in q["answers"]),
            )
            for q in data["questions"]
        ),
        themes=tuple(
            ThemeSummary(
                theme_id=t["theme_id"],
                label=t["label"],
                answer_count=int(t["answer_count"]),
                participant_count=int(t["participant_count"]),
                quotes=tuple(_answer(a) for a in t["quotes"]),
            )
            for t in data["themes"]
        ),
    )


def _answer(data: dict[str, Any]) -> DigestAnswer:
    return DigestAnswer(
        answer_id=data["answer_id"],
        question_number=int(data["question_number"]),
        alias=data["alias"],
        text=data["text"],
        themes=tuple(data["themes"]),
        reactions=tuple(
            ReactionCount(emoji=r["emoji"], label=r["label"], count=int(r["count"]))
            for r in data["reactions"]
        ),
        quotable=bool(data.get("quotable", True)),
    )
