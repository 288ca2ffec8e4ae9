"""Pure translation between Discord payloads and core types: no I/O, no client, no loop.

Inbound: a Discord member (id + role ids) becomes a ``Person`` with core roles
(``RoleMap``); a modal submit's components give the answer text and the quote choice
(``modal_answer``). Outbound: core messages become message text (answers and alerts
escaped so they cannot mention, ping or format anyone), button rows as plain ``ButtonSpec``
data, and the answer form as a ``ModalSpec``; ``adapter.py`` turns those into discord.py
objects. Discord errors become one ``DeliveryFailed`` with a hint a facilitator can act on
(``delivery_failure``); so does a message for someone who is not a Discord user
(``user_snowflake``: the scheduler's ``system_person`` has an empty id).

Whose words are whose. Answers, staff notes and alerts are escaped whole. Private notices
are mostly the bot's own text, whose **bold** should render, but some quote a young person
(the facilitator's check-in note, ``Check-in from session … (anonymous): «words»``). The
core's convention is that it quotes someone's words in «…» guillemets, so ``notice_text``
escapes everything from the first « to the last »: inner guillemets typed by the writer
cannot close the quote early. Core text that quotes anyone must keep to that convention.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.errors import DeliveryFailed
from bot.core.events import Person, Role
from bot.core.outbound import (
    AnswerForm,
    AnswerPost,
    ConsentRequest,
    QuestionPost,
    ReactionButton,
    SafeguardingAlert,
)

PLATFORM = "discord"
CHECK_IN = 0  # the question number of the closing check-in

# Discord's limits (https://discord.com/developers/docs/resources/message and .../components).
MESSAGE_LIMIT = 2000
MODAL_TITLE_LIMIT = 45
INPUT_LABEL_LIMIT = 45
LABEL_DESCRIPTION_LIMIT = 100
PLACEHOLDER_LIMIT = 100
BUTTON_LABEL_LIMIT = 80
BUTTONS_PER_ROW = 5
ROWS_PER_MESSAGE = 5
TEXT_INPUT_LIMIT = 4000

ANSWER_INPUT_ID = "answer"
QUOTE_INPUT_ID = "quote"
ANSWER_BUTTON_LABEL = "Answer anonymously"
SKIP_BUTTON_LABEL = "Skip"
REPORT_BUTTON_LABEL = "Report privately"
REPORT_EMOJI = "🚩"
CONSENT_BUTTON_LABEL = "I understand"
ACK_BUTTON_LABEL = "I'm on it"
RELEASE_BUTTON_LABEL = "Release to the group"
KEEP_OUT_BUTTON_LABEL = "Keep out of the digest"
ANSWER_INPUT_LABEL = "Your answer (shared without your name)"
ANSWER_PLACEHOLDER = "Type as much or as little as you like. Nobody sees your name."
QUOTE_LABEL = "Quote my words in the group's report?"
QUOTE_DESCRIPTION = (
    "Tick if the report may use your exact words. Unticked, your answer still counts."
)
CHECK_IN_HEADING = "**Check-in**"
# The first line of every alert, alone: phone notifications preview a message's start, so
# it says only that there is an alert, never whose or what words.
ALERT_HEADER = "🛡️ **Safeguarding alert**: please look at this as soon as you can."
QUOTE_OPEN, QUOTE_CLOSE = "«", "»"
NO_STAFF_CHANNEL = (
    "No staff channel is set, so the digest had nowhere to go: set DISCORD_STAFF_CHANNEL_ID; "
    "staff can still get it with /digest."
)
NO_RECIPIENT = (
    "That message had nobody on Discord to go to (it was for a scheduled job, not a "
    "person), so it wasn't sent."
)
SHORTENED_NOTE = "\n-# (Shortened here. The full answer is kept for the summary.)"
ELLIPSIS = "…"

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


def _walk_components(components: Sequence[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """Every component, depth first: action rows and labels hold children."""
    for component in components:
        if not isinstance(component, Mapping):
            continue
        yield component
        children = component.get("components")
        if isinstance(children, list):
            yield from _walk_components(children)
        child = component.get("component")  # a Label (type 18) holds one component
        if isinstance(child, Mapping):
            yield from _walk_components([child])


def modal_answer(components: Sequence[Mapping[str, Any]]) -> ModalAnswer:
    """The answer form's values from a modal submit's ``data.components``: the text input
    (type 4, in a Label or an action row) and the checkbox (type 23, ``value`` a bool)."""
    text: str | None = None
    quote_ok = False
    for component in _walk_components(components):
        custom_id, value = component.get("custom_id"), component.get("value")
        if custom_id == ANSWER_INPUT_ID and isinstance(value, str):
            text = value
        elif custom_id == QUOTE_INPUT_ID:
            quote_ok = value is True  # only an explicit tick counts
    return ModalAnswer(text, quote_ok)


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


def notice_text(text: str) -> str:
    """A private notice as sent: the words quoted in «…» (from the first « to the last »)
    escaped like an answer, the bot's own text around them left to render."""
    start = text.find(QUOTE_OPEN)
    if start < 0:
        return text
    end = text.rfind(QUOTE_CLOSE)
    if end < start:  # never closed: escape to the end rather than leave words unescaped
        end = len(text)
    inner = start + len(QUOTE_OPEN)
    return text[:inner] + escape_text(text[inner:end]) + text[end:]


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def question_content(post: QuestionPost) -> str:
    """A question as the group sees it: the content note first (when the question is
    sensitive), then the heading, the question and its help. The closing check-in has no
    "Question n of m". Question text comes from our own prompts/ files."""
    lines = [post.content_note] if post.content_note else []
    if post.number == CHECK_IN:
        lines.append(CHECK_IN_HEADING)
    else:
        lines.append(f"**Question {post.number} of {post.total}**")
    lines.append(post.text)
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


