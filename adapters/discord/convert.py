"""Pure translation between Discord payloads and core types: no I/O, no client, no loop.

Inbound: a Discord member (id + role ids) becomes a ``Person`` with core roles (``RoleMap``):
the snowflake as ``str`` and core roles only, never a username or display name; a modal
submit's components give the answer text and the quote choice (``modal_answer``). Ids: a
``Person`` or channel id of the core becomes Discord's int again (``user_snowflake``,
``channel_snowflake``). Errors: Discord's refusals become one ``DeliveryFailed`` with a hint a
facilitator can act on (``delivery_failure``); so does a message for someone who is not a
Discord user (``user_snowflake``: the scheduler's ``system_person`` has an empty id).
Outbound text and components are ``render.py``'s.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.errors import DeliveryFailed
from bot.core.events import Person, Role

PLATFORM = "discord"

ANSWER_INPUT_ID = "answer"
QUOTE_INPUT_ID = "quote"
NO_STAFF_CHANNEL = (
    "No staff channel is set, so the digest had nowhere to go: set DISCORD_STAFF_CHANNEL_ID; "
    "staff can still get it with /digest."
)
NO_RECIPIENT = (
    "That message had nobody on Discord to go to (it was for a scheduled job, not a "
    "person), so it wasn't sent."
)
NO_ALERT_DESTINATION = (
    "There is nowhere to send safeguarding alerts: set "
    "DISCORD_SAFEGUARDING_CHANNEL_ID or DISCORD_SAFEGUARDING_USER_IDS."
)

# Exactly what the bot does: read the channel, post, upload digests. Nothing else (no Embed
# Links: posts are plain text; no Add Reactions: the bot never adds native reactions; no
# threads). Safeguarding alerts use the same two in their private channel, or DMs, which
# need no permission. ``docs/discord.md`` quotes this number.
BOT_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, attach_files=True)
BOT_SCOPES = ("bot", "applications.commands")


class Needs(enum.Enum):
    """What a kind of delivery needs, so a refusal can name the missing permission."""

    CHANNEL_POST = "channel post"
    FILE_POST = "file post"
    DIRECT_MESSAGE = "direct message"
    INTERACTION_REPLY = "interaction reply"  # webhooks: no channel permission involved

    @property
    def permissions(self) -> tuple[str, ...]:
        return _PERMISSIONS_NEEDED.get(self, ())


_PERMISSIONS_NEEDED = {
    Needs.CHANNEL_POST: ("View Channel", "Send Messages"),
    Needs.FILE_POST: ("View Channel", "Send Messages", "Attach Files"),
}


# -- inbound ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleMap:
    """Which Discord role ids (and, for safeguarding leads, user ids) mean which core role."""

    facilitator_role_ids: frozenset[int] = frozenset()
    staff_role_ids: frozenset[int] = frozenset()
    lead_role_ids: frozenset[int] = frozenset()
    lead_user_ids: frozenset[int] = frozenset()  # alerts go to them by DM, where no roles exist


def person(user_id: int, role_ids: Iterable[int], roles: RoleMap) -> Person:
    """The core's view of a Discord member: the snowflake as ``str`` and core roles only."""
    held = frozenset(role_ids)
    mapped: set[Role] = set()
    if held & roles.facilitator_role_ids:
        mapped.add(Role.FACILITATOR)
    if held & roles.staff_role_ids:
        mapped.add(Role.STAFF)
    if held & roles.lead_role_ids or user_id in roles.lead_user_ids:
        mapped.add(Role.SAFEGUARDING_LEAD)
    return Person(platform=PLATFORM, user_id=str(user_id), roles=frozenset(mapped))


@dataclass(frozen=True, slots=True)
class ModalAnswer:
    """What came back from the answer form: the text (``None`` if absent) and the quote
    choice (``False`` unless the box was ticked)."""

    text: str | None
    quote_ok: bool


