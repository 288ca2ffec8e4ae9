"""The end-of-session check's buttons: the face a press means survives a restart (it is in
the action id), and a press becomes the one event the engine counts."""

from __future__ import annotations

import pytest

from bot.core.actions import EndCheckAction, end_check_action_id, event_for, parse_action_id
from bot.core.events import EndCheckAnswered, Person


@pytest.mark.parametrize(("question", "choice"), [(1, 0), (2, 3), (4, 9)])
def test_a_face_round_trips_through_its_action_id(question: int, choice: int) -> None:
    action_id = end_check_action_id("abc234", question, choice)
    assert len(action_id) <= 100  # Discord's custom_id limit (Slack's is 255)
    action = parse_action_id(action_id)
    assert action == EndCheckAction("abc234", question, choice)
    person = Person(platform="local", user_id="u1")
    event = event_for(action, person, "room")
    assert isinstance(event, EndCheckAnswered)
    assert (event.session_id, event.question, event.choice) == ("abc234", question, choice)


def test_a_choice_must_be_one_digit() -> None:
    with pytest.raises(ValueError, match="one digit"):
        end_check_action_id("abc234", 1, 10)
