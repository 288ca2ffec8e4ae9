"""Block Kit building: core messages as Slack message payloads (fallback text and blocks).
Pure: no I/O, no clock, no client.

Everything that came from a person is escaped with ``escape`` (``&``, ``<``, ``>``) before it
reaches Slack, so no answer can form ``<!channel>``, ``<!here>``, ``<!everyone>``, ``<@U…>``
or ``<#C…>``. The one real mention we write is the writer of an answer in a safeguarding
alert (``alert_message``), built from the platform id the core passes, never from text.
Text is cut to Slack's block limits here, so the Web API never refuses a post for its length.

Block text that carries what someone wrote (answers, alerts, notices that quote an answer) is
a ``verbatim`` mrkdwn object: Slack then leaves a typed ``@here``, ``#channel`` or web address
as plain text instead of turning it into a mention or link (the escaping above still applies;
``verbatim`` does not stop the ``<#C…>`` links and the ``<@U…>`` mention we write ourselves).

Also here, because posts are found by them: message references (``"{channel}:{ts}"``).
The two modals are in ``modals``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.outbound import (
    AnswerPost,
    ConsentRequest,
    EndCheckPost,
    QuestionPost,
    ReactionButton,
    SafeguardingAlert,
)

Block = dict[str, Any]

REACTIONS_BLOCK_ID = "cb-reactions"
REPORT_BLOCK_ID = "cb-report"
ALERT_BUTTONS_BLOCK_ID = "cb-alert"
CHECK_IN = 0  # the question number of the closing check-in (bot.sessions.answers)

SECTION_TEXT_LIMIT = 3000  # section / context text (Block Kit)
HEADER_TEXT_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
FALLBACK_TEXT_LIMIT = 3000  # the notification text; Slack allows more, nobody reads more

I_UNDERSTAND = "I understand"


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


_MARKDOWN_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ESCAPED_CHANNEL_LINK = re.compile(r"&lt;#([CG][A-Z0-9]+)&gt;")


def notice_text(text: str) -> str:
    """Text of the core's notices for Slack: escaped like answers (notices can echo what
    someone typed), Markdown ``**bold**`` turned into mrkdwn ``*bold*``, and channel links
    ``<#C…>`` (which the adapter itself writes into delivery hints) kept clickable. Words a
    notice quotes in «…» (from the first « to the last ») are someone's own: only escaped,
    so a ``<#C…>`` typed in a check-in stays text."""
    before, quoted, after = split_quoted(text)
    return cut(_bot_text(before) + escape(quoted) + _bot_text(after), 39_000)


def split_quoted(text: str) -> tuple[str, str, str]:
    """(the bot's words before, the words quoted in «…» with the marks, the bot's words
    after): from the first « to the last »; a « never closed quotes to the end."""
    start = text.find("«")
    if start < 0:
        return text, "", ""
    end = text.rfind("»")
    end = len(text) if end < start else end + 1
    return text[:start], text[start:end], text[end:]


def _bot_text(text: str) -> str:
    escaped = _ESCAPED_CHANNEL_LINK.sub(r"<#\1>", escape(text))
    return _MARKDOWN_BOLD.sub(r"*\1*", escaped)


# --- message references ----------------------------------------------------------------------


def message_ref(channel_id: str, ts: str) -> str:
    """The reference the Outbox returns for a post: ``"{channel}:{ts}"``. A native reaction
    event carries the same two values, so it maps back to the same reference."""
    return f"{channel_id}:{ts}"


def split_message_ref(ref: str) -> tuple[str, str] | None:
    channel, sep, ts = ref.partition(":")
    return (channel, ts) if sep and channel and ts else None


# --- building blocks -----------------------------------------------------------------------


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str, *, verbatim: bool = False) -> dict[str, Any]:
    """A mrkdwn text object; ``verbatim`` for text someone wrote (no auto-linking)."""
    if verbatim:
        return {"type": "mrkdwn", "text": text, "verbatim": True}
    return {"type": "mrkdwn", "text": text}


def _button(
    text: str, action_id: str, *, style: str | None = None, value: str | None = None
) -> Block:
    button: Block = {"type": "button", "text": plain(text), "action_id": action_id}
    if style is not None:
        button["style"] = style
    if value is not None:
        button["value"] = value
    return button


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(cut(text, 2000))]}


# --- messages ------------------------------------------------------------------------------


def question_heading(number: int, total: int) -> str:
    return "Check-in" if number == CHECK_IN else f"Question {number} of {total}"


def question_message(post: QuestionPost) -> tuple[str, list[Block]]:
    """Fallback text and blocks for a question: its content note first (when set), then the
    question, and the "Answer anonymously" and "Skip" buttons. The check-in (number 0) is
    headed "Check-in" instead of "Question n of m"."""
    heading = question_heading(post.number, post.total)
    blocks: list[Block] = [{"type": "header", "text": plain(cut(heading, HEADER_TEXT_LIMIT))}]
    if post.content_note:
        blocks.append(context(escape(post.content_note)))
    blocks.append({"type": "section", "text": mrkdwn(cut(escape(post.text), SECTION_TEXT_LIMIT))})
    if post.help_text:
        blocks.append(context(escape(post.help_text)))
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


