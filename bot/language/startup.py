"""The glossary at start-up: a question set that uses an error-level term is refused before
the bot runs (a ``DataFileError`` naming the file, the field and the word), and its
warn-level findings become a private note for the facilitator who starts a session with it.

The list is advisory: warnings never stop a session, and young people's own answers are never
checked or changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.core.errors import DataFileError
from bot.datafile import read_toml
from bot.language.glossary import Glossary, Level, load_glossary
from bot.language.lint import lint_file

GLOSSARY_FILE = "language.toml"
QUESTION_SETS_DIR = "question-sets"


def check_question_sets(
    prompts_dir: Path, glossary: Glossary | None = None
) -> Mapping[str, tuple[str, ...]]:
    """Refuse a question set with an error-level term; return each set's warnings, by set id,
    as plain lines for the facilitator. No glossary file: nothing to check. ``glossary``:
    the one in ``prompts_dir``, when the caller has read it already."""
    glossary_path = prompts_dir / GLOSSARY_FILE
    if not glossary_path.exists():
        return {}
    if glossary is None:
        glossary = load_glossary(glossary_path)
    notes: dict[str, tuple[str, ...]] = {}
    for path in sorted((prompts_dir / QUESTION_SETS_DIR).glob("*.toml")):
        report = lint_file(path, glossary)
        language = [f for f in report.findings if f.rule == "language"]
        errors = [f for f in language if f.level is Level.ERROR]
        if errors:
            first = errors[0]
            raise DataFileError(
                str(path),
                first.field,
                f"uses a word young people asked adults not to use: {first.message}",
            )
        warnings = tuple(f"{f.field}: {f.message}" for f in language if f.level is Level.WARN)
        set_id = read_toml(path).get("id")
        if warnings and isinstance(set_id, str):
            notes[set_id] = warnings
    return notes
