"""The Markdown digest: a file staff read while writing their response.

Everything that came from a young person (and every label, to be safe) is escaped so it shows
exactly as typed and cannot add headings, lists, tables, links, images, HTML or mentions. Each
answer is a quoted block that keeps its line breaks; reactions nobody gave are left out.
Characters are escaped only where they can change the structure, so the raw file stays readable.
The file is meant to be attached, not pasted into a chat message: chat platforms parse mentions
by their own rules. To paste into a document, use the Word file: it has no Markdown marks.

The order: the one-page summary, the theme table, each question (opening with its own short
summary), the answers with no theme yet, and how to read the numbers.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator, Mapping

from bot.digest import actions, words
from bot.digest.agreement import thresholds_text
from bot.digest.feedback_words import (
    END_CHECK_ABOUT,
    END_CHECK_HEADING,
    audience_line,
    end_check_lines,
)
from bot.digest.model import Digest, DigestAnswer, ReactionCount
from bot.digest.summary import Summary, summarise

# Characters that can start or end inline structure wherever they appear, each escaped with a
# backslash. `@` is escaped so a Discord/Slack mention (`@everyone`, `<@123>`, `<!channel>`)
# stays literal text.
_ANYWHERE = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>|~&@"})
# Characters that only matter at the start of a line: headings, list items, setext underlines.
_LINE_START = ("#", "+", "-", "=")
_ORDERED_LIST = re.compile(r"^(\d+)([.)])")


def escape_inline(text: str) -> str:
    """Escape one line of text so Markdown shows it literally."""
    escaped = text.translate(_ANYWHERE)
    escaped = escaped.replace("!\\[", "\\!\\[")  # an image needs `![`
    escaped = escaped.replace("://", "\\://")  # no bare autolinks
    if escaped.startswith(_LINE_START):
        escaped = "\\" + escaped
    elif escaped[:1].isdigit():  # every character ``\d`` matches is a digit
        escaped = _ORDERED_LIST.sub(r"\1\\\2", escaped)
    return escaped


def quote_block(text: str) -> str:
    """Show multi-line text as an escaped block quote, keeping its line breaks."""
    lines = [line.strip() for line in text.splitlines()] or [""]
    quoted: list[str] = []
    for index, line in enumerate(lines):
        if not line:
            quoted.append(">")
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        # Two trailing spaces make a hard line break; not before a blank line or the end.
        quoted.append("> " + escape_inline(line) + ("  " if following else ""))
    return "\n".join(quoted)


def render_markdown(digest: Digest) -> str:
    """The whole digest as a Markdown document."""
    return markdown_bytes(digest).decode("utf-8")


def markdown_bytes(digest: Digest) -> bytes:
    """The whole digest as the bytes of a Markdown file (UTF-8), encoded a few hundred answers
    at a time as it is made: the text of a 50,000-answer digest is never one string."""
    out = io.BytesIO()
    held: list[str] = []
    for part in _parts(digest):
        if len(held) == _HOLD:  # more follows: the blank line between parts goes out too
            out.write(("\n\n".join(held) + "\n\n").encode("utf-8"))
            held.clear()
        held.append(part)
    out.write(("\n\n".join(held) + "\n").encode("utf-8"))
    return out.getvalue()


_HOLD = 512  # parts (an answer each, mostly) joined and encoded at once


def _parts(digest: Digest) -> Iterator[str]:
    """The document's blocks in order, a blank line between each."""
    summary = summarise(digest)
    yield _title(digest)
    yield _summary(digest, summary)
    yield _theme_overview(digest, summary)
    yield "## Answers by question"
    present = digest.participant_count
    labels = {theme_id: escape_inline(label) for theme_id, label in digest.theme_labels().items()}
    for question in digest.questions:
        yield f"### {question.number}. {escape_inline(question.text)}"
        yield "*" + escape_inline(words.question_line(question, present)) + "*"
        if not question.answers:
            yield "*No answers.*"
        for answer in question.answers:
            yield _answer(answer, present, labels)
    yield _untagged(digest)
    if digest.actions:
        lines = [f"## {actions.SECTION_TITLE}", ""]
        lines += [f"- {escape_inline(actions.action_line(a))}" for a in digest.actions]
        yield "\n".join(lines)
    if digest.audience is not None or digest.end_check is not None:
        yield _feedback(digest)
    yield _about(digest)


def _title(digest: Digest) -> str:
    return "\n".join(
        [
            f"# {escape_inline(words.heading(digest))}",
            "",
            f"{escape_inline(words.span(digest))} · {escape_inline(digest.question_set_title)}"
            f" ({escape_inline(digest.question_set_id)}) · session"
            f" {escape_inline(digest.session_id)}",
        ]
    )


