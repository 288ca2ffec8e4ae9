"""The digest's part of the ``consultbot`` command line: ``digest`` (every format, Word
included) and ``retag`` (one answer, a CSV a staff member corrected, or every stored answer
with the codebook in force).

``bot.cli`` parses and opens the engine; these functions do the work and return the exit
status. A CSV with problems prints one line per problem on stderr, exits 2 and changes
nothing; ``--dry-run`` lists what would change.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TextIO

from bot.core.errors import ConsultbotError
from bot.core.ports import AuditTrail
from bot.digest.delivery import Digests
from bot.digest.model import Digest
from bot.digest.render import TEXT_FORMATS, DigestFormat, render
from bot.digest.theme_edits import ThemeEditsRefused, read_theme_rows, write_plan

EXIT_USAGE = 2
CLI = "cli"


class DigestEngine(Protocol):
    """What these commands need of the engine."""

    @property
    def digests(self) -> Digests: ...
    @property
    def desk(self) -> AuditTrail: ...
    async def digest(self, session_id: str) -> Digest: ...
    async def retag_answer(
        self, answer_id: str, *, add: Sequence[str], remove: Sequence[str]
    ) -> None: ...


def add_retag_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    retag = sub.add_parser(
        "retag",
        help="correct themes: one answer, a digest CSV staff edited, or all with the codebook",
        description=(
            "ANSWER --add/--remove THEME: one answer. --from FILE.csv: apply the edited themes "
            "column of a digest's CSV (checked whole first; --dry-run lists the changes). "
            "--codebook: re-tag stored answers tagged with an older codebook. Staff's and "
            "facilitators' choices always win over the tagger."
        ),
    )
    retag.add_argument(
        "answer", nargs="?", help="answer id (the comment-id column of the CSV digest)"
    )
    retag.add_argument("--add", action="append", default=[], metavar="THEME")
    retag.add_argument("--remove", action="append", default=[], metavar="THEME")
    retag.add_argument(
        "--from", dest="from_file", type=Path, metavar="FILE.csv", help="a digest CSV, edited"
    )
    retag.add_argument("--session", help="with --from: the session it is for (default: its rows')")
    retag.add_argument("--dry-run", action="store_true", help="with --from: list, change nothing")
    retag.add_argument(
        "--codebook", action="store_true", help="re-tag answers tagged with an older codebook"
    )


def check_retag_args(args: argparse.Namespace) -> None:
    """Refuse a mixed-up ``retag`` before anything is opened."""
    single = bool(args.answer or args.add or args.remove)
    modes = [single, args.from_file is not None, bool(args.codebook)]
    if sum(modes) != 1:
        raise ConsultbotError(
            "retag: give ANSWER with --add/--remove, or --from FILE.csv, or --codebook"
        )
    if single and not (args.answer and (args.add or args.remove)):
        raise ConsultbotError("retag: give an answer id and at least one --add or --remove")
    if (args.dry_run or args.session) and args.from_file is None:
        raise ConsultbotError("retag: --dry-run and --session go with --from FILE.csv")


async def run_retag(
    args: argparse.Namespace, engine: DigestEngine, out: TextIO, err: TextIO
) -> int:
    check_retag_args(args)
    digests = engine.digests
    if args.codebook:
        done = await digests.retag_all()
        print(
            f"Codebook {done.version}: re-tagged {done.answers} answers"
            f" (staff and facilitator tags kept).",
            file=out,
        )
        return 0
    if args.from_file is None:
        await engine.retag_answer(args.answer, add=args.add, remove=args.remove)
        print(f"Updated the themes of answer {args.answer}.", file=out)
        return 0
    path: Path = args.from_file
    try:
        rows = read_theme_rows(path, digests.theme_labels)
        plan = await digests.theme_edits.plan(rows, args.session)
    except ThemeEditsRefused as refused:
        for problem in refused.problems:
            print(f"consultbot: {path}: {problem}", file=err)
        print(f"consultbot: {path}: nothing was changed", file=err)
        return EXIT_USAGE
    if not args.dry_run:
        await digests.theme_edits.apply(plan, CLI, path.name)
    write_plan(plan, out, dry_run=args.dry_run)
    return 0


async def run_digest(
    args: argparse.Namespace,
    engine: DigestEngine,
    out: TextIO,
    *,
    write_file: Callable[[Path, bytes], None],
) -> int:
    """``consultbot digest``: a text format to standard output or any format to ``--out``
    (a Word file is not text: it needs ``--out``, which may be ``/dev/stdout``)."""
    fmt = DigestFormat(args.format)
    if fmt not in TEXT_FORMATS and args.out is None:
        raise ConsultbotError(
            "a Word digest is a file, not text: give --out FILE.docx (or --out /dev/stdout)"
        )
    digest = await engine.digest(args.session)
    await engine.desk.audit(CLI, "digest-downloaded", args.session, fmt.value)
    data = render(digest, fmt)
    if args.out is None:
        out.write(data.decode("utf-8-sig"))
    else:
        write_file(args.out, data)
        print(f"Wrote {args.out}", file=out)
    return 0
