"""Agreement by meaning: each button has a kind; agreement is the distinct people (not the
writer) who pressed an agree button, also as a share of the people present; it ranks answers
and picks the quotes; broad agreement and divided follow the stated thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_PROMPTS_DIR
from bot.core.errors import DataFileError
from bot.digest.agreement import consensus, stance, thresholds_text
from bot.digest.model import Consensus
from bot.questions.loader import load_question_set, load_question_sets
from bot.questions.model import ReactionKind

from .formats import csv_rows, json_answers, readable
from .scripted import A, B, C, D, E, L, Scripted

AGREE, UNSURE, SUPPORT, DISAGREE = (
    ReactionKind.AGREE,
    ReactionKind.UNSURE,
    ReactionKind.SUPPORT,
    ReactionKind.DISAGREE,
)


# -- the palette's kinds ---------------------------------------------------------------------


def test_every_shipped_button_has_a_kind_and_the_consultation_sets_can_say_not_me() -> None:
    sets = load_question_sets(DEFAULT_PROMPTS_DIR)
    for set_id in ("case-for-change", "good-enough-care"):
        for question in sets[set_id].questions:
            kinds = {p.label: p.kind for p in question.palette}
            assert kinds["different for me"] is DISAGREE, (set_id, question.number)
            assert kinds["sending support"] is SUPPORT
            assert kinds["me too"] is AGREE
    q2 = sets["case-for-change"].question(2)
    assert [(p.emoji, p.kind) for p in q2.palette] == [
        ("👍", AGREE),
        ("🤔", UNSURE),
        ("❤️", SUPPORT),
        ("🔀", DISAGREE),
    ]
    assert sets["case-for-change"].question(5).highlight  # "What is missing?"


VALID = """
schema_version = 1
id = "mini"
title = "Mini"
intro = "Hello"
[[questions]]
text = "How are you?"
"""


@pytest.mark.parametrize(
    ("palette", "problem"),
    [
        ('[{ emoji = "👍", label = "me too", kind = "agreed" }]', "'agreed', which is not"),
        ('[{ emoji = "🎉", label = "yay" }]', "is missing: say what pressing 🎉 means"),
        ('[{ emoji = "👍", label = "me too", kind = 3 }]', "not a kind of reaction"),
    ],
)
def test_a_palette_entry_with_an_unknown_or_missing_kind_names_file_and_field(
    tmp_path: Path, palette: str, problem: str
) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(VALID + f"palette = {palette}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_question_set(path)
    assert caught.value.path == str(path)
    assert caught.value.field == "questions[1].palette[1].kind"
    assert problem in caught.value.problem
    assert "agree, unsure, support, disagree" in caught.value.problem


def test_a_shipped_emoji_without_a_kind_gets_its_shipped_meaning(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(
        VALID + 'palette = [{ emoji = "❤️", label = "hugs" }, { emoji = "🤔", label = "hmm" }]\n',
        encoding="utf-8",
    )
    palette = load_question_set(path).question(1).palette
    assert [p.kind for p in palette] == [SUPPORT, UNSURE]


# -- the rule ------------------------------------------------------------------------------


def test_agreement_counts_people_not_presses_and_never_the_writer_or_support() -> None:
    kinds = {"👍": AGREE, "💡": AGREE, "❤️": SUPPORT, "🤔": UNSURE, "🔀": DISAGREE}
    found = stance(
        1,
        [(1, "👍"), (2, "👍"), (2, "💡"), (3, "❤️"), (4, "🤔"), (5, "🔀"), (6, "💡")],
        kinds,
        {},
    )
    assert found.agreed == {2, 6}
    assert found.differed == {5}


@pytest.mark.parametrize(
    ("agreed", "differed", "present", "expected"),
    [
        (3, 0, 9, Consensus.BROAD),  # 3 people, a third of the room
        (3, 0, 10, Consensus.NONE),  # 3 of 10 is less than a third
        (2, 0, 4, Consensus.NONE),  # half the room, but only 2 people
        (8, 2, 20, Consensus.BROAD),  # one "different for me" for every four agreeing
        (8, 3, 20, Consensus.NONE),  # too many differ for broad, too few for divided
        (2, 2, 20, Consensus.DIVIDED),
        (6, 3, 20, Consensus.DIVIDED),  # the smaller side is half the larger
        (7, 3, 20, Consensus.NONE),
        (1, 1, 2, Consensus.NONE),  # too few to call
    ],
)
def test_broad_agreement_and_divided_follow_the_stated_thresholds(
    agreed: int, differed: int, present: int, expected: Consensus
) -> None:
    assert consensus(agreed, differed, present) is expected


def test_the_thresholds_are_written_where_staff_read_them(session: Scripted) -> None:
    text = thresholds_text()
    assert "at least 3 people agreed" in text and "1 in 3 of the people present" in text
    for fmt, content in readable(session.files).items():
        if fmt in ("md", "html", "docx"):
            assert text.replace("&", "\\&") in content or text in content, fmt
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "at least 3 people agreed" in readme and "at least half the larger" in readme


# -- in the scripted session, in every format ------------------------------------------------


def test_agreement_is_distinct_people_who_agreed_as_a_share_of_the_room(
    session: Scripted,
) -> None:
    ids = session.answer_ids
    # A: 👍 from Y2 Y3 Y4 R1 and its writer, 💡 from Y3 again, ❤️ from R2: 4 people agreed.
    # B: 👍 from 2, 🔀 from 2: divided. E: seven 🤔 and a ❤️: nobody agreed.
    expected = {
        A: "agreed by 4 of 10 (40%) · broad agreement",
        B: "agreed by 2 of 10 (20%), 2 different for them · divided",
        E: "no one pressed agree",
    }
    text = readable(session.files)
    for fmt in ("md", "html", "docx"):
        for words in expected.values():
            assert words in text[fmt], (fmt, words)
    rows = {row["comment-id"]: row for row in csv_rows(session.files["csv"])}
    assert [rows[ids[t]][k] for t in (A, B, E) for k in ("agreement", "agreement-share")] == [
        *("4", "40%", "2", "20%", "0", "0%"),
    ]
    assert [rows[ids[t]]["consensus"] for t in (A, B, E)] == ["broad agreement", "divided", ""]
    assert rows[ids[E]]["🤔 not sure"] == "7" and rows[ids[A]]["❤️ sending support"] == "1"
    answers = json_answers(session.files["json"])
    assert [(answers[ids[t]]["agreement"], answers[ids[t]]["differ"]) for t in (A, B, E)] == [
        (4, 0),
        (2, 2),
        (0, 0),
    ]
    kinds = {r["emoji"]: (r["kind"], r["count"]) for r in answers[ids[E]]["reactions"]}
    assert kinds["🤔"] == ("unsure", 7) and kinds["❤️"] == ("support", 1)


def test_answers_are_ranked_by_agreement_in_every_format(session: Scripted) -> None:
    ids = session.answer_ids
    ranked = [ids[t] for t in (A, C, B, L, D)]  # agreed by 4, 3, 2, 1 and 0 people
    assert [a.answer_id for a in session.digest.questions[0].answers] == ranked
    assert [a.agreement for a in session.digest.questions[0].answers] == [4, 3, 2, 1, 0]
    assert [row["comment-id"] for row in csv_rows(session.files["csv"])][:5] == ranked
    assert list(json_answers(session.files["json"]))[:5] == ranked
    text = readable(session.files)
    for fmt in ("md", "html"):
        section = text[fmt][text[fmt].index("Answers by question") :]
        assert section.index(A) < section.index(B) < section.index(L) < section.index(D), fmt


def test_the_strongest_quotes_are_the_most_agreed_from_different_people(
    session: Scripted,
) -> None:
    heard = next(t for t in session.digest.themes if t.theme_id == "being-heard")
    assert [q.text for q in heard.quotes][:2] == [A, L]  # A: 4 agreed; then another person
    quoted = [q.answer_id for t in session.digest.themes for q in t.quotes]
    assert len(quoted) == len(set(quoted))  # no quote twice, though L is in two themes
