"""Pure translation between Slack payloads and core types: no I/O, no clock, no client.

Inbound: slash-command bodies, ``block_actions`` / ``view_submission`` payloads and
``reaction_added`` / ``reaction_removed`` events become core events (the caller supplies the
already-resolved ``Person``). Outbound: core messages become Block Kit dicts.

Everything that came from a person is escaped with ``escape`` (``&``, ``<``, ``>``) before it
reaches Slack, so no answer can form ``<!channel>``, ``<!here>``, ``<!everyone>``, ``<@U…>``
or ``<#C…>``. The one real mention we write is the writer of an answer in a safeguarding
alert (``alert_message``), built from the platform id the core passes, never from text.
Text is cut to Slack's block limits here, so the Web API never refuses a post for its length.

Block text that carries what someone wrote (answers, alerts, notices that quote an answer) is
a ``verbatim`` mrkdwn object: Slack then leaves a typed ``@here``, ``#channel`` or web address
as plain text instead of turning it into a mention or link (the escaping above still applies;
``verbatim`` does not stop the ``<#C…>`` links and the ``<@U…>`` mention we write ourselves).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.actions import (
    AcknowledgeAction,
    ConsentAction,
    KeepOutAction,
    ReactAction,
    ReleaseAction,
    ReportAction,
    SkipAction,
    parse_action_id,
)
from bot.core.events import (
    AlertAcknowledged,
    AnswerReported,
    AnswerSubmitted,
    Command,
    CommandInvoked,
    ConsentGiven,
    Person,
    QuestionSkipped,
    ReactionChange,
    ReactionToggled,
)
from bot.core.outbound import (
    AnswerPost,
    ConsentRequest,
    QuestionPost,
    ReactionButton,
    SafeguardingAlert,
)

Block = dict[str, Any]

ANSWER_VIEW_CALLBACK_ID = "cb-answer"
ANSWER_INPUT_BLOCK_ID = "answer"
ANSWER_INPUT_ACTION_ID = "text"
QUOTE_BLOCK_ID = "quote"
QUOTE_ACTION_ID = "ok"
QUOTE_OPTION_VALUE = "quote-ok"
QUOTE_CHOICE = "You can quote my exact words in the group's report"
CONSENT_VIEW_CALLBACK_ID = "cb-consent"
REACTIONS_BLOCK_ID = "cb-reactions"
REPORT_BLOCK_ID = "cb-report"
ALERT_BUTTONS_BLOCK_ID = "cb-alert"
CHECK_IN = 0  # the question number of the closing check-in (bot.sessions.answers)

SECTION_TEXT_LIMIT = 3000  # section / context text (Block Kit)
HEADER_TEXT_LIMIT = 150
MODAL_TITLE_LIMIT = 24
INPUT_MAX_LENGTH = 3000  # plain_text_input max_length
BUTTON_TEXT_LIMIT = 75
FALLBACK_TEXT_LIMIT = 3000  # the notification text; Slack allows more, nobody reads more

EMPTY_ANSWER = "Please write something before sharing, or press Cancel."
I_UNDERSTAND = "I understand"
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


def interaction_channel(body: Mapping[str, Any]) -> str:
    """The channel a button was pressed in (also for ephemeral messages and DMs)."""
    container = body.get("container") or {}
    return str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")


def react_press_event(
    body: Mapping[str, Any], action: Mapping[str, Any], person: Person
) -> ReactionToggled | None:
    """A press on an anonymous reaction button under an answer post."""
    parsed = parse_action_id(str(action.get("action_id", "")))
    if not isinstance(parsed, ReactAction):
        return None
    emoji = str(action.get("value", ""))  # the button's value is its emoji (see answer_message)
    container = body.get("container") or {}
    channel_id = interaction_channel(body)
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


ButtonEvent = QuestionSkipped | AnswerReported | AlertAcknowledged | CommandInvoked


def button_event(
    body: Mapping[str, Any], action: Mapping[str, Any], person: Person
) -> ButtonEvent | None:
    """A press on Skip, Report privately, or a safeguarding alert's buttons. Release and
    keep-out become the same ``CommandInvoked`` as ``/release`` and ``/keep-out``, so the
    core checks the role the same way whichever the lead used."""
    channel_id = interaction_channel(body)
    if not channel_id:
        return None
    match parse_action_id(str(action.get("action_id", ""))):
        case SkipAction(session_id, number):
            return QuestionSkipped(
                person=person, channel_id=channel_id, session_id=session_id, question_number=number
            )
        case ReportAction(answer_id):
            return AnswerReported(person=person, channel_id=channel_id, answer_id=answer_id)
        case AcknowledgeAction(alert_id):
            return AlertAcknowledged(person=person, channel_id=channel_id, alert_id=alert_id)
        case ReleaseAction(answer_id):
            return CommandInvoked(
                person=person,
                channel_id=channel_id,
                command=Command.RELEASE,
                options={"answer": answer_id},
            )
        case KeepOutAction(answer_id):
            return CommandInvoked(
                person=person,
                channel_id=channel_id,
                command=Command.KEEP_OUT,
                options={"answer": answer_id},
            )
    return None


@dataclass(frozen=True, slots=True)
class Consent:
    """Someone agreed to the privacy note; ``question_number`` is the answer form to open
    next, if any."""

    event: ConsentGiven
    question_number: int | None


def consent_press(
    body: Mapping[str, Any], action: Mapping[str, Any], person: Person
) -> Consent | None:
    """A press on "I understand" under the privacy note (an ephemeral message)."""
    channel_id = interaction_channel(body)
    return _consent(str(action.get("action_id", "")), channel_id, person)


def consent_submission(view: Mapping[str, Any], person: Person) -> Consent | None:
    """The privacy-note modal submitted with "I understand"; ``None`` if not ours."""
    if view.get("callback_id") != CONSENT_VIEW_CALLBACK_ID:
        return None
    try:
        data = json.loads(str(view.get("private_metadata", "")))
        action_id, channel_id = str(data["a"]), str(data["c"])
    except (ValueError, TypeError, KeyError):
        return None
    return _consent(action_id, channel_id, person)


def _consent(action_id: str, channel_id: str, person: Person) -> Consent | None:
    parsed = parse_action_id(action_id)
    if not isinstance(parsed, ConsentAction) or not channel_id:
        return None
    event = ConsentGiven(person=person, channel_id=channel_id, session_id=parsed.session_id)
    return Consent(event, parsed.question_number)


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
    values = (view.get("state") or {}).get("values") or {}
    text = (values.get(ANSWER_INPUT_BLOCK_ID) or {}).get(ANSWER_INPUT_ACTION_ID, {}).get("value")
    quote = (values.get(QUOTE_BLOCK_ID) or {}).get(QUOTE_ACTION_ID) or {}
    ticked = {str(o.get("value")) for o in quote.get("selected_options") or []}
    return AnswerSubmitted(
        person=person,
        channel_id=target.channel_id,
        text=str(text or ""),
        session_id=target.session_id,
        question_number=target.question_number,
        quote_ok=QUOTE_OPTION_VALUE in ticked,
    )


# --- outbound ------------------------------------------------------------------------------


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _mrkdwn(text: str, *, verbatim: bool = False) -> dict[str, Any]:
    """A mrkdwn text object; ``verbatim`` for text someone wrote (no auto-linking)."""
    if verbatim:
        return {"type": "mrkdwn", "text": text, "verbatim": True}
    return {"type": "mrkdwn", "text": text}


def _button(
    text: str, action_id: str, *, style: str | None = None, value: str | None = None
) -> Block:
    button: Block = {"type": "button", "text": _plain(text), "action_id": action_id}
    if style is not None:
        button["style"] = style
    if value is not None:
        button["value"] = value
    return button


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(cut(text, 2000))]}


def question_heading(number: int, total: int) -> str:
    return "Check-in" if number == CHECK_IN else f"Question {number} of {total}"


def question_message(post: QuestionPost) -> tuple[str, list[Block]]:
    """Fallback text and blocks for a question: its content note first (when set), then the
    question, and the "Answer anonymously" and "Skip" buttons. The check-in (number 0) is
    headed "Check-in" instead of "Question n of m"."""
    heading = question_heading(post.number, post.total)
    blocks: list[Block] = [{"type": "header", "text": _plain(cut(heading, HEADER_TEXT_LIMIT))}]
    if post.content_note:
        blocks.append(_context(escape(post.content_note)))
    blocks.append({"type": "section", "text": _mrkdwn(cut(escape(post.text), SECTION_TEXT_LIMIT))})
    if post.help_text:
        blocks.append(_context(escape(post.help_text)))
    blocks.append(
        {
            "type": "actions",
            "block_id": "cb-answer",
            "elements": [
                _button(
                    "Answer anonymously",
                    post.answer_action_id,
                    style="primary",
                    value=post.session_id,
                ),
                _button("Skip", post.skip_action_id, value=post.session_id),
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
    """Fallback text and blocks for an anonymous answer: the alias, the escaped answer, its
    reaction buttons with the palette labels, and a "Report privately" button in a block of
    its own (count updates replace only the reactions block)."""
    blocks: list[Block] = [
        _context(f"*{escape(post.alias)}* answered question {post.question_number}")
    ]
    blocks.extend(
        {"type": "section", "text": _mrkdwn(chunk, verbatim=True)}
        for chunk in escaped_chunks(post.text)
    )
    if post.reactions:
        blocks.append(reaction_buttons(post.reactions))
        palette = "  ".join(f"{r.emoji} {r.label}" for r in post.reactions)
        blocks.append(_context(escape(palette)))
    report = _button("🚩 Report privately", post.report_action_id)
    report["accessibility_label"] = "Report this answer privately to the safeguarding lead"
    blocks.append({"type": "actions", "block_id": REPORT_BLOCK_ID, "elements": [report]})
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
    """The "Answer anonymously" modal: the answer, and a choice (unticked unless the person
    ticks it) to let the report quote their exact words. The check-in has no such choice:
    its answers are never stored or put in a report."""
    check_in = target.question_number == CHECK_IN
    blocks: list[Block] = [
        {"type": "section", "text": _mrkdwn(cut(escape(question_text), SECTION_TEXT_LIMIT))}
    ]
    if help_text:
        blocks.append(_context(escape(help_text)))
    hint = (
        "Only the facilitator will see this, without your name."
        if check_in
        else "Your name is not shown. The group sees a made-up name."
    )
    blocks.append(
        {
            "type": "input",
            "block_id": ANSWER_INPUT_BLOCK_ID,
            "label": _plain("Your answer"),
            "hint": _plain(hint),
            "element": {
                "type": "plain_text_input",
                "action_id": ANSWER_INPUT_ACTION_ID,
                "multiline": True,
                "min_length": 1,
                "max_length": max(1, min(max_chars, INPUT_MAX_LENGTH)),
            },
        }
    )
    if not check_in:
        blocks.append(
            {
                "type": "input",
                "block_id": QUOTE_BLOCK_ID,
                "optional": True,
                "label": _plain("Quoting your words"),
                "element": {
                    "type": "checkboxes",
                    "action_id": QUOTE_ACTION_ID,
                    "options": [
                        {
                            "text": _plain(QUOTE_CHOICE),
                            "value": QUOTE_OPTION_VALUE,
                            "description": _plain(
                                "Leave it empty and the report counts your answer, "
                                "without your words."
                            ),
                        }
                    ],
                },
            }
        )
    title = "Check-in" if check_in else f"Question {target.question_number}"
    return {
        "type": "modal",
        "callback_id": ANSWER_VIEW_CALLBACK_ID,
        "title": _plain(cut(title, MODAL_TITLE_LIMIT)),
        "submit": _plain("Share anonymously"),
        "close": _plain("Cancel"),
        "private_metadata": encode_answer_target(target),
        "blocks": blocks,
    }


def _note_sections(text: str, *, verbatim: bool = False) -> list[Block]:
    """A core notice (escaped, Markdown bold made mrkdwn) as section blocks, split between
    lines so that no block passes Slack's limit and no entity or bold is cut in two."""
    sections: list[str] = []
    current = ""
    for line in notice_text(text.strip()).split("\n"):
        line = cut(line, SECTION_TEXT_LIMIT)
        if current and len(current) + 1 + len(line) > SECTION_TEXT_LIMIT:
            sections.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    sections.append(current or " ")
    return [
        {"type": "section", "text": _mrkdwn(section, verbatim=verbatim)} for section in sections
    ]


