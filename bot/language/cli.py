"""``consultbot prompts lint [FILE…]``: the language lint on the command line.

Prints one line per finding (``file:line: level: field: …``) and a summary. Exit status:
1 if any finding is an error, 0 otherwise, 2 if a file (or the glossary) cannot be read.
``--reading`` adds the reading age of every field, with its working.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from bot.core.errors import DataFileError
from bot.language.glossary import GLOSSARY_FILE, Level, load_glossary
from bot.language.lint import lint_paths
from bot.language.readability import TARGET_READING_AGE

EXIT_ERRORS = 1
EXIT_UNREADABLE = 2


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], *, default_prompts: Path
) -> None:
    """Add ``prompts lint`` to the ``consultbot`` command line."""
    prompts = sub.add_parser("prompts", help="check the words young people read")
    actions = prompts.add_subparsers(dest="prompts_action", required=True)
    lint = actions.add_parser(
        "lint",
        help="check question sets, notices and the codebook against the language glossary",
        description=(
            "Checks every text young people read against prompts/language.toml (words "
            "care-experienced young people asked adults to change) and for reading age "
            f"(notices should be at most {TARGET_READING_AGE:.0f}). Exit 1 on errors."
        ),
    )
    lint.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help="files or folders (default: prompts/)"
    )
    lint.add_argument("--glossary", type=Path, help="glossary (default prompts/language.toml)")
    lint.add_argument(
        "--reading", action="store_true", help="also print the reading age of every field"
    )
    lint.set_defaults(default_prompts=default_prompts)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``prompts lint``; return the exit status."""
    prompts: Path = args.default_prompts
    try:
        glossary = load_glossary(args.glossary or prompts / GLOSSARY_FILE)
        reports = lint_paths(args.files or [prompts], glossary)
    except DataFileError as exc:
        print(f"consultbot: {exc}", file=err)
        return EXIT_UNREADABLE
    counts = dict.fromkeys(Level, 0)
    fields = 0
    for report in reports:
        for finding in report.findings:
            counts[finding.level] += 1
            print(finding.describe(), file=out)
        fields += len(report.readings)
    if args.reading:
        for report in reports:
            for reading in report.readings:
                r = reading.readability
                where = f"{reading.file}:{reading.line}" if reading.line else reading.file
                print(
                    f"{where}: {reading.field}: reading age {r.reading_age:.1f} ({r.working()})",
                    file=out,
                )
    totals = ", ".join(
        _count(counts[level], name)
        for level, name in ((Level.ERROR, "error"), (Level.WARN, "warning"), (Level.INFO, "note"))
    )
    print(
        f"Checked {_count(len(reports), 'file')} ({_count(fields, 'field')}): {totals}.",
        file=out,
    )
    return EXIT_ERRORS if counts[Level.ERROR] else 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
