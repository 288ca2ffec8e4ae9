"""The JSON digest is a faithful dump of the model, and nothing more."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime
from typing import Any

from bot.digest.json_export import render_json
from bot.digest.model import (
    Digest,
    DigestAnswer,
    DigestQuestion,
    ReactionCount,
    ThemeSummary,
)

from .sample import all_answers


def fields(cls: type[Any]) -> set[str]:
    return {field.name for field in dataclasses.fields(cls)}


def answer_from(data: dict[str, Any]) -> DigestAnswer:
    return DigestAnswer(
        answer_id=data["answer_id"],
        question_number=data["question_number"],
        alias=data["alias"],
        text=data["text"],
        themes=tuple(data["themes"]),
        reactions=tuple(ReactionCount(**r) for r in data["reactions"]),
    )


def digest_from(data: dict[str, Any]) -> Digest:
    closed = data["closed_at"]
    return Digest(
        session_id=data["session_id"],
        question_set_id=data["question_set_id"],
        question_set_title=data["question_set_title"],
        started_at=datetime.fromisoformat(data["started_at"]),
        closed_at=datetime.fromisoformat(closed) if closed else None,
        participant_count=data["participant_count"],
        answer_count=data["answer_count"],
        questions=tuple(
            DigestQuestion(
                number=q["number"],
                text=q["text"],
                answers=tuple(answer_from(a) for a in q["answers"]),
            )
            for q in data["questions"]
        ),
        themes=tuple(
            ThemeSummary(
                theme_id=t["theme_id"],
                label=t["label"],
                answer_count=t["answer_count"],
                participant_count=t["participant_count"],
                quotes=tuple(answer_from(a) for a in t["quotes"]),
            )
            for t in data["themes"]
        ),
    )


def test_round_trips_to_an_equal_digest(digest: Digest) -> None:
    assert digest_from(json.loads(render_json(digest))) == digest


def test_round_trips_an_open_session(digest: Digest) -> None:
    still_open = dataclasses.replace(digest, closed_at=None)
    data = json.loads(render_json(still_open))
    assert data["closed_at"] is None
    assert digest_from(data) == still_open


def test_says_what_it_is_and_uses_iso_dates(digest: Digest) -> None:
    data = json.loads(render_json(digest))
    assert data["format"] == "consultbot-digest"
    assert data["version"] == 1
    assert data["started_at"] == "2025-03-04T18:05:00+00:00"
    assert data["closed_at"] == "2025-03-04T19:35:00+00:00"


def test_has_only_the_models_fields(digest: Digest) -> None:
    data = json.loads(render_json(digest))
    assert set(data) == fields(Digest) | {"format", "version"}
    answers = [a for q in data["questions"] for a in q["answers"]]
    answers += [a for t in data["themes"] for a in t["quotes"]]
    for answer in answers:
        assert set(answer) == fields(DigestAnswer) | {"agreement"}
        for reaction in answer["reactions"]:
            assert set(reaction) == fields(ReactionCount)
    for question in data["questions"]:
        assert set(question) == fields(DigestQuestion)
    for theme in data["themes"]:
        assert set(theme) == fields(ThemeSummary)


def test_agreement_matches_the_model(digest: Digest) -> None:
    data = json.loads(render_json(digest))
    dumped = [a["agreement"] for q in data["questions"] for a in q["answers"]]
    assert dumped == [a.agreement for a in all_answers(digest)]


def test_text_is_not_ascii_escaped_and_only_session_times_appear(digest: Digest) -> None:
    text = render_json(digest)
    assert "أريد أن يسمعني أحد" in text
    assert "😭🙌" in text
    assert text.startswith('{\n  "format": "consultbot-digest",\n  "version": 1,')
    assert len(re.findall(r"\d{4}-\d\d-\d\dT", text)) == 2
