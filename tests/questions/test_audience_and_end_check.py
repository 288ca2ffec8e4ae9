"""A question set's ``audience`` (who will hear it) and ``end_check`` (the four anonymous
questions at the end): read, defaulted, and refused with the file and the key when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_PROMPTS_DIR
from bot.core.errors import DataFileError
from bot.questions.loader import load_question_set, load_question_sets

VALID = """
schema_version = 1
id = "mini"
title = "Mini"
intro = "Hello"
[[questions]]
text = "How are you?"
"""


def _with(tmp_path: Path, top: str) -> Path:
    path = tmp_path / "mini.toml"
    path.write_text(VALID.replace('intro = "Hello"', f'intro = "Hello"\n{top}'), encoding="utf-8")
    return path


def test_a_set_names_who_will_hear_it_and_has_the_end_check_unless_it_says_not(
    tmp_path: Path,
) -> None:
    named = load_question_set(_with(tmp_path, 'audience = "Corporate Parenting Board, 12 March"'))
    assert named.audience == "Corporate Parenting Board, 12 March"
    assert named.end_check  # on by default
    off = load_question_set(_with(tmp_path, "end_check = false"))
    assert off.audience is None and not off.end_check


def test_the_shipped_consultations_name_their_audience_and_the_check_in_has_no_end_check() -> None:
    sets = load_question_sets(DEFAULT_PROMPTS_DIR)
    assert sets["case-for-change"].audience
    assert sets["good-enough-care"].audience
    assert sets["case-for-change"].end_check and sets["good-enough-care"].end_check
    assert not sets["check-in"].end_check


@pytest.mark.parametrize(
    ("top", "field", "problem"),
    [
        ('audience = ""', "audience", "empty"),
        ("audience = 3", "audience", "must be text"),
        (f'audience = "{"x" * 121}"', "audience", "limit is 120"),
        ('audience = """two\nlines"""', "audience", "one line"),
        ('end_check = "yes"', "end_check", "true or false"),
    ],
)
def test_a_bad_audience_or_end_check_names_the_file_and_the_key(
    tmp_path: Path, top: str, field: str, problem: str
) -> None:
    path = _with(tmp_path, top)
    with pytest.raises(DataFileError) as caught:
        load_question_set(path)
    assert (caught.value.path, caught.value.field) == (str(path), field)
    assert problem in caught.value.problem
