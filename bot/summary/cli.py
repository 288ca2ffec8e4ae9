"""``consultbot summary``: the summary for the young people, made by staff in three steps.

    consultbot summary draft --session abc123 -o summary.txt      # or --report-labels "Leeds, Hull"
    consultbot summary check summary.txt [--platform discord]     # reading age, words, length
    consultbot summary save summary.txt --session abc123          # then /share-summary

``draft`` writes an editable text file (themes and counts, never anyone's words); ``check``
needs no database and exits 1 when ``save`` would refuse the file; ``save`` reads the file
back, checks it against the session (its platform's length limit, the answers it must not
quote) and stores it, or prints one line saying why not and exits 2 (nothing saved).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol, TextIO

from bot.core.errors import ConsultbotError
from bot.core.ports import AuditTrail
from bot.digest.model import Digest
from bot.language.glossary import Glossary, load_glossary
from bot.report.select import Selection, split_names
from bot.report.service import Reports
from bot.summary.check import PLATFORM_LIMITS, check_summary
from bot.summary.draft import draft_from_digest, draft_from_report, shared_text
from bot.summary.share import GroupSummaries

CLI = "cli"
GLOSSARY_FILE = "language.toml"


class SummaryEngine(Protocol):
    @property
    def summaries(self) -> GroupSummaries: ...
    @property
    def reports(self) -> Reports: ...
    @property
    def desk(self) -> AuditTrail: ...
    async def digest(self, session_id: str) -> Digest: ...
    @property
    def young_theme_labels(self) -> Mapping[str, str]: ...


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    summary = sub.add_parser(
        "summary", help="a summary for the young people: draft, check, save (then /share-summary)"
    )
    steps = summary.add_subparsers(dest="summary_action", required=True)
    draft = steps.add_parser("draft", help="write an editable draft from a session or report")
    source = draft.add_mutually_exclusive_group(required=True)
    source.add_argument("--session", help="a session id or label")
    source.add_argument("--report-labels", help='sessions by id or label, "Leeds, Hull"')
    draft.add_argument("-o", "--out", type=Path, help="the file to write (else: printed)")
    check = steps.add_parser("check", help="reading age, words and length of a summary file")
    check.add_argument("file", type=Path)
    check.add_argument("--platform", choices=sorted(PLATFORM_LIMITS), help="check its limit")
    save = steps.add_parser("save", help="store an edited summary for /share-summary")
    save.add_argument("file", type=Path)
    save.add_argument("--session", required=True, help="a session id or label")


def read_summary(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConsultbotError(f"{path}: can't read it ({exc.__class__.__name__})") from None


def glossary_in(prompts_dir: Path) -> Glossary | None:
    path = prompts_dir / GLOSSARY_FILE
    return load_glossary(path) if path.exists() else None


def run_check(args: argparse.Namespace, out: TextIO, prompts_dir: Path) -> int:
    """Offline: no database, no keys."""
    text = shared_text(read_summary(args.file))
    checked = check_summary(text, glossary=glossary_in(prompts_dir), platform=args.platform)
    for line in checked.report_lines():
        print(f"{args.file}: {line}", file=out)
    return 1 if checked.problems else 0


async def run(
    args: argparse.Namespace,
    engine: SummaryEngine,
    out: TextIO,
    *,
    prompts_dir: Path,
    write_file: Callable[[Path, bytes], None],
) -> int:
    if args.summary_action == "draft":
        if args.session:
            session = await engine.summaries.find_session(args.session)
            digest = await engine.digest(session.id)
            text = draft_from_digest(digest, engine.young_theme_labels)
        else:
            names = split_names(args.report_labels)
            if not names:
                raise ConsultbotError("summary draft: --report-labels names no session")
            report = await engine.reports.report(Selection(names=names))
            audiences = [w.audience or "" for w in report.workshops]
            text = draft_from_report(report, audiences, engine.young_theme_labels)
        if args.out is None:
            out.write(text)
        else:
            write_file(args.out, text.encode("utf-8"))
            print(f"Wrote {args.out}: edit it, then consultbot summary check {args.out}", file=out)
        return 0
    if args.summary_action == "save":
        text = read_summary(args.file)
        session = await engine.summaries.find_session(args.session)
        try:
            checked = await engine.summaries.save(session, text, glossary_in(prompts_dir), CLI)
        except ConsultbotError as exc:
            raise ConsultbotError(f"{args.file}: {exc}") from None
        for line in checked.report_lines():
            print(f"{args.file}: {line}", file=out)
        print(f"Saved for session {session.id}: share it with /share-summary.", file=out)
        return 0
    raise AssertionError(f"unhandled summary action {args.summary_action}")
