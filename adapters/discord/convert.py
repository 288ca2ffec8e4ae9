"""Pure translation between Discord payloads and core types: no I/O, no client, no loop.

Inbound: a Discord member (id + role ids) becomes a ``Person`` with core roles; a modal
submit's components give the answer text. Outbound: core messages become message text
(answers escaped so they cannot mention, ping or format anyone), button rows as plain
``ButtonSpec`` data, and the modal as a ``ModalSpec``; ``adapter.py`` turns those into
discord.py objects. Discord errors
become one ``DeliveryFailed`` with a hint a facilitator can act on (``delivery_failure``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.engine import AnswerForm
from bot.core.errors import DeliveryFailed
from bot.core.events import Person, Role
from bot.core.outbound import AnswerPost, QuestionPost, ReactionButton

PLATFORM = "discord"

# Discord's limits (https://discord.com/developers/docs/resources/message and .../components).
MESSAGE_LIMIT = 2000
MODAL_TITLE_LIMIT = 45
INPUT_LABEL_LIMIT = 45
PLACEHOLDER_LIMIT = 100
BUTTON_LABEL_LIMIT = 80
BUTTONS_PER_ROW = 5
ROWS_PER_MESSAGE = 5
TEXT_INPUT_LIMIT = 4000

ANSWER_INPUT_ID = "answer"
ANSWER_BUTTON_LABEL = "Answer anonymously"
ANSWER_INPUT_LABEL = "Your answer (shared without your name)"
ANSWER_PLACEHOLDER = "Type as much or as little as you like. Nobody sees your name."
SHORTENED_NOTE = "\n-# (Shortened here. The full answer is kept for the summary.)"
ELLIPSIS = "…"

# Exactly what the bot does: read the channel, post, upload digests. Nothing else (no Embed
# Links: posts are plain text; no Add Reactions: the bot never adds native reactions; no
# threads). ``docs/discord.md`` quotes this number.
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


def person(
    user_id: int,
    role_ids: Iterable[int],
    *,
    facilitator_role_ids: frozenset[int],
    staff_role_ids: frozenset[int],
) -> Person:
    """The core's view of a Discord member: the snowflake as ``str`` and core roles only."""
    held = frozenset(role_ids)
    roles: set[Role] = set()
    if held & facilitator_role_ids:
        roles.add(Role.FACILITATOR)
    if held & staff_role_ids:
        roles.add(Role.STAFF)
    return Person(platform=PLATFORM, user_id=str(user_id), roles=frozenset(roles))


