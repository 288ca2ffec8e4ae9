"""The theme codebook and coding manual: its model and its loader from ``prompts/themes.toml``.

The file is edited by hand by facilitators and read by the people who code answers, so the
loader is strict and every error names the file, the field (``themes[3].keywords``, counting
from 0) and what is wrong with it. Unknown keys are refused.

Schema version 2 made the codebook a coding manual: top-level ``conventions`` (the general
coding rules), and per theme an ``include`` and an ``exclude`` note, ``examples`` (at least
three) and ``not_examples`` ("answer → the themes it does get"). The keyword tagger's phrases
that cancel a keyword moved from ``exclude`` to ``exclude_phrases``. An optional top-level
``model`` names the trained model file, relative to the codebook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import DataFileError
from bot.datafile import read_toml
from bot.tagging.text import words

SCHEMA_VERSION = 2
MIN_EXAMPLES = 3
NONE = "none"  # what a not-example says when the answer gets no theme at all
_ARROW = "→"
_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_TOP_KEYS = frozenset({"schema_version", "conventions", "model", "themes"})
_REQUIRED = ("id", "label", "description", "include", "exclude", "examples", "keywords")
_THEME_KEYS = frozenset({*_REQUIRED, "not_examples", "exclude_phrases", "young_label"})
YOUNG_LABEL_LIMIT = 60  # characters: a card's heading, read by young people


@dataclass(frozen=True, slots=True)
class NotExample:
    """An answer that looks like a theme but is not, with the themes it does get."""

    text: str
    themes: tuple[str, ...]  # empty: the answer gets no theme


@dataclass(frozen=True, slots=True, kw_only=True)
class Theme:
    id: str
    label: str
    description: str
    keywords: tuple[str, ...]
    exclude_phrases: tuple[str, ...] = ()
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    not_examples: tuple[NotExample, ...] = ()
    young_label: str = ""  # the name young people see (cards); empty: ``label``

    @property
    def label_for_young_people(self) -> str:
        return self.young_label or self.label


@dataclass(frozen=True, slots=True)
class Codebook:
    themes: tuple[Theme, ...]
    conventions: tuple[str, ...] = ()
    model_file: Path | None = None  # the trained model this codebook names, if any

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(f"unknown theme {theme_id!r}; known: {', '.join(self.ids)}")


def load_codebook(path: Path, cache_dir: Path | None = None) -> Codebook:
    """Read and validate a codebook file; raise ``DataFileError`` on any problem. With
    ``cache_dir``, its parse is kept there (``read_toml``)."""
    return _parse(str(path), read_toml(path, cache_dir), path.parent)


def _parse(name: str, data: dict[str, Any], folder: Path) -> Codebook:
    _reject_unknown(name, "", data, _TOP_KEYS)
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        raise DataFileError(name, "schema_version", f"must be {SCHEMA_VERSION}, got {version!r}")
    if "conventions" not in data:
        raise DataFileError(name, "conventions", "is required: the general coding rules")
    conventions = _notes(name, "conventions", data["conventions"], at_least=1)
    model = data.get("model")
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise DataFileError(name, "model", "must be the name of the model file")
    raw = data.get("themes")
    if not isinstance(raw, list) or not raw:
        raise DataFileError(name, "themes", "must have at least one [[themes]] entry")
    themes: list[Theme] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        theme = _parse_theme(name, f"themes[{i}]", entry)
        if theme.id in seen:
            raise DataFileError(name, f"themes[{i}].id", f"duplicate id {theme.id!r}")
        seen.add(theme.id)
        themes.append(theme)
    for i, theme in enumerate(themes):
        for j, not_example in enumerate(theme.not_examples):
            at = f"themes[{i}].not_examples[{j}]"
            for theme_id in not_example.themes:
                if theme_id not in seen:
                    raise DataFileError(name, at, f"unknown theme id {theme_id!r}")
            if theme.id in not_example.themes:
                raise DataFileError(name, at, f"is not an example of {theme.id!r}, so must not")
    model_file = folder / model.strip() if isinstance(model, str) else None
    return Codebook(tuple(themes), tuple(conventions), model_file)


def _parse_theme(name: str, at: str, entry: object) -> Theme:
    if not isinstance(entry, dict):
        raise DataFileError(name, at, "must be a [[themes]] table")
    _reject_unknown(name, f"{at}.", entry, _THEME_KEYS)
    for key in _REQUIRED:
        if key not in entry:
            raise DataFileError(name, f"{at}.{key}", "is required")
    text = {key: _note(name, f"{at}.{key}", entry[key]) for key in _REQUIRED[:5]}
    if not _ID.fullmatch(entry["id"]):
        raise DataFileError(
            name, f"{at}.id", f"{entry['id']!r} must be lowercase words joined by hyphens"
        )
    return Theme(
        id=entry["id"],
        label=text["label"],
        description=text["description"],
        include=text["include"],
        exclude=text["exclude"],
        examples=_notes(name, f"{at}.examples", entry["examples"], at_least=MIN_EXAMPLES),
        not_examples=tuple(
            _not_example(name, f"{at}.not_examples[{j}]", item)
            for j, item in enumerate(
                _notes(name, f"{at}.not_examples", entry.get("not_examples", []))
            )
        ),
        keywords=_phrases(name, f"{at}.keywords", entry["keywords"], allow_empty=False),
        exclude_phrases=_phrases(
            name, f"{at}.exclude_phrases", entry.get("exclude_phrases", []), allow_empty=True
        ),
        young_label=_young_label(name, f"{at}.young_label", entry.get("young_label")),
    )


def _note(name: str, at: str, value: object) -> str:
    """A non-empty string, its runs of whitespace (line breaks in the file) made one space."""
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(name, at, "must be a non-empty string")
    return " ".join(value.split())


def _young_label(name: str, at: str, value: object) -> str:
    """Optional; else a short one-line name (the glossary and reading age: the lint)."""
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
        raise DataFileError(name, at, "must be a non-empty string on one line")
    if len(value.strip()) > YOUNG_LABEL_LIMIT:
        raise DataFileError(
            name, at, f"is {len(value.strip())} characters: keep it under {YOUNG_LABEL_LIMIT}"
        )
    return value.strip()


def _notes(name: str, at: str, value: object, *, at_least: int = 0) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) < at_least:
        need = f"at least {at_least} " if at_least else ""
        raise DataFileError(name, at, f"must be a list of {need}strings")
    return tuple(_note(name, f"{at}[{j}]", item) for j, item in enumerate(value))


def _not_example(name: str, at: str, item: str) -> NotExample:
    text, arrow, themes = item.rpartition(_ARROW)
    ids = [t.strip() for t in themes.split(",")]
    if not arrow or not text.strip() or not all(ids):
        raise DataFileError(
            name, at, f'must be written "answer {_ARROW} theme-id, theme-id" or "answer → none"'
        )
    return NotExample(text.strip(), () if ids == [NONE] else tuple(ids))


def _phrases(name: str, at: str, value: object, *, allow_empty: bool) -> tuple[str, ...]:
    kind = "a list of strings" if allow_empty else "a non-empty list of strings"
    if not isinstance(value, list) or (not value and not allow_empty):
        raise DataFileError(name, at, f"must be {kind}")
    for j, item in enumerate(value):
        if not isinstance(item, str):
            raise DataFileError(name, f"{at}[{j}]", f"must be {kind}")
        if next(words(item), None) is None:
            raise DataFileError(name, f"{at}[{j}]", f"{item!r} has no letters or digits")
    return tuple(value)


def _reject_unknown(name: str, prefix: str, table: dict[str, Any], allowed: frozenset[str]) -> None:
    for key in table:
        if key not in allowed:
            raise DataFileError(
                name, f"{prefix}{key}", f"unknown key; expected one of {', '.join(sorted(allowed))}"
            )
