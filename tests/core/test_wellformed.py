"""Text as platforms deliver it: lone surrogates replaced once, at the engine's door."""

from __future__ import annotations

from bot.core.events import AnswerSubmitted, Command, CommandInvoked, Person
from bot.core.wellformed import well_formed, well_formed_event

YOUNG = Person(platform="slack", user_id="U1")


def test_a_lone_surrogate_becomes_the_replacement_character_and_pairs_are_joined() -> None:
    assert well_formed("a\ud800b") == "a\ufffdb"
    assert well_formed("\udc00 end") == "\ufffd end"
    assert well_formed("smile \ud83d\ude00") == "smile 😀"  # a pair sent as two escapes
    assert well_formed("\ud83d\ud83d\ude00") == "\ufffd😀"
    plain = "nothing to change: café 😀"
    assert well_formed(plain) is plain


def test_every_text_field_and_option_of_an_event_is_made_well_formed() -> None:
    answer = AnswerSubmitted(person=YOUNG, channel_id="C1", text="help \ud800")
    assert well_formed_event(answer).text == "help \ufffd"
    worried = CommandInvoked(
        person=YOUNG, channel_id="C1", command=Command.WORRIED, options={"message": "\udfff"}
    )
    assert well_formed_event(worried).options == {"message": "\ufffd"}
    fine = AnswerSubmitted(person=YOUNG, channel_id="C1", text="all fine")
    assert well_formed_event(fine) is fine
