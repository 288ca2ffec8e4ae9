"""Tagging a file of answers: JSON Lines or CSV in, JSON Lines with themes out.

Input is chosen by extension: ``.jsonl`` and ``.json`` are read as JSON Lines (one
``{"text": ...}`` object per line; blank lines skipped), ``.csv`` as a table with a ``text``
column, or a digest's own CSV, whose ``comment-body`` is the text (UTF-8, an Excel byte-order
mark is fine). Every record comes back with all its fields
plus ``"themes": [ids]`` in codebook order and ``"untagged"``: true when the tagger could give
the answer no theme, so nobody mistakes "no theme" for "not read". Errors name the file and
the line or column.

With ``explain``, ``"why"`` says for each theme what gave it and the codebook's include note:

    "why": {"stability-moves": {"by": "keywords", "words": ["moved"], "score": 0.91,
                                "note": "Moving home or school while in care: …"},
            "relationships": {"by": "model", "score": 0.93, "note": "…",
                              "like": [{"id": "rq-214", "text": "I have been with …",
                                        "similarity": 0.41}]}}

plus ``"held_back"`` (keyword matches the model judged unlikely) when there are any, and for
an answer with no theme ``"nearest_theme"``: the model's likeliest theme and its score.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from bot.core.errors import DataFileError
from bot.datafile import read_text_records
from bot.tagging.codebook import Codebook
from bot.tagging.tagger import Explanation, Tagger, ThemeMatch

Record = dict[str, Any]
DIGEST_TEXT = "comment-body"


def tag_records(
    path: Path, tagger: Tagger, *, explain: bool = False, codebook: Codebook | None = None
) -> Iterator[Record]:
    """Yield each input record with its ``themes`` and ``untagged`` (and, with ``explain``,
    ``why``; ``codebook`` adds each theme's note); raise ``DataFileError`` on bad input."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        records = _read_jsonl(path)
    elif suffix == ".csv":
        records = _read_csv(path)
    else:
        raise DataFileError(str(path), "(extension)", "must be .jsonl, .json or .csv")
    for record in records:
        found = tagger.explain(record["text"])
        tagged = {
            **record,
            "themes": [m.theme_id for m in found.matches],
            "untagged": not found.matches,
        }
        if explain:
            tagged.update(_why(found, codebook))
        yield tagged


def _why(found: Explanation, codebook: Codebook | None) -> Record:
    notes = {t.id: t.include for t in codebook.themes} if codebook else {}
    out: Record = {"why": {m.theme_id: _reason(m, notes) for m in found.matches}}
    if found.held_back:
        out["held_back"] = {m.theme_id: _reason(m, {}) for m in found.held_back}
    if not found.matches and found.scores:
        best = max(found.scores, key=lambda t: found.scores[t])
        out["nearest_theme"] = {"theme": best, "score": round(found.scores[best], 3)}
    return out


def _reason(match: ThemeMatch, notes: dict[str, str]) -> Record:
    reason: Record = {"by": match.source}
    if match.source == "keywords":
        reason["words"] = list(match.evidence)
    else:
        reason["like"] = [
            {"id": e.id, "text": e.snippet, "similarity": e.similarity} for e in match.examples
        ]
    if match.score is not None:
        reason["score"] = round(match.score, 3)
    if match.theme_id in notes:
        reason["note"] = notes[match.theme_id]
    return reason


def write_jsonl(records: Iterable[Record], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _open(path: Path) -> TextIO:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as e:
        raise DataFileError(str(path), "(file)", f"cannot be read: {e.strerror or e}") from e


def _read_jsonl(path: Path) -> Iterator[Record]:
    for _, record in read_text_records(path):
        yield record


def _read_csv(path: Path) -> Iterator[Record]:
    name = str(path)
    with _open(path) as f:
        reader = csv.DictReader(_lines(name, f))
        columns = reader.fieldnames or []
        # A digest's own CSV has its answers in comment-body (empty when not quotable).
        column = "text" if "text" in columns or DIGEST_TEXT not in columns else DIGEST_TEXT
        if column not in columns:
            found = ", ".join(repr(c) for c in columns) or "none"
            raise DataFileError(
                name, "column text", f"is missing (or {DIGEST_TEXT}); the columns are {found}"
            )
        for row in reader:
            if None in row:
                raise DataFileError(
                    name, f"line {reader.line_num}", "has more cells than the header row"
                )
            if row[column] is None:
                raise DataFileError(name, f"line {reader.line_num}", f"has no {column} cell")
            yield {**row, "text": row[column]} if column != "text" else dict(row)


def _lines(name: str, f: TextIO) -> Iterator[str]:
    try:
        yield from f
    except UnicodeDecodeError as e:
        raise DataFileError(name, "(file)", "is not valid UTF-8 text") from e