def notice_message(text: str) -> tuple[str, list[Block]]:
    """Fallback text and blocks for a notice posted as a message (a direct message, a note
    for staff). Such notices can quote an answer (a check-in for the facilitator), so the
    sections are ``verbatim``."""
    return cut(notice_text(text), FALLBACK_TEXT_LIMIT), _note_sections(text, verbatim=True)


def consent_modal(request: ConsentRequest, channel_id: str) -> dict[str, Any]:
    """The privacy note as a modal opened by "Answer anonymously": submitting it ("I
    understand") means agreeing, and the answer form then replaces it."""
    metadata = json.dumps({"a": request.consent_action_id, "c": channel_id}, separators=(",", ":"))
    return {
        "type": "modal",
        "callback_id": CONSENT_VIEW_CALLBACK_ID,
        "title": _plain("Before you answer"),
        "submit": _plain(I_UNDERSTAND),
        "close": _plain("Not now"),
        "private_metadata": metadata,
        "blocks": _note_sections(request.text),
    }


def consent_message(request: ConsentRequest) -> tuple[str, list[Block]]:
    """The privacy note as an ephemeral message with an "I understand" button."""
    blocks = _note_sections(request.text)
    blocks.append(
        {
            "type": "actions",
            "block_id": "cb-consent",
            "elements": [
                _button(I_UNDERSTAND, request.consent_action_id, style="primary"),
            ],
        }
    )
    return cut(notice_text(request.text), FALLBACK_TEXT_LIMIT), blocks


