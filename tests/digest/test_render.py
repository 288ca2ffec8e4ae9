"""One entry point renders every format to bytes with a safe file name and MIME type."""

from __future__ import annotations

import dataclasses

import pytest

from bot.digest.csv_export import render_csv
from bot.digest.docx_export import render_docx
from bot.digest.html import render_html
from bot.digest.json_export import render_json
from bot.digest.markdown import render_markdown
from bot.digest.model import Digest
from bot.digest.render import MIME_TYPES, DigestFormat, file_name, render


def test_each_format_renders_with_its_renderer(digest: Digest) -> None:
    assert render(digest, DigestFormat.MD) == render_markdown(digest).encode()
    assert render(digest, DigestFormat.HTML) == render_html(digest).encode()
    assert render(digest, DigestFormat.CSV) == render_csv(digest)
    assert render(digest, DigestFormat.JSON) == render_json(digest).encode()
    assert render(digest, DigestFormat.DOCX)[:2] == render_docx(digest)[:2] == b"PK"  # a zip


@pytest.mark.parametrize("fmt", list(DigestFormat))
def test_every_format_has_a_name_and_mime_type(digest: Digest, fmt: DigestFormat) -> None:
    assert file_name(digest, fmt) == f"digest-sess-42.{fmt}"
    assert MIME_TYPES[fmt]
    assert render(digest, fmt)


def test_format_values_match_file_extensions() -> None:
    assert [str(f) for f in DigestFormat] == ["md", "html", "csv", "json", "docx"]
    assert DigestFormat("csv") is DigestFormat.CSV


@pytest.mark.parametrize(
    ("session_id", "expected"),
    [
        ("../../etc/passwd", "digest-etc-passwd.md"),
        ("a b/c", "digest-a-b-c.md"),
        ("/", "digest-session.md"),
    ],
)
def test_file_name_cannot_escape_a_folder(digest: Digest, session_id: str, expected: str) -> None:
    assert (
        file_name(dataclasses.replace(digest, session_id=session_id), DigestFormat.MD) == expected
    )


def test_theme_labels_are_what_theme_label_gives_for_each_theme(digest: Digest) -> None:
    twice = dataclasses.replace(
        digest, themes=(*digest.themes, dataclasses.replace(digest.themes[0], label="Later"))
    )
    labels = twice.theme_labels()
    assert labels == {t.theme_id: twice.theme_label(t.theme_id) for t in twice.themes}
    assert labels[digest.themes[0].theme_id] == digest.themes[0].label  # the first one found
    assert "no-such-theme" not in labels
