"""Who still holds a workspace role, by the settings: rechecked on every request.

A browser session carries the roles the platform gave the person when they asked for the
link. On each request they are narrowed to what the settings still give: on Slack, a role
given by user id (``SLACK_STAFF_USER_IDS`` …) ends when the id is taken out; on Discord, the
safeguarding lead's ``DISCORD_SAFEGUARDING_USER_IDS`` the same. A role given by a Discord
role or a Slack user group can't be looked up without the platform, so it stands while
that role or group is still set (and ends when it is taken out of the settings) until the
browser session ends (8 hours at most). Other platforms (the local adapter, tests) keep the
roles they signed in with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.events import Role

Grant = frozenset[str] | None  # the user ids named; None: given by a role or group too


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleGrants:
    checked: frozenset[str]  # platforms whose settings decide
    grants: Mapping[tuple[str, Role], Grant]

    def current(self, platform: str, user_id: str, roles: frozenset[Role]) -> frozenset[Role]:
        if platform not in self.checked:
            return roles
        kept = set()
        for role in roles:
            key = (platform, role)
            if key not in self.grants:
                continue
            ids = self.grants[key]
            if ids is None or user_id in ids:
                kept.add(role)
        return frozenset(kept)


_KEYS: Mapping[tuple[str, Role], tuple[str, str | None]] = {
    ("slack", Role.FACILITATOR): ("SLACK_FACILITATOR_USER_IDS", "SLACK_FACILITATOR_GROUP_IDS"),
    ("slack", Role.STAFF): ("SLACK_STAFF_USER_IDS", "SLACK_STAFF_GROUP_IDS"),
    ("slack", Role.SAFEGUARDING_LEAD): (
        "SLACK_SAFEGUARDING_USER_IDS",
        "SLACK_SAFEGUARDING_GROUP_IDS",
    ),
    ("discord", Role.FACILITATOR): ("", "DISCORD_FACILITATOR_ROLE_IDS"),
    ("discord", Role.STAFF): ("", "DISCORD_STAFF_ROLE_IDS"),
    ("discord", Role.SAFEGUARDING_LEAD): (
        "DISCORD_SAFEGUARDING_USER_IDS",
        "DISCORD_SAFEGUARDING_ROLE_IDS",
    ),
}


def grants_from_env(env: Mapping[str, str]) -> RoleGrants:
    grants: dict[tuple[str, Role], Grant] = {}
    for key, (users_key, groups_key) in _KEYS.items():
        users = _ids(env.get(users_key, "")) if users_key else frozenset()
        groups = _ids(env.get(groups_key, "")) if groups_key else frozenset()
        if groups:
            grants[key] = None
        elif users:
            grants[key] = users
    return RoleGrants(checked=frozenset({"slack", "discord"}), grants=grants)


def _ids(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in text.split(",") if part.strip())
