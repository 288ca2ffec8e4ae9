"""Slash commands: which Slack commands are ours, the text typed after one as the core's
options, and the roles of whoever typed it.

Every ``bot.core.events.Command`` is a slash command of the same name (``/start-session``…;
they are declared in ``slack-manifest.yml``). Roles are resolved from the configured user ids,
then user groups (``usergroups.users.list``, cached 60 s), only for slash commands and the
safeguarding alert's buttons; answers, skips, reports and reactions need none. A group Slack
cannot be asked about counts as empty: a command is refused, never allowed, on doubt.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import SLACK_FAILURES
from adapters.slack.inbound import PLATFORM
from adapters.slack.settings import SlackSettings
from bot.core.events import Command, CommandInvoked, Person, Role

log = logging.getLogger(__name__)

GROUP_CACHE_SECONDS = 60.0
COMMAND_PATTERN = re.compile("^/(" + "|".join(re.escape(c.value) for c in Command) + ")$")
"""Matches our slash commands, for ``app.command``."""


def command_from_slash(name: str) -> Command | None:
    """``"/start-session"`` → ``Command.START_SESSION``; ``None`` for commands not ours."""
    try:
        return Command(name.lstrip("/").strip().lower())
    except ValueError:
        return None


# Words typed after a command, by position, name these core options in turn.
_POSITIONAL: Mapping[Command, tuple[str, ...]] = {
    Command.START_SESSION: ("question-set", "question-minutes"),
    Command.DIGEST: ("session", "format"),
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


def slash_command_event(body: Mapping[str, Any], person: Person) -> CommandInvoked | None:
    command = command_from_slash(str(body.get("command", "")))
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
