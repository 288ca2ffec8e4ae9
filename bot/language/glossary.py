"""The language glossary: words care-experienced young people asked adults not to use, with
the words they asked for instead, loaded from ``prompts/language.toml``.

Every row names where it comes from, and every problem in the file is a ``DataFileError``
naming the file, the field (rows count from 1: ``terms[3].level``) and what is wrong.
Format (``schema_version = 1``)::

    [sources.north-lanarkshire]
    title = "Language guide"                       # the page's title
    url = "https://…"
    by = "who made it, and with whom"

    [[terms]]
    term = "placement"                             # what the lint looks for
    variants = ["placements"]                      # optional: other words for the same thing
    prefer = ["home"]                              # offered, never imposed (may be empty)
    level = "warn"                                 # error, warn or info
    source = ["north-lanarkshire"]                 # one or more [sources.ID]
    note = "Why, in a sentence."
    inflect = "noun"                               # optional: noun (default), verb or none

``inflect`` says which endings of the term's last word also match: ``noun`` plurals and
possessives ("placements", "carer's"), ``verb`` those and "-ed"/"-ing" ("absconded"),
``none`` only the words as written. A term written in capitals ("LAC") matches only in
capitals, so "pep talk" is not "PEP".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.core.errors import DataFileError
from bot.datafile import read_toml
from bot.language.match import Inflect, phrase_key

SCHEMA_VERSION = 1
GLOSSARY_FILE = "language.toml"

_TOP_KEYS = frozenset({"schema_version", "sources", "terms"})
_SOURCE_KEYS = frozenset({"title", "url", "by"})
_TERM_KEYS = frozenset({"term", "variants", "prefer", "level", "source", "note", "inflect"})


class Level(StrEnum):
    """How much a finding matters. Only ``error`` fails the lint."""

    ERROR = "error"
    WARN = "warn"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for error, 1 for warn, 2 for info: sort findings most serious first."""
        return list(Level).index(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """A public page made with care-experienced young people."""

    id: str
    title: str
    url: str
    by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """One glossary row."""

    term: str
    variants: tuple[str, ...]
    prefer: tuple[str, ...]
    level: Level
    sources: tuple[Source, ...]
    note: str
    inflect: Inflect = Inflect.NOUN

    @property
    def phrases(self) -> tuple[str, ...]:
        """The term and its variants: everything the matcher looks for."""
        return (self.term, *self.variants)


@dataclass(frozen=True, slots=True)
class Glossary:
    terms: tuple[Term, ...]

    def find(self, name: str) -> Term | None:
        """The row whose term or variant is ``name`` (any case, hyphens or spaces)."""
        key = phrase_key(name, fold=True)
        for row in self.terms:
            if any(phrase_key(p, fold=True) == key for p in row.phrases):
                return row
        return None


def load_glossary(path: Path) -> Glossary:
    """Read and validate a glossary file; raise ``DataFileError`` on any problem."""
    return parse_glossary(str(path), read_toml(path))


def parse_glossary(name: str, data: Mapping[str, Any]) -> Glossary:
    """Validate already-parsed glossary data; ``name`` is used in error messages."""
    _reject_unknown(name, "", data, _TOP_KEYS)
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        raise DataFileError(name, "schema_version", f"must be {SCHEMA_VERSION}, got {version!r}")
    sources = _sources(name, data.get("sources"))
    raw_terms = data.get("terms")
    if not isinstance(raw_terms, list) or not raw_terms:
        raise DataFileError(name, "terms", "must have at least one [[terms]] row")
    terms: list[Term] = []
    seen: dict[tuple[str, ...], str] = {}
    for number, raw in enumerate(raw_terms, start=1):
        at = f"terms[{number}]"
        term = _term(name, at, raw, sources)
        for j, phrase in enumerate(term.phrases):
            field = f"{at}.term" if j == 0 else f"{at}.variants[{j}]"
            key = phrase_key(phrase, fold=True)
            if key in seen:
                raise DataFileError(name, field, f"{phrase!r} is already listed at {seen[key]}")
            seen[key] = field
        terms.append(term)
    return Glossary(tuple(terms))


def _sources(name: str, raw: Any) -> dict[str, Source]:
    if not isinstance(raw, dict) or not raw:
        raise DataFileError(name, "sources", "must have at least one [sources.ID] table")
    sources: dict[str, Source] = {}
    for source_id, table in raw.items():
        at = f"sources.{source_id}"
        if not isinstance(table, dict):
            raise DataFileError(name, at, "must be a table with title, url and by")
        _reject_unknown(name, f"{at}.", table, _SOURCE_KEYS)
        values = {key: _text(name, f"{at}.{key}", table.get(key)) for key in _SOURCE_KEYS}
        if not values["url"].startswith(("https://", "http://")):
            raise DataFileError(name, f"{at}.url", "must be a web address (http:// or https://)")
        sources[source_id] = Source(id=source_id, **values)
    return sources


def _term(name: str, at: str, raw: Any, sources: Mapping[str, Source]) -> Term:
    if not isinstance(raw, dict):
        raise DataFileError(name, at, "must be a [[terms]] table")
    _reject_unknown(name, f"{at}.", raw, _TERM_KEYS)
    term = _text(name, f"{at}.term", raw.get("term"))
    level_text = raw.get("level")
    try:
        level = Level(str(level_text))
    except ValueError:
        known = ", ".join(level.value for level in Level)
        raise DataFileError(
            name, f"{at}.level", f"is {level_text!r}; it must be one of {known}"
        ) from None
    if "source" not in raw:
        raise DataFileError(name, f"{at}.source", "is missing: every row names where it comes from")
    source_ids = _texts(name, f"{at}.source", raw["source"], allow_empty=False)
    for source_id in source_ids:
        if source_id not in sources:
            known = ", ".join(sorted(sources))
            raise DataFileError(
                name, f"{at}.source", f"{source_id!r} is not a [sources.ID] (known: {known})"
            )
    inflect_text = raw.get("inflect", Inflect.NOUN.value)
    try:
        inflect = Inflect(str(inflect_text))
    except ValueError:
        known = ", ".join(i.value for i in Inflect)
        raise DataFileError(
            name, f"{at}.inflect", f"is {inflect_text!r}; it must be one of {known}"
        ) from None
    return Term(
        term=term,
        variants=_texts(name, f"{at}.variants", raw.get("variants", []), allow_empty=True),
        prefer=_texts(name, f"{at}.prefer", raw.get("prefer", []), allow_empty=True),
        level=level,
        sources=tuple(sources[s] for s in source_ids),
        note=_text(name, f"{at}.note", raw.get("note")),
        inflect=inflect,
    )


def _text(name: str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(name, field, "is missing or empty (it must be text)")
    return " ".join(value.split())


def _texts(name: str, field: str, value: Any, *, allow_empty: bool) -> tuple[str, ...]:
    kind = "a list of text" if allow_empty else "a non-empty list of text"
    if isinstance(value, str) and not allow_empty:
        value = [value]  # `source = "id"` is read as a list of one
    if not isinstance(value, list) or (not value and not allow_empty):
        raise DataFileError(name, field, f"must be {kind}")
    items = []
    for j, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            raise DataFileError(name, f"{field}[{j}]", "must be non-empty text")
        if not phrase_key(item, fold=True):
            raise DataFileError(name, f"{field}[{j}]", f"{item!r} has no letters or digits")
        items.append(" ".join(item.split()))
    return tuple(items)


def _reject_unknown(
    name: str, prefix: str, table: Mapping[str, Any], allowed: frozenset[str]
) -> None:
    for key in table:
        if key not in allowed:
            raise DataFileError(
                name, f"{prefix}{key}", f"is not a known key (known: {', '.join(sorted(allowed))})"
            )
