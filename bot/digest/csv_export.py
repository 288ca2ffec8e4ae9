"""The CSV digest: one row per answer, ready for a spreadsheet or Talk to the City.

The first two columns are exactly ``comment-id`` and ``comment-body``, the columns Talk to the
City reads. Reactions get one column each, headed by emoji and label (``👍 me too``), in the
order first seen, so staff can sort and filter by them. UTF-8 with a byte-order mark so Excel
detects the encoding. Any text cell that a spreadsheet could run as a formula gets a leading
``'``; the csv module quotes embedded commas, quotes and line breaks.
"""

from __future__ import annotations

import csv
import io

from bot.digest.model import Digest, DigestAnswer

FIXED_COLUMNS = (
    "comment-id",
    "comment-body",
    "question-number",
    "question",
    "alias",
    "themes",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(digest: Digest) -> bytes:
    """The whole digest as CSV bytes (UTF-8 with BOM)."""
    reactions = reaction_columns(digest)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = [*FIXED_COLUMNS, *(f"{emoji} {label}" for emoji, label in reactions), "agreement"]
    writer.writerow([defuse(cell) for cell in header])
    for question in digest.questions:
        for answer in question.answers:
            writer.writerow(_row(answer, question.text, reactions))
    return buffer.getvalue().encode("utf-8-sig")


def reaction_columns(digest: Digest) -> tuple[tuple[str, str], ...]:
    """Every (emoji, label) pair seen on any answer, in first-seen order."""
    seen: dict[tuple[str, str], None] = {}
    for question in digest.questions:
        for answer in question.answers:
            for reaction in answer.reactions:
                seen.setdefault((reaction.emoji, reaction.label), None)
    return tuple(seen)


def defuse(cell: str) -> str:
    """Prefix ``'`` to text a spreadsheet would otherwise treat as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _row(answer: DigestAnswer, question: str, reactions: tuple[tuple[str, str], ...]) -> list[str]:
    counts = {(r.emoji, r.label): r.count for r in answer.reactions}
    text = [answer.answer_id, answer.text, str(answer.question_number), question, answer.alias]
    return [
        *(defuse(cell) for cell in text),
        defuse(";".join(answer.themes)),
        *(str(counts.get(key, 0)) for key in reactions),
        str(answer.agreement),
    ]
