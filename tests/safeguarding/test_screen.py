import random
import time

import pytest

from bot.safeguarding.outcome import Outcome
from bot.safeguarding.screen import SHARED, Screening, default_screen, screen


def lexicon(text: str) -> Screening:
    """The shipped lexicon's verdict alone: what these tests of its rules are about."""
    return default_screen().lexicon_judgement(text)


OPINIONS = [
    "the care system hurts young people",
    "social workers never listen",
    "the report talks about abuse statistics",
    "I want better mental health support",
    "kids in care are more likely to go missing, that's the stat",
    "The review should talk more about neglect because that's why most of us are in care",
    "I think they need more training on spotting exploitation",
    "domestic violence is the reason loads of kids come into care and it needs more funding",
    "Too many care leavers end up sofa surfing.",
    "What's missing is anything about siblings being kept together",
    "lol this survey is killing me 😂",
]


@pytest.mark.parametrize("text", OPINIONS)
def test_opinions_about_the_system_flow_as_normal(text: str) -> None:
    assert screen(text) == SHARED


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("kms", "self-harm"),
        ("i want to unalive myself", "self-harm"),
        ("relapsed on sh last week", "self-harm"),
        ("im thinking about sucide again", "self-harm"),
        ("he beats me", "abuse"),
        ("my carer's fella touches me", "abuse"),
        ("i got abuesd by him", "abuse"),
        ("been sleeping on mates' sofas since my placement ended", "homelessness"),
        ("I have nowhere to stay tonight", "homelessness"),
        ("older lads make me carry stuff", "exploitation"),
        ("my mate's doing county lines and he's only 14", "exploitation"),
        ("My sister keeps running away and nobody looks for her", "missing"),
        ("my dad hits my mum and i have to watch", "violence-at-home"),
        ("no one feeds me properly at my placement, i'm always hungry", "neglect"),
    ],
)
def test_disclosures_are_held_with_their_category(text: str, category: str) -> None:
    result = screen(text)
    assert result.disclosure
    assert category in result.categories


@pytest.mark.parametrize(
    "text",
    [
        "i wanna k1ll mys3lf tbh",  # leetspeak
        "thinking about s u i c i d e all the time",  # spacing
        "s.u.i.c.i.d.e is on my mind",  # dotted
        "s\u200bu\u200bi\u200bc\u200bi\u200bd\u200be",  # zero-width spaces
        "k\u200dm\u2060s",  # zero-width joiner and word joiner
        "i get ѕuісіdаl at night",  # Cyrillic look-alikes
        "ＫＭＳ",  # full-width
        "a\u0301b\u0301u\u0301s\u0301e\u0301d",  # combining marks
        "\u202eefil ym dne ot tnaw i",  # right-to-left override: displays "i want to end my life"
        "k*ll myself",  # censored
        "hom3less since xmas",
        "i want to killlll myself",
    ],
)
def test_disguised_disclosures_are_held(text: str) -> None:
    assert screen(text).disclosure


def test_evidence_quotes_the_answer_as_written() -> None:
    result = screen("Honestly? i wanna k1ll mys3lf and my stepdad hits my mum")
    assert result.categories == ("self-harm", "violence-at-home")
    assert result.evidence == ("k1ll mys3lf", "stepdad hits my mum")
    assert result.why == (
        "lexicon phrase: 'k1ll mys3lf' (self-harm, written in disguise)",
        "lexicon phrase: 'stepdad hits my mum' (violence-at-home)",
    )


def test_negation_cancels_a_topic_but_never_self_harm() -> None:
    assert not screen("I've never been homeless, my carers are great").disclosure
    assert screen("I'm not suicidal but I think about it").categories == ("self-harm",)


def test_what_might_have_been_is_not_a_disclosure() -> None:
    assert not lexicon("If I had those relationships, I wouldn't have been homeless.").disclosure
    assert not lexicon("I was basically either there or I'd be homeless.").disclosure


def test_harm_told_as_past_and_over_informs_the_lead() -> None:
    result = screen("i used to get battered by my uncle but im safe now")
    assert result.outcome is Outcome.INFORM_LEAD
    assert (result.disclosure, result.inform_lead) == (False, True)
    assert "abuse" in result.categories
    assert result.why[0] == "past and over: 'used to', 'im safe now'"
    assert screen("i got abuesd when i was little").categories == ("abuse",)
    assert screen("i got abuesd when i was little").inform_lead


def test_a_phrase_is_held_whatever_distancing_surrounds_it() -> None:
    text = "I think the report is fine and the stats are fine but I want to die"
    assert screen(text).categories == ("self-harm",)


def test_category_emoji_alone_is_held() -> None:
    assert screen("🩸🔪").categories == ("self-harm",)
    assert not screen("😂😂👍").disclosure


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \n\t ",
        "😭😭😭",
        "مرحبا، أنا سعيد بالمشاركة",
        "שלום \u202b עולם",
        "\u202e\u202e\u202c\u202c",
        "\x00\x01\x7f",
        "\ud800 lone surrogate",
        "é" * 50,
        "a" * 5000,
        "i " * 3000,
        "... --- !!! @@@ $$$ ***",
    ],
)
def test_odd_input_never_crashes(text: str) -> None:
    assert isinstance(screen(text), Screening)


