"""Slack settings, read once at start from the environment and passed to the adapter.

Platform secrets keep Slack's usual names (``SLACK_BOT_TOKEN``, ``SLACK_APP_TOKEN``,
``SLACK_SIGNING_SECRET``). Role mapping is by Slack user id (``U…``/``W…``) or user group id
(``S…``), never by name: names can be changed by their owners, ids cannot.

Someone must be able to run a session, so start-up fails unless a facilitator is set
(``SLACK_FACILITATOR_USER_IDS`` or ``SLACK_FACILITATOR_GROUP_IDS``). Our slash commands carry
``SLACK_COMMAND_PREFIX`` (default ``cb-``: ``/cb-start-session``), so they don't clash with
other apps' ``/help`` or ``/digest``.

Safeguarding alerts need somewhere to go, so start-up fails unless a private alert channel
(``SLACK_SAFEGUARDING_CHANNEL_ID``) or the lead's user ids (``SLACK_SAFEGUARDING_USER_IDS``,
alerted by direct message) are set. Deputies (``SLACK_DEPUTY_USER_IDS`` /
``SLACK_DEPUTY_CHANNEL_ID``) get alerts nobody picked up in time; without them those go to
the lead's destination again. Deputies count as safeguarding leads for the buttons and
commands, since they must be able to act on what they are sent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.errors import ConfigError

DEFAULT_API_URL = "https://slack.com/api/"
# Slash commands are a workspace's shared namespace: another app's /help or /digest would
# clash with ours, so ours are /cb-help, /cb-digest… unless SLACK_COMMAND_PREFIX says else.
DEFAULT_COMMAND_PREFIX = "cb-"
LONGEST_COMMAND = len("schedule-session")
SLASH_COMMAND_LIMIT = 32  # Slack's limit on a command's name, the slash included

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackSettings:
    bot_token: str
    app_token: str | None  # Socket Mode only
    signing_secret: str | None  # HTTP mode only
    api_url: str = DEFAULT_API_URL
    facilitator_user_ids: frozenset[str] = frozenset()
    facilitator_group_ids: frozenset[str] = frozenset()
    staff_user_ids: frozenset[str] = frozenset()
    staff_group_ids: frozenset[str] = frozenset()
    staff_channel_id: str | None = None
    safeguarding_user_ids: frozenset[str] = frozenset()
    safeguarding_group_ids: frozenset[str] = frozenset()
    safeguarding_channel_id: str | None = None
    deputy_user_ids: frozenset[str] = frozenset()
    deputy_channel_id: str | None = None
    command_prefix: str = DEFAULT_COMMAND_PREFIX  # "" for the bare /start-session …

    def __repr__(self) -> str:  # keeps tokens out of any accidental log line
        return (
            f"SlackSettings(api_url={self.api_url!r}, "
            f"staff_channel_id={self.staff_channel_id!r}, "
            f"safeguarding_channel_id={self.safeguarding_channel_id!r}, "
            f"socket_mode={self.app_token is not None}, http={self.signing_secret is not None})"
        )

    @property
    def uses_user_groups(self) -> bool:
        return bool(
            self.facilitator_group_ids or self.staff_group_ids or self.safeguarding_group_ids
        )

    def require_mode(self, *, http: bool) -> None:
        """Fail fast when the secret the chosen connection mode needs is missing."""
        if http and not self.signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET",
                "is needed with --http (Basic Information → App Credentials → Signing Secret)",
            )
        if not http and not self.app_token:
            raise ConfigError(
                "SLACK_APP_TOKEN",
                "is needed for Socket Mode: an app-level token (xapp-…) with "
                "connections:write, or run with --http",
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SlackSettings:
        """Build settings from ``env`` (default: ``os.environ``); a bad key raises
        ``ConfigError`` naming it. Which of app token / signing secret is required depends
        on the connection mode: see ``require_mode``."""
        if env is None:
            env = os.environ
        bot_token = env.get("SLACK_BOT_TOKEN", "").strip()
        if not bot_token:
            raise ConfigError("SLACK_BOT_TOKEN", "is not set (OAuth & Permissions → Bot Token)")
        if not bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN", "must be a bot token starting with 'xoxb-'")
        app_token = env.get("SLACK_APP_TOKEN", "").strip() or None
        if app_token is not None and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN", "must be an app-level token starting with 'xapp-'")
        signing_secret = env.get("SLACK_SIGNING_SECRET", "").strip() or None
        api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
        if not api_url.startswith(("https://", "http://")):
            raise ConfigError("SLACK_API_URL", f"must be an http(s) URL, not {api_url!r}")
        if not api_url.endswith("/"):
            api_url += "/"  # slack_sdk joins base_url and method name without adding one
        facilitator_users = _ids(env, "SLACK_FACILITATOR_USER_IDS", _USER_ID, "U0123ABCD")
        facilitator_groups = _ids(env, "SLACK_FACILITATOR_GROUP_IDS", _GROUP_ID, "S0123ABCD")
        if not facilitator_users and not facilitator_groups:
            raise ConfigError(
                "SLACK_FACILITATOR_USER_IDS",
                "is not set, and neither is SLACK_FACILITATOR_GROUP_IDS: without one nobody "
                "can start a session (a member id: profile > ⋮ > Copy member ID)",
            )
        safeguarding_users = _ids(env, "SLACK_SAFEGUARDING_USER_IDS", _USER_ID, "U0123ABCD")
        safeguarding_channel = _channel(env, "SLACK_SAFEGUARDING_CHANNEL_ID")
        if not safeguarding_users and safeguarding_channel is None:
            raise ConfigError(
                "SLACK_SAFEGUARDING_CHANNEL_ID",
                "or SLACK_SAFEGUARDING_USER_IDS must be set: safeguarding alerts go to that "
                "private channel, or by direct message to those people",
            )
        return cls(
            bot_token=bot_token,
            app_token=app_token,
            signing_secret=signing_secret,
            api_url=api_url,
            facilitator_user_ids=facilitator_users,
            facilitator_group_ids=facilitator_groups,
            staff_user_ids=_ids(env, "SLACK_STAFF_USER_IDS", _USER_ID, "U0123ABCD"),
            staff_group_ids=_ids(env, "SLACK_STAFF_GROUP_IDS", _GROUP_ID, "S0123ABCD"),
            staff_channel_id=_channel(env, "SLACK_STAFF_CHANNEL_ID"),
            safeguarding_user_ids=safeguarding_users,
            safeguarding_group_ids=_ids(
                env, "SLACK_SAFEGUARDING_GROUP_IDS", _GROUP_ID, "S0123ABCD"
            ),
            safeguarding_channel_id=safeguarding_channel,
            deputy_user_ids=_ids(env, "SLACK_DEPUTY_USER_IDS", _USER_ID, "U0123ABCD"),
            deputy_channel_id=_channel(env, "SLACK_DEPUTY_CHANNEL_ID"),
            command_prefix=command_prefix(env),
        )


def command_prefix(env: Mapping[str, str]) -> str:
    """``SLACK_COMMAND_PREFIX``: unset, ``cb-``; set empty, no prefix. Lower case letters,
    digits, ``-`` and ``_``, short enough that /<prefix>schedule-session fits Slack's 32."""
    raw = env.get("SLACK_COMMAND_PREFIX")
    if raw is None:
        return DEFAULT_COMMAND_PREFIX
    prefix = raw.strip()
    longest = SLASH_COMMAND_LIMIT - 1 - LONGEST_COMMAND
    if prefix and (not _PREFIX.match(prefix) or len(prefix) > longest):
        raise ConfigError(
            "SLACK_COMMAND_PREFIX",
            f"must be at most {longest} lower-case letters, digits, - or _ (like cb-), "
            f"or empty for no prefix; not {prefix!r}",
        )
    return prefix


def is_channel_id(value: str) -> bool:
    """A Slack channel id (C…, G…, D…), not a #name."""
    return _CHANNEL_ID.match(value) is not None


def _channel(env: Mapping[str, str], key: str) -> str | None:
    """An optional channel id; a ``#name`` is refused, since names can change."""
    channel = env.get(key, "").strip() or None
    if channel is not None and not _CHANNEL_ID.match(channel):
        raise ConfigError(
            key, f"must be a channel id like C0123ABCD (not a #name), not {channel!r}"
        )
    return channel


def _ids(env: Mapping[str, str], key: str, shape: re.Pattern[str], example: str) -> frozenset[str]:
    """A comma- or space-separated list of Slack ids."""
    raw = env.get(key, "")
    ids = [part for part in re.split(r"[\s,]+", raw.strip()) if part]
    for ident in ids:
        if not shape.match(ident):
            raise ConfigError(
                key, f"{ident!r} is not an id like {example} (names are not accepted)"
            )
    return frozenset(ids)
