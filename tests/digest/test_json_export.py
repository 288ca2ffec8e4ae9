"""The JSON digest is a faithful dump of the model, reads back exactly, and an old (version 1)
snapshot kept after the retention purge still reads."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from bot.digest.json_export import render_json
from bot.digest.json_import import digest_from_json
from bot.digest.model import (
    Digest,
    DigestAnswer,
    DigestQuestion,
    ReactionCount,
    SessionFacts,
    ThemeSummary,
)
from bot.questions.model import ReactionKind

from .sample import all_answers


def fields(cls: type[Any]) -> set[str]:
    return {field.name for field in dataclasses.fields(cls)}


def test_round_trips_to_an_equal_digest(digest: Digest) -> None:
    assert digest_from_json(render_json(digest)) == digest


def test_round_trips_an_open_session(digest: Digest) -> None:
    still_open = dataclasses.replace(digest, closed_at=None, label="Policy group")
    data = json.loads(render_json(still_open))
    assert data["closed_at"] is None and data["label"] == "Policy group"
    assert digest_from_json(render_json(still_open)) == still_open


def test_says_what_it_is_and_uses_iso_dates(digest: Digest) -> None:
    data = json.loads(render_json(digest))
    assert data["format"] == "consultbot-digest"
    assert data["version"] == 2
    assert data["started_at"] == "2025-03-04T18:05:00+00:00"
    assert data["closed_at"] == "2025-03-04T19:35:00+00:00"
    assert data["time_zone"] == "Europe/London"


def test_has_only_the_models_fields(digest: Digest) -> None:
    data = json.loads(render_json(digest))
    assert set(data) == fields(Digest) | {"format", "version"}
    assert set(data["facts"]) == fields(SessionFacts)
    answers = [a for q in data["questions"] for a in q["answers"]]
    answers += [a for t in data["themes"] for a in t["quotes"]]
    for answer in answers:
        assert set(answer) == fields(DigestAnswer)
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


def test_an_answer_that_may_not_be_quoted_has_no_text(digest: Digest) -> None:
    first, *rest = digest.questions
    hidden = dataclasses.replace(first.answers[0], quotable=False, text="")
    question = dataclasses.replace(first, answers=(hidden, *first.answers[1:]))
    data = json.loads(render_json(dataclasses.replace(digest, questions=(question, *rest))))
    dumped = data["questions"][0]["answers"][0]
    assert (dumped["text"], dumped["quotable"], dumped["agreement"]) == ("", False, 4)


def test_text_is_not_ascii_escaped_and_only_session_times_appear(digest: Digest) -> None:
    text = render_json(digest)
    assert "أريد أن يسمعني أحد" in text
    assert "😭🙌" in text
    assert text.startswith('{\n  "format": "consultbot-digest",\n  "version": 2,')
    assert len(re.findall(r"\d{4}-\d\d-\d\dT", text)) == 2


def test_a_version_1_snapshot_still_reads() -> None:
    placeholder = "(Not shown: this young person didn't agree to their exact words being quoted.)"
    old = {
        "format": "consultbot-digest",
        "version": 1,
        "session_id": "old1",
        "question_set_id": "case-for-change",
        "question_set_title": "Case for Change",
        "started_at": "2025-01-07T18:00:00+00:00",
        "closed_at": "2025-01-07T19:00:00+00:00",
        "participant_count": 2,
        "answer_count": 2,
        "questions": [
            {
                "number": 2,
                "text": "Is this an accurate representation of you?",
                "answers": [
                    {
                        "answer_id": "a1",
                        "question_number": 2,
                        "alias": "Calm Otter",
                        "text": "Partly.",
                        "themes": ["words"],
                        "reactions": [
                            {"emoji": "👍", "label": "me too", "count": 1},
                            {"emoji": "🤔", "label": "not sure", "count": 7},
                            {"emoji": "❤️", "label": "sending support", "count": 2},
                        ],
                        "agreement": 10,
                        "quotable": True,
                    },
                    {
                        "answer_id": "a2",
                        "question_number": 2,
                        "alias": "Bold Fox",
                        "text": placeholder,
                        "themes": [],
                        "reactions": [],
                        "agreement": 0,
                        "quotable": False,
                    },
                ],
            }
        ],
        "themes": [
            {
                "theme_id": "words",
                "label": "Words",
                "answer_count": 1,
                "participant_count": 1,
                "quotes": [],
            }
        ],
    }
    digest = digest_from_json(json.dumps(old))
    first, second = digest.questions[0].answers
    assert first.agreement == 1  # "not sure" and "sending support" are not agreement
    assert [r.kind for r in first.reactions] == [
        ReactionKind.AGREE,
        ReactionKind.UNSURE,
        ReactionKind.SUPPORT,
    ]
    assert second.text == "" and not second.quotable
    assert digest.themes[0].raised_by == 1
    assert (digest.facts.not_quotable, digest.facts.untagged) == (1, 1)
