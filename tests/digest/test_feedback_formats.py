"""Who will hear it and the end-of-session check, in every digest format: the same counts in
Markdown, HTML, Word, CSV and JSON, any count under 3 as "fewer than 3" (and one more when
only one would be hidden), no counts at all while the check is still open; read back from the
JSON snapshot kept after the purge as shown; a digest without them (an older snapshot, a set
with the check off) shows neither."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import docx

from bot.digest.build import end_check_result
from bot.digest.csv_export import render_csv
from bot.digest.docx_export import render_docx
from bot.digest.feedback_words import FEWER, STILL_OPEN, end_check_lines
from bot.digest.html import render_html
from bot.digest.json_export import render_json
from bot.digest.json_import import digest_from_json
from bot.digest.markdown import render_markdown
from bot.digest.model import Digest
from tests.digest.sample import build_digest

AUDIENCE = "Corporate Parenting Board, 12 March"
SAFE = (
    "Did you feel safe? 😀 yes 5 · 🙂 a bit fewer than 3 · 😐 not sure fewer than 3 · "
    "😞 no fewer than 3 (8 answered)"
)
SAID = (
    "Did you get to say what you wanted? 😀 yes 4 · 🙂 a bit 3 · 😐 not sure fewer than 3 · "
    "😞 no fewer than 3 (9 answered)"
)  # one count under 3: the next smallest is hidden too, or the total would give it away
DIFFERENCE = (
    "Do you think it will make a difference? 😀 yes fewer than 3 · 🙂 a bit fewer than 3 · "
    "😐 not sure 3 · 😞 no fewer than 3 (6 answered)"
)
HEAR = (
    "Do you know who will hear it? 😀 yes fewer than 3 · 🙂 a bit fewer than 3 · "
    "😐 not sure fewer than 3 · 😞 no fewer than 3 (fewer than 3 answered)"
)
COUNTS = {(1, 3): 5, (1, 2): 2, (1, 1): 1, (4, 3): 1, (4, 1): 3, (4, 0): 2}
COUNTS |= {(2, 3): 4, (2, 2): 3, (2, 1): 2}


def _with_feedback(*, still_open: bool = False) -> Digest:
    check = end_check_result(COUNTS, still_open=still_open)
    return replace(build_digest(), audience=AUDIENCE, end_check=check)


def _texts(digest: Digest) -> dict[str, str]:
    return {
        "md": render_markdown(digest).replace("\\", ""),
        "html": render_html(digest),
        "docx": _word_text(render_docx(digest)),
        "csv": render_csv(digest).decode("utf-8-sig"),
        "json": render_json(digest),
    }


def _word_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_every_format_says_who_will_hear_it_and_gives_the_same_counts() -> None:
    digest = _with_feedback()
    for name, text in _texts(digest).items():
        assert AUDIENCE in text, name
        if name == "json":
            continue
        for line in (SAFE, SAID, DIFFERENCE, HEAR):
            assert line in text, (name, line)
    questions = json.loads(_texts(digest)["json"])["end_check"]["questions"]
    assert [(q["counts"], q["answered"]) for q in questions] == [
        ([FEWER, FEWER, FEWER, 5], 8),
        ([FEWER, FEWER, 3, 4], 9),
        ([FEWER] * 4, FEWER),
        ([FEWER, 3, FEWER, FEWER], 6),
    ]


def test_while_the_check_is_open_no_format_shows_a_count() -> None:
    digest = _with_feedback(still_open=True)
    for name, text in _texts(digest).items():
        assert AUDIENCE in text, name
        assert "8 answered" not in text and "yes 5" not in text, name
        if name != "json":
            assert STILL_OPEN in text.replace("&#39;", "'"), name
    check = json.loads(_texts(digest)["json"])["end_check"]
    assert check["still_open"] is True
    assert all("counts" not in q for q in check["questions"])
    again = digest_from_json(_texts(digest)["json"]).end_check
    assert again is not None and again.still_open


def test_the_json_snapshot_reads_back_as_shown() -> None:
    digest = _with_feedback()
    again = digest_from_json(render_json(digest))
    assert again.audience == AUDIENCE
    assert again.end_check is not None and digest.end_check is not None
    assert end_check_lines(again.end_check) == end_check_lines(digest.end_check)
    assert [q.answered for q in again.end_check.questions] == [8, 9, 0, 6]


def test_a_digest_without_them_shows_neither() -> None:
    digest = build_digest()
    assert digest.audience is None and digest.end_check is None
    for text in (render_markdown(digest), render_html(digest), _word_text(render_docx(digest))):
        assert "Who will hear it" not in text
        assert "End-of-session check" not in text
    header = render_csv(digest).decode("utf-8-sig").splitlines()[0]
    assert "audience" not in header and "end-check" not in header
    assert digest_from_json(render_json(digest)).end_check is None
