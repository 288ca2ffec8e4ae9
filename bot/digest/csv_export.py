"""The CSV digest: one row per answer, ready for a spreadsheet, Talk to the City, ``consultbot
tag`` and, once staff have corrected its themes, ``consultbot retag --from``.

The first two columns are exactly ``comment-id`` and ``comment-body``, the columns Talk to the
City reads. ``comment-body`` is empty when the young person did not agree to be quoted (the
row still counts: its themes and agreement are there), so no analysis tool reads a
placeholder as a comment. Then: the session and its label, the question, the alias,
``quotable`` (yes/no), the themes as ids (``themes``, the column ``retag --from`` reads) and
as labels, one column per reaction (headed by emoji and label, ``👍 me too``, in the order
first seen), the agreement (distinct people), its share of the people present, the
consensus label, and the version of the codebook the themes came from; once any theme has a
"you said, we did" action, ``you-said-we-did`` gives the status of each of the answer's themes.
Last, only when the session has them: who will hear it (``audience``, from the question set)
and the end-of-session check's counts (``end-check``; the same on every row: counts only,
never whose).

UTF-8 with a byte-order mark so Excel detects the encoding. Any text cell that a spreadsheet
could run as a formula gets a leading ``'``; the csv module quotes embedded commas, quotes and
line breaks.
"""

from __future__ import annotations

import csv
import io

from bot.digest import actions, feedback_words, words
from bot.digest.model import Digest, DigestAnswer

THEMES = "themes"
THEME_SEPARATOR = ";"
FIXED_COLUMNS = (
    "comment-id",
    "comment-body",
    "session",
    "session-label",
    "question-number",
    "question",
    "alias",
    "quotable",
    THEMES,
    "theme-labels",
)
END_COLUMNS = ("agreement", "agreement-share", "consensus", "codebook")
STATUS_COLUMN = "you-said-we-did"  # only when a theme has an action
AUDIENCE = "audience"
END_CHECK = "end-check"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(digest: Digest) -> bytes:
    """The whole digest as CSV bytes (UTF-8 with BOM), encoded row by row as it is written:
    the text of a 50,000-answer file is never held as one string."""
    reactions = reaction_columns(digest)
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    header = [*FIXED_COLUMNS, *(f"{emoji} {label}" for emoji, label in reactions), *END_COLUMNS]
    if digest.actions:  # "you said, we did": the status of each of the answer's themes
        header.append(STATUS_COLUMN)
    header += _feedback_columns(digest)
    writer.writerow([defuse(cell) for cell in header])
    rows = _Rows(digest, reactions)
    for question in digest.questions:
        writer.writerows(rows.row(answer, question.text) for answer in question.answers)
    text.flush()
    text.detach()  # the bytes stay in ``buffer``: closing the wrapper would close it too
    return buffer.getvalue()


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


class _Rows:
    """One row per answer. What is the same on every row (the session, the end-of-session
    check, each theme's label and status) is worked out once."""

    def __init__(self, digest: Digest, reactions: tuple[tuple[str, str], ...]) -> None:
        self._digest = digest
        self._reactions = reactions
        self._session = [digest.session_id, digest.label or ""]
        self._labels = digest.theme_labels()
        self._feedback = _feedback_cells(digest)
        self._statuses: dict[tuple[str, ...], str] = {}

    def row(self, answer: DigestAnswer, question: str) -> list[str]:
        digest = self._digest
        counts = {(r.emoji, r.label): r.count for r in answer.reactions}
        labels = self._labels
        text = [
            answer.answer_id,
            answer.text if answer.quotable else "",
            *self._session,
            str(answer.question_number),
            question,
            answer.alias,
            "yes" if answer.quotable else "no",
            THEME_SEPARATOR.join(answer.themes),
            "; ".join(labels.get(t, t) for t in answer.themes),
        ]
        row = [
            *(defuse(cell) for cell in text),
            *(str(counts.get(key, 0)) for key in self._reactions),
            str(answer.agreement),
            words.share(answer.agreement, digest.participant_count),
            answer.consensus.value,
            digest.codebook_version,
        ]
        if digest.actions:  # under its column, before the feedback columns (as headed)
            row.append(self._status(answer.themes))
        row += self._feedback
        return row

    def _status(self, themes: tuple[str, ...]) -> str:
        status = self._statuses.get(themes)
        if status is None:
            status = defuse(actions.status_cell(themes, self._digest.actions))
            self._statuses[themes] = status
        return status


def _feedback_columns(digest: Digest) -> list[str]:
    return [AUDIENCE] * (digest.audience is not None) + [END_CHECK] * (digest.end_check is not None)


def _feedback_cells(digest: Digest) -> list[str]:
    cells = [] if digest.audience is None else [defuse(digest.audience)]
    if digest.end_check is not None:
        cells.append(defuse(" | ".join(feedback_words.end_check_lines(digest.end_check))))
    return cells