def end_check_message(post: EndCheckPost) -> tuple[str, list[Block]]:
    """One question of the end-of-session check: the intro above the first (a context
    line), the question, and a button per face (emoji and label) in scale order."""
    blocks: list[Block] = [context(escape(post.intro))] if post.intro else []
    question = f"*{post.number} of {post.total}:* {escape(post.text)}"
    blocks.append({"type": "section", "text": mrkdwn(cut(question, SECTION_TEXT_LIMIT))})
    blocks.append(
        {
            "type": "actions",
            "block_id": f"cb-end-check-{post.number}",
            "elements": [
                _button(f"{c.emoji} {c.label}", c.action_id, value=post.session_id)
                for c in post.choices
            ],
        }
    )
    return cut(escape(f"{post.number} of {post.total}: {post.text}"), FALLBACK_TEXT_LIMIT), blocks


def reaction_buttons(reactions: Sequence[ReactionButton]) -> Block:
    """The actions block of anonymous reaction buttons, with counts on the buttons."""
    elements = [
        {
            "type": "button",
            "text": plain(cut(f"{r.emoji} {r.count}", BUTTON_TEXT_LIMIT)),
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
        context(f"*{escape(post.alias)}* answered question {post.question_number}")
    ]
    blocks.extend(
        {"type": "section", "text": mrkdwn(chunk, verbatim=True)}
        for chunk in escaped_chunks(post.text)
    )
    if post.reactions:
        blocks.append(reaction_buttons(post.reactions))
        palette = "  ".join(f"{r.emoji} {r.label}" for r in post.reactions)
        blocks.append(context(escape(palette)))
    report = _button("🚩 Report privately", post.report_action_id)
    report["accessibility_label"] = "Report this answer privately to the safeguarding lead"
    blocks.append({"type": "actions", "block_id": REPORT_BLOCK_ID, "elements": [report]})
    fallback = cut(escape(f"{post.alias}: {post.text}"), FALLBACK_TEXT_LIMIT)
    return fallback, blocks


def has_reaction_buttons(blocks: object) -> bool:
    """Whether ``render`` (as read back from Slack) are an answer post's, with counts."""
    return isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("block_id") == REACTIONS_BLOCK_ID for b in blocks
    )


def with_reaction_counts(
    blocks: Sequence[Mapping[str, Any]], reactions: Sequence[ReactionButton]
) -> list[Block]:
    """A copy of an answer post's blocks with new counts on its reaction buttons."""
    replacement = reaction_buttons(reactions)
    return [
        replacement if block.get("block_id") == REACTIONS_BLOCK_ID else dict(block)
        for block in blocks
    ]


def section_fallback(blocks: Sequence[Mapping[str, Any]]) -> str:
    """The notification text of an updated answer post: its section texts."""
    return "\n".join(
        str(b["text"]["text"]) for b in blocks if b.get("type") == "section" and "text" in b
    )[:FALLBACK_TEXT_LIMIT]


def note_sections(text: str, *, verbatim: bool = False) -> list[Block]:
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
    return [{"type": "section", "text": mrkdwn(section, verbatim=verbatim)} for section in sections]


def notice_message(text: str) -> tuple[str, list[Block]]:
    """Fallback text and blocks for a notice posted as a message (a direct message, a note
    for staff). Such notices can quote an answer (a check-in for the facilitator), so the
    sections are ``verbatim``."""
    return cut(notice_text(text), FALLBACK_TEXT_LIMIT), note_sections(text, verbatim=True)


def consent_message(request: ConsentRequest) -> tuple[str, list[Block]]:
    """The privacy note as an ephemeral message with an "I understand" button."""
    blocks = note_sections(request.text)
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
        {"type": "section", "text": mrkdwn(chunk, verbatim=True)}
        for chunk in escaped_chunks(alert.text)
    ]
    if alert.writer:
        who = (
            f"<@{alert.writer}>"
            if _SLACK_USER_ID.match(alert.writer)
            else escape(alert.writer)  # not a Slack id: never let it form a mention
        )
        blocks.append(context(f"Written by {who}"))
    buttons = [_button("I'm on it", alert.acknowledge_action_id, style="primary")]
    if alert.release_action_id:
        release = _button("Release to the group", alert.release_action_id)
        release["confirm"] = {
            "title": plain("Release this answer?"),
            "text": plain("The group will see it under the writer's made-up name."),
            "confirm": plain("Release"),
            "deny": plain("Cancel"),
        }
        buttons.append(release)
    if alert.keep_out_action_id:
        buttons.append(_button("Keep out of the digest", alert.keep_out_action_id, style="danger"))
    blocks.append({"type": "actions", "block_id": ALERT_BUTTONS_BLOCK_ID, "elements": buttons})
    return cut(escape(first_line), HEADER_TEXT_LIMIT), blocks
