"""Slack settings, read once at start from the environment and passed to the adapter.

Platform secrets keep Slack's usual names (``SLACK_BOT_TOKEN``, ``SLACK_APP_TOKEN``,
``SLACK_SIGNING_SECRET``). Role mapping is by Slack user id (``U…``/``W…``) or user group id
(``S…``), never by name: names can be changed by their owners, ids cannot.

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

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


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
            facilitator_user_ids=_ids(env, "SLACK_FACILITATOR_USER_IDS", _USER_ID, "U0123ABCD"),
            facilitator_group_ids=_ids(env, "SLACK_FACILITATOR_GROUP_IDS", _GROUP_ID, "S0123ABCD"),
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
        )


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
