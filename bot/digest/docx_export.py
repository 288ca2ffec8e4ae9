"""The Word digest (.docx, with python-docx): what staff paste from when they write the
official response.

The one-page summary first (the same as every format's), then a quote bank: for each theme,
every quotable answer, most agreed first, each a plain paragraph (no quotation marks, bullets
or Markdown marks to clean up) followed by a short line saying where it came from and how the
room agreed; then the quotable answers with no theme yet, and how to read the numbers.
Answers that may not be quoted are counted, never shown. Characters Word cannot hold (control
characters) are left out; line breaks inside an answer stay line breaks.

python-docx makes the package and its properties; the paragraphs are written into the file
as they are made (``docx_writer``), just as python-docx would write them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from bot.digest import actions, feedback_words, words
from bot.digest.agreement import thresholds_text
from bot.digest.build import most_agreed_first
from bot.digest.docx_writer import BodyWriter, clean, write_docx
from bot.digest.model import Digest, DigestAnswer
from bot.digest.summary import summarise


def render_docx(digest: Digest) -> bytes:
    """The digest as the bytes of a .docx file."""
    document = Document()
    _properties(document, digest)
    return write_docx(document, lambda out: _body(out, digest))


def _body(out: BodyWriter, digest: Digest) -> None:
    out.heading(words.heading(digest), level=0)
    out.note(f"{words.span(digest)} · {digest.question_set_title} · session {digest.session_id}")
    _summary(out, digest)
    _quote_bank(out, digest)
    if digest.actions:
        out.heading(actions.SECTION_TITLE, level=1)
        for action in digest.actions:
            out.paragraph(actions.action_line(action))
    _about(out, digest)
    out.paragraph()  # an empty last paragraph, as the file has always ended


def _properties(document: DocxDocument, digest: Digest) -> None:
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # python-docx's template's picture of another document
            package.rels.pop(rel_id)
    properties = document.core_properties
    properties.title = clean(f"Digest: {words.heading(digest)}")
    properties.author = "consultbot"
    properties.last_modified_by = "consultbot"
    properties.comments = ""
    moment = (digest.closed_at or digest.started_at).astimezone(UTC).replace(tzinfo=None)
    properties.created = properties.modified = moment
    properties.revision = 1


def _summary(out: BodyWriter, digest: Digest) -> None:
    summary = summarise(digest)
    present = digest.participant_count
    out.heading("Summary", level=1)
    out.paragraph(words.attendance(digest))
    for line in words.held_back(digest):
        out.paragraph(line)
    out.heading("Top themes", level=2)
    if not summary.themes:
        out.paragraph("No themes were tagged.")
    for rank, theme in enumerate(summary.themes, start=1):
        out.heading(f"{rank}. {theme.label}", level=3)
        out.paragraph(words.theme_line(theme, present))
        _quotes(out, theme.quotes, present)
    if summary.more_themes:
        more = words.count(summary.more_themes, "more theme")
        out.paragraph(f"{more} in the quote bank below.")
    for highlight in summary.highlights:
        question = highlight.question
        out.heading(f"What “{question.text}” surfaced", level=2)
        out.paragraph(words.question_line(question, present))
        _quotes(out, highlight.quotes, present)
    out.heading("No theme yet", level=2)
    if not summary.untagged:
        out.paragraph("Every answer has a theme.")
    else:
        out.paragraph(
            f"{words.count(summary.untagged, 'answer')} with no theme yet; the quotable ones"
            " are at the end of the quote bank."
        )
    out.heading("Question by question", level=2)
    for question in digest.questions:
        out.bold_lead(
            f"{question.number}. {question.text}", " " + words.question_line(question, present)
        )
    if digest.audience is not None:
        out.heading("Who will hear it", level=2)
        out.paragraph(feedback_words.audience_line(digest.audience))
    if digest.end_check is not None:
        out.heading(feedback_words.END_CHECK_HEADING, level=2)
        out.note(feedback_words.END_CHECK_ABOUT)
        for line in feedback_words.end_check_lines(digest.end_check):
            out.paragraph(line)


def _quote_bank(out: BodyWriter, digest: Digest) -> None:
    present = digest.participant_count
    out.page_break()
    out.heading("Quote bank", level=1)
    out.paragraph(
        "Every answer young people agreed to have quoted, by theme, most agreed first. Each"
        " quote is a plain paragraph: copy it as it is. An answer with two themes is under"
        " both."
    )
    by_theme: dict[str, list[DigestAnswer]] = {t.theme_id: [] for t in digest.themes}
    for question in digest.questions:
        for answer in question.answers:
            if answer.quotable:
                for theme_id in answer.themes:
                    by_theme.setdefault(theme_id, []).append(answer)
    for theme in digest.themes:
        out.heading(theme.label, level=2)
        out.paragraph(words.theme_line(theme, present))
        quotes = sorted(by_theme[theme.theme_id], key=most_agreed_first)
        if not quotes:
            out.paragraph("None of its answers may be quoted.")
        _quotes(out, quotes, present)
    untagged = [a for a in digest.untagged_answers if a.quotable]
    out.heading("No theme yet", level=2)
    hidden = digest.facts.untagged - len(untagged)
    out.paragraph(
        f"{words.count(len(untagged), 'quotable answer')} with no theme yet"
        + (f", and {hidden} that can't be quoted." if hidden else ".")
    )
    _quotes(out, untagged, present)


def _quotes(out: BodyWriter, quotes: Iterable[DigestAnswer], present: int) -> None:
    for quote in quotes:
        out.paragraph(quote.text)
        out.note(
            f"{quote.alias}, question {quote.question_number} · {words.agreed(quote, present)}",
        )


def _about(out: BodyWriter, digest: Digest) -> None:
    out.heading("How to read this digest", level=1)
    for line in (
        "Answers are anonymous: each name is a made-up alias for this session only.",
        "Agreement: the number of people, other than the writer, who pressed an agree button"
        " (such as me too or good point), out of the people present (everyone who answered or"
        " reacted). Sending support and not sure are shown but never count as agreement.",
        thresholds_text(),
        "Skipped: people present who gave no answer to that question.",
        f"Times are in {digest.time_zone}.",
        f"Themes from codebook version {digest.codebook_version or 'unknown'}.",
    ):
        out.paragraph(line)
