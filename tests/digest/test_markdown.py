"""The Markdown digest shows answers literally and cannot be steered by what they contain."""

from __future__ import annotations

import re
from typing import Any

import pytest
from markdown_it import MarkdownIt

from bot.digest import markdown
from bot.digest.markdown import escape_inline, quote_block, render_markdown
from bot.digest.model import Digest

from .sample import TRICKY_TEXTS, all_answers

# CommonMark: a backslash before any ASCII punctuation character stands for that character.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(markdown: str) -> str:
    return _ESCAPE.sub(r"\1", markdown)


def unquote(block: str) -> str:
    lines = [
        line.removeprefix(">").removeprefix(" ").removesuffix("  ") for line in block.split("\n")
    ]
    return unescape("\n".join(lines))


def normalised(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines())


@pytest.mark.parametrize("answer_id", sorted(TRICKY_TEXTS))
def test_quote_block_reads_back_as_the_original_text(answer_id: str) -> None:
    text = TRICKY_TEXTS[answer_id]
    assert unquote(quote_block(text)) == normalised(text)


def test_every_answer_appears_quoted_under_its_alias(digest: Digest) -> None:
    markdown = render_markdown(digest)
    for answer in all_answers(digest):
        assert f"**{escape_inline(answer.alias)}**  \n" in markdown
        assert quote_block(answer.text) in markdown


def test_mentions_are_shown_literally_and_cannot_form_tags(digest: Digest) -> None:
    markdown = render_markdown(digest)
    assert r"\@everyone \<\@123\> \<!channel\> \<\@\&456\> \<#789\> \@here" in markdown
    assert re.search(r"(?<!\\)<", markdown) is None
    assert re.search(r"(?<!\\)@", markdown) is None


def test_link_and_image_syntax_is_escaped(digest: Digest) -> None:
    markdown = render_markdown(digest)
    assert r"\*\*bold\*\* \[link\](http\://x) \!\[img\](https\://y/i.png)" in markdown
    assert "](" not in markdown.replace(r"\](", "")
    assert re.search(r"(?<!\\)\[", markdown) is None
    assert re.search(r"(?<!\\)<", markdown) is None


def test_line_starts_that_would_add_structure_are_escaped(digest: Digest) -> None:
    markdown = render_markdown(digest)
    for line in ("> \\# not a heading", "> \\- not a list", "> 1\\. not ordered", "> \\---"):
        assert line in markdown
    assert "> \\+44 ring me" in markdown


def test_line_breaks_inside_an_answer_stay_in_one_quote(digest: Digest) -> None:
    markdown = render_markdown(digest)
    assert "> first line  \n> second line\n>\n> new paragraph after a gap" in markdown


def test_renders_through_commonmark_without_links_html_or_extra_headings(digest: Digest) -> None:
    tokens = MarkdownIt("commonmark").enable("table").parse(render_markdown(digest))
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"link_open", "image", "html_inline", "html_block", "hr", "code_inline"}
    assert [t.type for t in tokens].count("table_open") == 1  # the themes table only
    headings = [_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [
        "The Case for Change",
        "Summary",
        "Top themes",
        "1. Words adults use",
        "2. Cliff edge at 18",
        "3. Relationships & trust",
        "4. Mental health waiting lists",
        "No theme yet",
        "All themes",
        "Answers by question",
        "1. What was your initial response?",
        "2. Is this an accurate representation of you?",
        "3. What would you like to see next?",
        "No theme yet",
        "How to read this digest",
    ]
    quoted = _blockquote_texts(tokens)
    for answer in all_answers(digest):
        assert normalised(answer.text).replace("\n\n", "\n").strip("\n") in quoted


def _blockquote_texts(tokens: list[Any]) -> set[str]:
    texts: set[str] = set()
    depth, parts = 0, list[str]()
    for token in tokens:
        if token.type == "blockquote_open":
            depth, parts = depth + 1, []
        elif token.type == "blockquote_close":
            depth -= 1
            texts.add("\n".join(parts))
        elif depth and token.type == "inline":
            parts.append(_text(token))
    return texts


def _text(inline: Any) -> str:
    breaks = {"softbreak", "hardbreak"}
    return "".join("\n" if c.type in breaks else c.content for c in inline.children)


def test_answers_keep_the_digest_order(digest: Digest) -> None:
    markdown = render_markdown(digest)
    section = markdown[markdown.index("## Answers by question") :]
    positions = [section.index(quote_block(a.text)) for a in all_answers(digest)]
    assert positions == sorted(positions)


def test_reactions_show_emoji_label_and_count_and_skip_zero(digest: Digest) -> None:
    markdown = render_markdown(digest)
    assert "Reactions: 👍 me too: 4; 💡 good point: 1\n" in markdown
    assert "Reactions: none\n" in markdown
    assert ": 0" not in markdown


def test_session_facts_and_theme_overview_are_shown(digest: Digest) -> None:
    markdown = render_markdown(digest)
    assert "4 March 2025, 18:05 to 19:35 GMT" in markdown
    assert "7 people took part: 7 answered and 0 only reacted." in markdown
    assert "- 16 answers in this digest." in markdown
    assert "| Relationships \\& trust | 2 | 2 | 1.5 (21%) | 3 (43%) |" in markdown
    assert "*Quiet Heron, question 1 · agreed by 4 of 7 (57%) · broad agreement*" in markdown


def test_only_the_session_times_appear(digest: Digest) -> None:
    assert re.findall(r"\d\d:\d\d", render_markdown(digest)) == ["18:05", "19:35"]


@pytest.mark.parametrize("hold", [1, 2, 3, 7])
def test_the_file_is_the_same_however_many_parts_are_encoded_at_once(
    digest: Digest, hold: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = markdown.markdown_bytes(digest)
    monkeypatch.setattr(markdown, "_HOLD", hold)
    assert markdown.markdown_bytes(digest) == whole
    assert whole.endswith(b"\n") and not whole.endswith(b"\n\n")
