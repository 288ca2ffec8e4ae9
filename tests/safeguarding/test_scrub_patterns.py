import pytest

from bot.safeguarding.scrub import scrub


def found(text: str, kind: str) -> list[str]:
    return [text[s.start : s.end] for s in scrub(text).spans if s.kind == kind]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("add me on roblox Noodle_Queen_2011 we can build", ["Noodle_Queen_2011"]),
        ("steam name tired.gamer.uk if u wanna play", ["tired.gamer.uk"]),
        ("snapchat bigmike_07 i dont check insta", ["bigmike_07"]),
        ("my old handle was princess_rose.2009 but i deleted it", ["princess_rose.2009"]),
        ("add me on snap: kayla.x.99 if u want", ["kayla.x.99"]),
        ("message my insta zara.m.official not my number", ["zara.m.official"]),
        ("add me on snap lilzbaby", ["lilzbaby"]),
        ("snap: kayla_x", ["kayla_x"]),
        ("my ig @tia.m.2008", ["@tia.m.2008"]),
        ("tiktok user name is xoxo_leah", ["xoxo_leah"]),
        ("my gamertag is DarkWolf99", ["DarkWolf99"]),
        ("xbox: ShadowNinja2009", ["ShadowNinja2009"]),
        ("u/careleaver_99 posted about this", ["u/careleaver_99"]),
        ("i'm on discord as ellie#1234", ["ellie#1234"]),
        ("follow me on twitch ghostyboi", ["ghostyboi"]),
    ],
)
def test_handles_of_every_common_shape_are_found(text: str, expected: list[str]) -> None:
    assert found(text, "handle") == expected


@pytest.mark.parametrize(
    "text",
    [
        "insta is toxic tbh",
        "my snap is private and my insta is boring",
        "ig its fine whatever",
        "I play on roblox with my brother, steam sale was good",
        "He said e.g. the rules, i.e. the policy, etc.",
        "version 2.1.3 of the app and pg.12 of the report",
        "look at childline.org.uk or www.nspcc.org.uk",
        "^_^ and -_- and T_T",
        "love u all x",
    ],
)
def test_words_near_platforms_and_dotted_words_are_not_handles(text: str) -> None:
    assert found(text, "handle") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("shes at Whitecross Pupil Referral Unit now", ["Whitecross Pupil Referral Unit"]),
        ("she goes to Oakfield PRU now", ["Oakfield PRU"]),
        ("I'm at Meadowbank Junior", ["Meadowbank Junior"]),
        (
            "went to Ridgeway Infant School and then ridgeway juniors",
            ["Ridgeway Infant School", "ridgeway juniors"],
        ),
        ("if anyone from greenway academy sees this", ["greenway academy"]),
        ("hollybrook infants was my first school", ["hollybrook infants"]),
        ("i go to st marys primary", ["st marys primary"]),
        ("Moorside High was rough", ["Moorside High"]),
        ("I went to Brookfield Special School", ["Brookfield Special School"]),
        ("Kingsmead academy kicked me out", ["Kingsmead academy"]),
    ],
)
def test_schools_are_found_in_any_case(text: str, expected: list[str]) -> None:
    assert found(text, "school") == expected


@pytest.mark.parametrize(
    "text",
    [
        "my old primary was better and the academy I go to is strict",
        "I go to football academy on saturdays, Premier League academy trials too",
        "Secondary school was hard. Mainstream school didnt work for me",
        "Sunday school was forced on me, and grammar school kids are posh",
        "I go to college in town but dropped out of sixth form",
        "in high school i got bullied, I was so high",
        "a Catholic school and a Polish school on saturdays",
        "the primary reason is that my primary carer left",
    ],
)
def test_generic_school_words_are_kept(text: str) -> None:
    assert found(text, "school") == []
