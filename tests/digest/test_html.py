"""The HTML digest is one inert, self-contained, phone-friendly page."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from fnmatch import fnmatch
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.digest import html, words
from bot.digest.html import render_html, theme_chart
from bot.digest.model import Digest
from bot.digest.summary import summarise

from .sample import TRICKY_TEXTS, all_answers

ALLOWED_TAGS = {
    *("html", "head", "meta", "title", "style", "body", "main", "header", "section", "nav"),
    *("h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "blockquote", "span", "a", "div"),
    *("table", "thead", "tbody", "tr", "th", "td"),
    *("svg", "desc", "text", "rect"),
}


class Page(HTMLParser):
    """Records every tag and attribute, and the text of each answer element."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.answer_texts: list[str] = []
        self.answer_dirs: list[str | None] = []
        self._in_answer = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("class") == "text":
            self._in_answer = True
            self.answer_texts.append("")
            self.answer_dirs.append(attributes.get("dir"))

    def handle_endtag(self, tag: str) -> None:
        self._in_answer = False

    def handle_data(self, data: str) -> None:
        if self._in_answer:
            self.answer_texts[-1] += data


def without_answers(digest: Digest) -> Digest:
    """The same digest with harmless text, to check the page's own markup."""
    questions = tuple(
        replace(q, answers=tuple(replace(a, text="fine") for a in q.answers))
        for q in digest.questions
    )
    themes = tuple(
        replace(t, quotes=tuple(replace(a, text="fine") for a in t.quotes)) for t in digest.themes
    )
    return replace(digest, questions=questions, themes=themes)


def test_answer_text_is_escaped_and_inert(digest: Digest) -> None:
    html = render_html(digest)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = Page(html)
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    attributes = {name for _, attrs in page.tags for name in attrs}
    assert not {name for name in attributes if name.startswith("on")}
    assert not attributes & {"src", "srcset", "action", "style", "xmlns"}
    hrefs = [attrs["href"] or "" for tag, attrs in page.tags if "href" in attrs]
    assert hrefs and all(href.startswith("#") for href in hrefs)  # jump links only


def test_every_answer_reads_back_exactly_under_dir_auto(digest: Digest) -> None:
    page = Page(render_html(digest))
    summary = summarise(digest)
    quoted = [quote.text for theme in summary.themes for quote in theme.quotes]
    quoted += [answer.text for answer in summary.to_read]
    untagged = [answer.text for answer in digest.untagged_answers]
    expected = quoted + [answer.text for answer in all_answers(digest)] + untagged
    assert page.answer_texts == expected
    assert set(page.answer_dirs) == {"auto"}


def test_page_has_no_external_references(digest: Digest) -> None:
    html = render_html(without_answers(digest))
    for needle in ("http://", "https://", "src=", "url(", "@import", "//"):
        assert needle not in html
    ids = set(re.findall(r' id="([^"]+)"', html))
    assert set(re.findall(r'href="#([^"]+)"', html)) <= ids  # every jump link lands
    # Even with hostile answers, no attribute points anywhere.
    page = Page(render_html(digest))
    values = [value or "" for _, attrs in page.tags for value in attrs.values()]
    assert not [value for value in values if "http" in value or "//" in value]


def test_page_is_readable_on_a_phone(digest: Digest) -> None:
    html = render_html(digest)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<meta charset="utf-8">' in html
    assert "max-width: 46rem" in html
    assert re.search(r"font: 1\.0625rem", html)


