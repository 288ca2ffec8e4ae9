"""The ``consultbot`` command line.

Every expected failure (a malformed data file, a bad setting, an unknown id, a file that can't
be written, a locked database) prints one clear line to stderr and exits 2; nothing is
half-written (``bot.cli_output``), and what it writes is readable by its owner only. The
operator's commands (``db``, ``keys``) are in ``bot.cli_admin``.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from bot import cli_admin
from bot.app import configure_logging, open_engine, run_platform
from bot.cli_output import (
    INPUT_ERRORS,
    PRIVATE_FILE,
    checked_text,
    digest_format,
    input_error,
    make_private_folder,
    write_private,
)
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.core.errors import ConfigError, ConsultbotError, DataFileError, InvalidRequest, NotFound
from bot.digest import cli as digest_cli
from bot.digest.render import DigestFormat
from bot.feedback import cli as feedback_cli
from bot.language import cli as language_cli
from bot.report import cli as report_cli
from bot.summary import cli as summary_cli

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="consultbot",
        description="Facilitated consultation sessions with young people, and tagged digests.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run a whole consultation locally and write a digest")
    demo.add_argument("--out", type=Path, default=Path("digests"), help="folder for the digest")
    demo.add_argument("--participants", type=int, default=12, help="simulated young people")
    demo.add_argument("--seed", type=int, default=7, help="random seed (same seed, same run)")

    run = sub.add_parser("run", help="run the bot on Discord or Slack")
    run.add_argument("--platform", choices=["discord", "slack"], required=True)
    run.add_argument("--http", action="store_true", help="Slack: HTTP mode instead of Socket Mode")
    run.add_argument("--port", type=int, default=3000, help="Slack HTTP mode: port to listen on")
    run.add_argument("--host", default="127.0.0.1", help="Slack HTTP mode: address (loopback)")

    web = sub.add_parser("web", help="serve the staff workspace in the browser on its own")
    web.add_argument("--port", type=int, help="default CONSULTBOT_WEB_PORT, else 8080")
    web.add_argument("--host", help="default CONSULTBOT_WEB_HOST, else 127.0.0.1 (loopback)")
    web.add_argument("--link", action="store_true", help="print a sign-in link and stop")
    web.add_argument("--platform", choices=["discord", "slack", "local"], help="with --link")
    web.add_argument("--user", help="with --link: their platform user id")
    web.add_argument(
        "--role",
        action="append",
        choices=["facilitator", "staff", "safeguarding-lead"],
        help="with --link (repeatable; default staff); rechecked against the settings",
    )

    sub.add_parser("sessions", help="list sessions")

    digest = sub.add_parser("digest", help="write the digest of a session")
    digest.add_argument("session", help="session id (see `consultbot sessions`)")
    digest.add_argument(
        "--format",
        choices=[f.value for f in DigestFormat],
        help="default: from --out's suffix (.md, .html, .csv, .json, .docx), else md",
    )
    digest.add_argument("--out", type=Path, help="file to write (default: standard output)")

    tag = sub.add_parser("tag", help="tag answers in a JSONL or CSV file with themes")
    tag.add_argument("file", type=Path, help='JSONL ({"text": ...} per line) or CSV with `text`')
    tag.add_argument("--eval", action="store_true", help="FILE is labelled: print P/R/F1")
    tag.add_argument("--explain", action="store_true", help="add the words behind each theme")
    tag.add_argument("--codebook", type=Path, help="theme codebook (default prompts/themes.toml)")

    schedule = sub.add_parser("schedule", help="plan sessions ahead: add, list, cancel")
    plans = schedule.add_subparsers(dest="action", required=True)
    add = plans.add_parser("add", help="schedule a session (times in CONSULTBOT_TIMEZONE)")
    add.add_argument("--question-set", required=True)
    add.add_argument("--start", required=True, help="YYYY-MM-DD HH:MM, local time")
    add.add_argument("--platform", choices=["discord", "slack"], required=True)
    add.add_argument("--channel", required=True, help="channel id on that platform")
    add.add_argument("--repeat", choices=["none", "weekly", "fortnightly"], default="none")
    add.add_argument("--length", type=int, default=60, help="minutes (default 60)")
    add.add_argument("--question-minutes", type=int, help="time limit per question")
    add.add_argument("--label", help='a few words for staff, e.g. "Policy group, 3 Dec"')
    plans.add_parser("list", help="list scheduled sessions")
    cancel = plans.add_parser("cancel", help="cancel a scheduled session and its reminders")
    cancel.add_argument("schedule_id")

    withdraw = sub.add_parser(
        "withdraw", help="delete one young person's answers (a request made to staff)"
    )
    withdraw.add_argument("--platform", choices=["discord", "slack", "local"], required=True)
    withdraw.add_argument("--user", required=True, help="their platform user id")
    withdraw.add_argument("--session", help="only this session (default: every session)")

    sub.add_parser("purge", help="run the retention purge now")
    sub.add_parser("audit", help="print the audit log (who did what, when; no answer text)")

    screen = sub.add_parser(
        "screen", help="screen answers for disclosures and personal details (JSONL)"
    )
    screen.add_argument("file", type=Path, help='JSONL: {"text": ...} per line')
    mode = screen.add_mutually_exclusive_group()
    mode.add_argument("--eval", action="store_true", help="FILE is labelled: recall, precision")
    mode.add_argument(
        "--eval-scrub", action="store_true", help="FILE has labelled personal-data spans"
    )

    digest_cli.add_retag_parser(sub)
    report_cli.add_parser(sub)
    feedback_cli.add_parser(sub)
    summary_cli.add_parser(sub)
    language_cli.add_parser(sub, default_prompts=DEFAULT_PROMPTS_DIR)
    cli_admin.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return asyncio.run(_run(args, sys.stdout))
    except (ConfigError, DataFileError, NotFound, ConsultbotError) as exc:
        print(f"consultbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


async def _run(args: argparse.Namespace, out: TextIO) -> int:
    command: str = args.command
    if command == "tag":
        return _tag(args, out)
    if command == "screen":
        return _screen(args, out)
    if command == "prompts":
        return language_cli.run(args, out, sys.stderr)
    if command == "demo":
        return await _demo(args, out)
    if command == "summary" and args.summary_action == "check":
        prompts = os.environ.get("CONSULTBOT_PROMPTS_DIR", str(DEFAULT_PROMPTS_DIR))
        return summary_cli.run_check(args, out, Path(prompts))
    if command == "digest":  # refuse a bad --out before opening anything
        args.format = digest_format(args.out, args.format).value
    if command == "retag":
        digest_cli.check_retag_args(args)
    if command == "actions":
        feedback_cli.check_typed(args)
    # Every command that touches the real database needs the real keys: with the demo key a
    # withdrawal would find nobody. (A backup, an upgrade or a copy takes the data as it is,
    # so needs none.)
    keyless = command == "db" and args.db_action in cli_admin.KEYLESS_DB_ACTIONS
    settings = Settings.from_env(require_identity_key=not keyless)
    configure_logging(settings.log_level)
    if command == "db":
        return await cli_admin.run_db(args, settings, out)
    if command == "keys":
        return await cli_admin.run_keys(args, settings, out)
    if command == "run":
        await run_platform(settings, args.platform, http=args.http, port=args.port, host=args.host)
        return 0
    if command == "schedule":
        return await _schedule(args, settings, out)
    if command == "web":
        return await _web(args, settings, out)
    async with open_engine(settings) as engine:
        if command == "sessions":
            from bot.core.events import Command, CommandInvoked, Person, Role

            staff = Person(platform="cli", user_id="cli", roles=frozenset({Role.STAFF}))
            replies = await engine.handle(
                CommandInvoked(person=staff, channel_id="cli", command=Command.SESSIONS)
            )
            for reply in replies:
                print(getattr(reply, "text", ""), file=out)
            return 0
        if command == "digest":
            return await digest_cli.run_digest(args, engine, out, write_file=write_private)
        if command == "report":
            return await report_cli.run_report(
                args,
                engine,
                out,
                write_file=write_private,
                make_folder=make_private_folder,
                tag=report_cli.codebook_tagger(settings.prompts_dir) if args.notes else None,
            )
        if command == "actions":
            return await feedback_cli.run_actions(args, engine, out)
        if command == "withdraw":
            from bot.core.events import Person

            person = Person(platform=args.platform, user_id=args.user)
            count = await engine.withdraw(person, args.session)
            await engine.desk.audit("cli", "withdrawal-by-staff", args.session or "all")
            if count is None:
                print("Nothing was stored for that person.", file=out)
            else:
                print(f"Deleted {count} answers (and their reactions).", file=out)
            return 0
        if command == "purge":
            count = await engine.purge()
            print(f"Retention purge done: {count} answers deleted.", file=out)
            return 0
        if command == "audit":
            entries = await engine.desk.audit_entries()
            if not entries:
                print("The audit log is empty.", file=out)
            for e in entries:
                detail = f"  ({e.detail})" if e.detail else ""
                print(
                    f"{e.at:%Y-%m-%d %H:%M:%S}  {e.actor}  {e.action}  {e.subject}{detail}",
                    file=out,
                )
            return 0
        if command == "retag":
            return await digest_cli.run_retag(args, engine, out, sys.stderr)
        if command == "summary":
            return await summary_cli.run(
                args, engine, out, prompts_dir=settings.prompts_dir, write_file=write_private
            )
    raise AssertionError(f"unhandled command {command}")


async def _web(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from bot.app import serve_workspace, workspace_link
    from bot.config import DEFAULT_WEB_PORT
    from bot.core.events import Person, Role

    if args.link:
        if not args.platform or not (args.user or "").strip():
            raise InvalidRequest("web --link needs --platform and --user (their platform id)")
        roles = frozenset(Role(r) for r in (args.role or ["staff"]))
        person = Person(platform=args.platform, user_id=args.user.strip(), roles=roles)
        print(await workspace_link(settings, person), file=out)
        return 0
    port = args.port if args.port is not None else settings.web.port or DEFAULT_WEB_PORT
    if not 1 <= port <= 65535:
        raise ConfigError("--port", "must be between 1 and 65535")
    host = args.host or settings.web.host
    print(f"The workspace is at {settings.web.base_url(port)} (Ctrl+C stops it).", file=out)
    await serve_workspace(settings, host=host, port=port)
    return 0


def _check_channel_id(platform: str, channel: str) -> None:
    """A #name is refused now, rather than failing when the session is due to start."""
    from adapters.discord.settings import is_channel_id as is_discord_channel
    from adapters.slack.settings import is_channel_id as is_slack_channel

    if platform == "discord" and not is_discord_channel(channel):
        how = "turn on Developer Mode, right-click the channel > Copy Channel ID"
        raise InvalidRequest(
            f"--channel {channel!r} is not a Discord channel id (17-20 digits; {how})"
        )
    if platform == "slack" and not is_slack_channel(channel):
        how = "open the channel's details: the id (C…) is at the bottom"
        raise InvalidRequest(
            f"--channel {channel!r} is not a Slack channel id (like C0123ABCD; {how})"
        )


