"""The demo answers file is well formed: enough answers for every case-for-change question."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

DEMO_ANSWERS = Path(__file__).resolve().parents[2] / "prompts" / "demo-answers.toml"
QUESTIONS = range(1, 7)


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    with DEMO_ANSWERS.open("rb") as file:
        return tomllib.load(file)


def test_top_level_keys_are_known(data: dict[str, Any]) -> None:
    assert set(data) == {"schema_version", "question_set", "answers"}
    assert data["schema_version"] == 1
    assert data["question_set"] == "case-for-change"


def test_every_answer_has_only_known_keys_and_sensible_text(data: dict[str, Any]) -> None:
    for index, answer in enumerate(data["answers"]):
        where = f"{DEMO_ANSWERS.name}: answers[{index}]"
        assert set(answer) == {"question", "text"}, where
        assert type(answer["question"]) is int, where
        assert answer["question"] in QUESTIONS, where
        assert isinstance(answer["text"], str), where
        assert answer["text"].strip(), where
        assert len(answer["text"]) <= 2000, where


def test_every_question_has_at_least_25_distinct_answers(data: dict[str, Any]) -> None:
    counts = Counter(answer["question"] for answer in data["answers"])
    assert {number: counts[number] >= 25 for number in QUESTIONS} == dict.fromkeys(QUESTIONS, True)
    texts = [answer["text"] for answer in data["answers"]]
    assert len(texts) == len(set(texts))