def test_themes_chart_is_an_accessible_inline_svg(digest: Digest) -> None:
    html = render_html(digest)
    assert '<svg class="chart" role="img" aria-labelledby="chart-title chart-desc"' in html
    assert '<title id="chart-title">People per theme</title>' in html
    assert (
        '<desc id="chart-desc">People per theme, out of 7 people present. Words adults use: '
        "raised by 3 people, 0 more agreed; Cliff edge at 18: raised by 2 people, 0 more agreed; "
        "Relationships &amp; trust: raised by 2 people, 1 more agreed; Mental health waiting "
        "lists: raised by 2 people, 0 more agreed.</desc>"
    ) in html
    page = Page(html)
    rects = [attrs.get("class") for tag, attrs in page.tags if tag == "rect"]
    assert rects.count("raised") == len(digest.themes) and rects.count("agreed") == 1
    for theme in digest.themes:
        assert f">{theme.label.replace('&', '&amp;')}</text>" in html


def test_chart_bars_are_proportional_to_the_people_present(digest: Digest) -> None:
    chart = theme_chart(digest)
    assert [(bar.label, bar.raised, bar.agreed) for bar in chart.bars] == [
        (t.label, t.raised_by, t.agreed_by) for t in digest.themes
    ]
    assert [(bar.raised_width, bar.agreed_width) for bar in chart.bars] == [
        (133, 0),  # 3 of 7 people, of a 310-unit bar for everyone
        (89, 0),
        (89, 44),
        (89, 0),
    ]
    assert [bar.caption for bar in chart.bars] == ["3 (43%)", "2 (29%)", "3 (43%)", "2 (29%)"]


def test_chart_without_themes_says_so(digest: Digest) -> None:
    html = render_html(replace(digest, themes=()))
    assert "No themes were tagged." in html
    assert "<rect" not in html


def test_answers_keep_the_digest_order_with_aliases(digest: Digest) -> None:
    html = render_html(digest)
    section = html[html.index('id="questions"') : html.index('id="untagged"')]
    aliases = re.findall(r'<p class="alias">([^<]*) <span', section)
    assert aliases == [answer.alias for answer in all_answers(digest)]


def test_reactions_and_theme_tags_are_shown(digest: Digest) -> None:
    html = render_html(digest)
    assert "<li>👍 me too: 4</li>" in html
    assert "<li>❤️ sending support: 2</li>" in html
    assert '<li class="tag">Relationships &amp; trust</li>' in html
    assert ": 0</li>" not in html


def test_only_the_session_times_appear(digest: Digest) -> None:
    assert re.findall(r"\d\d:\d\d", render_html(digest)) == ["18:05", "19:35"]


def test_template_is_found_from_any_working_directory(
    digest: Digest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert render_html(digest).startswith("<!doctype html>")


def test_right_to_left_answers_are_present(digest: Digest) -> None:
    texts = Page(render_html(digest)).answer_texts
    assert TRICKY_TEXTS["a2"] in texts
    assert TRICKY_TEXTS["a3"] in texts


def test_template_ships_in_the_package_data() -> None:
    """An editable install finds the template anyway; a built wheel only if this is declared."""
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    setuptools = tomllib.loads(pyproject.read_text("utf-8"))["tool"]["setuptools"]
    patterns = setuptools.get("package-data", {}).get("bot", [])
    assert any(fnmatch("digest/templates/digest.html.j2", pattern) for pattern in patterns)


@pytest.mark.parametrize("batch", [1, 2, 3, 7])
def test_the_page_is_the_same_however_many_pieces_are_encoded_at_once(
    digest: Digest, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = html.html_bytes(digest)
    monkeypatch.setattr(html, "_BATCH", batch)
    assert html.html_bytes(digest) == whole == render_html(digest).encode()
    assert whole.startswith(b"<!doctype html>") and whole.endswith(b"</html>\n")


def test_each_answer_says_how_the_room_agreed_in_the_words_of_every_format(
    digest: Digest,
) -> None:
    page = render_html(digest)
    present = digest.participant_count
    for answer in all_answers(digest):
        line = words.agreed(answer, present)
        if answer.consensus.value:
            marked = f'<span class="consensus">{answer.consensus.value}</span>'
            line = line.replace(f"· {answer.consensus.value}", f"· {marked}")
        assert f'<p class="alias">{answer.alias} <span class="muted">· {line}</span></p>' in page