def walk_components(components: Sequence[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """Every component, depth first: action rows and labels hold children."""
    for component in components:
        if not isinstance(component, Mapping):
            continue
        yield component
        children = component.get("components")
        if isinstance(children, list):
            yield from walk_components(children)
        child = component.get("component")  # a Label (type 18) holds one component
        if isinstance(child, Mapping):
            yield from walk_components([child])


def modal_answer(components: Sequence[Mapping[str, Any]]) -> ModalAnswer:
    """The answer form's values from a modal submit's ``data.components``: the text input
    (type 4, in a Label or an action row) and the checkbox (type 23, ``value`` a bool)."""
    text: str | None = None
    quote_ok = False
    for component in walk_components(components):
        custom_id, value = component.get("custom_id"), component.get("value")
        if custom_id == ANSWER_INPUT_ID and isinstance(value, str):
            text = value
        elif custom_id == QUOTE_INPUT_ID:
            quote_ok = value is True  # only an explicit tick counts
    return ModalAnswer(text, quote_ok)


# -- ids ----------------------------------------------------------------------------------


def user_snowflake(person: Person) -> int:
    """``person``'s Discord user id. Anyone else (the scheduler's ``system_person``, whose
    id is empty, or a user of another platform) cannot be sent anything: ``DeliveryFailed``."""
    if not is_user(person):
        raise DeliveryFailed(NO_RECIPIENT)
    return int(person.user_id)


def is_user(person: Person) -> bool:
    """Whether ``person`` is someone on Discord (not the scheduler acting on its own)."""
    return _is_snowflake(person.user_id)


def channel_snowflake(channel_id: str) -> int:
    """A channel id as Discord's int; anything else is a channel Discord would not find."""
    if not _is_snowflake(channel_id):
        raise delivery_failure(
            status=404, code=_UNKNOWN_CHANNEL, needs=Needs.CHANNEL_POST, channel_id=None
        )
    return int(channel_id)


def _is_snowflake(value: str) -> bool:
    return value.isascii() and value.isdigit()


# -- errors -------------------------------------------------------------------------------

_MISSING_PERMISSIONS = 50013
_MISSING_ACCESS = 50001
_CANNOT_DM = 50007
_UNKNOWN_CHANNEL = 10003
_UNKNOWN_MESSAGE = 10008
_UNKNOWN_INTERACTION = 10062
_TOO_LARGE = 40005


def _quoted(names: Sequence[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    if len(quoted) == 1:
        return f"the {quoted[0]} permission"
    return "the " + ", ".join(quoted[:-1]) + f" and {quoted[-1]} permissions"


def delivery_failure(
    *, status: int | None, code: int, needs: Needs, channel_id: str | None
) -> DeliveryFailed:
    """The one mapping from a Discord refusal to ``DeliveryFailed``.

    ``status`` is the HTTP status, or ``None`` when Discord could not be reached at all;
    ``code`` is Discord's JSON error code (0 when there is none). The hint is shown to the
    facilitator (or whoever acted), so it says what to change, in plain words."""
    where = f" in <#{channel_id}>" if channel_id else ""
    if status is None or status >= 500 or status == 429:
        return DeliveryFailed(
            "Discord isn't answering properly right now, so I couldn't post that. "
            "Anything you sent me is saved. Please try again in a minute.",
            transient=True,
        )
    if code in (_MISSING_PERMISSIONS, _MISSING_ACCESS) and needs.permissions:
        return DeliveryFailed(
            f"I need {_quoted(needs.permissions)}{where}. Please ask a server admin to give "
            "my role those permissions there, then try again. Anything already sent to me is "
            "saved."
        )
    if code == _CANNOT_DM or (needs is Needs.DIRECT_MESSAGE and status == 403):
        return DeliveryFailed(
            "I couldn't send you a direct message. Please allow direct messages from server "
            "members (Privacy Settings for this server) and try again."
        )
    if code in (_MISSING_PERMISSIONS, _MISSING_ACCESS):
        return DeliveryFailed(f"Discord said I'm not allowed to do that{where}.")
    if code == _UNKNOWN_CHANNEL:
        return DeliveryFailed(
            f"I can't find the channel{where}. If it's the staff or safeguarding channel, "
            "check DISCORD_STAFF_CHANNEL_ID, DISCORD_SAFEGUARDING_CHANNEL_ID and "
            "DISCORD_DEPUTY_CHANNEL_ID."
        )
    if code == _UNKNOWN_INTERACTION:
        return DeliveryFailed("That took too long and Discord gave up. Please try again.")
    if code == _TOO_LARGE or status == 413:
        return DeliveryFailed(
            "The files are too big for Discord here. Try /digest with one format at a time."
        )
    if code == _UNKNOWN_MESSAGE:
        return DeliveryFailed("That message has been deleted, so I couldn't update it.")
    return DeliveryFailed(f"Discord refused that (error {status}/{code}).")
