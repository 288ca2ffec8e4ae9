""" "You said, we did" on Slack: the form ``/cb-you-said-we-did`` opens, and its submit.

``/cb-you-said-we-did "Leeds, 3 Dec" stability-moves`` (or ``action=ID``) with nothing else
opens the form at once (its ``trigger_id`` lasts 3 s, so before any other work): "You said",
"We took it to (who, when)", "What happened" (changed, partly, not changed), "Because" and
"Follow-up date". Which action it is for, and the channel, travel in ``private_metadata``.
The submit becomes the ``you-said-we-did`` command with every field as an option, handled
before the ack (quick database work): a refusal (a glossary word, a card too long, a bad
date) comes back inside the form (``response_action: errors``, on the field it names), so
nothing typed is lost; otherwise the ack closes the form and the replies are sent. Typed with
the fields as ``name=value`` words (``decision=partly``), the command skips the form.

Slack's limits: title at most 24 characters; ``plain_text_input`` ``max_length`` at most 3000.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from adapters.slack import render
from bot.core.outbound import Outbound, PrivateNotice

CALLBACK_ID = "cb-you-said-we-did"
FIELD_LIMIT = 600
STEP_FIELDS = ("taken-to", "decision", "because", "follow-up")
# (block id = the core's option name, label, placeholder, multiline?, optional?)
FIELDS: tuple[tuple[str, str, str, bool, bool], ...] = (
    ("heard", "You said", "What the group told us, in plain words", True, True),
    ("taken-to", "We took it to (who, and when)", "The Corporate Parenting Board, 12 March",
     False, True),
    ("decision", "What happened", "changed, partly, not changed, or waiting", False, False),
    ("because", "Because", "Why, in plain words", True, True),
    ("follow-up", "When they hear more (YYYY-MM-DD)", "2027-01-15", False, True),
)  # fmt: skip
ACTION_ID = "value"
ERROR_LIMIT = 1000  # characters of an error shown under a field


def wants_form(options: Mapping[str, str]) -> bool:
    """The command was typed without any of the update's fields: open the form."""
    return not any(options.get(name, "").strip() for name in STEP_FIELDS)


def form(options: Mapping[str, str], channel_id: str) -> dict[str, Any]:
    target = {k: options[k] for k in ("action", "sessions", "theme") if options.get(k)}
    metadata = json.dumps({"t": target, "c": channel_id}, separators=(",", ":"))
    blocks = [
        {
            "type": "input",
            "block_id": name,
            "optional": optional,
            "label": render.plain(label),
            "element": {
                "type": "plain_text_input",
                "action_id": ACTION_ID,
                "multiline": multiline,
                "max_length": FIELD_LIMIT,
                "placeholder": render.plain(placeholder),
            },
        }
        for name, label, placeholder, multiline, optional in FIELDS
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": render.plain("You said, we did"),
        "submit": render.plain("Save and post"),
        "close": render.plain("Cancel"),
        "private_metadata": render.cut(metadata, 3000),
        "blocks": blocks,
    }


def submitted(view: Mapping[str, Any]) -> tuple[dict[str, str], str] | None:
    """(the command's options, the channel) from a submitted form; ``None`` if not ours."""
    if view.get("callback_id") != CALLBACK_ID:
        return None
    try:
        metadata = json.loads(str(view.get("private_metadata", "")))
        target = {str(k): str(v) for k, v in dict(metadata["t"]).items()}
        channel_id = str(metadata["c"])
    except (ValueError, TypeError, KeyError):
        return None
    values = (view.get("state") or {}).get("values") or {}
    for name, *_ in FIELDS:
        value = ((values.get(name) or {}).get(ACTION_ID) or {}).get("value")
        if isinstance(value, str) and value.strip():
            target[name] = value.strip()
    return target, channel_id


def form_errors(messages: Sequence[Outbound]) -> dict[str, str] | None:
    """The refusal in ``messages`` as the form's errors (block id → text), or ``None`` when
    the submit was not refused. The error goes on the field the refusal names ("because:
    …"), a card too long on "Because", anything else on "What happened"."""
    refusals = [m for m in messages if isinstance(m, PrivateNotice) and m.refused]
    if not refusals or len(refusals) != len(messages):
        return None
    text = refusals[0].text
    block = next((name for name, *_ in FIELDS if text.startswith(name)), None)
    if block is None:
        block = "because" if text.startswith("That card is") else "decision"
    return {block: render.cut(text, ERROR_LIMIT)}
