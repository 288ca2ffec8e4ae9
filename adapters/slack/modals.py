"""The modals: the answer form ("Answer anonymously"), the privacy note shown before it, and
the lead's "Who wrote it?" reason form; and what each remembers in ``private_metadata`` so a
submit lands where the person pressed. Pure: no I/O. Text is escaped and cut like every
other block (``render``).

Slack's modal limits: title, submit and close at most 24 characters; ``plain_text_input``
``max_length`` at most 3000 (the core's ``max_answer_chars`` when smaller).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.slack import render
from bot.core.outbound import ConsentRequest

ANSWER_VIEW_CALLBACK_ID = "cb-answer"
ANSWER_INPUT_BLOCK_ID = "answer"
ANSWER_INPUT_ACTION_ID = "text"
QUOTE_BLOCK_ID = "quote"
QUOTE_ACTION_ID = "ok"
QUOTE_OPTION_VALUE = "quote-ok"
QUOTE_CHOICE = "You can quote my exact words in the group's report"
CONSENT_VIEW_CALLBACK_ID = "cb-consent"
WHO_WROTE_VIEW_CALLBACK_ID = "cb-who-wrote"
REASON_BLOCK_ID = "reason"
REASON_ACTION_ID = "text"
REASON_MIN, REASON_MAX = 10, 500
MODAL_TITLE_LIMIT = 24
INPUT_MAX_LENGTH = 3000  # plain_text_input max_length
EMPTY_ANSWER = "Please write something before sharing, or press Cancel."


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


def decode_consent_metadata(metadata: str) -> tuple[str, str] | None:
    """(consent action id, channel id) remembered by the privacy-note modal."""
    try:
        data = json.loads(metadata)
        return str(data["a"]), str(data["c"])
    except (ValueError, TypeError, KeyError):
        return None


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
    check_in = target.question_number == render.CHECK_IN
    content: list[render.Block] = [
        {
            "type": "section",
            "text": render.mrkdwn(
                render.cut(render.escape(question_text), render.SECTION_TEXT_LIMIT)
            ),
        }
    ]
    if help_text:
        content.append(render.context(render.escape(help_text)))
    hint = (
        "Only the facilitator will see this, without your name."
        if check_in
        else "Your name is not shown. The group sees a made-up name."
    )
    content.append(
        {
            "type": "input",
            "block_id": ANSWER_INPUT_BLOCK_ID,
            "label": render.plain("Your answer"),
            "hint": render.plain(hint),
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
        content.append(
            {
                "type": "input",
                "block_id": QUOTE_BLOCK_ID,
                "optional": True,
                "label": render.plain("Quoting your words"),
                "element": {
                    "type": "checkboxes",
                    "action_id": QUOTE_ACTION_ID,
                    "options": [
                        {
                            "text": render.plain(QUOTE_CHOICE),
                            "value": QUOTE_OPTION_VALUE,
                            "description": render.plain(
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
        "title": render.plain(render.cut(title, MODAL_TITLE_LIMIT)),
        "submit": render.plain("Share anonymously"),
        "close": render.plain("Cancel"),
        "private_metadata": encode_answer_target(target),
        "blocks": content,
    }


def consent_modal(request: ConsentRequest, channel_id: str) -> dict[str, Any]:
    """The privacy note as a modal opened by "Answer anonymously": submitting it ("I
    understand") means agreeing, and the answer form then replaces it."""
    metadata = json.dumps({"a": request.consent_action_id, "c": channel_id}, separators=(",", ":"))
    return {
        "type": "modal",
        "callback_id": CONSENT_VIEW_CALLBACK_ID,
        "title": render.plain("Before you answer"),
        "submit": render.plain(render.I_UNDERSTAND),
        "close": render.plain("Not now"),
        "private_metadata": metadata,
        "blocks": render.note_sections(request.text),
    }


def who_wrote_modal(action_id: str, channel_id: str) -> dict[str, Any]:
    """ "Who wrote it?" under a held answer: one box for the reason, which the desk audits.
    ``private_metadata`` keeps the button's action id and the channel to answer in."""
    metadata = json.dumps({"a": action_id, "c": channel_id}, separators=(",", ":"))
    return {
        "type": "modal",
        "callback_id": WHO_WROTE_VIEW_CALLBACK_ID,
        "title": render.plain("Who wrote it?"),
        "submit": render.plain("Show me"),
        "close": render.plain("Cancel"),
        "private_metadata": metadata,
        "blocks": [
            {
                "type": "input",
                "block_id": REASON_BLOCK_ID,
                "label": render.plain("Why do you need to know?"),
                "hint": render.plain("A sentence. It goes in the audit log, with your name."),
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_ACTION_ID,
                    "multiline": True,
                    "min_length": REASON_MIN,
                    "max_length": REASON_MAX,
                },
            }
        ],
    }


def decode_who_wrote(view: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """(action id, channel id, reason) from a submitted "Who wrote it?" modal."""
    try:
        data = json.loads(str(view.get("private_metadata", "")))
        action_id, channel_id = str(data["a"]), str(data["c"])
    except (ValueError, TypeError, KeyError):
        return None
    values = (view.get("state") or {}).get("values") or {}
    typed = (values.get(REASON_BLOCK_ID) or {}).get(REASON_ACTION_ID) or {}
    return action_id, channel_id, str(typed.get("value") or "")


SAVING_VIEW_CALLBACK_ID = "cb-saving"
SAVING_TEXT = "Saving your answer… You'll get a message here as soon as it's safely saved."
SAVED_TEXT = "Your answer is saved. You can close this now."


def status_modal(text: str) -> dict[str, Any]:
    """What the answer form turns into when saving takes longer than Slack waits for a
    reply (``SAVING_TEXT``), and then once the answer is saved (``SAVED_TEXT``)."""
    return {
        "type": "modal",
        "callback_id": SAVING_VIEW_CALLBACK_ID,
        "title": render.plain("Your answer"),
        "close": render.plain("Close"),
        "blocks": render.note_sections(text),
    }
