"""The policy's three outcomes: hold (harm may be happening now), inform the lead (harm told
as past and over), share (everything else). These test the lexicon's part; the second
opinion can only add holds (test_second_opinion.py)."""

import pytest

from bot.safeguarding.lexicon import parse_lexicon
from bot.safeguarding.outcome import Outcome
from bot.safeguarding.screen import DisclosureScreen, Screening, default_screen


def lexicon(text: str) -> Screening:
    return default_screen().lexicon_judgement(text)


PAST_AND_OVER = [
    ("i used to cut and burn myself, not anymore, 3 years clean", "self-harm"),
    ("tried to take my own life at 16. im 22 now, doing a degree, life is good", "self-harm"),
    ("when i was 12 a foster carer used to lock me in my room as punishment", "abuse"),
    ("my step dad abused me when i was little. im ok now", "abuse"),
    ("before care we never had food or heating. were both ok now", "neglect"),
    ("used to get sent to sell drugs for older lads when i was 15. got out of it", "exploitation"),
    ("ran away from my resi like 20 times when i was younger. now im 20 i get it", "missing"),
    ("my dad used to hit us which is why i went into care at 8. im safe now", "abuse"),
    ("I was homeless at 17 for a while, I'm sorted now with my own flat", "homelessness"),
    (
        "got bullied badly in year 8 for being in care, it stopped when i changed schools",
        "bullying",
    ),
]


@pytest.mark.parametrize(("text", "category"), PAST_AND_OVER)
def test_harm_told_as_past_and_over_informs_the_lead(text: str, category: str) -> None:
    result = lexicon(text)
    assert result.outcome is Outcome.INFORM_LEAD
    assert (result.disclosure, result.inform_lead) == (False, True)
    assert category in result.categories
    assert result.why[0].startswith("past and over: '")


NOW_DESPITE_THE_PAST = [
    # the past is placed, but the harm is now: a word of now, or the present tense
    "when i was little my dad hit me and he still hits me",
    "i used to self harm and i started cutting again last week",
    "My aunt used to lock me in my room. I'm safe now but she hits my little sister",
    "i was kicked out at 16 and im sleeping in my car",
    "when i was 12 i went into care. i wish i was dead",
    "i used to get bullied and they keep posting my address online",
]


@pytest.mark.parametrize("text", NOW_DESPITE_THE_PAST)
def test_harm_now_is_held_whatever_past_is_told_with_it(text: str) -> None:
    assert lexicon(text).outcome is Outcome.HOLD


def test_past_harm_without_a_word_placing_it_in_the_past_is_held() -> None:
    # recent past: nothing says it is over
    assert lexicon("took a load of tablets last weekend, didnt work").disclosure
    assert lexicon("my keyworker shoved me against the wall").disclosure


def test_held_categories_are_those_of_the_harm_now() -> None:
    result = lexicon("i used to self harm when i was 14. now my mum hits me every day")
    assert result.disclosure
    assert "self-harm" not in result.categories
    assert "past and over: 'used to', 'when i was 14'" in result.why


def test_a_request_to_talk_privately_is_held_with_no_category() -> None:
    for text in ("can i talk to someone on my own", "pls can someone from the team message me"):
        result = lexicon(text)
        assert result.disclosure
        assert result.categories == ()
        assert result.why[0].startswith("asks to talk privately: ")


def test_bullying_is_held_only_when_it_is_happening_now() -> None:
    assert "bullying" in lexicon("the lads in year 11 make me give them my dinner money").categories
    assert not lexicon("I was bullied anyway, but not about being in care.").disclosure
    assert lexicon("got bullied in primary for being in care. its over now").inform_lead


@pytest.mark.parametrize(
    "text",
    [
        "my mums gonna murder me when she sees my hair colour lmaooo",
        "if i have to fill in one more pathway plan form ill throw myself in the sea lol jk",
        "the way my carer cooks is actual abuse 😭 who puts beans in a curry",
        "this survey is long af i'm dying 😂",
        "my dog got groomed today and she looks like a different animal",
        "kai went missing from the group chat again, someone ping him",
        "beat my record on subway surfers finally",
        "im dying of embarrassment, my carer turned up in her onesie",
        "its neglect by the state tbh",
        "whats missing for me is someone who stuck around",
    ],
)
def test_figurative_jokey_and_other_senses_are_shared(text: str) -> None:
    assert lexicon(text).outcome is Outcome.SHARE


def test_a_joke_marker_does_not_cancel_a_plain_wish_to_die() -> None:
    assert lexicon("i wanna die lol").disclosure
    assert lexicon("i want to kill myself 😂").disclosure


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("We need to end this policy now, it is failing us", "self-harm"),
        ("Leaving care at 18 is like falling off a cliff edge", "exploitation"),
        ("I hate the word care, it makes us sound like a charity case", "neglect"),
    ],
)
def test_policy_talk_gets_no_category_it_does_not_mean(text: str, wrong: str) -> None:
    result = lexicon(text)
    assert wrong not in result.categories
    assert result.outcome is Outcome.SHARE


SMALL = {
    "schema_version": 1,
    "cues": ["i", "my"],
    "distancing": ["report"],
    "past": ["used to", "when i was little"],
    "over": ["safe now"],
    "now": ["still"],
    "asks": ["talk privately"],
    "jokes": ["lol"],
    "figurative": ["kill me"],
    "categories": [
        {"id": "hurt", "label": "H", "description": "d", "phrases": ["hits me", "kill me"]},
        {
            "id": "teasing",
            "label": "T",
            "description": "d",
            "topics": ["teased"],
            "now_only": True,
        },
    ],
}


def test_a_small_lexicon_sorts_now_from_past_by_its_own_lists() -> None:
    screen = DisclosureScreen(parse_lexicon("small", SMALL))
    assert screen.screen("my dad hits me").outcome is Outcome.HOLD
    assert screen.screen("my dad hit me").outcome is Outcome.HOLD  # nothing says it is over
    assert screen.screen("my dad used to hit me").outcome is Outcome.INFORM_LEAD
    assert screen.screen("my dad hit me. safe now").outcome is Outcome.INFORM_LEAD
    assert screen.screen("my dad used to hit me and he still does").outcome is Outcome.HOLD
    assert screen.screen("my dad used to hit me, he hits me now").outcome is Outcome.HOLD
    assert screen.screen("can we talk privately").why == (
        "asks to talk privately: 'talk privately'",
    )
    assert screen.screen("my mum will kill me lol").outcome is Outcome.SHARE
    assert screen.screen("my mum will kill me").outcome is Outcome.HOLD
    assert screen.screen("i was teased").outcome is Outcome.SHARE  # now only, told in the past
    assert screen.screen("i get teased").outcome is Outcome.HOLD
    assert screen.screen("i was teased when i was little").outcome is Outcome.INFORM_LEAD
