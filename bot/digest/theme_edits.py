"""Staff's corrected themes, in bulk: ``consultbot retag --from FILE.csv``.

A staff member edits the ``themes`` column of the digest's CSV (theme ids or labels, separated
by ``;``; empty for none) and hands the file back. Every row is checked before anything
changes: its answer must exist, be in that session's digest, and the row must say the same
session as the rest of the file; every theme must be in the codebook. Each problem is one
line naming the line of the file; if there is any, nothing is applied. Otherwise each row
whose themes differ from what is stored becomes the staff member's choice, for every theme
in it (so a later re-tag by the codebook never undoes it), and each changed answer is written
in the audit log. A dry run lists the changes and applies none.

The comparison is with the themes stored now, so a row left as it was exported, for an answer
the codebook has re-tagged since, would put the exported themes back: the dry run shows it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from bot.core.errors import ConsultbotError, DataFileError
from bot.core.ports import AuditTrail
from bot.core.store import AnswerStore, SessionStore
from bot.digest.csv_export import THEME_SEPARATOR, THEMES

ID, SESSION = "comment-id", "session"
_NEEDED = (ID, SESSION, THEMES)


class ThemeEditsRefused(ConsultbotError):
    """The file has problems: one line each; nothing was applied."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(f"{len(problems)} problems; nothing was changed")
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeRow:
    line: int
    answer_id: str
    session_id: str
    themes: tuple[str, ...]  # theme ids, codebook order


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeChange:
    answer_id: str
    question_number: int
    themes: tuple[str, ...]  # what staff chose
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemePlan:
    session_id: str
    changes: tuple[ThemeChange, ...]
    unchanged: int


class EditStore(SessionStore, AnswerStore, Protocol):
    pass


def read_theme_rows(path: Path, theme_labels: Mapping[str, str]) -> list[ThemeRow]:
    """Every row of an edited digest CSV; ``ThemeEditsRefused`` lists what is wrong."""
    by_name = {label.casefold(): theme_id for theme_id, label in theme_labels.items()}
    by_name.update({theme_id.casefold(): theme_id for theme_id in theme_labels})
    order = {theme_id: i for i, theme_id in enumerate(theme_labels)}
    rows: list[ThemeRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    with _open(path) as f:
        reader = csv.DictReader(_lines(path, f))
        missing = [c for c in _NEEDED if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(
                str(path), f"column {missing[0]}", "is missing: is this a digest's CSV?"
            )
        for record in reader:
            line = reader.line_num
            answer_id = _cell(record.get(ID))
            session_id = _cell(record.get(SESSION))
            if not answer_id:
                problems.append(f"line {line}: no {ID}")
                continue
            if answer_id in seen:
                problems.append(
                    f"line {line}: answer {answer_id} is also on line {seen[answer_id]}"
                )
                continue
            seen[answer_id] = line
            themes: set[str] = set()
            for name in _cell(record.get(THEMES)).replace(",", THEME_SEPARATOR).split(";"):
                name = name.strip()
                if not name:
                    continue
                if name.casefold() not in by_name:
                    problems.append(f"line {line}: {name!r} is not a theme in the codebook")
                    continue
                themes.add(by_name[name.casefold()])
            rows.append(
                ThemeRow(
                    line=line,
                    answer_id=answer_id,
                    session_id=session_id,
                    themes=tuple(sorted(themes, key=order.__getitem__)),
                )
            )
    if any("is not a theme" in p for p in problems):
        problems.append("themes in the codebook: " + ", ".join(theme_labels))
    if problems:
        raise ThemeEditsRefused(problems)
    if not rows:
        raise DataFileError(str(path), "(file)", "has no rows")
    return rows


class ThemeEdits:
    def __init__(self, *, store: EditStore, audit: AuditTrail) -> None:
        self._store = store
        self._audit = audit

    async def plan(self, rows: Sequence[ThemeRow], session_id: str | None = None) -> ThemePlan:
        """What applying ``rows`` would change; ``ThemeEditsRefused`` if anything is wrong."""
        wanted = session_id or rows[0].session_id
        session = await self._store.session(wanted)
        if session is None:
            raise ThemeEditsRefused([f"there's no session {wanted!r}"])
        if session.purged:
            raise ThemeEditsRefused(
                [f"session {wanted}'s answers were deleted by the retention purge"]
            )
        current = {
            item.answer.id: item for item in await self._store.answers_for_session(session.id)
        }
        problems: list[str] = []
        changes: list[ThemeChange] = []
        for row in rows:
            if row.session_id != session.id:
                problems.append(
                    f"line {row.line}: this row is from session {row.session_id or '(none)'},"
                    f" not {session.id}"
                )
                continue
            item = current.get(row.answer_id)
            if item is None:
                problems.append(f"line {row.line}: {await self._missing(row, session.id)}")
                continue
            stored = tuple(t.theme_id for t in item.tags)
            if set(stored) == set(row.themes):
                continue
            changes.append(
                ThemeChange(
                    answer_id=row.answer_id,
                    question_number=item.answer.question_number,
                    themes=row.themes,
                    added=tuple(t for t in row.themes if t not in stored),
                    removed=tuple(sorted(set(stored) - set(row.themes))),
                )
            )
        if problems:
            raise ThemeEditsRefused(problems)
        return ThemePlan(
            session_id=session.id, changes=tuple(changes), unchanged=len(rows) - len(changes)
        )

    async def apply(self, plan: ThemePlan, who: str, source: str) -> None:
        """Make each changed row staff's choice, theme by theme, and audit it."""
        for change in plan.changes:
            for theme_id in change.themes:
                await self._store.set_tag(change.answer_id, theme_id, active=True)
            for theme_id in change.removed:
                await self._store.set_tag(change.answer_id, theme_id, active=False)
            await self._audit.audit(
                who, "themes-edited", change.answer_id, describe(change, source)
            )

    async def _missing(self, row: ThemeRow, session_id: str) -> str:
        answer = await self._store.answer(row.answer_id)
        if answer is None:
            return f"there's no answer {row.answer_id} (withdrawn, or mistyped)"
        if answer.session_id != session_id:
            return f"answer {row.answer_id} is from session {answer.session_id}, not {session_id}"
        return f"answer {row.answer_id} is not in the digest"  # with the safeguarding lead


def describe(change: ThemeChange, source: str = "") -> str:
    """``+being-heard -moves``, and where the change came from."""
    parts = [f"+{t}" for t in change.added] + [f"-{t}" for t in change.removed]
    return " ".join(parts) + (f" (from {source})" if source else "")


def write_plan(plan: ThemePlan, out: TextIO, *, dry_run: bool) -> None:
    verb = "Would change" if dry_run else "Changed"
    out.write(
        f"{verb} the themes of {len(plan.changes)} of {len(plan.changes) + plan.unchanged}"
        f" answers in session {plan.session_id}" + (":" if plan.changes else ".") + "\n"
    )
    for change in plan.changes:
        out.write(f"  {change.answer_id} (question {change.question_number}): {describe(change)}\n")
    if dry_run and plan.changes:
        out.write("Nothing was changed (dry run).\n")


def _cell(value: str | None) -> str:
    text = (value or "").strip()
    return text[1:] if text.startswith("'") else text  # the CSV's guard against formulas


def _open(path: Path) -> TextIO:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as e:
        raise DataFileError(str(path), "(file)", f"cannot be read: {e.strerror or e}") from e


def _lines(path: Path, f: TextIO) -> Iterator[str]:
    try:
        yield from f
    except UnicodeDecodeError as e:
        raise DataFileError(str(path), "(file)", "is not UTF-8 text (save it as CSV UTF-8)") from e
