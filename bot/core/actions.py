"""Button action ids: the meaning of a button press, encoded so it survives a restart.

    cb:answer:<session_id>:<question_number>     open the answer form for that question
    cb:react:<answer_id>:<palette_index>         toggle an anonymous reaction on an answer

Both fit Discord's 100-character custom_id and Slack's 255-character action_id.
"""

from __future__ import annotations

from dataclasses import dataclass

_PREFIX = "cb"


@dataclass(frozen=True, slots=True)
class AnswerAction:
    session_id: str
    question_number: int


@dataclass(frozen=True, slots=True)
class ReactAction:
    answer_id: str
    palette_index: int


def answer_action_id(session_id: str, question_number: int) -> str:
    return f"{_PREFIX}:answer:{session_id}:{question_number}"


def react_action_id(answer_id: str, palette_index: int) -> str:
    return f"{_PREFIX}:react:{answer_id}:{palette_index}"


def parse_action_id(action_id: str) -> AnswerAction | ReactAction | None:
    """Decode an action id; ``None`` for anything that is not ours or is malformed."""
    parts = action_id.split(":")
    if len(parts) != 4 or parts[0] != _PREFIX or not parts[3].isdigit():
        return None
    kind, ident, number = parts[1], parts[2], int(parts[3])
    if not ident:
        return None
    if kind == "answer":
        return AnswerAction(ident, number)
    if kind == "react":
        return ReactAction(ident, number)
    return None
