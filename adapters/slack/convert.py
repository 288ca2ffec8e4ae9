"""Pure translation between Slack payloads and core types: no I/O, no clock, no client.

Inbound: slash-command bodies, ``block_actions`` / ``view_submission`` payloads and
``reaction_added`` / ``reaction_removed`` events become core events (the caller supplies the
already-resolved ``Person``). Outbound: core messages become Block Kit dicts.

Everything that came from a person is escaped with ``escape`` (``&``, ``<``, ``>``) before it
reaches Slack, so no answer can form ``<!channel>``, ``<!here>``, ``<!everyone>``, ``<@U…>``
or ``<#C…>``. Text is cut to Slack's block limits here, so the Web API never refuses a post
for its length.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.actions import ReactAction, parse_action_id
from bot.core.events import (
    AnswerSubmitted,
    Command,
    CommandInvoked,
    Person,
    ReactionChange,
    ReactionToggled,
)
from bot.core.outbound import AnswerPost, QuestionPost, ReactionButton

Block = dict[str, Any]

ANSWER_VIEW_CALLBACK_ID = "cb-answer"
ANSWER_INPUT_BLOCK_ID = "answer"
ANSWER_INPUT_ACTION_ID = "text"
REACTIONS_BLOCK_ID = "cb-reactions"

SECTION_TEXT_LIMIT = 3000  # section / context text (Block Kit)
HEADER_TEXT_LIMIT = 150
MODAL_TITLE_LIMIT = 24
INPUT_MAX_LENGTH = 3000  # plain_text_input max_length
BUTTON_TEXT_LIMIT = 75
FALLBACK_TEXT_LIMIT = 3000  # the notification text; Slack allows more, nobody reads more

EMPTY_ANSWER = "Please write something before sharing, or press Cancel."
SENT_BY_DM = "I've sent it to you in a direct message from consultbot."

# Slack delivers native reactions by name. The default palette is 👍 💡 ❤️; the other names
# cover emoji a question set is likely to choose. Unknown names are ignored.
REACTION_NAME_TO_EMOJI: Mapping[str, str] = {
    "+1": "👍",
    "thumbsup": "👍",
    "bulb": "💡",
    "heart": "❤️",
    "hearts": "❤️",
    "raised_hands": "🙌",
    "clap": "👏",
    "muscle": "💪",
    "star": "⭐",
    "star2": "🌟",
    "100": "💯",
    "pray": "🙏",
    "hugging_face": "🤗",
    "eyes": "👀",
    "thinking_face": "🤔",
    "question": "❓",
    "white_check_mark": "✅",
    "blue_heart": "💙",
    "purple_heart": "💜",
    "yellow_heart": "💛",
    "green_heart": "💚",
    "orange_heart": "🧡",
}


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control sequences in message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escaped_chunks(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Escape ``text`` and split it into pieces of at most ``limit`` characters without
    breaking an entity such as ``&amp;``; each piece fits one section block."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        piece = escape(char)
        if size + len(piece) > limit:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(piece)
        size += len(piece)
    if current or not chunks:
        chunks.append("".join(current))
    return chunks


# --- message references --------------------------------------------------------------------


def message_ref(channel_id: str, ts: str) -> str:
    """The reference the Outbox returns for a post: ``"{channel}:{ts}"``. A native reaction
    event carries the same two values, so it maps back to the same reference."""
    return f"{channel_id}:{ts}"


def split_message_ref(ref: str) -> tuple[str, str] | None:
    channel, sep, ts = ref.partition(":")
    return (channel, ts) if sep and channel and ts else None


# --- inbound -------------------------------------------------------------------------------


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
}
_CHANNEL_MENTION = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")


def command_options(command: Command, text: str) -> dict[str, str]:
    """Parse the text typed after a slash command into the core's option names.

    Plain words fill the command's options in order: ``/start-session case-for-change`` →
    ``{"question-set": "case-for-change"}``, ``/digest abc123 html`` → ``{"session": "abc123",
    "format": "html"}``. ``name=value`` words set any option by name, with double quotes for
    values with spaces (``start="2025-06-01 16:00"``). A channel typed as ``#name`` arrives
    from Slack as ``<#C…|name>`` and becomes its id.
    """
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


def react_press_event(
    body: Mapping[str, Any], action: Mapping[str, Any], person: Person
) -> ReactionToggled | None:
    """A press on an anonymous reaction button under an answer post."""
    parsed = parse_action_id(str(action.get("action_id", "")))
    if not isinstance(parsed, ReactAction):
        return None
    emoji = str(action.get("value", ""))  # the button's value is its emoji (see answer_message)
    container = body.get("container") or {}
    channel_id = str((body.get("channel") or {}).get("id") or container.get("channel_id", ""))
    ts = str(container.get("message_ts") or (body.get("message") or {}).get("ts", ""))
    if not channel_id:
        return None
    return ReactionToggled(
        person=person,
        channel_id=channel_id,
        emoji=emoji,
        change=ReactionChange.TOGGLE,
        palette_index=parsed.palette_index,
        answer_id=parsed.answer_id,
        message_ref=message_ref(channel_id, ts) if ts else None,
    )


def emoji_for_reaction_name(name: str) -> str | None:
    """``"+1::skin-tone-3"`` → ``"👍"``; ``None`` for a name outside the table."""
    base = name.split("::", 1)[0]
    return REACTION_NAME_TO_EMOJI.get(base)


def native_reaction_event(
    event: Mapping[str, Any], person: Person, *, bot_user_id: str | None
) -> ReactionToggled | None:
    """A native ``reaction_added``/``reaction_removed`` on a message. ``None`` for the bot's
    own reactions, reactions on files, and emoji outside the table. Whether the message is
    one of our answer posts is the core's business (it ignores other references)."""
    kind = event.get("type")
    if kind == "reaction_added":
        change = ReactionChange.ADDED
    elif kind == "reaction_removed":
        change = ReactionChange.REMOVED
    else:
        return None
    user = str(event.get("user", ""))
    if not user or user == bot_user_id:
        return None
    item = event.get("item") or {}
    if item.get("type") != "message" or not item.get("channel") or not item.get("ts"):
        return None
    emoji = emoji_for_reaction_name(str(event.get("reaction", "")))
    if emoji is None:
        return None
    channel = str(item["channel"])
    return ReactionToggled(
        person=person,
        channel_id=channel,
        emoji=emoji,
        change=change,
        message_ref=message_ref(channel, str(item["ts"])),
    )


