"""The Markdown digest: a file staff read while writing their response.

Everything that came from a young person (and every label, to be safe) is escaped so it shows
exactly as typed and cannot add headings, lists, tables, links, images, HTML or mentions. Each
answer is a quoted block that keeps its line breaks; reactions nobody gave are left out.
Characters are escaped only where they can change the structure, so the raw file stays readable.
The file is meant to be attached, not pasted into a chat message: chat platforms parse mentions
by their own rules.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.digest.model import Digest, DigestAnswer, ReactionCount, ThemeSummary

# Characters that can start or end inline structure wherever they appear. `@` is escaped so a
# Discord/Slack mention (`@everyone`, `<@123>`, `<!channel>`) stays literal text.
_ANYWHERE = re.compile(r"([\\`*_{}\[\]<>|~&@])")
# Characters that only matter at the start of a line: headings, list items, setext underlines.
_LINE_START = re.compile(r"^([#+\-=])")
_ORDERED_LIST = re.compile(r"^(\d+)([.)])")


def escape_inline(text: str) -> str:
    """Escape one line of text so Markdown shows it literally."""
    escaped = _ANYWHERE.sub(r"\\\1", text)
    escaped = escaped.replace("!\\[", "\\!\\[")  # an image needs `![`
    escaped = escaped.replace("://", "\\://")  # no bare autolinks
    escaped = _LINE_START.sub(r"\\\1", escaped)
    return _ORDERED_LIST.sub(r"\1\\\2", escaped)


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
    labels = {theme.theme_id: theme.label for theme in digest.themes}
    parts = [_facts(digest), _theme_overview(digest.themes), "## Answers by question"]
    for question in digest.questions:
        parts.append(f"### {question.number}. {escape_inline(question.text)}")
        if not question.answers:
            parts.append("*No answers.*")
        parts.extend(_answer(answer, labels) for answer in question.answers)
    return "\n\n".join(parts) + "\n"


def _facts(digest: Digest) -> str:
    closed = _when(digest.closed_at) if digest.closed_at else "not closed"
    return "\n".join(
        [
            f"# Digest: {escape_inline(digest.question_set_title)}",
            "",
            f"- **Session:** {escape_inline(digest.session_id)}",
            f"- **Question set:** {escape_inline(digest.question_set_title)}"
            f" ({escape_inline(digest.question_set_id)})",
            f"- **Started:** {_when(digest.started_at)}",
            f"- **Closed:** {closed}",
            f"- **Participants:** {digest.participant_count}",
            f"- **Answers:** {digest.answer_count}",
            "",
            "Answers are anonymous. Each name below is a made-up alias for this session only."
            " Within a question, the answers most agreed with come first.",
        ]
    )


def _theme_overview(themes: tuple[ThemeSummary, ...]) -> str:
    if not themes:
        return "## Themes\n\n*No themes were tagged.*"
    rows = [
        "## Themes",
        "",
        "| Theme | Answers | Participants |",
        "| --- | ---: | ---: |",
    ]
    rows += [
        f"| {escape_inline(t.label)} | {t.answer_count} | {t.participant_count} |" for t in themes
    ]
    for theme in themes:
        rows += ["", f"### {escape_inline(theme.label)}", ""]
        rows.append(
            f"{theme.answer_count} answers from {theme.participant_count} participants."
            + (" Strongest quotes:" if theme.quotes else "")
        )
        for quote in theme.quotes:
            rows += ["", quote_block(quote.text), ""]
            rows.append(
                f"*{escape_inline(quote.alias)}, question {quote.question_number},"
                f" agreement {quote.agreement}*"
            )
    return "\n".join(rows)


def _answer(answer: DigestAnswer, labels: dict[str, str]) -> str:
    themes = ", ".join(escape_inline(labels.get(t, t)) for t in answer.themes) or "none"
    return "\n".join(
        [
            f"**{escape_inline(answer.alias)}**  ",
            f"Themes: {themes}  ",
            f"Reactions: {_reactions(answer.reactions)} (agreement {answer.agreement})",
            "",
            quote_block(answer.text),
        ]
    )


def _reactions(reactions: tuple[ReactionCount, ...]) -> str:
    given = [r for r in reactions if r.count]
    shown = [f"{escape_inline(r.emoji)} {escape_inline(r.label)}: {r.count}" for r in given]
    return "; ".join(shown) or "none"


def _when(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y, %H:%M} {moment.tzname() or ''}".rstrip()
