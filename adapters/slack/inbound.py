"""Inbound translation: Slack interaction payloads and events become core events. Pure: no
I/O, no clock, no client; the caller supplies the already-resolved ``Person``.

What a button press means is decided once, in the core: ``press_event`` only reads the
channel, the message and the action id from a ``block_actions`` payload and hands them to
``bot.core.actions.event_for``. The narrower ``button_event`` / ``react_press_event`` /
``consent_press`` give the same events typed for one kind of button. Also here: the
submitted answer modal (``view_submission_event``), the submitted privacy-note modal
(``consent_submission``), the lead's "Who wrote it?" reason form (``who_wrote_submission``),
and native ``reaction_added`` / ``reaction_removed`` events, whose
reaction names map to emoji characters. Slash commands are in ``commands``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from adapters.slack import modals, render
from bot.core.actions import Press, WhoWroteAction, event_for, parse_action_id, who_wrote_event
from bot.core.events import (
    AlertAcknowledged,
    AnswerReported,
    AnswerSubmitted,
    CommandInvoked,
    ConsentGiven,
    Person,
    QuestionSkipped,
    ReactionChange,
    ReactionToggled,
)

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

PLATFORM = "slack"


def person_for(user_id: str) -> Person:
    """Whoever acted, with no roles: enough for answers, skips, reports and reactions (roles
    are looked up only where needed, by ``commands.RoleResolver``)."""
    return Person(platform=PLATFORM, user_id=user_id)


def interaction_channel(body: Mapping[str, Any]) -> str:
    """The channel a button was pressed in (also for ephemeral messages and DMs)."""
    container = body.get("container") or {}
    return str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")


def press_event(body: Mapping[str, Any], action: Mapping[str, Any], person: Person) -> Press | None:
    """What a press on one of our buttons means (``bot.core.actions.event_for``); ``None``
    for an action id that is not ours or a press without a channel.

    An anonymous reaction button also carries the message it is on (so the count edit lands
    there) and its emoji (the button's value, see ``render.answer_message``)."""
    parsed = parse_action_id(str(action.get("action_id", "")))
    channel_id = interaction_channel(body)
    if parsed is None or not channel_id:
        return None
    container = body.get("container") or {}
    ts = str(container.get("message_ts") or (body.get("message") or {}).get("ts", ""))
    ref = render.message_ref(channel_id, ts) if ts else None
    event = event_for(parsed, person, channel_id, message_ref=ref)
    if isinstance(event, ReactionToggled):
        return replace(event, emoji=str(action.get("value", "")))
    return event


ButtonEvent = QuestionSkipped | AnswerReported | AlertAcknowledged | CommandInvoked


def button_event(
    body: Mapping[str, Any], action: Mapping[str, Any], person: Person
) -> ButtonEvent | None:
    """A press on Skip, Report privately, or a safeguarding alert's buttons (release and
    keep-out are the same ``CommandInvoked`` as ``/release`` and ``/keep-out``)."""
    event = press_event(body, action, person)
    return event if isinstance(event, ButtonEvent) else None


def react_press_event(
    body: Mapping[str, Any], action: Mapping[str, Any], person: Person
) -> ReactionToggled | None:
    """A press on an anonymous reaction button under an answer post."""
    event = press_event(body, action, person)
    return event if isinstance(event, ReactionToggled) else None


def consent_press(
    body: Mapping[str, Any], action: Mapping[str, Any], person: Person
) -> ConsentGiven | None:
    """A press on "I understand" under the privacy note (an ephemeral message)."""
    event = press_event(body, action, person)
    return event if isinstance(event, ConsentGiven) else None


def consent_submission(view: Mapping[str, Any], person: Person) -> ConsentGiven | None:
    """The privacy-note modal submitted with "I understand"; ``None`` if not ours.
    ``then_answer`` is the question whose answer form replaces the note."""
    if view.get("callback_id") != modals.CONSENT_VIEW_CALLBACK_ID:
        return None
    remembered = modals.decode_consent_metadata(str(view.get("private_metadata", "")))
    if remembered is None:
        return None
    action_id, channel_id = remembered
    return consent_press({"channel": {"id": channel_id}}, {"action_id": action_id}, person)


def view_submission_event(view: Mapping[str, Any], person: Person) -> AnswerSubmitted | None:
    """The submitted answer modal; ``None`` when the view is not ours."""
    if view.get("callback_id") != modals.ANSWER_VIEW_CALLBACK_ID:
        return None
    target = modals.decode_answer_target(str(view.get("private_metadata", "")))
    if target is None:
        return None
    values = (view.get("state") or {}).get("values") or {}
    answer = (values.get(modals.ANSWER_INPUT_BLOCK_ID) or {}).get(modals.ANSWER_INPUT_ACTION_ID)
    text = (answer or {}).get("value")
    quote = (values.get(modals.QUOTE_BLOCK_ID) or {}).get(modals.QUOTE_ACTION_ID) or {}
    ticked = {str(o.get("value")) for o in quote.get("selected_options") or []}
    return AnswerSubmitted(
        person=person,
        channel_id=target.channel_id,
        text=str(text or ""),
        session_id=target.session_id,
        question_number=target.question_number,
        quote_ok=modals.QUOTE_OPTION_VALUE in ticked,
        # Slack signs a request but cannot stop it being sent again within its 5 minutes:
        # the view id (one per opened form) makes a replay land on the answer stored first.
        submission_id=f"slack-view:{view['id']}" if view.get("id") else None,
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
        message_ref=render.message_ref(channel, str(item["ts"])),
    )


def who_wrote_submission(view: Mapping[str, Any], person: Person) -> CommandInvoked | None:
    """The lead's "Who wrote it?" form submitted with a reason: the same ``CommandInvoked``
    as ``/who-wrote``; ``None`` when the view is not ours."""
    if view.get("callback_id") != modals.WHO_WROTE_VIEW_CALLBACK_ID:
        return None
    remembered = modals.decode_who_wrote(view)
    if remembered is None:
        return None
    action_id, channel_id, reason = remembered
    action = parse_action_id(action_id)
    if not isinstance(action, WhoWroteAction):
        return None
    return who_wrote_event(action, person, channel_id, reason)