@dataclass(frozen=True, slots=True)
class AnswerTarget:
    """What the answer modal remembers in ``private_metadata``."""

    session_id: str
    question_number: int
    channel_id: str


def encode_answer_target(target: AnswerTarget) -> str:
    return json.dumps(
        {"s": target.session_id, "q": target.question_number, "c": target.channel_id},
        separators=(",", ":"),
    )


def decode_answer_target(metadata: str) -> AnswerTarget | None:
    try:
        data = json.loads(metadata)
        return AnswerTarget(str(data["s"]), int(data["q"]), str(data["c"]))
    except (ValueError, TypeError, KeyError):
        return None


def view_submission_event(view: Mapping[str, Any], person: Person) -> AnswerSubmitted | None:
    """The submitted answer modal; ``None`` when the view is not ours."""
    if view.get("callback_id") != ANSWER_VIEW_CALLBACK_ID:
        return None
    target = decode_answer_target(str(view.get("private_metadata", "")))
    if target is None:
        return None
    values = view.get("state", {}).get("values", {})
    text = values.get(ANSWER_INPUT_BLOCK_ID, {}).get(ANSWER_INPUT_ACTION_ID, {}).get("value")
    return AnswerSubmitted(
        person=person,
        channel_id=target.channel_id,
        text=str(text or ""),
        session_id=target.session_id,
        question_number=target.question_number,
    )


# --- outbound ------------------------------------------------------------------------------


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def question_message(post: QuestionPost) -> tuple[str, list[Block]]:
    """Fallback text and blocks for a question with its "Answer anonymously" button."""
    heading = f"Question {post.number} of {post.total}"
    blocks: list[Block] = [
        {"type": "header", "text": _plain(cut(heading, HEADER_TEXT_LIMIT))},
        {"type": "section", "text": _mrkdwn(cut(escape(post.text), SECTION_TEXT_LIMIT))},
    ]
    if post.help_text:
        blocks.append({"type": "context", "elements": [_mrkdwn(cut(escape(post.help_text), 2000))]})
    blocks.append(
        {
            "type": "actions",
            "block_id": "cb-answer",
            "elements": [
                {
                    "type": "button",
                    "text": _plain("Answer anonymously"),
                    "style": "primary",
                    "action_id": post.answer_action_id,
                    "value": post.session_id,
                }
            ],
        }
    )
    return cut(escape(f"{heading}: {post.text}"), FALLBACK_TEXT_LIMIT), blocks