def _walk_components(components: Sequence[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """Every component, depth first: action rows and labels hold children."""
    for component in components:
        yield component
        children = component.get("components")
        if isinstance(children, list):
            yield from _walk_components(children)
        child = component.get("component")  # a Label (type 18) holds one component
        if isinstance(child, Mapping):
            yield from _walk_components([child])


def modal_answer_text(components: Sequence[Mapping[str, Any]]) -> str | None:
    """The answer typed into the modal, from the submit's ``data.components``."""
    for component in _walk_components(components):
        if component.get("custom_id") == ANSWER_INPUT_ID and isinstance(
            component.get("value"), str
        ):
            return str(component["value"])
    return None


# -- text ---------------------------------------------------------------------------------

# Backslash before ASCII punctuation shows the character literally in Discord's markdown.
_INLINE = re.compile(r"([\\*_~`|\[\]<])")
_LINE_START = re.compile(r"^([ \t]*)([#>\-+])", re.MULTILINE)
_ORDERED_LIST = re.compile(r"^([ \t]*\d+)\.", re.MULTILINE)
_MASS_MENTION = re.compile(r"@(everyone|here)")
_ZWSP = "\u200b"


def escape_text(text: str) -> str:
    """Show ``text`` literally: no formatting, no mention (user, role, channel, @everyone),
    no masked link, no custom emoji. Pings are also blocked by ``allowed_mentions``; this
    keeps even the highlight away, so an answer cannot point at anyone."""
    escaped = _INLINE.sub(r"\\\1", text)
    escaped = _LINE_START.sub(r"\1\\\2", escaped)
    escaped = _ORDERED_LIST.sub(r"\1\\.", escaped)
    return _MASS_MENTION.sub(f"@{_ZWSP}\\1", escaped)


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def question_content(post: QuestionPost) -> str:
    """A question as the group sees it. Question text comes from our own prompts/ files."""
    lines = [f"**Question {post.number} of {post.total}**", post.text]
    if post.help_text:
        lines.append(f"-# {post.help_text}")
    return truncate("\n".join(lines), MESSAGE_LIMIT)


def answer_content(post: AnswerPost) -> str:
    """An answer under its alias, escaped, as a block quote; shortened (never split) when
    escaping pushes it past Discord's 2000 characters: the stored answer stays whole."""
    head = f"**{escape_text(post.alias)}** answered question {post.question_number}:\n>>> "
    body = escape_text(post.text)
    if len(head) + len(body) <= MESSAGE_LIMIT:
        return head + body
    room = MESSAGE_LIMIT - len(head) - len(SHORTENED_NOTE) - len(ELLIPSIS)
    cut = body[:room]
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:  # never leave half an escape at the cut
        cut = cut[:-1]
    return head + cut + ELLIPSIS + SHORTENED_NOTE


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split long text (e.g. a list of sessions) into messages, at line breaks if possible."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    chunks.append(rest)
    return chunks


# -- components ---------------------------------------------------------------------------


class ButtonStyle(enum.Enum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonSpec:
    custom_id: str
    label: str
    emoji: str | None
    style: ButtonStyle


@dataclass(frozen=True, slots=True, kw_only=True)
class ModalSpec:
    custom_id: str
    title: str
    input_label: str
    placeholder: str
    max_length: int


def rows(buttons: Sequence[ButtonSpec]) -> list[list[ButtonSpec]]:
    """Buttons in Discord's rows of five; more than 25 cannot be shown and are dropped."""
    limit = BUTTONS_PER_ROW * ROWS_PER_MESSAGE
    kept = list(buttons[:limit])
    return [kept[i : i + BUTTONS_PER_ROW] for i in range(0, len(kept), BUTTONS_PER_ROW)]


def question_buttons(post: QuestionPost) -> list[list[ButtonSpec]]:
    button = ButtonSpec(
        custom_id=post.answer_action_id,
        label=ANSWER_BUTTON_LABEL,
        emoji=None,
        style=ButtonStyle.PRIMARY,
    )
    return [[button]]


def reaction_label(button: ReactionButton) -> str:
    """ "me too · 3": the emoji sits in the button's own emoji slot, beside this label."""
    return truncate(f"{button.label} · {button.count}", BUTTON_LABEL_LIMIT)


def reaction_buttons(reactions: Sequence[ReactionButton]) -> list[list[ButtonSpec]]:
    return rows(
        [
            ButtonSpec(
                custom_id=r.action_id,
                label=reaction_label(r),
                emoji=r.emoji,
                style=ButtonStyle.SECONDARY,
            )
            for r in reactions
        ]
    )


def answer_modal(form: AnswerForm, custom_id: str) -> ModalSpec:
    """The answer form: the question as the title (45 characters at most), so a long
    question is repeated in the placeholder (100 at most); otherwise the help text is."""
    title = truncate(form.question_text, MODAL_TITLE_LIMIT)
    if title != form.question_text:
        placeholder = form.question_text
    else:
        placeholder = form.help_text or ANSWER_PLACEHOLDER
    return ModalSpec(
        custom_id=custom_id,
        title=title,
        input_label=truncate(ANSWER_INPUT_LABEL, INPUT_LABEL_LIMIT),
        placeholder=truncate(placeholder, PLACEHOLDER_LIMIT),
        max_length=max(1, min(form.max_chars, TEXT_INPUT_LIMIT)),
    )


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
            f"I can't find the channel{where}. If it's the staff channel, check "
            "DISCORD_STAFF_CHANNEL_ID."
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
