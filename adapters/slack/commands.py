"""Slash commands: which Slack commands are ours, the text typed after one as the core's
options, how the bot's words name them, and the roles of whoever typed it.

Every ``bot.core.events.Command`` is a slash command of the same name after the workspace's
prefix (``SLACK_COMMAND_PREFIX``, default ``cb-``: ``/cb-start-session``…; declared in
``slack-manifest.yml``, made by ``adapters.slack.manifest``). The bare names are accepted too,
so an app still installed from an older manifest keeps working (Slack sends an app only the
commands its manifest declares). The core's words name commands bare (``/withdraw``);
``spelled`` writes them as this workspace types them, outside any words quoted in «…».
Roles are resolved from the configured user ids,
then user groups (``usergroups.users.list``, cached 60 s), only for slash commands and the
safeguarding alert's buttons; answers, skips, reports and reactions need none. A group Slack
cannot be asked about counts as empty: a command is refused, never allowed, on doubt.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import SLACK_FAILURES
from adapters.slack.inbound import PLATFORM
from adapters.slack.render import split_quoted
from adapters.slack.settings import DEFAULT_COMMAND_PREFIX, SlackSettings
from bot.core.events import Command, CommandInvoked, Person, Role
from bot.core.outbound import (
    ChannelNotice,
    ConsentRequest,
    FileDelivery,
    Outbound,
    PrivateNotice,
    SafeguardingAlert,
    StaffNote,
)

log = logging.getLogger(__name__)

GROUP_CACHE_SECONDS = 60.0
_NAMES = "|".join(re.escape(c.value) for c in sorted(Command, key=len, reverse=True))
_NAMED = re.compile(rf"(?<![\w/<#@-])/({_NAMES})(?![\w-])")


def command_pattern(prefix: str = DEFAULT_COMMAND_PREFIX) -> re.Pattern[str]:
    """Matches our slash commands, with or without ``prefix``, for ``app.command``."""
    optional = f"(?:{re.escape(prefix)})?" if prefix else ""
    return re.compile(f"^/{optional}({_NAMES})$")


def slash_name(command: Command, prefix: str = DEFAULT_COMMAND_PREFIX) -> str:
    """``Command.WITHDRAW`` → ``"/cb-withdraw"``: how a person types it here."""
    return f"/{prefix}{command.value}"


def command_from_slash(name: str, prefix: str = DEFAULT_COMMAND_PREFIX) -> Command | None:
    """``"/cb-start-session"`` (or ``"/start-session"``) → ``Command.START_SESSION``;
    ``None`` for commands not ours."""
    bare = name.lstrip("/").strip().lower()
    if prefix and bare.startswith(prefix):
        bare = bare[len(prefix) :]
    try:
        return Command(bare)
    except ValueError:
        return None


def spell_commands(text: str, prefix: str) -> str:
    """The bot's words with our command names as this workspace types them (``/withdraw`` →
    ``/cb-withdraw``); words quoted in «…» are someone's own and left as they are."""
    if not prefix:
        return text
    before, quoted, after = split_quoted(text)
    spell = f"/{prefix}\\1"
    return _NAMED.sub(spell, before) + quoted + _NAMED.sub(spell, after)


M = TypeVar("M", bound=Outbound)


def spelled(message: M, prefix: str) -> M:
    """``message`` with its text's command names spelled for this workspace (the kinds
    whose text is the bot's; an answer post is someone's words, a question the prompts')."""
    if not prefix:
        return message
    match message:
        case (
            PrivateNotice()
            | ChannelNotice()
            | ConsentRequest()
            | StaffNote()
            | FileDelivery()
            | SafeguardingAlert()
        ):
            return replace(message, text=spell_commands(message.text, prefix))
    return message


# Words typed after a command, by position, name these core options in turn.
_POSITIONAL: Mapping[Command, tuple[str, ...]] = {
    Command.START_SESSION: ("question-set", "question-minutes"),
    Command.DIGEST: ("session", "format"),
    Command.REPORT: ("sessions",),
    Command.YOU_SAID_WE_DID: ("sessions", "theme"),
    Command.SHARE_SUMMARY: ("session",),
    Command.EXTEND_QUESTION: ("minutes",),
    Command.SCHEDULE_SESSION: ("question-set",),
    Command.WITHDRAW: ("session",),
    Command.RELEASE: ("answer",),
    Command.KEEP_OUT: ("answer",),
}
# Commands whose last option is free text: everything after the leading words, as typed.
_FREE_TEXT: Mapping[Command, tuple[tuple[str, ...], str]] = {
    Command.WORRIED: ((), "message"),
    Command.WHO_WROTE: (("answer",), "reason"),
}
_CHANNEL_MENTION = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")


