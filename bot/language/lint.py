"""The language lint: every text young people read, checked against the glossary and for
reading age.

It reads question sets, notices and the codebook (labels, young people's labels and
descriptions) straight from their TOML files, so it needs nothing but ``bot.core``; the
loaders elsewhere still decide whether a file is valid. Each :class:`Finding` names the
file, the field, the line, the term, its level, what young people said they would rather
hear, and where that comes from.

For the start-up check (a question set with an ``error`` term is refused, the facilitator
hears about the rest), :func:`lint_question_set` takes a loaded set and :func:`lint_file`
its file; :func:`has_errors` says whether to refuse it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from bot.core.errors import DataFileError
from bot.datafile import read_lines, read_toml
from bot.language.glossary import GLOSSARY_FILE, Glossary, Level, Source, Term
from bot.language.markers import Site, scan
from bot.language.match import Matcher
from bot.language.readability import TARGET_READING_AGE, Readability, measure

# Notices read by the facilitator, not by young people (see bot/sessions/notices.py): their
# reading age is reported, but the target for young people's notices does not apply.
FACILITATOR_NOTICES = frozenset({"session_started_for_facilitator", "passed_to_lead"})


class Kind(StrEnum):
    QUESTION_SET = "question set"
    NOTICES = "notices"
    CODEBOOK = "codebook"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One thing the lint noticed in one field."""

    file: str
    field: str
    line: int | None
    level: Level
    rule: str  # "language", "reading-age" or "marker"
    message: str
    term: str = ""  # the glossary term (language findings)
    found: str = ""  # the words as written in the field
    prefer: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()

    def describe(self) -> str:
        """One line: ``file:line: level: field: message``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.level}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldReading:
    """The reading age of one field, with its working."""

    file: str
    field: str
    line: int | None
    readability: Readability


@dataclass(frozen=True, slots=True, kw_only=True)
class FileReport:
    file: str
    kind: Kind
    findings: tuple[Finding, ...]
    readings: tuple[FieldReading, ...]


class PaletteText(Protocol):
    @property
    def label(self) -> str: ...


class QuestionText(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def help_text(self) -> str | None: ...
    @property
    def palette(self) -> Sequence[PaletteText]: ...


class QuestionSetText(Protocol):
    """What the lint reads from a loaded question set (``bot.questions.model.QuestionSet``)."""

    @property
    def title(self) -> str: ...
    @property
    def intro(self) -> str: ...
    @property
    def questions(self) -> Sequence[QuestionText]: ...


def has_errors(findings: Iterable[Finding]) -> bool:
    """True if any finding is an error: the text should not be shown to young people."""
    return any(f.level is Level.ERROR for f in findings)


def lint_question_set(
    question_set: QuestionSetText, glossary: Glossary, *, path: Path | None = None
) -> list[Finding]:
    """Findings for a loaded question set; with ``path``, its file's markers and lines count."""
    fields = [("title", question_set.title), ("intro", question_set.intro)]
    for n, question in enumerate(question_set.questions, start=1):
        fields.append((f"questions[{n}].text", question.text))
        if question.help_text is not None:
            fields.append((f"questions[{n}].help", question.help_text))
        for k, entry in enumerate(question.palette, start=1):
            fields.append((f"questions[{n}].palette[{k}].label", entry.label))
    sites = _sites(path) if path is not None else {}
    name = str(path) if path is not None else "question set"
    findings, _ = _lint_fields(name, Kind.QUESTION_SET, fields, sites, glossary)
    return findings


def lint_file(path: Path, glossary: Glossary) -> FileReport:
    """Lint one question set, notices file or codebook; anything else is a DataFileError."""
    data = read_toml(path)
    kind = kind_of(path, data)
    if kind is None:
        raise DataFileError(
            str(path), "(file)", "is not a question set, notices file or codebook to lint"
        )
    findings, readings = _lint_fields(
        str(path), kind, text_fields(kind, data), _sites(path), glossary
    )
    return FileReport(file=str(path), kind=kind, findings=tuple(findings), readings=readings)


def lint_paths(paths: Iterable[Path], glossary: Glossary) -> list[FileReport]:
    """Lint files, and every lintable ``*.toml`` under folders (other files there are skipped)."""
    reports = []
    for path in paths:
        if not path.is_dir():
            reports.append(lint_file(path, glossary))
            continue
        for child in sorted(path.rglob("*.toml")):
            if child.name != GLOSSARY_FILE and kind_of(child, read_toml(child)) is not None:
                reports.append(lint_file(child, glossary))
    return reports


def kind_of(path: Path, data: Mapping[str, Any]) -> Kind | None:
    """Which kind of prompts file ``data`` is, or None if it holds no text to lint."""
    if "questions" in data:
        return Kind.QUESTION_SET
    if "themes" in data:
        return Kind.CODEBOOK
    if path.name == "notices.toml":
        return Kind.NOTICES
    return None


