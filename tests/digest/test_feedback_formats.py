"""Who will hear it and the end-of-session check, in every digest format: the same counts in
Markdown, HTML, Word, CSV and JSON, read back exactly from the JSON snapshot kept after the
purge; a digest without them (an older snapshot, a set with the check off) shows neither."""

from __future__ import annotations

import io
from dataclasses import replace

import docx

from bot.digest.build import end_check_result
from bot.digest.csv_export import render_csv
from bot.digest.docx_export import render_docx
from bot.digest.html import render_html
from bot.digest.json_export import render_json
from bot.digest.json_import import digest_from_json
from bot.digest.markdown import render_markdown
from bot.digest.model import Digest
from tests.digest.sample import build_digest

AUDIENCE = "Corporate Parenting Board, 12 March"
SAFE = "Did you feel safe? 😀 yes 5 · 🙂 a bit 2 · 😐 not sure 1 · 😞 no 0 (8 answered)"
DIFFERENCE = "Do you think it will make a difference? 😀 yes 1 · 🙂 a bit 0 · 😐 not sure 3"


def _with_feedback() -> Digest:
    counts = {(1, 3): 5, (1, 2): 2, (1, 1): 1, (4, 3): 1, (4, 1): 3, (4, 0): 2}
    return replace(build_digest(), audience=AUDIENCE, end_check=end_check_result(counts))


def _word_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_every_format_says_who_will_hear_it_and_gives_the_same_counts() -> None:
    digest = _with_feedback()
    texts = {
        "md": render_markdown(digest).replace("\\", ""),
        "html": render_html(digest),
        "docx": _word_text(render_docx(digest)),
        "csv": render_csv(digest).decode("utf-8-sig"),
    }
    for name, text in texts.items():
        assert AUDIENCE in text, name
        assert SAFE in text, name
        assert DIFFERENCE in text, name


def test_the_json_snapshot_reads_back_exactly() -> None:
    digest = _with_feedback()
    again = digest_from_json(render_json(digest))
    assert again.audience == AUDIENCE
    assert again.end_check == digest.end_check
    assert again.end_check is not None
    assert [q.answered for q in again.end_check.questions] == [8, 0, 0, 6]


def test_a_digest_without_them_shows_neither() -> None:
    digest = build_digest()
    assert digest.audience is None and digest.end_check is None
    for text in (render_markdown(digest), render_html(digest), _word_text(render_docx(digest))):
        assert "Who will hear it" not in text
        assert "End-of-session check" not in text
    header = render_csv(digest).decode("utf-8-sig").splitlines()[0]
    assert "audience" not in header and "end-check" not in header
    assert digest_from_json(render_json(digest)).end_check is None
