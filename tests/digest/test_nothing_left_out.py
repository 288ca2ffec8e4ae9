"""Nothing left out silently: who was present (answered or only reacted), each question's
"answered by N of M" and skips, answers with no theme yet, a count (only) of answers with the
safeguarding lead, and answers that count but can't be quoted: in every format."""

from __future__ import annotations

from .formats import csv_rows, docx_text, json_data, readable
from .scripted import HELD, NOT_QUOTABLE, C, D, E, G, Scripted

FACTS = (
    "10 people took part: 8 answered and 2 only reacted.",
    "9 answers in this digest.",
    "1 answer is with the safeguarding lead (a count only: not shown here).",
    "2 answers can't be quoted: counted in the themes and agreement, never quoted.",
    "2 answers have no theme yet",
)


def test_the_session_facts_count_everyone_present_and_everything_held_back(
    session: Scripted,
) -> None:
    text = readable(session.files)
    for fmt in ("md", "html", "docx"):
        for fact in FACTS:
            assert fact in text[fmt], (fmt, fact)
    data = json_data(session.files["json"])
    assert (data["participant_count"], data["answer_count"]) == (10, 9)
    assert data["facts"] == {
        "answered": 8,
        "only_reacted": 2,
        "with_lead": 1,
        "not_quotable": 2,
        "untagged": 2,
    }
    rows = csv_rows(session.files["csv"])
    assert len(rows) == 9  # the held answer is not a row: it is only counted
    assert sum(row["quotable"] == "no" for row in rows) == 2


def test_each_question_says_how_many_of_the_room_answered_and_skipped(
    session: Scripted,
) -> None:
    lines = {
        1: "Answered by 5 of 10; 5 skipped.",
        2: "Answered by 1 of 10; 9 skipped.",  # the held answer is only in the session count
        3: "Answered by 0 of 10; 10 skipped.",
        5: "Answered by 3 of 10; 7 skipped.",
    }
    text = readable(session.files)
    for fmt in ("md", "html", "docx"):
        for line in lines.values():
            assert line in text[fmt], (fmt, line)
    questions = {q["number"]: q for q in json_data(session.files["json"])["questions"]}
    assert [(questions[n]["answered_by"], questions[n]["skipped"]) for n in lines] == [
        (5, 5),
        (1, 9),
        (0, 10),
        (3, 7),
    ]
    per_question = [row["question-number"] for row in csv_rows(session.files["csv"])]
    assert {n: per_question.count(str(n)) for n in lines} == {1: 5, 2: 1, 3: 0, 5: 3}


def test_answers_with_no_theme_are_listed_not_dropped(session: Scripted) -> None:
    ids = session.answer_ids
    for fmt in ("md", "html"):
        content = readable(session.files)[fmt]
        listed = content[content.rindex("No theme yet") :]
        assert D in listed and E in listed, fmt
    bank = docx_text(session.files["docx"])
    tail = bank[bank.rindex("No theme yet") :]
    assert D in tail and E in tail and "2 quotable answers with no theme yet." in tail
    rows = {row["comment-id"]: row for row in csv_rows(session.files["csv"])}
    assert rows[ids[D]]["themes"] == rows[ids[E]]["themes"] == ""
    questions = json_data(session.files["json"])["questions"]
    untagged = [a["answer_id"] for q in questions for a in q["answers"] if not a["themes"]]
    assert untagged == [ids[D], ids[E]]
    assert [q["untagged"] for q in questions][:2] == [1, 1]


def test_answers_that_may_not_be_quoted_count_but_never_appear(session: Scripted) -> None:
    for fmt, content in readable(session.files).items():
        for text in (*NOT_QUOTABLE, HELD):
            assert text not in content, (fmt, text)
    rows = {row["comment-id"]: row for row in csv_rows(session.files["csv"])}
    hidden = rows[session.answer_ids[C]]
    assert (hidden["comment-body"], hidden["quotable"], hidden["themes"]) == (
        "",
        "no",
        "social-workers",
    )
    assert hidden["agreement"] == "3"  # it still counts
    assert "(Not shown" not in session.files["csv"].decode("utf-8-sig")
    theme = next(t for t in session.digest.themes if t.theme_id == "leaving-care")
    assert (theme.answer_count, theme.not_quotable, theme.quotes) == (1, 1, ())
    assert G not in docx_text(session.files["docx"])