def _summary(digest: Digest, summary: Summary) -> str:
    present = digest.participant_count
    rows = ["## Summary", "", escape_inline(words.attendance(digest)), ""]
    rows += [f"- {escape_inline(line)}" for line in words.held_back(digest)]
    rows += ["", "### Top themes"]
    if not summary.themes:
        rows += ["", "*No themes were tagged.*"]
    for rank, theme in enumerate(summary.themes, start=1):
        rows += ["", f"#### {rank}\\. {escape_inline(theme.label)}", ""]
        rows.append(escape_inline(words.theme_line(theme, present)))
        rows += _quotes(theme.quotes, present)
    if summary.more_themes:
        rows += ["", f"{words.count(summary.more_themes, 'more theme')} in the table below."]
    for highlight in summary.highlights:
        question = highlight.question
        title = escape_inline(f'What "{question.text}" surfaced')
        rows += ["", f"### {title}", "", escape_inline(words.question_line(question, present))]
        rows += _quotes(highlight.quotes, present)
    rows += ["", "### No theme yet", ""]
    if not summary.untagged:
        rows.append("Every answer has a theme.")
    else:
        rows.append(
            f"{words.count(summary.untagged, 'answer')} with no theme yet, all listed at the end."
            + (" To read first:" if summary.to_read else "")
        )
        rows += _quotes(summary.to_read, present)
    return "\n".join(rows)


def _quotes(quotes: tuple[DigestAnswer, ...], present: int) -> list[str]:
    rows: list[str] = []
    for quote in quotes:
        rows += ["", quote_block(quote.text), ""]
        rows.append(f"*{_attribution(quote, present)}*")
    return rows


def _attribution(answer: DigestAnswer, present: int) -> str:
    return escape_inline(
        f"{answer.alias}, question {answer.question_number} · {words.agreed(answer, present)}"
    )


def _theme_overview(digest: Digest, summary: Summary) -> str:
    if not digest.themes:
        return "## All themes\n\n*No themes were tagged.*"
    present = digest.participant_count
    rows = [
        "## All themes",
        "",
        f"{words.people(present)} present. {escape_inline(words.THEME_TABLE_NOTE)}",
        "",
        "| " + " | ".join(words.THEME_COLUMNS) + " |",
        "| --- |" + " ---: |" * (len(words.THEME_COLUMNS) - 1),
    ]
    for theme in digest.themes:
        label, *numbers = words.theme_row(theme, present)
        rows.append("| " + " | ".join([escape_inline(label), *numbers]) + " |")
    others = digest.themes[len(summary.themes) :]
    for theme in others:
        rows += ["", f"### {escape_inline(theme.label)}", ""]
        rows.append(escape_inline(words.theme_line(theme, present)))
        rows += _quotes(theme.quotes, present)
    return "\n".join(rows)


def _answer(answer: DigestAnswer, present: int, labels: Mapping[str, str]) -> str:
    """``labels``: each theme's label, escaped, by its id (the id itself when it has none)."""
    themes = ", ".join(labels[t] if t in labels else escape_inline(t) for t in answer.themes)
    text = quote_block(answer.text) if answer.quotable else f"*{words.NOT_QUOTABLE}*"
    return "\n".join(
        [
            f"**{_escaped(answer.alias)}**  ",
            f"{_escaped(words.agreed(answer, present))}  ",
            f"Themes: {themes or 'none yet'}  ",
            f"Reactions: {_reactions(answer.reactions)}",
            "",
            text,
        ]
    )


def _untagged(digest: Digest) -> str:
    untagged = digest.untagged_answers
    rows = ["## No theme yet", ""]
    if not untagged:
        return "\n".join([*rows, "Every answer has a theme."])
    rows.append(
        f"{words.count(len(untagged), 'answer')} with no theme: read them, and add a theme with"
        " consultbot retag if one fits."
    )
    present = digest.participant_count
    for answer in untagged:
        rows += ["", f"*{_attribution(answer, present)}*", ""]
        rows.append(quote_block(answer.text) if answer.quotable else f"*{words.NOT_QUOTABLE}*")
    return "\n".join(rows)


def _feedback(digest: Digest) -> str:
    """Who will hear it, and the end-of-session check's counts, when the session has them."""
    rows: list[str] = []
    if digest.audience is not None:
        rows += ["## Who will hear it", "", escape_inline(audience_line(digest.audience)), ""]
    if digest.end_check is not None:
        rows += [f"## {END_CHECK_HEADING}", "", escape_inline(END_CHECK_ABOUT), ""]
        rows += [f"- {escape_inline(line)}" for line in end_check_lines(digest.end_check)]
    return "\n".join(rows).strip()


def _about(digest: Digest) -> str:
    return "\n".join(
        [
            "## How to read this digest",
            "",
            "- Answers are anonymous: each name is a made-up alias for this session only.",
            "- Agreement: the number of people, other than the writer, who pressed an agree"
            " button (such as me too or good point), out of the people present (everyone who"
            " answered or reacted). Sending support and not sure are shown but never count"
            " as agreement.",
            f"- {escape_inline(thresholds_text())}",
            "- Skipped: people present who gave no answer to that question.",
            f"- Times are in {escape_inline(digest.time_zone)}.",
            f"- Themes from codebook version {escape_inline(_version(digest))}.",
        ]
    )


def _version(digest: Digest) -> str:
    return digest.codebook_version or "unknown"


def _reactions(reactions: tuple[ReactionCount, ...]) -> str:
    given = [r for r in reactions if r.count]
    shown = [f"{_escaped(r.emoji)} {_escaped(r.label)}: {r.count}" for r in given]
    return "; ".join(shown) or "none"


# The same few hundred aliases, labels and agreement lines come back answer after answer.
_escaped = functools.lru_cache(maxsize=4096)(escape_inline)
