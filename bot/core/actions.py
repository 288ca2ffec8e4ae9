"""Button action ids: the meaning of a button press, encoded so it survives a restart.

    cb:answer:<session_id>:<question_number>     open the answer form for that question
    cb:consent:<session_id>:<n>                  agree to the privacy note; then answer
                                                 question n - 1 (n = 0: nothing to open)
    cb:skip:<session_id>:<question_number>       skip a question
    cb:react:<answer_id>:<palette_index>         toggle an anonymous reaction on an answer
    cb:report:<answer_id>:0                      report an answer privately
    cb:ack:<alert_id>:0                          safeguarding lead: "I'm on it"
    cb:release:<answer_id>:0                     safeguarding lead: show a held answer
    cb:keep:<answer_id>:0                        safeguarding lead: keep it out
    cb:endcheck:<session_id>:<10 * q + c>        end-of-session check: question q, face c

All fit Discord's 100-character custom_id and Slack's 255-character action_id.

``event_for`` is the one place a press becomes an inbound event; adapters match our ids with
``ACTION_ID_PATTERN`` (or ``is_action_id``) instead of spelling the prefix themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.events import (
    AlertAcknowledged,
    AnswerFormRequested,
    AnswerReported,
    Command,
    CommandInvoked,
    ConsentGiven,
    EndCheckAnswered,
    Person,
    QuestionSkipped,
    ReactionChange,
    ReactionToggled,
)

_PREFIX = "cb"
ACTION_ID_PATTERN = re.compile(rf"^{_PREFIX}:")
"""Matches every action id of ours (for listener registration, e.g. Slack's ``app.action``)."""


@dataclass(frozen=True, slots=True)
class AnswerAction:
    session_id: str
    question_number: int


@dataclass(frozen=True, slots=True)
class ConsentAction:
    session_id: str
    question_number: int | None  # the answer form to open after agreeing, if any


@dataclass(frozen=True, slots=True)
class SkipAction:
    session_id: str
    question_number: int


@dataclass(frozen=True, slots=True)
class ReactAction:
    answer_id: str
    palette_index: int


@dataclass(frozen=True, slots=True)
class ReportAction:
    answer_id: str


@dataclass(frozen=True, slots=True)
class AcknowledgeAction:
    alert_id: str


@dataclass(frozen=True, slots=True)
class ReleaseAction:
    answer_id: str


@dataclass(frozen=True, slots=True)
class KeepOutAction:
    answer_id: str


@dataclass(frozen=True, slots=True)
class EndCheckAction:
    session_id: str
    question: int  # 1 to 4
    choice: int  # 0 to 9: the face, in the scale's order


Action = (
    EndCheckAction
    | AnswerAction
    | ConsentAction
    | SkipAction
    | ReactAction
    | ReportAction
    | AcknowledgeAction
    | ReleaseAction
    | KeepOutAction
)


def answer_action_id(session_id: str, question_number: int) -> str:
    return f"{_PREFIX}:answer:{session_id}:{question_number}"


def consent_action_id(session_id: str, question_number: int | None) -> str:
    number = 0 if question_number is None else question_number + 1
    return f"{_PREFIX}:consent:{session_id}:{number}"


def skip_action_id(session_id: str, question_number: int) -> str:
    return f"{_PREFIX}:skip:{session_id}:{question_number}"


def react_action_id(answer_id: str, palette_index: int) -> str:
    return f"{_PREFIX}:react:{answer_id}:{palette_index}"


def report_action_id(answer_id: str) -> str:
    return f"{_PREFIX}:report:{answer_id}:0"


def acknowledge_action_id(alert_id: str) -> str:
    return f"{_PREFIX}:ack:{alert_id}:0"


def release_action_id(answer_id: str) -> str:
    return f"{_PREFIX}:release:{answer_id}:0"


def keep_out_action_id(answer_id: str) -> str:
    return f"{_PREFIX}:keep:{answer_id}:0"


def end_check_action_id(session_id: str, question: int, choice: int) -> str:
    if not 0 <= choice <= 9:
        raise ValueError("an end-check choice is one digit")
    return f"{_PREFIX}:endcheck:{session_id}:{10 * question + choice}"


def parse_action_id(action_id: str) -> Action | None:
    """Decode an action id; ``None`` for anything that is not ours or is malformed."""
    parts = action_id.split(":")
    if len(parts) != 4 or parts[0] != _PREFIX or not parts[3].isdigit() or not parts[2]:
        return None
    kind, ident, number = parts[1], parts[2], int(parts[3])
    match kind:
        case "answer":
            return AnswerAction(ident, number)
        case "consent":
            return ConsentAction(ident, None if number == 0 else number - 1)
        case "skip":
            return SkipAction(ident, number)
        case "react":
            return ReactAction(ident, number)
        case "report":
            return ReportAction(ident)
        case "ack":
            return AcknowledgeAction(ident)
        case "release":
            return ReleaseAction(ident)
        case "keep":
            return KeepOutAction(ident)
        case "endcheck":
            return EndCheckAction(ident, number // 10, number % 10)
    return None


def is_action_id(text: str) -> bool:
    return ACTION_ID_PATTERN.match(text) is not None


Press = (
    AnswerFormRequested
    | ConsentGiven
    | QuestionSkipped
    | AnswerReported
    | AlertAcknowledged
    | ReactionToggled
    | CommandInvoked
    | EndCheckAnswered
)


def event_for(
    action: Action, person: Person, channel_id: str, *, message_ref: str | None = None
) -> Press:
    """What a button press means. ``message_ref`` is the platform's reference of the message
    the button was on (for a reaction button, so the count edit lands on it).

    - "Answer anonymously" → ``AnswerFormRequested`` (the adapter opens the form);
    - "I understand" → ``ConsentGiven`` (``then_answer`` set when a form should follow);
    - release / keep out → the same ``CommandInvoked`` as /release and /keep-out, so the
      engine checks the role the one way."""
    match action:
        case AnswerAction():
            return AnswerFormRequested(
                person=person,
                channel_id=channel_id,
                session_id=action.session_id,
                question_number=action.question_number,
            )
        case ConsentAction():
            return ConsentGiven(
                person=person,
                channel_id=channel_id,
                session_id=action.session_id,
                then_answer=action.question_number,
            )
        case SkipAction():
            return QuestionSkipped(
                person=person,
                channel_id=channel_id,
                session_id=action.session_id,
                question_number=action.question_number,
            )
        case ReactAction():
            return ReactionToggled(
                person=person,
                channel_id=channel_id,
                palette_index=action.palette_index,
                change=ReactionChange.TOGGLE,
                answer_id=action.answer_id,
                message_ref=message_ref,
            )
        case ReportAction():
            return AnswerReported(person=person, channel_id=channel_id, answer_id=action.answer_id)
        case AcknowledgeAction():
            return AlertAcknowledged(person=person, channel_id=channel_id, alert_id=action.alert_id)
        case EndCheckAction():
            return EndCheckAnswered(
                person=person,
                channel_id=channel_id,
                session_id=action.session_id,
                question=action.question,
                choice=action.choice,
            )
        case ReleaseAction() | KeepOutAction():
            command = Command.RELEASE if isinstance(action, ReleaseAction) else Command.KEEP_OUT
            return CommandInvoked(
                person=person,
                channel_id=channel_id,
                command=command,
                options={"answer": action.answer_id},
            )