def text_fields(kind: Kind, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, text) for every text young people (or staff, for the codebook) read."""
    fields: list[tuple[str, Any]] = []
    if kind is Kind.NOTICES:
        fields = [(key, value) for key, value in data.items() if key != "schema_version"]
    elif kind is Kind.QUESTION_SET:
        fields = [("title", data.get("title")), ("intro", data.get("intro"))]
        for n, question in enumerate(_tables(data.get("questions")), start=1):
            fields += [(f"questions[{n}].{key}", question.get(key)) for key in ("text", "help")]
            for k, entry in enumerate(_tables(question.get("palette")), start=1):
                fields.append((f"questions[{n}].palette[{k}].label", entry.get("label")))
    else:
        for n, theme in enumerate(_tables(data.get("themes")), start=1):
            fields.append((f"themes[{n}].label", theme.get("label")))
            fields.append((f"themes[{n}].young_label", theme.get("young_label")))
            description = theme.get("description")
            if isinstance(description, str):
                description = " ".join(description.split())  # as the codebook reads it
            fields.append((f"themes[{n}].description", description))
    return [(name, value.strip()) for name, value in fields if isinstance(value, str)]


def _lint_fields(
    file: str,
    kind: Kind,
    fields: Sequence[tuple[str, str]],
    sites: Mapping[str, Site],
    glossary: Glossary,
) -> tuple[list[Finding], tuple[FieldReading, ...]]:
    matcher = _matcher(glossary)
    findings: list[Finding] = []
    readings: list[FieldReading] = []
    reported: set[tuple[int, str]] = set()  # one palette marker serves several labels
    for name, text in fields:
        site = _site(sites, name)
        line = site.line if site else None
        allowed: set[Term] = set()
        for marked in sorted(site.ignore) if site else ():
            row = glossary.find(marked)
            if row is not None:
                allowed.add(row)
            elif site and (site.line, marked) not in reported:
                reported.add((site.line, marked))
                findings.append(_unknown_marker(file, name, line, marked))
        for hit in matcher.find(text):
            if hit.value not in allowed:
                findings.append(_term_finding(file, name, line, hit.text, hit.value))
        readability = measure(text)
        readings.append(FieldReading(file=file, field=name, line=line, readability=readability))
        for_young_people = (
            kind is Kind.NOTICES and name not in FACILITATOR_NOTICES
        ) or name.endswith(".young_label")
        if for_young_people and readability.reading_age > TARGET_READING_AGE:
            findings.append(_reading_finding(file, name, line, readability))
    findings.sort(key=lambda f: (f.line or 0, f.level.rank))
    return findings, tuple(readings)


def _term_finding(file: str, field: str, line: int | None, found: str, row: Term) -> Finding:
    offer = (
        "you could say " + " or ".join(f'"{p}"' for p in row.prefer)
        if row.prefer
        else "the source suggests no single word"
    )
    named = f'"{found}"' if found.lower() == row.term.lower() else f'"{found}" ({row.term})'
    sources = "; ".join(f"{s.title} <{s.url}>" for s in row.sources)
    return Finding(
        file=file,
        field=field,
        line=line,
        level=row.level,
        rule="language",
        message=f"{named}: {offer}. {row.note} Source: {sources}",
        term=row.term,
        found=found,
        prefer=row.prefer,
        sources=row.sources,
    )


def _reading_finding(file: str, field: str, line: int | None, r: Readability) -> Finding:
    return Finding(
        file=file,
        field=field,
        line=line,
        level=Level.WARN,
        rule="reading-age",
        message=(
            f"reading age {r.reading_age:.1f} is above {TARGET_READING_AGE:.0f} "
            f"({r.working()}): shorter sentences and words help"
        ),
    )


def _unknown_marker(file: str, field: str, line: int | None, marked: str) -> Finding:
    return Finding(
        file=file,
        field=field,
        line=line,
        level=Level.WARN,
        rule="marker",
        message=f'the ignore marker names "{marked}", which is not in the glossary',
    )


@lru_cache(maxsize=4)
def _matcher(glossary: Glossary) -> Matcher[Term]:
    return Matcher((phrase, row.inflect, row) for row in glossary.terms for phrase in row.phrases)


def _sites(path: Path) -> dict[str, Site]:
    return scan("\n".join(read_lines(path)))


def _site(sites: Mapping[str, Site], field: str) -> Site | None:
    """The site of ``field``, or of the key that holds it (a palette for its labels)."""
    while field:
        if field in sites:
            return sites[field]
        field = field.rpartition("[")[0] if field.endswith("]") else field.rpartition(".")[0]
    return None


def _tables(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
