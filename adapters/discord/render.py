"""Pure rendering of core messages for Discord: no I/O, no client, no loop.

Core messages become message text and plain data for their components: button rows as
``ButtonSpec`` and the answer form as a ``ModalSpec``; ``ui.py`` turns those into discord.py
objects and ``outbox.py`` sends them. Discord's limits are kept here: 2000 characters a
message (long text is split at line breaks, an answer is shortened, never split), five
buttons a row and five rows a message, and the modal's 45-character title and labels.

Whose words are whose. Answers, staff notes and alerts are escaped whole, so they cannot
mention, ping or format anyone. Private notices are mostly the bot's own text, whose **bold**
should render, but some quote a young person (the facilitator's check-in note,
``Check-in from session … (anonymous): «words»``). The core's convention is that it quotes
someone's words in «…» guillemets, so ``notice_text`` escapes everything from the first « to
the last »: inner guillemets typed by the writer cannot close the quote early. Core text that
quotes anyone must keep to that convention.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.outbound import (
    AnswerForm,
    AnswerPost,
    ConsentRequest,
    EndCheckPost,
    QuestionPost,
    ReactionButton,
    SafeguardingAlert,
)

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
NOTE_HEADER = "**A note for the safeguarding lead**: no rush."  # low priority: no alarm
QUOTE_OPEN, QUOTE_CLOSE = "«", "»"
SHORTENED_NOTE = "\n-# (Shortened here. The full answer is kept for the summary.)"
ELLIPSIS = "…"


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
    the writer as a mention, which shows their name to the lead but pings nobody. A
    low-priority note opens with a calm line instead (``NOTE_HEADER``)."""
    header = NOTE_HEADER if alert.low_priority else ALERT_HEADER
    text = f"{header}\n{escape_text(alert.text)}"
    if alert.writer:
        text += f"\nOn Discord: {mention(alert.writer)}"
    return split_text(text)


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


Rows = Sequence[Sequence[ButtonSpec]]


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


def end_check_content(post: EndCheckPost) -> str:
    """One question of the end-of-session check: the intro above the first, then "n of 4"
    and the question. Words from our own prompts and ``bot.questions.end_check``."""
    lines = [post.intro] if post.intro else []
    lines.append(f"**{post.number} of {post.total}:** {post.text}")
    return truncate("\n".join(lines), MESSAGE_LIMIT)


def end_check_buttons(post: EndCheckPost) -> list[list[ButtonSpec]]:
    """One button per face (emoji and label), in scale order, on one row."""
    return rows([_button(c.action_id, c.label, emoji=c.emoji) for c in post.choices], max_rows=1)


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
