"""How a submitted Slack form ends, from what handling it returned. An answer form says
"saved" only when the engine says the answer was kept (``PrivateNotice.saved``); otherwise
the reason stays in the form under the answer (within Slack's wait), or, past it, the form
says it couldn't save and shows the person's words back so nothing they wrote is lost. A
"you said, we did" form sent again unchanged (``submission_key``) is recorded once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from adapters.slack import render
from adapters.slack.modals import ANSWER_INPUT_BLOCK_ID, SAVING_VIEW_CALLBACK_ID
from bot.core.events import Person
from bot.core.outbound import Outbound, PrivateNotice

ERROR_LIMIT = 1000  # characters of an error shown under a field
NOT_SAVED_TEXT = "We couldn't save this. Please copy your words and try again."
WORDS_CHUNK = 2900  # characters of the person's words per section (Slack allows 3000)


def was_saved(messages: Sequence[Outbound]) -> bool:
    """The engine said the answer was kept; no messages at all is the same form sent again,
    already stored (and told) once."""
    if not messages:
        return True
    return any(isinstance(m, PrivateNotice) and m.saved for m in messages)


def submission_key(view_id: str, fields: Mapping[str, str]) -> str:
    """One submission of one form: its view id and what was in it (so a refused form,
    corrected and sent again from the same view, is a new submission)."""
    typed = json.dumps(dict(sorted(fields.items())), ensure_ascii=False).encode()
    return f"view:{view_id}:{hashlib.sha256(typed).hexdigest()[:32]}"


def reason_for(messages: Sequence[Outbound], person: Person) -> str | None:
    """Why it was not saved, as told to the person: the first notice to them, if any."""
    for message in messages:
        if isinstance(message, PrivateNotice) and message.recipient.user_id == person.user_id:
            return message.text
    return None


def form_errors(reason: str) -> dict[str, str]:
    """The reason under the answer field (``response_action: errors``)."""
    return {ANSWER_INPUT_BLOCK_ID: render.cut(reason, ERROR_LIMIT)}


def not_saved_modal(words: str) -> dict[str, Any]:
    """The form once saving, past Slack's wait, did not store the answer: the words as the
    person typed them (plain text, so nothing in them is read as formatting)."""
    text = words.strip() or " "
    chunks = [text[i : i + WORDS_CHUNK] for i in range(0, len(text), WORDS_CHUNK)]
    return {
        "type": "modal",
        "callback_id": SAVING_VIEW_CALLBACK_ID,
        "title": render.plain("Your answer"),
        "close": render.plain("Close"),
        "blocks": [
            {"type": "section", "text": render.plain(NOT_SAVED_TEXT)},
            {"type": "section", "text": render.plain("What you wrote:")},
            *({"type": "section", "text": render.plain(chunk)} for chunk in chunks),
        ],
    }
