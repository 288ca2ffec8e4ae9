"""``consultbot report``: one report over several sessions, and notes from in-person
workshops, in every digest format.

    consultbot report "Leeds, 3 Dec" "Hull" s1a2b3 --out reports/
    consultbot report --question-set case-for-change --since 2026-11-01 --until 2026-11-30 \\
        --notes in-person.csv --out report.md

Sessions are named by id or label (any case); or by question set and a date range. With
``--out`` a folder, every format is written into it; with a file, the format its suffix
names; without, Markdown (or ``--format``) goes to standard output.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TextIO

from bot.core.errors import ConsultbotError
from bot.core.ports import AuditTrail
from bot.digest.render import TEXT_FORMATS, DigestFormat
from bot.report.notes import Tag, read_notes
from bot.report.render import render_report, report_file_name
from bot.report.select import Selection, parse_day
from bot.report.service import Reports

CLI = "cli"


class ReportEngine(Protocol):
    @property
    def reports(self) -> Reports: ...
    @property
    def desk(self) -> AuditTrail: ...
    @property
    def theme_labels(self) -> dict[str, str]: ...


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser(
        "report",
        help="one report over several sessions (and in-person notes), in every format",
        description=(
            "Name sessions by id or label, or give --question-set with --since/--until. "
            "Themes are ranked size-fairly: each room's share averaged over the rooms."
        ),
    )
    report.add_argument("sessions", nargs="*", metavar="SESSION", help="session ids or labels")
    report.add_argument("--question-set", help="every session on this question set …")
    report.add_argument("--since", help="… that started on or after YYYY-MM-DD")
    report.add_argument("--until", help="… that started on or before YYYY-MM-DD")
    report.add_argument(
        "--notes", type=Path, metavar="FILE", help="notes from in-person workshops (.csv, .jsonl)"
    )
    report.add_argument("--title", default="", help="the report's title")
    report.add_argument("--format", choices=[f.value for f in DigestFormat])
    report.add_argument("--out", type=Path, help="a folder (every format) or a file")


def selection(args: argparse.Namespace) -> Selection:
    return Selection(
        names=tuple(args.sessions),
        question_set=args.question_set,
        since=parse_day(args.since, "--since") if args.since else None,
        until=parse_day(args.until, "--until") if args.until else None,
    )


async def run_report(
    args: argparse.Namespace,
    engine: ReportEngine,
    out: TextIO,
    *,
    write_file: Callable[[Path, bytes], None],
    make_folder: Callable[[Path], None],
    tag: Tag | None = None,
) -> int:
    wanted = selection(args)
    if not (wanted.names or wanted.question_set or args.notes):
        raise ConsultbotError(
            "report: name sessions (ids or labels), or give --question-set, or --notes FILE"
        )
    notes = read_notes(args.notes, engine.theme_labels, tag) if args.notes else []
    report = await engine.reports.report(wanted, notes, title=args.title)
    keys = ",".join(w.key for w in report.workshops)
    out_path: Path | None = args.out
    if out_path is not None and (not out_path.suffix or out_path.is_dir()):  # noqa: ASYNC240
        formats = [DigestFormat(args.format)] if args.format else list(DigestFormat)
        make_folder(out_path)
        for fmt in formats:
            path = out_path / report_file_name(report, fmt)
            write_file(path, render_report(report, fmt))
            print(f"Wrote {path}", file=out)
    else:
        fmt = DigestFormat(args.format or (out_path.suffix.lstrip(".") if out_path else "md"))
        data = render_report(report, fmt)
        if out_path is not None:
            write_file(out_path, data)
            print(f"Wrote {out_path}", file=out)
        elif fmt in TEXT_FORMATS:
            out.write(data.decode("utf-8-sig"))
        else:
            raise ConsultbotError("a Word report is a file: give --out FILE.docx or a folder")
    await engine.desk.audit(CLI, "report-downloaded", keys, args.format or "")
    return 0


def codebook_tagger(prompts_dir: Path) -> Tag:
    """Tags notes that came without themes, with the codebook in ``prompts_dir``."""
    from bot.tagging.codebook import load_codebook
    from bot.tagging.tagger import Tagger

    tagger = Tagger(load_codebook(prompts_dir / "themes.toml"))
    return tagger.tag_ids