_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def alert_message(alert: SafeguardingAlert) -> tuple[str, list[Block]]:
    """A safeguarding alert for the lead: the core's text escaped (it may hold an answer),
    who wrote it as a real ``<@U…>`` mention, and the lead's buttons.

    The notification (fallback) text is only the alert's first line, which names the kind
    of alert and the session, so the words of a disclosure never show on a lock screen."""
    first_line = alert.text.strip().splitlines()[0] if alert.text.strip() else "Alert"
    blocks: list[Block] = [
        {"type": "section", "text": _mrkdwn(chunk, verbatim=True)}
        for chunk in escaped_chunks(alert.text)
    ]
    if alert.writer:
        who = (
            f"<@{alert.writer}>"
            if _SLACK_USER_ID.match(alert.writer)
            else escape(alert.writer)  # not a Slack id: never let it form a mention
        )
        blocks.append(_context(f"Written by {who}"))
    buttons = [_button("I'm on it", alert.acknowledge_action_id, style="primary")]
    if alert.release_action_id:
        release = _button("Release to the group", alert.release_action_id)
        release["confirm"] = {
            "title": _plain("Release this answer?"),
            "text": _plain("The group will see it under the writer's made-up name."),
            "confirm": _plain("Release"),
            "deny": _plain("Cancel"),
        }
        buttons.append(release)
    if alert.keep_out_action_id:
        buttons.append(_button("Keep out of the digest", alert.keep_out_action_id, style="danger"))
    blocks.append({"type": "actions", "block_id": ALERT_BUTTONS_BLOCK_ID, "elements": buttons})
    return cut(escape(first_line), HEADER_TEXT_LIMIT), blocks


_MARKDOWN_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ESCAPED_CHANNEL_LINK = re.compile(r"&lt;#([CG][A-Z0-9]+)&gt;")


def notice_text(text: str) -> str:
    """Text of the core's notices for Slack: escaped like answers (notices can echo what
    someone typed), Markdown ``**bold**`` turned into mrkdwn ``*bold*``, and channel links
    ``<#C…>`` (which the adapter itself writes into delivery hints) kept clickable."""
    escaped = _ESCAPED_CHANNEL_LINK.sub(r"<#\1>", escape(text))
    return cut(_MARKDOWN_BOLD.sub(r"*\1*", escaped), 39_000)