async def _schedule(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from bot.app import open_runtime
    from bot.core.events import Command, CommandInvoked, Person, Role
    from bot.core.outbound import PrivateNotice
    from bot.scheduling.plan import occurrence

    if args.action == "add":
        _check_channel_id(args.platform, args.channel)
    async with open_runtime(settings) as runtime:
        if args.action == "add":
            person = Person(
                platform=args.platform, user_id="cli", roles=frozenset({Role.FACILITATOR})
            )
            options = {
                "question-set": args.question_set,
                "start": args.start,
                "channel": args.channel,
                "repeat": args.repeat,
                "length": str(args.length),
            }
            if args.question_minutes is not None:
                options["question-minutes"] = str(args.question_minutes)
            if args.label is not None:
                options["label"] = args.label
            event = CommandInvoked(
                person=person,
                channel_id=args.channel,
                command=Command.SCHEDULE_SESSION,
                options=options,
            )
            reply = await runtime.engine.handle(event)
            text = reply[0].text if reply and isinstance(reply[0], PrivateNotice) else ""
            if not text.startswith("Scheduled"):
                print(f"consultbot: {text}", file=sys.stderr)
                return EXIT_USAGE
            print(text, file=out)
            return 0
        if args.action == "list":
            schedules = await runtime.store.schedules()
            if not schedules:
                print("Nothing is scheduled.", file=out)
            for s in schedules:
                first = occurrence(s, 0).starts_at.astimezone(settings.time_zone)
                print(
                    f"{s.id}  {s.question_set_id}  {s.platform}:{s.channel_id}  "
                    f"first {first:%a %d %b %Y %H:%M}  {s.repeat}  {s.length_minutes} min",
                    file=out,
                )
            return 0
        if await runtime.store.cancel_schedule(args.schedule_id):
            print(f"Cancelled {args.schedule_id} and its reminders.", file=out)
            return 0
        raise NotFound(f"There's no scheduled session '{args.schedule_id}' to cancel.")


def _screen(args: argparse.Namespace, out: TextIO) -> int:
    from bot.safeguarding.command import run_screen, run_screen_eval, run_scrub_eval

    def screen(buffer: TextIO) -> None:
        if args.eval:
            run_screen_eval(args.file, buffer)
        elif args.eval_scrub:
            run_scrub_eval(args.file, buffer)
        else:
            run_screen(args.file, buffer)

    return _all_or_nothing(screen, args.file, out)


def _tag(args: argparse.Namespace, out: TextIO) -> int:
    from bot.tagging.command import run_eval, run_tag

    codebook = args.codebook or DEFAULT_PROMPTS_DIR / "themes.toml"

    def tag(buffer: TextIO) -> None:
        if args.eval:
            run_eval(args.file, codebook, buffer)
        else:
            run_tag(args.file, codebook, buffer, explain=args.explain)

    return _all_or_nothing(tag, args.file, out)


def _all_or_nothing(produce: Callable[[TextIO], None], source: Path, out: TextIO) -> int:
    """Produce the whole output before writing any of it, so a bad line anywhere in the
    input (even one the readers let through) leaves no partial output behind."""
    buffer = io.StringIO()
    try:
        produce(buffer)
    except INPUT_ERRORS as e:
        raise input_error(source, e) from e
    out.write(checked_text(buffer.getvalue(), source))
    return 0


async def _demo(args: argparse.Namespace, out: TextIO) -> int:
    import tempfile

    from adapters.local.demo import DemoClock, run_demo
    from bot.app import open_runtime

    configure_logging("ERROR")  # the demo prints its own progress
    if not 2 <= args.participants <= 200:
        raise ConfigError("--participants", "must be between 2 and 200")
    env = {"CONSULTBOT_DATABASE": "unused"}
    base = Settings.from_env(env, require_identity_key=False)
    out_dir: Path = args.out
    try:  # before the demo runs, not after: a folder we can't write to is one line
        _writable_folder(out_dir)
    except OSError as e:
        raise ConsultbotError(f"--out {out_dir}: cannot be written to: {e.strerror or e}") from e
    previous_umask = os.umask(0o077)  # the digest files are the owner's only, from the start
    try:
        with tempfile.TemporaryDirectory(prefix="consultbot-demo-") as tmp:
            settings = Settings(
                database_path=Path(tmp) / "demo.db",
                prompts_dir=base.prompts_dir,
                identity_key=base.identity_key,
                max_answer_chars=base.max_answer_chars,
            )
            clock = DemoClock()
            async with open_runtime(settings, clock=clock) as runtime:
                result = await run_demo(
                    runtime.engine,
                    runtime.jobs.run_due,
                    clock,
                    settings,
                    out_dir=out_dir,
                    participants=args.participants,
                    seed=args.seed,
                    say=lambda line: print(line, file=out, flush=True),
                )
    except OSError as e:
        raise ConsultbotError(f"--out {out_dir}: cannot be written: {e.strerror or e}") from e
    finally:
        os.umask(previous_umask)
    for path in result.files:
        os.chmod(path, PRIVATE_FILE)  # and exactly so, whatever the umask allowed
    print("", file=out)
    print(
        f"Session {result.session_id}: {result.participants} young people, "
        f"{result.answers} answers, {result.reactions} reactions",
        file=out,
    )
    if result.held:
        print(
            f"{result.held} answer(s) were held back and passed to the safeguarding lead "
            "instead of the group (the screen errs towards caution).",
            file=out,
        )
    print(f"{'Q':>2}  {'answers':>7}  {'reactions':>9}  question", file=out)
    for number, text, answers, reactions in result.rows:
        print(f"{number:>2}  {answers:>7}  {reactions:>9}  {text}", file=out)
    print("", file=out)
    print("Digest written to:", file=out)
    for path in result.files:
        print(f"  {path}", file=out)
    return 0


def _writable_folder(folder: Path) -> None:
    make_private_folder(folder)
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise NotADirectoryError(20, "not a folder we can write to")


if __name__ == "__main__":
    raise SystemExit(main())
