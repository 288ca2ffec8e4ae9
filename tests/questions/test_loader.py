"""Question sets and notices: every shipped file loads; malformed ones name file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_PROMPTS_DIR
from bot.core.errors import DataFileError, NotFound
from bot.questions.loader import load_question_set, load_question_sets, pick_question_set
from bot.sessions.notices import load_notices

CASE_FOR_CHANGE = [
    "What was your initial response?",
    "Is this an accurate representation of you?",
    "What resonates with you?",
    "What makes you feel angry or annoyed?",
    "What is missing?",
    "What would you like to see next?",
]


def test_every_shipped_question_set_loads() -> None:
    sets = load_question_sets(DEFAULT_PROMPTS_DIR)
    assert set(sets) == {"case-for-change", "good-enough-care", "check-in"}
    assert [q.text for q in sets["case-for-change"].questions] == CASE_FOR_CHANGE
    good = sets["good-enough-care"]
    assert good.questions[0].text.startswith("If we were creating care today")
    assert 4 <= len(good.questions) <= 5
    for question_set in sets.values():
        for question in question_set.questions:
            assert question.palette, question.text


def test_shipped_notices_load() -> None:
    notices = load_notices(DEFAULT_PROMPTS_DIR)
    assert "{alias}" in notices.answer_received


VALID = """
schema_version = 1
id = "mini"
title = "Mini"
intro = "Hello"
[[questions]]
text = "How are you?"
"""


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        (VALID.replace("schema_version = 1", "schema_version = 2"), "schema_version", "must be 1"),
        (VALID.replace('title = "Mini"', ""), "title", "missing"),
        (VALID.replace('id = "mini"', 'id = "other"'), "id", "file is named"),
        ("colour = 'red'\n" + VALID, "colour", "not a known key"),
        (VALID.replace('text = "How are you?"', 'text = ""'), "questions[1].text", "empty"),
        (VALID + "[[questions]]\ntxt = 'typo'\n", "questions[2].txt", "not a known key"),
        (
            VALID + "palette = [{ emoji = '👍' }]\n",
            "questions[1].palette[1].label",
            "missing",
        ),
        (VALID + "palette = []\n", "questions[1].palette", "1 to 5"),
        (VALID.replace('"How are you?"', '"' + "x" * 301 + '"'), "questions[1].text", "limit"),
        ("schema_version = 1\nid = [", "(syntax)", ""),
    ],
)
def test_malformed_question_set_names_file_field_and_problem(
    tmp_path: Path, body: str, field: str, problem: str
) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_question_set(path)
    assert caught.value.path == str(path)
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(path) in str(caught.value)


def test_one_bad_file_stops_the_whole_folder_from_loading(tmp_path: Path) -> None:
    folder = tmp_path / "question-sets"
    folder.mkdir()
    (folder / "mini.toml").write_text(VALID, encoding="utf-8")
    (folder / "broken.toml").write_text(VALID, encoding="utf-8")  # id does not match name
    with pytest.raises(DataFileError, match=r"broken\.toml: id"):
        load_question_sets(tmp_path)


def test_unknown_set_id_lists_what_exists() -> None:
    sets = load_question_sets(DEFAULT_PROMPTS_DIR)
    with pytest.raises(NotFound, match="case-for-change, check-in, good-enough-care"):
        pick_question_set(sets, "nope")


def test_notice_with_unknown_placeholder_is_rejected(tmp_path: Path) -> None:
    text = (DEFAULT_PROMPTS_DIR / "notices.toml").read_text(encoding="utf-8")
    (tmp_path / "notices.toml").write_text(
        text.replace("as **{alias}**", "as **{name}**"), encoding="utf-8"
    )
    with pytest.raises(DataFileError, match="answer_received: uses unknown placeholders"):
        load_notices(tmp_path)