@pytest.mark.parametrize(
    "text",
    [
        "m y  c a r e r  " * 5000,
        "kms " * 20000,
        "lol 😂 i wanna die " * 3000,
        "when i was little he hit me and " * 3000,
        "can i talk to someone " * 5000,
    ],
)
def test_long_answers_full_of_matches_are_screened_quickly(text: str) -> None:
    start = time.perf_counter()
    # Held, or noted for the lead: "when i was little he hit me" is told in the past.
    assert screen(text).outcome is not Outcome.SHARE
    assert time.perf_counter() - start < 10  # about a second; a hundred when it was quadratic


def test_random_unicode_never_crashes() -> None:
    rng = random.Random(7)
    for _ in range(20):
        text = "".join(chr(rng.randint(0x20, 0x2FFFF)) for _ in range(300))
        assert isinstance(screen(text), Screening)


def test_a_disclosure_inside_100k_characters_is_held() -> None:
    filler = "My first thought was that the review is long 📄 and we\u200b need more say. "
    text = filler * 720 + "honestly i want to die. " + filler * 720
    assert len(text) > 100_000
    result = screen(text)
    assert result.categories == ("self-harm",)
    assert result.evidence == ("want to die",)


def test_shipped_lexicon_has_the_eight_categories_of_the_labelling_guide() -> None:
    assert default_screen().lexicon.ids == (
        "self-harm",
        "abuse",
        "neglect",
        "exploitation",
        "missing",
        "violence-at-home",
        "homelessness",
        "bullying",
    )


# The concern layer: indirect disclosures whose words also have everyday meanings.
INDIRECT = [
    ("he hugs me too long and messages me at night", "abuse"),
    ("my foster dad takes pictures of me in my pyjamas", "abuse"),
    ("got dragged by my hair down the corridor at the unit", "abuse"),
    ("there's no proper bed, i sleep on a mattress on the floor", "neglect"),
    ("we go to bed in our clothes because its so cold", "neglect"),
    ("i don't eat most days", "neglect"),
    ("been staying at different mates' houses", "homelessness"),
    ("i've been staying in my mates garage since easter", "homelessness"),
    ("older lads give me stuff and then I owe them", "exploitation"),
    ("a lad i know wants me to open a bank account and give him the card", "exploitation"),
    ("mum's boyfriend gets angry and things get thrown", "violence-at-home"),
    ("my mum and her boyfriend fight and he drags her by the hair", "violence-at-home"),
    ("i leave my placement when everyone's asleep and come back in the afternoon", "missing"),
    ("i slipped out of the home after tea and didn't get back till sunday", "missing"),
    ("im not gonna be around much longer so it doesnt matter", "self-harm"),
    ("i tied my school tie round my neck to see what it felt like", "self-harm"),
]


@pytest.mark.parametrize(("text", "category"), INDIRECT)
def test_indirect_disclosures_are_held_with_their_category(text: str, category: str) -> None:
    result = screen(text)
    assert result.disclosure
    assert category in result.categories


EVERYDAY = [
    "hit the gym after school, it helps",
    "my phone died halfway through this",
    "dying to see the new film",
    "kicked out of the group chat lol",
    "my little sister drives me mad, she takes my stuff",
    "my carers have a secret santa every christmas",
    "i had a panic attack before my exam but i was ok",
    "my foster mum is teaching me to cook",
    "i'd like to work in social care when i'm older",
    "my carer picks me up from football practice",
    "i sleep with the light on sometimes lol",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_words_with_harm_meanings_flow_as_normal(text: str) -> None:
    assert lexicon(text) == SHARED


def test_a_concern_needs_someone_close_near_it() -> None:
    assert "neglect" in lexicon("my carer locks the fridge at night").categories
    assert not lexicon("locks the fridge at night, apparently, in some homes").disclosure


def test_one_hint_alone_is_not_enough_but_two_of_its_category_are() -> None:
    assert not lexicon("my dad was shouting at the telly").disclosure
    assert "violence-at-home" in lexicon("my dad gets drunk and starts shouting").categories
    assert not lexicon("I hang out with my mates after school").disclosure
    assert not lexicon("I'm exhausted").disclosure


def test_a_marker_makes_a_hint_count() -> None:
    assert not lexicon("my stepdad was angry at the referee").disclosure
    assert lexicon("my stepdad is always angry").categories == ("violence-at-home",)


def test_shorthand_is_read_as_what_it_stands_for() -> None:
    assert screen("he t0uches me when no1 is home").categories == ("abuse",)
    assert screen("my mums bf hits her").disclosure


def test_letters_spaced_out_and_words_spaced_wider_are_read_as_words() -> None:
    result = screen("m y  c a r e r  h i t s  m e")
    assert result.disclosure
    assert "abuse" in result.categories


def test_evidence_for_a_concern_quotes_the_answer() -> None:
    result = screen("Older lads give me stuff and then I owe them")
    assert result.categories == ("exploitation",)
    assert "I owe them" in result.evidence
