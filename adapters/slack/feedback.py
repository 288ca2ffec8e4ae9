""" "You said, we did" on Slack: the form ``/cb-you-said-we-did`` opens, and its submit.

``/cb-you-said-we-did "Leeds, 3 Dec" stability-moves`` (or ``action=ID``) with nothing else
opens the form at once (its ``trigger_id`` lasts 3 s, so before any other work): "You said",
"We took it to (who, when)", "What happened" (changed, partly, not changed), "Because" and
"Follow-up date". Which action it is for, and the channel, travel in ``private_metadata``.
The submit is acknowledged (closing the form), then becomes the ``you-said-we-did`` command
with every field as an option; the engine checks who may and answers privately. Typed with
the fields as ``name=value`` words (``decision=partly``), the command skips the form.

Slack's limits: title at most 24 characters; ``plain_text_input`` ``max_length`` at most 3000.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from adapters.slack import render

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
