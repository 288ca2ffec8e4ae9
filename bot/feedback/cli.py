"""``consultbot actions``: "you said, we did" from the command line.

    consultbot actions add --sessions "Leeds, 3 Dec" --theme stability-moves \\
        --heard "Moving home too often makes it hard to settle"
    consultbot actions list [--sessions "Leeds, 3 Dec"]
    consultbot actions update ACTION --taken-to "Corporate Parenting Board, 12 March" \\
        --decision partly --because "…" --follow-up 2027-01-15

The command line has no platform connection: an update's card is queued as a job, which the
running bot posts to each session's channel (within a minute: its heartbeat). Updates are
recorded as by ``cli``. Bad input is one line and exit 2, with nothing saved.
"""

from __future__ import annotations

import argparse
from typing import Protocol, TextIO

from bot.core.errors import InvalidRequest
from bot.core.records import ActionRecord
from bot.feedback.service import CLI, CLI_POSTING, Feedback, Step


class FeedbackEngine(Protocol):
    @property
    def feedback(self) -> Feedback: ...


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    actions = sub.add_parser(
        "actions", help='"you said, we did": what happened about each theme, told to the group'
    )
    verbs = actions.add_subparsers(dest="action_verb", required=True)
    add = verbs.add_parser("add", help="a theme the group raised, heard (no card yet)")
    add.add_argument("--sessions", required=True, help="session labels or ids, with commas")
    add.add_argument("--theme", required=True, help="a theme id from prompts/themes.toml")
    add.add_argument("--heard", default="", help="what the group said, in plain words")
    listing = verbs.add_parser("list", help="actions and every update")
    listing.add_argument("--sessions", default="", help="only these sessions (labels or ids)")
    update = verbs.add_parser("update", help="what happened: saved, and posted to the group")
    update.add_argument("action_id", metavar="ACTION", help="the action id (actions list)")
    update.add_argument("--taken-to", default="", help='who and when: "the Board, 12 March"')
    update.add_argument("--decision", default="", help="changed, partly, not-changed, waiting")
    update.add_argument("--because", default="", help="why, in plain words")
    update.add_argument("--follow-up", default="", help="YYYY-MM-DD: when the group hears more")


TYPED = ("sessions", "theme", "heard", "action_id", "taken_to", "decision", "because", "follow_up")


async def run_actions(args: argparse.Namespace, engine: FeedbackEngine, out: TextIO) -> int:
    feedback = engine.feedback
    verb: str = args.action_verb
    if verb == "add":
        action = await feedback.add(args.sessions, args.theme, args.heard, CLI)
        print(f"Action {action.id}: {feedback.label(action.theme_id)} (heard).", file=out)
        return 0
    if verb == "list":
        found = await feedback.actions(args.sessions)
        if not found:
            print("No actions yet.", file=out)
        for action in found:
            _print_action(feedback, action, out)
        return 0
    step = Step(
        taken_to=args.taken_to,
        decision=args.decision,
        because=args.because,
        follow_up=args.follow_up,
    )
    recorded = await feedback.update(args.action_id, step, CLI)
    print(f"Saved update {recorded.update.number} of action {recorded.action.id}.", file=out)
    print(recorded.card, file=out)
    print(CLI_POSTING, file=out)
    return 0


def check_typed(args: argparse.Namespace) -> None:
    """Refuse, before anything is opened, what the shell passed that is not text (bytes
    that are not UTF-8 arrive as lone surrogates, which no store can write)."""
    for name in TYPED:
        value = getattr(args, name, None)
        if not isinstance(value, str):
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            shown = "ACTION" if name == "action_id" else "--" + name.replace("_", "-")
            raise InvalidRequest(
                f"{shown} holds bytes that are not UTF-8 text; please type it again. "
                "Nothing was saved."
            ) from None


def _print_action(feedback: Feedback, action: ActionRecord, out: TextIO) -> None:
    sessions = ", ".join(action.session_ids)
    print(f"{action.id}  {feedback.label(action.theme_id)}  (sessions {sessions})", file=out)
    print(f"    heard: {action.heard}", file=out)
    for u in action.updates:
        parts = [u.decision.value]
        if u.taken_to:
            parts.append(f"taken to {u.taken_to}")
        if u.because:
            parts.append(f"because {u.because}")
        if u.follow_up:
            parts.append(f"follow-up {u.follow_up}")
        print(f"    {u.number}. {u.at:%Y-%m-%d %H:%M} by {u.by}: {'; '.join(parts)}", file=out)
