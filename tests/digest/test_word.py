"""The Word digest: opened with python-docx, it has the summary, then a quote bank per theme
as plain paragraphs ready to paste, and nothing that may not be quoted. It is offered
everywhere the digest is: on close, by /digest and by ``consultbot digest``."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import pytest

from adapters.local.adapter import LocalChannel
from bot.app import open_engine
from bot.cli import main
from bot.core.events import Command, Role
from bot.core.outbound import FileDelivery

from .formats import docx_paragraphs, docx_text
from .scripted import NOT_QUOTABLE, QUOTABLE, A, B, D, E, F, K, L, Scripted, use_from_cli

STAFF = LocalChannel.person("staff-9", Role.STAFF)


def test_the_word_file_opens_with_the_summary_then_a_quote_bank(session: Scripted) -> None:
    paragraphs = docx_paragraphs(session.files["docx"])
    headings = [
        (style, text) for style, text in paragraphs if style.startswith(("Heading", "Title"))
    ]
    assert headings[:3] == [
        ("Title", "Our response to the Case for Change: Policy group, 3 Jul"),
        ("Heading 1", "Summary"),
        ("Heading 2", "Top themes"),
    ]
    names = [text for _, text in headings]
    assert (
        names.index("Summary") < names.index("Quote bank") < names.index("How to read this digest")
    )
    bank = names[names.index("Quote bank") :]
    assert bank[1:7] == [
        "Being heard",
        "Moving homes",
        "Social workers",
        "Brothers and sisters",
        "Leaving care",
        "No theme yet",
    ]


def _bank(session: Scripted) -> dict[str, list[str]]:
    """The quote bank: each theme's paragraphs, by its heading."""
    paragraphs = docx_paragraphs(session.files["docx"])
    start = paragraphs.index(("Heading 1", "Quote bank"))
    bank: dict[str, list[str]] = {}
    current = ""
    for style, text in paragraphs[start + 1 :]:
        if style == "Heading 1":
            break
        if style == "Heading 2":
            current = text
            bank[current] = []
        elif current:
            bank[current].append(text)
    return bank


def test_every_quotable_answer_is_in_its_themes_as_a_plain_paragraph(session: Scripted) -> None:
    bank = _bank(session)
    heard = [p for p in bank["Being heard"] if p in QUOTABLE]
    assert heard[0] == A and set(heard[1:]) == {L, K}  # most agreed first (L and K: 1 each)
    assert [p for p in bank["Moving homes"] if p in QUOTABLE] == [B, L]  # L has two themes
    assert [p for p in bank["Brothers and sisters"] if p in QUOTABLE] == [F]
    assert "None of its answers may be quoted." in bank["Social workers"]
    assert [p for p in bank["No theme yet"] if p in QUOTABLE] == [D, E]
    after = bank["Being heard"][bank["Being heard"].index(A) + 1]
    assert after.endswith("question 1 · agreed by 4 of 10 (40%) · broad agreement")


def test_the_word_file_has_no_markdown_marks_and_nothing_unquotable(session: Scripted) -> None:
    text = docx_text(session.files["docx"])
    assert not re.search(r"\*\*|^>|^#|\\[*_.#]", text, re.MULTILINE)
    for hidden in NOT_QUOTABLE:
        assert hidden not in text
    for quote in QUOTABLE:
        assert quote in text


def test_control_characters_in_an_answer_do_not_break_the_word_file() -> None:
    from bot.digest.docx_writer import clean

    assert clean("a\r\nb\rc\x00d\x0be\tf") == "a\nb\ncde\tf"


def test_word_is_offered_on_close_by_slash_digest_and_on_the_command_line(
    session: Scripted,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert set(session.files) == {"md", "html", "csv", "json", "docx"}  # sent on close

    async def slash_digest() -> list[FileDelivery]:
        async with open_engine(session.settings) as engine:
            channel = LocalChannel(engine)
            sent = await channel.command(
                STAFF, Command.DIGEST, session=session.session_id, format="docx"
            )
            return [m for m in sent if isinstance(m, FileDelivery)]

    (delivery,) = asyncio.run(slash_digest())
    (file,) = delivery.files
    assert file.name == f"digest-{session.session_id}.docx"
    assert file.mime_type.endswith("wordprocessingml.document")
    assert F in docx_text(file.content)

    use_from_cli(session.settings, monkeypatch)
    out = tmp_path / "response.docx"
    assert main(["digest", session.session_id, "--out", str(out)]) == 0
    assert F in docx_text(out.read_bytes())
    capsys.readouterr()
    assert main(["digest", session.session_id, "--format", "docx"]) == 2  # no bytes to a terminal
    assert "give --out FILE.docx" in capsys.readouterr().err


def test_the_format_list_names_word(session: Scripted) -> None:
    async def unknown() -> str:
        async with open_engine(session.settings) as engine:
            channel = LocalChannel(engine)
            (reply,) = await channel.command(
                STAFF, Command.DIGEST, session=session.session_id, format="pdf"
            )
            return str(getattr(reply, "text", ""))

    assert "Formats: md, html, csv, json, docx, all." in asyncio.run(unknown())


def test_the_bytes_are_a_real_docx(session: Scripted) -> None:
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(session.files["docx"])).namelist()
    assert "word/document.xml" in names and "docProps/thumbnail.jpeg" not in names
