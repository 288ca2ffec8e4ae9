"""Tagging a file of answers: JSON Lines or CSV in, JSON Lines with themes out.

Input is chosen by extension: ``.jsonl`` and ``.json`` are read as JSON Lines (one
``{"text": ...}`` object per line; blank lines skipped), ``.csv`` as a table with a ``text``
column (UTF-8, an Excel byte-order mark is fine). Every record comes back with all its fields
plus ``"themes": [ids]`` in codebook order. Errors name the file and the line or column.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from bot.core.errors import DataFileError
from bot.datafile import read_text_records
from bot.tagging.tagger import Tagger

Record = dict[str, Any]


def tag_records(path: Path, tagger: Tagger, *, explain: bool = False) -> Iterator[Record]:
    """Yield each input record with its ``themes`` (and, with ``explain``, ``"why"``: the
    words that triggered each theme); raise ``DataFileError`` on bad input."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        records = _read_jsonl(path)
    elif suffix == ".csv":
        records = _read_csv(path)
    else:
        raise DataFileError(str(path), "(extension)", "must be .jsonl, .json or .csv")
    for record in records:
        matches = tagger.tag(record["text"])
        tagged = {**record, "themes": [m.theme_id for m in matches]}
        if explain:
            tagged["why"] = {m.theme_id: list(m.evidence) for m in matches}
        yield tagged


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
        if "text" not in columns:
            found = ", ".join(repr(c) for c in columns) or "none"
            raise DataFileError(name, "column text", f"is missing; the columns are {found}")
        for row in reader:
            if None in row:
                raise DataFileError(
                    name, f"line {reader.line_num}", "has more cells than the header row"
                )
            if row["text"] is None:
                raise DataFileError(name, f"line {reader.line_num}", "has no text cell")
            yield dict(row)


def _lines(name: str, f: TextIO) -> Iterator[str]:
    try:
        yield from f
    except UnicodeDecodeError as e:
        raise DataFileError(name, "(file)", "is not valid UTF-8 text") from e