def command_options(command: Command, text: str) -> dict[str, str]:
    """Parse the text typed after a slash command into the core's option names.

    Plain words fill the command's options in order: ``/start-session case-for-change`` →
    ``{"question-set": "case-for-change"}``, ``/digest abc123 html`` → ``{"session": "abc123",
    "format": "html"}``. ``name=value`` words set any option by name, with double quotes for
    values with spaces (``start="2025-06-01 16:00"``). A channel typed as ``#name`` arrives
    from Slack as ``<#C…|name>`` and becomes its id.

    ``/worried`` and ``/who-wrote`` end in free text (a message, a reason), kept exactly as
    typed: ``/who-wrote ab12 she asked for help`` → ``{"answer": "ab12", "reason": "she asked
    for help"}``. Nothing in free text is read as ``name=value``.
    """
    if command in _FREE_TEXT:
        leading, rest_name = _FREE_TEXT[command]
        return _free_text_options(text, leading, rest_name)
    options: dict[str, str] = {}
    positional = iter(_POSITIONAL.get(command, ()))
    for word in _words(text):
        name, sep, value = word.partition("=")
        if sep and name and not name.startswith("<"):
            options[name.lower()] = _unwrap(value)
            continue
        key = next(positional, None)
        if key is not None:
            options[key] = _unwrap(word)
    if "format" in options:
        options["format"] = options["format"].lower().lstrip(".")
    return options


def _free_text_options(text: str, leading: tuple[str, ...], rest_name: str) -> dict[str, str]:
    options: dict[str, str] = {}
    rest = text.strip()
    for name in leading:
        parts = rest.split(None, 1)
        if parts:
            options[name] = parts[0]
        rest = parts[1].strip() if len(parts) > 1 else ""
    if rest:
        options[rest_name] = rest
    return options


def _words(text: str) -> list[str]:
    """Split on spaces, keeping double-quoted stretches (quotes removed) together."""
    return [m.group(0).replace('"', "") for m in re.finditer(r'(?:[^\s"]+|"[^"]*")+', text)]


def _unwrap(value: str) -> str:
    match = _CHANNEL_MENTION.match(value)
    return match.group(1) if match else value


def slash_command_event(
    body: Mapping[str, Any], person: Person, prefix: str = DEFAULT_COMMAND_PREFIX
) -> CommandInvoked | None:
    command = command_from_slash(str(body.get("command", "")), prefix)
    if command is None:
        return None
    return CommandInvoked(
        person=person,
        channel_id=str(body.get("channel_id", "")),
        command=command,
        options=command_options(command, str(body.get("text", ""))),
    )


class RoleResolver:
    """Maps a Slack user id to core roles from the configured user ids and user groups.

    Group members are read with ``usergroups.users.list`` and cached for ``ttl`` seconds. If
    Slack cannot be asked, the group counts as empty: commands are refused, never allowed."""

    def __init__(
        self,
        client: AsyncWebClient,
        settings: SlackSettings,
        *,
        ttl: float = GROUP_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._settings = settings
        self._ttl = ttl
        self._clock = clock
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}

    async def person(self, user_id: str) -> Person:
        roles: set[Role] = set()
        s = self._settings
        if user_id in s.facilitator_user_ids or await self._in_any(
            user_id, s.facilitator_group_ids
        ):
            roles.add(Role.FACILITATOR)
        if user_id in s.staff_user_ids or await self._in_any(user_id, s.staff_group_ids):
            roles.add(Role.STAFF)
        if (
            user_id in s.safeguarding_user_ids
            or user_id in s.deputy_user_ids
            or await self._in_any(user_id, s.safeguarding_group_ids)
        ):
            roles.add(Role.SAFEGUARDING_LEAD)
        return Person(platform=PLATFORM, user_id=user_id, roles=frozenset(roles))

    async def _in_any(self, user_id: str, group_ids: frozenset[str]) -> bool:
        for group_id in sorted(group_ids):
            if user_id in await self._members(group_id):
                return True
        return False

    async def _members(self, group_id: str) -> frozenset[str]:
        cached = self._groups.get(group_id)
        now = self._clock()
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        try:
            response = await self._client.usergroups_users_list(usergroup=group_id)
            members = frozenset(str(u) for u in response.get("users") or [])
        except SLACK_FAILURES as exc:
            log.warning("could not read user group %s (%s); treating it as empty", group_id, exc)
            members = frozenset()
        self._groups[group_id] = (now, members)
        return members
