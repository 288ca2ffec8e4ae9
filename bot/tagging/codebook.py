"""The theme codebook: its model and its loader from ``prompts/themes.toml``.

The file is edited by hand by facilitators, so the loader is strict and every error names the
file, the field (``themes[3].keywords``, counting from 0) and what is wrong with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import DataFileError
from bot.datafile import read_toml
from bot.tagging.text import words

SCHEMA_VERSION = 1
_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_TOP_KEYS = frozenset({"schema_version", "themes"})
_REQUIRED = ("id", "label", "description", "keywords")
_THEME_KEYS = frozenset({*_REQUIRED, "exclude"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Theme:
    id: str
    label: str
    description: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Codebook:
    themes: tuple[Theme, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(f"unknown theme {theme_id!r}; known: {', '.join(self.ids)}")


def load_codebook(path: Path) -> Codebook:
    """Read and validate a codebook file; raise ``DataFileError`` on any problem."""
    return _parse(str(path), read_toml(path))


def _parse(name: str, data: dict[str, Any]) -> Codebook:
    _reject_unknown(name, "", data, _TOP_KEYS)
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        raise DataFileError(name, "schema_version", f"must be {SCHEMA_VERSION}, got {version!r}")
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
    return Codebook(tuple(themes))


def _parse_theme(name: str, at: str, entry: object) -> Theme:
    if not isinstance(entry, dict):
        raise DataFileError(name, at, "must be a [[themes]] table")
    _reject_unknown(name, f"{at}.", entry, _THEME_KEYS)
    for key in _REQUIRED:
        if key not in entry:
            raise DataFileError(name, f"{at}.{key}", "is required")
    for key in ("id", "label", "description"):
        value = entry[key]
        if not isinstance(value, str) or not value.strip():
            raise DataFileError(name, f"{at}.{key}", "must be a non-empty string")
    if not _ID.fullmatch(entry["id"]):
        raise DataFileError(
            name, f"{at}.id", f"{entry['id']!r} must be lowercase words joined by hyphens"
        )
    return Theme(
        id=entry["id"],
        label=entry["label"].strip(),
        description=" ".join(entry["description"].split()),
        keywords=_phrases(name, f"{at}.keywords", entry["keywords"], allow_empty=False),
        exclude=_phrases(name, f"{at}.exclude", entry.get("exclude", []), allow_empty=True),
    )


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
