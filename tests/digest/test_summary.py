"""A summary first: the themes most people raised, how the room agreed, two distinct quotes
each, what "What is missing?" surfaced and the answers with no theme to read; then each
question opens with its own short summary."""

from __future__ import annotations

import re

from .formats import docx_paragraphs, json_data, readable
from .scripted import A, B, D, E, F, K, L, Scripted

TOP_THEMES = ["Being heard", "Moving homes", "Social workers", "Brothers and sisters"]
HEARD = "Raised by 2 people in 3 answers; with the 5 more who agreed, 7 of 10 (70%)."


def _summary(text: str, fmt: str) -> str:
    start = text.index("Summary")
    end = text.index("All themes") if fmt != "docx" else text.index("Quote bank")
    return text[start:end]


def test_the_summary_comes_first_in_every_format_for_reading(session: Scripted) -> None:
    for fmt, text in readable(session.files).items():
        if fmt in ("csv", "json"):
            continue
        summary = _summary(text, fmt)
        assert text.index("Summary") < text.index(A), fmt  # before any answer card
        top = summary[summary.index("Top themes") :]  # after the chart (html)
        positions = [top.index(label) for label in TOP_THEMES]
        assert positions == sorted(positions), fmt  # most people raising it first
        assert HEARD in summary, fmt
        assert "Each answer agreed by 2.0 of 10 on average (20%): 1 in broad agreement." in (
            summary
        ), fmt
        heard = top[top.index("Being heard") : top.index("Moving homes")]
        assert heard.index(A) < heard.index(L), fmt  # its two most agreed, different people
        assert B in summary and F in summary, fmt
        quotes = [q for q in (A, B, F, K, L, D, E) if q in summary]
        assert all(summary.count(q) == 1 for q in quotes), fmt  # no quote twice


def test_the_summary_says_what_the_missing_question_surfaced(session: Scripted) -> None:
    for fmt, text in readable(session.files).items():
        if fmt in ("csv", "json"):
            continue
        summary = _summary(text, fmt)
        missing = summary[summary.index("What is missing?") :]
        assert "Answered by 3 of 10; 7 skipped." in missing, fmt
        assert "Most raised: Being heard (1 person), Brothers and sisters (1 person)" in (
            missing
        ), fmt
        assert K in missing, fmt  # F is quoted above, under its theme: not again
    (question_5,) = [q for q in json_data(session.files["json"])["questions"] if q["highlight"]]
    assert question_5["text"] == "What is missing?"


def test_the_summary_lists_answers_with_no_theme_to_read(session: Scripted) -> None:
    for fmt in ("md", "html"):
        summary = _summary(readable(session.files)[fmt], fmt)
        to_read = summary[summary.rindex("No theme yet") :]
        assert "2 answers with no theme yet" in to_read and D in to_read and E in to_read, fmt


def test_each_question_opens_with_its_own_summary(session: Scripted) -> None:
    opening = (
        "Answered by 5 of 10; 5 skipped. Most raised: Being heard (2 people), Moving homes"
        " (2 people), Social workers (1 person). 1 answer with no theme yet."
    )
    md = session.files["md"].decode()
    assert f"### 1. What was your initial response?\n\n*{opening}*" in md
    html = readable(session.files)["html"]
    assert re.search(r"1\. What was your initial response\?\s*\n" + re.escape(opening), html)
    paragraphs = [text for _, text in docx_paragraphs(session.files["docx"])]
    assert f"1. What was your initial response? {opening}" in paragraphs
    (q1, *_) = json_data(session.files["json"])["questions"]
    assert [(t["label"], t["people"]) for t in q1["top_themes"]] == [
        ("Being heard", 2),
        ("Moving homes", 2),
        ("Social workers", 1),
    ]
