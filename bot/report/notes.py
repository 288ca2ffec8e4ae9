"""Notes typed up from in-person workshops, read from CSV or JSON Lines.

One row per noted point::

    workshop  the in-person workshop's name (its column in the report)         required
    text      the point, in the notes' words                                  required
    people    how many young people were in the room (on at least one row;   required
              every row that gives it must agree)
    themes    theme ids, separated by ";" (CSV) or a list (JSON Lines): the     optional
              output of ``consultbot tag`` joins as it is; rows without it are
              tagged with the codebook
    agreed    how many in the room agreed with the point (default 1)           optional

A byte-order mark is fine. Any problem names the file, the row and the field; nothing is
joined from a file with a problem.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import DataFileError

Tag = Callable[[str], tuple[str, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class NotePoint:
    text: str
    themes: tuple[str, ...]
    agreed: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class NotesWorkshop:
    label: str
    people: int
    points: tuple[NotePoint, ...]


def read_notes(
    path: Path, theme_ids: Mapping[str, str], tag: Tag | None = None
) -> list[NotesWorkshop]:
    """The workshops in a notes file, in the order they first appear."""
    name = str(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise DataFileError(name, "(file)", f"cannot be read: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise DataFileError(name, "(file)", "is not valid UTF-8 text") from e
    rows = _jsonl(name, raw) if path.suffix.lower() in {".jsonl", ".json"} else _csv(name, raw)
    people: dict[str, int] = {}
    points: dict[str, list[NotePoint]] = {}
    for at, row in rows:
        label = _text(name, at, row, "workshop")
        text = _text(name, at, row, "text")
        size = _count(name, at, row, "people")
        if size is not None:
            if label in people and people[label] != size:
                raise DataFileError(
                    name, f"{at}: people", f"says {size}, an earlier row says {people[label]}"
                )
            people[label] = size
        agreed = _count(name, at, row, "agreed")
        themes = _themes(name, at, row, theme_ids, tag, text)
        points.setdefault(label, []).append(
            NotePoint(text=text, themes=themes, agreed=1 if agreed is None else max(agreed, 1))
        )
    if not points:
        raise DataFileError(name, "(file)", "has no notes in it")
    for label in points:
        if label not in people or people[label] < 1:
            raise DataFileError(
                name, "people", f"give how many were in the room at '{label}' on one of its rows"
            )
    return [NotesWorkshop(label=k, people=people[k], points=tuple(v)) for k, v in points.items()]


def _jsonl(name: str, raw: str) -> list[tuple[str, Mapping[str, Any]]]:
    rows: list[tuple[str, Mapping[str, Any]]] = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataFileError(name, f"line {n}", f"is not valid JSON: {e.msg}") from e
        if not isinstance(record, dict):
            raise DataFileError(name, f"line {n}", "must be a JSON object")
        rows.append((f"line {n}", record))
    return rows


def _csv(name: str, raw: str) -> list[tuple[str, Mapping[str, Any]]]:
    reader = csv.DictReader(io.StringIO(raw))
    fields = {f.strip().lower() for f in reader.fieldnames or ()}
    for needed in ("workshop", "text"):
        if needed not in fields:
            raise DataFileError(name, "header", f"needs a '{needed}' column")
    try:
        return [
            (f"row {n}", {(k or "").strip().lower(): v for k, v in row.items()})
            for n, row in enumerate(reader, start=2)
            if any((v or "").strip() for v in row.values() if isinstance(v, str))
        ]
    except csv.Error as e:
        raise DataFileError(name, f"row {reader.line_num}", f"is not valid CSV: {e}") from e


def _text(name: str, at: str, row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(name, f"{at}: {key}", "is missing")
    return value.strip()


def _count(name: str, at: str, row: Mapping[str, Any], key: str) -> int | None:
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise DataFileError(name, f"{at}: {key}", f"'{value}' is not a whole number") from None
    if number < 0:
        raise DataFileError(name, f"{at}: {key}", "cannot be negative")
    return number


def _themes(
    name: str,
    at: str,
    row: Mapping[str, Any],
    theme_ids: Mapping[str, str],
    tag: Tag | None,
    text: str,
) -> tuple[str, ...]:
    value = row.get("themes")
    if value is None or (isinstance(value, str) and not value.strip()):
        return tag(text) if tag is not None else ()
    items = value if isinstance(value, list) else str(value).split(";")
    found = []
    for item in items:
        theme_id = str(item).strip()
        if not theme_id:
            continue
        if theme_id not in theme_ids:
            known = ", ".join(theme_ids)
            raise DataFileError(name, f"{at}: themes", f"no theme '{theme_id}' (themes: {known})")
        found.append(theme_id)
    order = list(theme_ids)
    return tuple(sorted(set(found), key=order.index))