def mention(user_id: str) -> str:
    """``<@id>`` for a snowflake; anything else is shown escaped, never as a mention."""
    return f"<@{user_id}>" if user_id.isdigit() else escape_text(user_id)


def alert_chunks(alert: SafeguardingAlert) -> list[str]:
    """A safeguarding alert as one or more messages (it may quote a 2000-character answer).
    A neutral first line (``ALERT_HEADER``), so a notification preview shows no words and no
    name; then the core's text, escaped because it quotes the young person's words; then
    the writer as a mention, which shows their name to the lead but pings nobody."""
    text = f"{ALERT_HEADER}\n{escape_text(alert.text)}"
    if alert.writer:
        text += f"\nOn Discord: {mention(alert.writer)}"
    return split_text(text)


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


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split long text (e.g. a list of sessions) into messages, at line breaks if possible."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
            if rest[cut - 1] == "\\":  # never leave half an escape at the cut
                cut -= 1
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    chunks.append(rest)
    return chunks


# -- components ---------------------------------------------------------------------------


class ButtonStyle(enum.Enum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    SUCCESS = "success"
    DANGER = "danger"


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
    ask_quote: bool  # show the "quote my words" checkbox (unticked); not for the check-in
    quote_label: str = QUOTE_LABEL
    quote_description: str = QUOTE_DESCRIPTION


def _button(
    custom_id: str, label: str, style: ButtonStyle = ButtonStyle.SECONDARY, emoji: str | None = None
) -> ButtonSpec:
    return ButtonSpec(
        custom_id=custom_id, label=truncate(label, BUTTON_LABEL_LIMIT), emoji=emoji, style=style
    )


def rows(buttons: Sequence[ButtonSpec], max_rows: int = ROWS_PER_MESSAGE) -> list[list[ButtonSpec]]:
    """Buttons in Discord's rows of five; what does not fit in ``max_rows`` is dropped."""
    kept = list(buttons[: BUTTONS_PER_ROW * max_rows])
    return [kept[i : i + BUTTONS_PER_ROW] for i in range(0, len(kept), BUTTONS_PER_ROW)]


def question_buttons(post: QuestionPost) -> list[list[ButtonSpec]]:
    return [
        [
            _button(post.answer_action_id, ANSWER_BUTTON_LABEL, ButtonStyle.PRIMARY),
            _button(post.skip_action_id, SKIP_BUTTON_LABEL),
        ]
    ]


def reaction_label(button: ReactionButton) -> str:
    """ "me too · 3": the emoji sits in the button's own emoji slot, beside this label."""
    return truncate(f"{button.label} · {button.count}", BUTTON_LABEL_LIMIT)


def answer_buttons(
    reactions: Sequence[ReactionButton], report_action_id: str
) -> list[list[ButtonSpec]]:
    """The anonymous reaction buttons (up to four rows of five), then "Report privately" on
    a row of its own, so it is never mistaken for a reaction and never pushed off."""
    reaction_rows = rows(
        [_button(r.action_id, reaction_label(r), emoji=r.emoji) for r in reactions],
        max_rows=ROWS_PER_MESSAGE - 1,
    )
    report = _button(report_action_id, REPORT_BUTTON_LABEL, emoji=REPORT_EMOJI)
    return [*reaction_rows, [report]]


def consent_buttons(request: ConsentRequest) -> list[list[ButtonSpec]]:
    return [[_button(request.consent_action_id, CONSENT_BUTTON_LABEL, ButtonStyle.PRIMARY)]]


def alert_buttons(alert: SafeguardingAlert) -> list[list[ButtonSpec]]:
    buttons = [_button(alert.acknowledge_action_id, ACK_BUTTON_LABEL, ButtonStyle.SUCCESS)]
    if alert.release_action_id:
        buttons.append(_button(alert.release_action_id, RELEASE_BUTTON_LABEL))
    if alert.keep_out_action_id:
        buttons.append(_button(alert.keep_out_action_id, KEEP_OUT_BUTTON_LABEL, ButtonStyle.DANGER))
    return [buttons]


def answer_modal(form: AnswerForm, custom_id: str) -> ModalSpec:
    """The answer form: the question as the title (45 characters at most), so a long
    question is repeated in the placeholder (100 at most); otherwise the help text is.
    Below the text box, the quote choice (unticked), except for the check-in, which only
    the facilitator sees and which is never quoted."""
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
        ask_quote=form.question_number != CHECK_IN,
        quote_label=truncate(QUOTE_LABEL, INPUT_LABEL_LIMIT),
        quote_description=truncate(QUOTE_DESCRIPTION, LABEL_DESCRIPTION_LIMIT),
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
