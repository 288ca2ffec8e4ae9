"""Print and phone: the HTML prints with the summary and chart on page 1 and every later
section on a new page, never splitting a card; jump links land; times are in the
organisation's time zone; plurals are right in every format. (What the pages look like in
headless Chromium is described in the report of the change that added this.)"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.digest.markdown import render_markdown
from bot.digest.model import Digest
from bot.digest.words import count, people, share

from .formats import json_data, readable
from .scripted import Scripted


def test_the_print_stylesheet_keeps_the_summary_and_chart_on_page_one(session: Scripted) -> None:
    html = session.files["html"].decode()
    style = html[html.index("<style>") : html.index("</style>")]
    assert "@page { size: A4;" in style
    printing = style[style.index("@media print") :]
    assert "section.newpage { break-before: page;" in printing
    assert ".answer, li, tr, blockquote, .chart { break-inside: avoid;" in printing
    assert "h2, h3, h4, .opening { break-after: avoid;" in printing
    assert "nav.jump, .top { display: none; }" in printing
    body = html[html.index("<body>") :]
    first_break = body.index('class="newpage"')
    summary = body.index('<section id="summary"')
    assert summary < body.index('<svg class="chart"') < first_break  # both on page 1
    assert body.count('class="newpage"') == 2  # the themes, the questions: no page left empty
    assert '<section id="summary" class="newpage"' not in body


def test_jump_links_reach_every_section_and_question(session: Scripted) -> None:
    html = session.files["html"].decode()
    nav = html[html.index('<nav class="jump"') : html.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert targets == [
        *("summary", "themes", "q1", "q2", "q3", "q4", "q5", "q6", "untagged", "about")
    ]
    ids = set(re.findall(r' id="([^"]+)"', html))
    assert set(re.findall(r'href="#([^"]+)"', html)) <= ids
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_times_are_in_the_organisations_time_zone(session: Scripted) -> None:
    # The session started at 17:05 UTC in July: 18:05 British Summer Time.
    for fmt in ("md", "html", "docx"):
        text = readable(session.files)[fmt]
        assert "3 July 2026, 18:05 to 18:05 BST" in text, fmt
        assert "17:05" not in text, fmt
    assert json_data(session.files["json"])["time_zone"] == "Europe/London"
    assert "Times are in Europe/London." in readable(session.files)["md"]


def test_another_time_zone_is_used_when_set(digest: Digest) -> None:
    markdown = render_markdown(replace(digest, time_zone="America/New_York"))
    assert "4 March 2025, 13:05 to 14:35 EST" in markdown


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json", "docx"])
def test_plurals_are_right(session: Scripted, fmt: str) -> None:
    text = readable(session.files)[fmt]
    wrong = re.findall(r"\b1 (answers|people|persons|participants|themes|more themes)\b", text)
    assert wrong == [], fmt
    assert not re.search(r"\b(0|[2-9]|\d\d+) (answer|person|participant) ", text), fmt


def test_plural_words() -> None:
    assert [count(n, "answer") for n in (0, 1, 2)] == ["0 answers", "1 answer", "2 answers"]
    assert [people(n) for n in (1, 26)] == ["1 person", "26 people"]
    assert (share(7, 26), share(0, 0)) == ("27%", "0%")