def reaction_buttons(reactions: Sequence[ReactionButton]) -> Block:
    """The actions block of anonymous reaction buttons, with counts on the buttons."""
    elements = [
        {
            "type": "button",
            "text": _plain(cut(f"{r.emoji} {r.count}", BUTTON_TEXT_LIMIT)),
            "action_id": r.action_id,
            "value": r.emoji,
            "accessibility_label": cut(f"{r.label}: {r.count}", BUTTON_TEXT_LIMIT),
        }
        for r in reactions
    ]
    return {"type": "actions", "block_id": REACTIONS_BLOCK_ID, "elements": elements}


def answer_message(post: AnswerPost) -> tuple[str, list[Block]]:
    """Fallback text and blocks for an anonymous answer with its reaction buttons."""
    blocks: list[Block] = [
        {
            "type": "context",
            "elements": [
                _mrkdwn(
                    cut(
                        f"*{escape(post.alias)}* answered question {post.question_number}",
                        SECTION_TEXT_LIMIT,
                    )
                )
            ],
        }
    ]
    blocks.extend(
        {"type": "section", "text": _mrkdwn(chunk)} for chunk in escaped_chunks(post.text)
    )
    if post.reactions:
        blocks.append(reaction_buttons(post.reactions))
        palette = "  ".join(f"{r.emoji} {r.label}" for r in post.reactions)
        blocks.append({"type": "context", "elements": [_mrkdwn(cut(escape(palette), 2000))]})
    fallback = cut(escape(f"{post.alias}: {post.text}"), FALLBACK_TEXT_LIMIT)
    return fallback, blocks


def with_reaction_counts(
    blocks: Sequence[Mapping[str, Any]], reactions: Sequence[ReactionButton]
) -> list[Block]:
    """A copy of an answer post's blocks with new counts on its reaction buttons."""
    replacement = reaction_buttons(reactions)
    return [
        replacement if block.get("block_id") == REACTIONS_BLOCK_ID else dict(block)
        for block in blocks
    ]


def answer_modal(
    *,
    target: AnswerTarget,
    question_text: str,
    help_text: str | None,
    max_chars: int,
) -> dict[str, Any]:
    """The "Answer anonymously" modal for ``views.open``."""
    blocks: list[Block] = [
        {"type": "section", "text": _mrkdwn(cut(escape(question_text), SECTION_TEXT_LIMIT))}
    ]
    if help_text:
        blocks.append({"type": "context", "elements": [_mrkdwn(cut(escape(help_text), 2000))]})
    blocks.append(
        {
            "type": "input",
            "block_id": ANSWER_INPUT_BLOCK_ID,
            "label": _plain("Your answer"),
            "hint": _plain("Your name is not shown. The group sees a made-up name."),
            "element": {
                "type": "plain_text_input",
                "action_id": ANSWER_INPUT_ACTION_ID,
                "multiline": True,
                "min_length": 1,
                "max_length": max(1, min(max_chars, INPUT_MAX_LENGTH)),
            },
        }
    )
    return {
        "type": "modal",
        "callback_id": ANSWER_VIEW_CALLBACK_ID,
        "title": _plain(cut(f"Question {target.question_number}", MODAL_TITLE_LIMIT)),
        "submit": _plain("Share anonymously"),
        "close": _plain("Cancel"),
        "private_metadata": encode_answer_target(target),
        "blocks": blocks,
    }


_MARKDOWN_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ESCAPED_CHANNEL_LINK = re.compile(r"&lt;#([CG][A-Z0-9]+)&gt;")


def notice_text(text: str) -> str:
    """Text of the core's notices for Slack: escaped like answers (notices can echo what
    someone typed), Markdown ``**bold**`` turned into mrkdwn ``*bold*``, and channel links
    ``<#C…>`` (which the adapter itself writes into delivery hints) kept clickable."""
    escaped = _ESCAPED_CHANNEL_LINK.sub(r"<#\1>", escape(text))
    return cut(_MARKDOWN_BOLD.sub(r"*\1*", escaped), 39_000)
