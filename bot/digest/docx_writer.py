"""A Word file whose body is written paragraph by paragraph straight into the file.

python-docx makes the package (styles, settings, document properties, the page set-up) and
saves it with an empty body; the body's paragraphs are then written as WordprocessingML text
into ``word/document.xml`` as the file is zipped. Each paragraph is exactly what python-docx
writes for the same call (``add_paragraph(text, style)``, ``add_run(text)`` with bold, or
italic, size and colour, a page break): a test builds both and compares them. It is one
plain paragraph after another, so the digest needs nothing more.

Why not python-docx all the way: it makes every run property through a generic schema
search, ~100 µs a paragraph, and holds the whole body as an lxml tree (about 2 KB a quote and
its note) until it serialises it in one piece. A 50,000-answer quote bank took 11 s and
120 MB that way; written as text it takes a fraction of a second and a few MB.

Text: control characters Word cannot hold are left out; a tab is a tab, and a line break
(``\\n``, ``\\r\\n`` or ``\\r``) a line break, as python-docx makes them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import IO

from docx.document import Document as DocxDocument
from docx.shared import RGBColor

# XML 1.0 allows tab, line feed and carriage return among the control characters; Word
# makes a line break of the last two, which we turn into one "\n" first.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TAB_OR_BREAK = re.compile(r"([\t\n])")
_BODY = "word/document.xml"
_SECTION = b"<w:sectPr"  # the page set-up: the body's last element
_FLUSH_AT = 2048  # paragraphs held before they are encoded and written

GREY = RGBColor(0x55, 0x5A, 0x66)
NOTE_POINTS = 9
# The run properties python-docx writes for ``bold = True`` and for a note: ``italic = True``,
# ``font.size = Pt(NOTE_POINTS)``, ``font.color.rgb = GREY`` (in the schema's order).
_BOLD = "<w:rPr><w:b/></w:rPr>"
_NOTE = f'<w:rPr><w:i/><w:color w:val="{GREY}"/><w:sz w:val="{NOTE_POINTS * 2}"/></w:rPr>'


def clean(text: str) -> str:
    """Text Word can hold: control characters out, every line break a plain ``\\n``."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class BodyWriter:
    """Adds paragraphs at the end of the body, in order."""

    def __init__(self, stream: IO[bytes], style_ids: Callable[[str], str]) -> None:
        self._stream = stream
        self._style_ids = style_ids
        self._styles: dict[str, str] = {}
        self._held: list[str] = []

    def heading(self, text: str, level: int) -> None:
        self.styled(text, "Title" if level == 0 else f"Heading {level}")

    def styled(self, text: str, style: str) -> None:
        """A paragraph in a paragraph style, by the style's name (``Heading 2``)."""
        properties = self._styles.get(style)
        if properties is None:
            properties = f'<w:pPr><w:pStyle w:val="{_attr(self._style_ids(style))}"/></w:pPr>'
            self._styles[style] = properties
        text = clean(text)
        self._add(f"<w:p>{properties}{_run(text) if text else ''}</w:p>")

    def paragraph(self, text: str = "") -> None:
        text = clean(text)
        self._add(f"<w:p>{_run(text)}</w:p>" if text else "<w:p/>")

    def note(self, text: str) -> None:
        """A small grey italic line (where a quote came from, how the room agreed)."""
        self._add(f"<w:p>{_run(clean(text), _NOTE)}</w:p>")

    def bold_lead(self, lead: str, rest: str) -> None:
        """One paragraph: ``lead`` in bold, then ``rest``."""
        self._add(f"<w:p>{_run(clean(lead), _BOLD)}{_run(clean(rest))}</w:p>")

    def page_break(self) -> None:
        self._add('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def _add(self, paragraph: str) -> None:
        self._held.append(paragraph)
        if len(self._held) >= _FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        self._stream.write("".join(self._held).encode("utf-8"))
        self._held.clear()


def write_docx(document: DocxDocument, body: Callable[[BodyWriter], None]) -> bytes:
    """The bytes of ``document``, whose body must be empty but for its page set-up, with the
    paragraphs ``body`` writes before that."""
    template = io.BytesIO()
    document.save(template)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != _BODY:
                target.writestr(info, source.read(info))
                continue
            xml = source.read(info)
            split = xml.rindex(_SECTION)
            if not xml[:split].endswith(b"<w:body>"):
                raise ValueError("write_docx needs a document with nothing in its body yet")
            with target.open(_like(info), "w") as stream:
                stream.write(xml[:split])
                writer = BodyWriter(stream, lambda name: str(document.styles[name].style_id))
                body(writer)
                writer.flush()
                stream.write(xml[split:])
    return out.getvalue()


def _like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    made = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    made.compress_type = info.compress_type
    made.external_attr = info.external_attr
    return made


def _run(text: str, properties: str = "") -> str:
    """python-docx's ``add_run(text)``: a ``w:t`` per stretch of text (its spaces kept when it
    starts or ends with one), ``w:tab`` for a tab, ``w:br`` for a line break."""
    content = []
    for piece in _TAB_OR_BREAK.split(text):
        if piece == "\t":
            content.append("<w:tab/>")
        elif piece == "\n":
            content.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            content.append(f"<w:t{space}>{_text(piece)}</w:t>")
    inner = properties + "".join(content)
    return f"<w:r>{inner}</w:r>" if inner else "<w:r/>"


def _text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")
