"""The Slack app manifest, made in one place: the commands (with the workspace's prefix), the
scopes and events the adapter uses, and, for HTTP mode, the request URLs.

    python -m adapters.slack.manifest                                   # Socket Mode
    python -m adapters.slack.manifest --base-url https://bot.example.org  # HTTP mode

prints the manifest as JSON, which Slack's "Create New App → From a manifest" takes as it
takes YAML. HTTP mode sets ``<base-url>/slack/events`` as every command's URL and the event
and interactivity request URL, and turns Socket Mode off. The prefix is ``--prefix``, else
``SLACK_COMMAND_PREFIX`` from the environment, else ``cb-``: the same rule the bot uses.
``slack-manifest.yml`` is this manifest for Socket Mode with the default prefix, written
out with comments; a test keeps the two in step.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from adapters.slack.settings import DEFAULT_COMMAND_PREFIX, command_prefix
from bot.core.errors import ConfigError
from bot.core.events import Command

EVENTS_PATH = "/slack/events"  # where bolt listens in HTTP mode (``adapter.EVENTS_PATH``)

# (description, usage hint, escape?) per command, in the order Slack lists them.
# ``should_escape`` only where a #channel is typed, so it arrives as <#C…|name>.
COMMANDS: dict[Command, tuple[str, str | None, bool]] = {
    Command.START_SESSION: (
        "Start a session in this channel (empty lists the question sets)",
        "[question set] [minutes per question]",
        False,
    ),
    Command.NEXT_QUESTION: ("Post the next question of this channel's session", None, False),
    Command.END_SESSION: (
        "End this channel's session and send the digest to staff",
        None,
        False,
    ),
    Command.SESSIONS: ("List sessions (facilitators and staff)", None, False),
    Command.DIGEST: (
        "Get a session's digest by direct message (staff)",
        "SESSION [md|html|csv|json|docx]",
        False,
    ),
    Command.REPORT: (
        "One report over several sessions, by label or question set (staff)",
        "LABELS [question-set=SET] [since=YYYY-MM-DD] [until=YYYY-MM-DD] [format=md]",
        False,
    ),
    Command.YOU_SAID_WE_DID: (
        "Tell the group what happened about a theme (staff, facilitators)",
        '"LABELS" THEME, or action=ID (opens a form)',
        False,
    ),
    Command.SHARE_SUMMARY: (
        "Post a session's saved summary to its group (staff and facilitators)",
        "[SESSION or label]",
        False,
    ),
    Command.WITHDRAW: (
        "Take back your answers (all, this session's, or one session's)",
        "[all|this|SESSION]",
        False,
    ),
    Command.PRIVACY: ("How your answers are kept private", None, False),
    Command.HELP: ("Where to get support, any time", None, False),
    Command.WORRIED: (
        "Ask to talk privately to a trusted adult in our team",
        "[what you'd like to tell us]",
        False,
    ),
    Command.WORKSPACE: (
        "A private sign-in link to the workspace in your browser (staff)",
        None,
        False,
    ),
    Command.RELEASE: (
        "Show a held answer to the group, anonymously (safeguarding lead)",
        "ANSWER",
        False,
    ),
    Command.KEEP_OUT: (
        "Keep an answer out of the group and the digest (safeguarding lead)",
        "ANSWER",
        False,
    ),
    Command.WHO_WROTE: (
        "See who wrote a held or reported answer, with a reason (safeguarding lead)",
        "ANSWER reason for looking",
        False,
    ),
    Command.HELD: (
        "See held answers privately: release, keep out or ask who wrote (safeguarding lead)",
        "[SESSION] [page=2]",
        False,
    ),
    Command.SCHEDULE_SESSION: (
        "Schedule a session to start by itself",
        'SET start="YYYY-MM-DD HH:MM" [repeat=weekly] [length=60] [channel=#channel]',
        True,
    ),
    Command.PAUSE_QUESTION: ("Pause or resume the timer on the current question", None, False),
    Command.EXTEND_QUESTION: ("Give the current question more time", "MINUTES", False),
}

SCOPES = (
    "commands",  # the slash commands
    "chat:write",  # posts, ephemeral replies, count updates, alerts, deleting our own posts
    "im:write",  # conversations.open: digests, alerts and fallbacks by direct message
    "files:write",  # files_upload_v2: digest files
    "reactions:read",  # reaction_added/removed events, reactions.get after a restart
    "usergroups:read",  # usergroups.users.list: facilitator and staff user groups
)
BOT_EVENTS = ("reaction_added", "reaction_removed")

LONG_DESCRIPTION = (
    "consultbot runs facilitated consultation sessions. The facilitator posts questions one "
    "at a time; young people answer anonymously through a form and the group sees each "
    'answer under a made-up name. Anonymous "me too" buttons sit under every answer. When '
    "the session ends, staff get a digest of the answers, grouped by theme, with no names "
    "or Slack ids in it. Anything that suggests someone may not be safe goes privately to "
    "the safeguarding lead, never to the group. Slack's terms require users to be 16 or "
    "over: a group with members aged 13 to 15 should use the Discord version, and a group "
    "with anyone younger should meet in person."
)


def manifest(
    *, prefix: str = DEFAULT_COMMAND_PREFIX, base_url: str | None = None
) -> dict[str, Any]:
    """The manifest: Socket Mode, or HTTP mode at ``base_url`` (``https://…``)."""
    url = _events_url(base_url) if base_url is not None else None
    commands = []
    for command, (description, hint, escape) in COMMANDS.items():
        entry: dict[str, Any] = {"command": f"/{prefix}{command.value}"}
        if url is not None:
            entry["url"] = url
        entry["description"] = description
        if hint is not None:
            entry["usage_hint"] = hint
        entry["should_escape"] = escape
        commands.append(entry)
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if url is not None:
        events = {"request_url": url, **events}
        interactivity["request_url"] = url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "consultbot",
            "description": "Anonymous, facilitated consultation sessions for care-experienced "
            "young people.",
            "long_description": LONG_DESCRIPTION,
            "background_color": "#3b2e58",
        },
        "features": {
            "bot_user": {"display_name": "consultbot", "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": url is None,
            "token_rotation_enabled": False,
        },
    }


def _events_url(base_url: str) -> str:
    base = base_url.strip().rstrip("/")
    if base.endswith(EVENTS_PATH):
        base = base[: -len(EVENTS_PATH)]
    if not base.startswith("https://") or len(base) <= len("https://"):
        raise ConfigError(
            "--base-url",
            f"must be the https:// address Slack reaches the bot at, not {base_url!r} "
            "(Slack calls only https URLs)",
        )
    return base + EVENTS_PATH


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m adapters.slack.manifest",
        description="Print consultbot's Slack app manifest (JSON) to paste into Slack.",
    )
    parser.add_argument("--base-url", help="HTTP mode: the https:// address of this bot")
    parser.add_argument("--prefix", help="command prefix (default: SLACK_COMMAND_PREFIX, cb-)")
    args = parser.parse_args(argv)
    try:
        env = dict(os.environ)
        if args.prefix is not None:
            env["SLACK_COMMAND_PREFIX"] = args.prefix
        data = manifest(prefix=command_prefix(env), base_url=args.base_url)
    except ConfigError as exc:
        print(f"manifest: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
