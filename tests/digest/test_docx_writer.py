"""The Word body written as text is exactly what python-docx writes for the same paragraphs,
whatever the text holds (spaces at either end, tabs, line breaks, characters XML escapes or
cannot hold), so the Word digest reads the same however it is made."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.shared import Pt

from bot.digest.docx_writer import GREY, NOTE_POINTS, BodyWriter, clean, write_docx

from .sample import TRICKY_TEXTS

TEXTS = [
    *TRICKY_TEXTS.values(),
    "",
    " ",
    "  two spaces before",
    "after ",
    "\u00a0no-break space first",
    "a\tb",
    "\tstarts with a tab",
    "ends with a line break\n",
    "\n",
    "\r\n",
    "a\r\nb\rc\n\nd",
    "x\x00y\x0bz\x1f",
    "&amp; < > \" ' ]]>",
    "👍🏽 emoji and 中文",
    "\ufeffbyte-order mark",
]


def _with_python_docx(document: DocxDocument, text: str) -> None:
    """What the Word digest once wrote with python-docx alone, for one text."""
    for level in range(4):
        document.add_paragraph(clean(text), "Title" if level == 0 else f"Heading {level}")
    document.add_paragraph(clean(text))
    run = document.add_paragraph().add_run(clean(text))
    run.italic = True
    run.font.size = Pt(NOTE_POINTS)
    run.font.color.rgb = GREY
    paragraph = document.add_paragraph()
    paragraph.add_run(clean(text)).bold = True
    paragraph.add_run(clean(" " + text))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _with_writer(out: BodyWriter, text: str) -> None:
    for level in range(4):
        out.heading(text, level)
    out.paragraph(text)
    out.note(text)
    out.bold_lead(text, " " + text)
    out.page_break()


def _body_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/document.xml")


def _both(texts: list[str]) -> tuple[bytes, bytes]:
    reference = docx.Document()
    for text in texts:
        _with_python_docx(reference, text)
    saved = io.BytesIO()
    reference.save(saved)

    def body(out: BodyWriter) -> None:
        for text in texts:
            _with_writer(out, text)

    return _body_xml(saved.getvalue()), _body_xml(write_docx(docx.Document(), body))


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_each_paragraph_is_what_python_docx_writes(text: str) -> None:
    reference, written = _both([text])
    assert written == reference


def test_thousands_of_paragraphs_go_out_in_pieces_that_join_up() -> None:
    texts = [f"answer {n}: {TEXTS[n % len(TEXTS)]}" for n in range(600)]  # 4,800 paragraphs
    reference, written = _both(texts)
    assert written == reference
    document = docx.Document(io.BytesIO(write_docx(docx.Document(), lambda out: out.note("x"))))
    assert [p.text for p in document.paragraphs] == ["x"]


def test_a_document_with_a_body_already_is_refused() -> None:
    document = docx.Document()
    document.add_paragraph("already here")
    write: Callable[[BodyWriter], None] = lambda out: out.paragraph("more")  # noqa: E731
    with pytest.raises(ValueError, match="nothing in its body"):
        write_docx(document, write)
