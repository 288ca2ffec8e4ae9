"""The CSV digest opens cleanly in Excel, loads into Talk to the City and runs no formulas."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.digest.build import end_check_result
from bot.digest.csv_export import defuse, render_csv
from bot.digest.model import Digest, ThemeAction

from .sample import all_answers

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def rows(digest: Digest) -> list[list[str]]:
    data = render_csv(digest)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def original(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def test_starts_with_a_byte_order_mark_and_the_talk_to_the_city_columns(digest: Digest) -> None:
    data = render_csv(digest)
    assert data.startswith(b"\xef\xbb\xbfcomment-id,comment-body,")
    assert rows(digest)[0] == [
        *("comment-id", "comment-body", "session", "session-label", "question-number"),
        *("question", "alias", "quotable", "themes", "theme-labels"),
        *("👍 me too", "💡 good point", "❤️ sending support"),
        *("agreement", "agreement-share", "consensus", "codebook"),
    ]


def test_one_row_per_answer_in_digest_order(digest: Digest) -> None:
    body = rows(digest)[1:]
    answers = all_answers(digest)
    assert [row[0] for row in body] == [a.answer_id for a in answers]
    assert [row[6] for row in body] == [a.alias for a in answers]
    assert [int(row[4]) for row in body] == [a.question_number for a in answers]
    assert {row[2] for row in body} == {"sess-42"}


def test_every_answer_round_trips_to_its_exact_text(digest: Digest) -> None:
    body = rows(digest)[1:]
    assert [original(row[1]) for row in body] == [a.text for a in all_answers(digest)]


@pytest.mark.parametrize("answer_id", ["a6", "a7", "a12", "a16"])
def test_cells_a_spreadsheet_would_run_are_prefixed(digest: Digest, answer_id: str) -> None:
    row = next(row for row in rows(digest)[1:] if row[0] == answer_id)
    assert row[1].startswith("'")
    assert row[1][1:].startswith(FORMULA_STARTS)


def test_no_text_cell_starts_like_a_formula(digest: Digest) -> None:
    for row in rows(digest):
        assert not [cell for cell in row if cell.startswith(FORMULA_STARTS)]


@pytest.mark.parametrize("text", ["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_defuse_prefixes_each_formula_start(text: str) -> None:
    assert defuse(text) == "'" + text


@pytest.mark.parametrize("text", ["fine", "'quoted", "a=b", "", "😀 -"])
def test_defuse_leaves_ordinary_text_alone(text: str) -> None:
    assert defuse(text) == text


def test_themes_reactions_and_agreement_are_columns(digest: Digest) -> None:
    row = next(row for row in rows(digest)[1:] if row[0] == "a6")
    assert row[5] == "Is this an accurate representation of you?"
    assert row[7:10] == [
        "yes",
        "cliff-edge;mental-health",
        "Cliff edge at 18; Mental health waiting lists",
    ]
    assert row[10:] == ["1", "1", "1", "1", "14%", "", ""]
    broad = next(row for row in rows(digest)[1:] if row[0] == "a7")
    assert broad[-4:-1] == ["4", "57%", "broad agreement"]


def test_no_timestamps_or_extra_fields(digest: Digest) -> None:
    text = render_csv(digest).decode("utf-8-sig")
    assert not re.search(r"\d{4}-\d\d-\d\d|\d\d:\d\d", text)
    assert all(len(row) == 17 for row in rows(digest))


def test_each_cell_is_under_its_column_with_actions_and_feedback_together(
    digest: Digest,
) -> None:
    action = ThemeAction(
        action_id="x1",
        theme_id="words",
        label="Words adults use",
        status="taken to the Board",
        taken_to="the Board",
        because="",
        follow_up=None,
        updated_at=datetime(2025, 5, 1, 9, tzinfo=UTC),
        updates=1,
    )
    full = replace(digest, actions=(action,), audience="The Board", end_check=end_check_result({}))
    header, *body = rows(full)
    assert header[-3:] == ["you-said-we-did", "audience", "end-check"]
    cells = {
        a.answer_id: dict(zip(header, row, strict=True))
        for a, row in zip(all_answers(full), body, strict=True)
    }
    assert cells["a7"]["you-said-we-did"] == "words: taken to the Board"
    assert cells["a2"]["you-said-we-did"] == ""  # trust: no action yet
    assert {c["audience"] for c in cells.values()} == {"The Board"}
    assert all(c["end-check"].startswith("Did you feel safe?") for c in cells.values())
