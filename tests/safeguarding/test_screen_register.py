"""How the screen reads the register an answer is written in: games and sport, jokes, the
policy register, comparisons, time words and tenses, and the indirect signs of harm now.

Invented answers, written for these rules (none is a line of the labelled sets)."""

import pytest

from bot.safeguarding.outcome import Outcome
from bot.safeguarding.screen import default_screen, screen


@pytest.mark.parametrize(
    "text",
    [
        "my cousin battered me at fortnite last night",
        "got absolutely destroyed and battered in the quiz tonight",
        "plan b is to ask my pa for help",
        "im starving what time is lunch",
    ],
)
def test_games_sport_and_everyday_hunger_are_shared(text: str) -> None:
    assert screen(text).outcome is Outcome.SHARE


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my step dad battered me last night", "abuse"),
        ("i wanna kill myself every time i lose at fifa", "self-harm"),  # never play
        ("i told my teacher i hurt my arm at football but it was my dad", "violence-at-home"),
        ("they put me in a b&b with adults", "homelessness"),
        ("im always starving cos theres never food in the house", "neglect"),
    ],
)
def test_harm_near_a_game_or_a_cover_story_is_still_held(text: str, category: str) -> None:
    result = screen(text)
    assert result.outcome is Outcome.HOLD
    assert category in result.categories


@pytest.mark.parametrize(
    "text",
    [
        "local authorities treat us like we are abused and nothing changes",
        "we get let down by the system and made homeless at 18",
        "leaving care felt like being made homeless overnight",
    ],
)
def test_policy_talk_and_comparisons_are_shared(text: str) -> None:
    assert screen(text).outcome is Outcome.SHARE


@pytest.mark.parametrize(
    "text",
    [
        "the council put me in a hostel and i am homeless now",  # the system, and "I" now
        "its like im homeless rn",  # a comparison, but said now
    ],
)
def test_one_person_now_is_held_in_policy_talk_or_a_comparison(text: str) -> None:
    assert screen(text).outcome is Outcome.HOLD


def test_a_time_word_in_a_clause_told_in_the_past_is_not_now() -> None:
    past = screen("when i was 9 he hit me every weekend, im safe now and at uni")
    assert past.outcome is Outcome.INFORM_LEAD
    assert screen("he hits me every weekend").outcome is Outcome.HOLD


def test_a_perfect_tense_of_a_past_verb_is_told_in_the_past() -> None:
    past = screen("ive been kicked out before, when i was 16, but im in my own flat now")
    assert past.outcome is Outcome.INFORM_LEAD
    assert screen("ive been cutting again").outcome is Outcome.HOLD


def test_hints_in_a_joke_do_not_count_and_the_second_opinion_may_not_overrule_it() -> None:
    text = "im gonna murder my sister if she eats my crisps again 😂"
    assert screen(text).outcome is Outcome.SHARE
    assert not default_screen().second_opinion_reads(text)
    assert not default_screen().second_opinion_reads("he battered me at fifa again")
    assert default_screen().second_opinion_reads("he battered me again, my arm is still sore")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("if anything happens to me tell my mum i love her", "self-harm"),
        ("been giving my stuff to my mates, wont need it where im going", "self-harm"),
        ("my little brother is still there with him and i worry", "abuse"),
        ("they keep following me home from school", "bullying"),
        ("theyve started following me home", "bullying"),
        ("my mums fella grabbed me by the throat", "violence-at-home"),
        ("i dont really stay at my carers anymore, out all night most days", "missing"),
    ],
)
def test_indirect_signs_of_harm_now_are_held(text: str, category: str) -> None:
    result = screen(text)
    assert result.outcome is Outcome.HOLD
    assert category in result.categories
    assert result.why
