"""Discord settings: read once from the environment at start, then passed down.

Every key is documented in ``config.example.env`` and ``docs/discord.md``. A wrong value
fails start-up with a ``ConfigError`` that names the key. ``alert_targets`` hands the
safeguarding destinations to the core's alert routing, with Discord's int ids as ``str``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.errors import ConfigError
from bot.core.routing import AlertTargets

DEFAULT_API_BASE = "https://discord.com/api/v10"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscordSettings:
    token: str
    api_base: str = DEFAULT_API_BASE
    gateway_url: str | None = None  # None: discord.py's own default gateway
    facilitator_role_ids: frozenset[int] = frozenset()
    staff_role_ids: frozenset[int] = frozenset()
    staff_channel_id: int | None = None  # None: digests go to the facilitator by DM
    # Safeguarding: who may act on alerts, and where alerts go. Members with one of the
    # roles, and the users alerts are sent to by DM, are safeguarding leads (a button
    # pressed in a DM carries no roles, so the user id is what says who they are).
    safeguarding_role_ids: frozenset[int] = frozenset()
    safeguarding_channel_id: int | None = None  # None: a DM to each safeguarding user
    safeguarding_user_ids: frozenset[int] = frozenset()
    deputy_channel_id: int | None = None  # None: the deputy users, else the lead destination
    deputy_user_ids: frozenset[int] = frozenset()
    guild_id: int | None = None  # set: commands are synced to this server only (instant)
    sync_commands: bool = True

    def __repr__(self) -> str:  # the token never reaches a log line
        return (
            f"DiscordSettings(api_base={self.api_base!r}, guild_id={self.guild_id!r}, "
            f"staff_channel_id={self.staff_channel_id!r}, "
            f"safeguarding_channel_id={self.safeguarding_channel_id!r}, "
            f"deputy_channel_id={self.deputy_channel_id!r}, sync_commands={self.sync_commands!r})"
        )

    @property
    def lead_user_ids(self) -> frozenset[int]:
        """Users who are safeguarding leads by id: everyone alerts may be sent to by DM."""
        return self.safeguarding_user_ids | self.deputy_user_ids

    def alert_targets(self) -> tuple[AlertTargets, AlertTargets]:
        """(lead, deputy) as the core's alert routing data: the ids become ``str`` here."""
        return (
            _targets("lead", self.safeguarding_channel_id, self.safeguarding_user_ids),
            _targets("deputy", self.deputy_channel_id, self.deputy_user_ids),
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DiscordSettings:
        token = env.get("DISCORD_TOKEN", "").strip()
        if not token:
            raise ConfigError(
                "DISCORD_TOKEN",
                "is not set; copy the bot token from the Bot page of your Discord application",
            )
        api_base = env.get("DISCORD_API_BASE", "").strip().rstrip("/") or DEFAULT_API_BASE
        if not api_base.startswith(("https://", "http://")):
            raise ConfigError("DISCORD_API_BASE", f"must be an http(s) URL, not {api_base!r}")
        gateway_url = env.get("DISCORD_GATEWAY_URL", "").strip() or None
        if gateway_url is not None and not gateway_url.startswith(("wss://", "ws://")):
            raise ConfigError("DISCORD_GATEWAY_URL", f"must be a ws(s) URL, not {gateway_url!r}")
        facilitators = _ids(env, "DISCORD_FACILITATOR_ROLE_IDS")
        if not facilitators:
            raise ConfigError(
                "DISCORD_FACILITATOR_ROLE_IDS",
                "is not set; without it nobody can start a session "
                "(right-click the role in Server Settings > Roles > Copy Role ID)",
            )
        lead_roles = _ids(env, "DISCORD_SAFEGUARDING_ROLE_IDS")
        lead_channel = _optional_id(env, "DISCORD_SAFEGUARDING_CHANNEL_ID")
        lead_users = _ids(env, "DISCORD_SAFEGUARDING_USER_IDS")
        if lead_channel is None and not lead_users:
            raise ConfigError(
                "DISCORD_SAFEGUARDING_CHANNEL_ID",
                "is not set, and neither is DISCORD_SAFEGUARDING_USER_IDS: set at least one, "
                "so safeguarding alerts reach the safeguarding lead (a private channel id, or "
                "the lead's user ids for a direct message)",
            )
        if not lead_roles and not lead_users:
            raise ConfigError(
                "DISCORD_SAFEGUARDING_ROLE_IDS",
                "is not set; without it (or DISCORD_SAFEGUARDING_USER_IDS) nobody can act on "
                "a safeguarding alert. Give the role of your safeguarding lead(s)",
            )
        return cls(
            token=token,
            api_base=api_base,
            gateway_url=gateway_url,
            facilitator_role_ids=facilitators,
            staff_role_ids=_ids(env, "DISCORD_STAFF_ROLE_IDS"),
            staff_channel_id=_optional_id(env, "DISCORD_STAFF_CHANNEL_ID"),
            safeguarding_role_ids=lead_roles,
            safeguarding_channel_id=lead_channel,
            safeguarding_user_ids=lead_users,
            deputy_channel_id=_optional_id(env, "DISCORD_DEPUTY_CHANNEL_ID"),
            deputy_user_ids=_ids(env, "DISCORD_DEPUTY_USER_IDS"),
            guild_id=_optional_id(env, "DISCORD_GUILD_ID"),
            sync_commands=_flag(env, "DISCORD_SYNC_COMMANDS", default=True),
        )


def _targets(name: str, channel_id: int | None, user_ids: frozenset[int]) -> AlertTargets:
    channel = str(channel_id) if channel_id is not None else None
    return AlertTargets(
        name=name, channel_id=channel, user_ids=tuple(str(u) for u in sorted(user_ids))
    )


def is_channel_id(value: str) -> bool:
    """A Discord channel id (a snowflake: 17-20 digits), not a #name."""
    return value.isdigit() and 15 <= len(value) <= 20


def _snowflake(key: str, raw: str) -> int:
    if not raw.isdigit() or not 15 <= len(raw) <= 20:
        raise ConfigError(
            key, f"{raw!r} is not a Discord id (a 17-20 digit number; turn on Developer Mode)"
        )
    return int(raw)


def _ids(env: Mapping[str, str], key: str) -> frozenset[int]:
    parts = [part.strip() for part in env.get(key, "").split(",")]
    return frozenset(_snowflake(key, part) for part in parts if part)


def _optional_id(env: Mapping[str, str], key: str) -> int | None:
    raw = env.get(key, "").strip()
    return _snowflake(key, raw) if raw else None


def _flag(env: Mapping[str, str], key: str, *, default: bool) -> bool:
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(key, f"must be true or false, not {raw!r}")
