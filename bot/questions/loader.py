"""Loads and validates question sets from ``prompts/question-sets/*.toml``.

Every problem is a ``DataFileError`` naming the file, the field and what is wrong, raised
before any session starts. Format (``schema_version = 1``)::

    id = "check-in"                  # must match the file name
    title = "Quick check-in"
    intro = "Shown to young people when the session starts."
    audience = "the Review team"     # optional: who will hear it (the intro tells the group)
    end_check = true                 # optional, true when left out: the end-of-session check
    [[questions]]
    text = "How are you finding the group?"
    help = "Optional extra words under the question."
    palette = [{ emoji = "👍", label = "me too", kind = "agree" }]   # optional buttons
    sensitive = true                 # optional: a content note and support first
    highlight = true                 # optional: the digest's summary shows what it surfaced

A palette entry's ``kind`` says what pressing it means, so the digest counts agreement by
meaning: ``agree`` (counted as agreement), ``unsure``, ``support`` (kindness, not agreement)
or ``disagree`` ("different for me"). It may be left out only for the emoji the shipped sets
use (``bot.questions.model.KNOWN_KINDS``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.core.errors import DataFileError, NotFound
from bot.datafile import read_toml
from bot.questions.model import (
    DEFAULT_PALETTE,
    KNOWN_KINDS,
    PaletteEntry,
    Question,
    QuestionSet,
    ReactionKind,
)

SCHEMA_VERSION = 1
QUESTION_SETS_DIR = "question-sets"
_ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MAX_QUESTION_CHARS = 300  # Discord modal titles and Slack headers are short; keep questions so
_MAX_PALETTE = 5  # one row of buttons on Discord
_MAX_LABEL_CHARS = 20
_MAX_AUDIENCE_CHARS = 120

_TOP_KEYS = {"schema_version", "id", "title", "intro", "questions", "audience", "end_check"}
_QUESTION_KEYS = {"text", "help", "palette", "sensitive", "highlight"}
_PALETTE_KEYS = {"emoji", "label", "kind"}
_KINDS = ", ".join(kind.value for kind in ReactionKind)


def load_question_set(path: Path) -> QuestionSet:
    """Read and validate one question-set file."""
    where = str(path)
    data = read_toml(path)
    _reject_unknown(where, "", data, _TOP_KEYS)
    if data.get("schema_version") != SCHEMA_VERSION:
        raise DataFileError(where, "schema_version", f"must be {SCHEMA_VERSION}")
    set_id = _text(where, "id", data.get("id"), max_chars=60)
    if not _ID_PATTERN.match(set_id):
        raise DataFileError(where, "id", "must be lowercase words joined by hyphens")
    if set_id != path.stem:
        raise DataFileError(where, "id", f"is {set_id!r} but the file is named {path.name!r}")
    title = _text(where, "title", data.get("title"), max_chars=100)
    intro = _text(where, "intro", data.get("intro"), max_chars=1500)
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise DataFileError(where, "questions", "must be a non-empty list of [[questions]]")
    questions = tuple(
        _question(where, number, raw) for number, raw in enumerate(raw_questions, start=1)
    )
    audience = None
    if "audience" in data:
        audience = _text(where, "audience", data["audience"], max_chars=_MAX_AUDIENCE_CHARS)
        if "\n" in audience:
            raise DataFileError(where, "audience", "must be one line")
    end_check = _flag(where, "end_check", data.get("end_check", True))
    return QuestionSet(
        id=set_id,
        title=title,
        intro=intro,
        questions=questions,
        audience=audience,
        end_check=end_check,
    )


def load_question_sets(prompts_dir: Path) -> dict[str, QuestionSet]:
    """Load every question set under ``prompts_dir``; the first malformed file fails all."""
    folder = prompts_dir / QUESTION_SETS_DIR
    if not folder.is_dir():
        raise DataFileError(str(folder), "(folder)", "does not exist")
    sets = {}
    for path in sorted(folder.glob("*.toml")):
        qs = load_question_set(path)
        sets[qs.id] = qs
    if not sets:
        raise DataFileError(str(folder), "(folder)", "holds no question sets (*.toml)")
    return sets


def pick_question_set(sets: Mapping[str, QuestionSet], set_id: str) -> QuestionSet:
    """The set named ``set_id``, or ``NotFound`` listing what exists."""
    try:
        return sets[set_id]
    except KeyError:
        known = ", ".join(sorted(sets))
        raise NotFound(
            f"There's no question set called '{set_id}'. Sets you can use: {known}."
        ) from None


def _question(where: str, number: int, raw: Any) -> Question:
    field = f"questions[{number}]"
    if not isinstance(raw, dict):
        raise DataFileError(where, field, "must be a table with at least `text`")
    _reject_unknown(where, field + ".", raw, _QUESTION_KEYS)
    text = _text(where, f"{field}.text", raw.get("text"), max_chars=_MAX_QUESTION_CHARS)
    help_text = None
    if "help" in raw:
        help_text = _text(where, f"{field}.help", raw["help"], max_chars=500)
    palette = DEFAULT_PALETTE
    if "palette" in raw:
        palette = _palette(where, f"{field}.palette", raw["palette"])
    sensitive = _flag(where, f"{field}.sensitive", raw.get("sensitive", False))
    highlight = _flag(where, f"{field}.highlight", raw.get("highlight", False))
    return Question(
        number=number,
        text=text,
        help_text=help_text,
        palette=palette,
        sensitive=sensitive,
        highlight=highlight,
    )


def _flag(where: str, field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise DataFileError(where, field, "must be true or false")
    return value


def _palette(where: str, field: str, raw: Any) -> tuple[PaletteEntry, ...]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= _MAX_PALETTE:
        raise DataFileError(where, field, f"must be a list of 1 to {_MAX_PALETTE} reactions")
    entries = []
    for index, item in enumerate(raw, start=1):
        item_field = f"{field}[{index}]"
        if not isinstance(item, dict):
            raise DataFileError(where, item_field, "must be a table { emoji, label, kind }")
        _reject_unknown(where, item_field + ".", item, _PALETTE_KEYS)
        emoji = _text(where, f"{item_field}.emoji", item.get("emoji"), max_chars=8)
        label = _text(where, f"{item_field}.label", item.get("label"), max_chars=_MAX_LABEL_CHARS)
        kind = _kind(where, f"{item_field}.kind", item.get("kind"), emoji)
        entries.append(PaletteEntry(emoji=emoji, label=label, kind=kind))
    if len({e.emoji for e in entries}) != len(entries):
        raise DataFileError(where, field, "has the same emoji twice")
    return tuple(entries)


def _kind(where: str, field: str, value: Any, emoji: str) -> ReactionKind:
    if value is None:
        if emoji in KNOWN_KINDS:
            return KNOWN_KINDS[emoji]
        raise DataFileError(where, field, f"is missing: say what pressing {emoji} means ({_KINDS})")
    try:
        return ReactionKind(value)
    except ValueError:
        raise DataFileError(
            where, field, f"is {value!r}, which is not a kind of reaction (use one of: {_KINDS})"
        ) from None


def _text(where: str, field: str, value: Any, *, max_chars: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(where, field, "is missing or empty (it must be text)")
    if len(value) > max_chars:
        raise DataFileError(where, field, f"is {len(value)} characters; the limit is {max_chars}")
    return value.strip()


def _reject_unknown(where: str, prefix: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            raise DataFileError(
                where, f"{prefix}{key}", f"is not a known key (known: {', '.join(sorted(allowed))})"
            )
