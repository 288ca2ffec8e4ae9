from pathlib import Path

import pytest

from bot.tagging.codebook import Codebook, Theme, load_codebook
from bot.tagging.tagger import Tagger, ThemeMatch

SHIPPED = Path(__file__).parents[2] / "prompts" / "themes.toml"


def theme(id: str, keywords: tuple[str, ...], exclude: tuple[str, ...] = ()) -> Theme:
    return Theme(id=id, label=id, description=id, keywords=keywords, exclude_phrases=exclude)


SMALL = Codebook(
    (
        theme("carers", ("foster carer", "carer"), exclude=("young carer",)),
        theme("moves", ("move", "bin bag")),
        theme("area", ("post code", "where you live", "depends where")),
        theme("workers", ("social worker", "sw")),
        theme("talk", ("don't listen",)),
    )
)


@pytest.fixture(scope="module")
def small() -> Tagger:
    return Tagger(SMALL)


@pytest.fixture(scope="module")
def shipped() -> Tagger:
    return Tagger(load_codebook(SHIPPED))


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("We moved again", ("moved",)),
        ("always MOVING", ("MOVING",)),
        ("my stuff in bin bags", ("bin bags",)),
        ("Bin-bags, every time", ("Bin-bags",)),
    ],
)
def test_keywords_match_inflections_case_and_hyphens(
    small: Tagger, text: str, evidence: tuple[str, ...]
) -> None:
    assert small.tag(text) == (ThemeMatch("moves", evidence),)


@pytest.mark.parametrize(
    "text", ["my social worker left", "3 social workers", "my socialworker", "my SW’s gone"]
)
def test_multi_word_keywords_match_plurals_joined_forms_and_possessives(
    small: Tagger, text: str
) -> None:
    assert small.tag_ids(text) == ("workers",)


def test_apostrophes_straight_curly_or_missing_are_the_same(small: Tagger) -> None:
    for text in ("they don't listen", "they don’t listen", "they dont listen"):
        assert small.tag_ids(text) == ("talk",)


def test_overlapping_matches_merge_into_one_piece_of_evidence(small: Tagger) -> None:
    assert small.tag("my foster carers were kind") == (ThemeMatch("carers", ("foster carers",)),)
    assert small.tag("it depends where you live!! 😡") == (
        ThemeMatch("area", ("depends where you live",)),
    )


def test_evidence_keeps_reading_order_and_drops_repeats(small: Tagger) -> None:
    assert small.tag("Carer. carer. my post-code") == (
        ThemeMatch("carers", ("Carer",)),
        ThemeMatch("area", ("post-code",)),
    )


def test_exclude_phrase_cancels_only_the_keyword_inside_it(small: Tagger) -> None:
    assert small.tag("I was a young carer") == ()
    assert small.tag("young carers and my foster carer") == (
        ThemeMatch("carers", ("foster carer",)),
    )


def test_themes_come_back_in_codebook_order(small: Tagger) -> None:
    text = "my sw moved me where you live, then a carer"
    assert small.tag_ids(text) == ("carers", "moves", "area", "workers")


def test_text_with_no_keyword_emoji_or_nothing_has_no_themes(small: Tagger) -> None:
    for text in ("", "   ", "👍👍", "yeah it's accurate", "movement"):
        assert small.tag(text) == ()


@pytest.mark.parametrize(
    ("text", "theme_id", "evidence"),
    [
        ("I was fostered at 6", "foster-carers", ("fostered",)),
        ("My foster carers were lovely", "foster-carers", ("foster carers",)),
        ("moved 11 times", "stability-moves", ("moved",)),
        ("Moving schools again", "stability-moves", ("Moving",)),
        ("My SW never calls", "social-workers", ("SW",)),
        ("CAMHS waiting lists", "mental-health", ("CAMHS", "waiting lists")),
        ("It's a post-code lottery", "postcode-lottery", ("post-code", "lottery")),
        ("At 18 it was a cliff edge", "leaving-care", ("At 18", "cliff edge")),
    ],
)
def test_shipped_codebook_tags_common_answers_with_evidence(
    shipped: Tagger, text: str, theme_id: str, evidence: tuple[str, ...]
) -> None:
    assert ThemeMatch(theme_id, evidence) in shipped.tag(text)


def test_shipped_codebook_excludes_young_carers_and_black_bin_bags(shipped: Tagger) -> None:
    assert "foster-carers" not in shipped.tag_ids("I was a young carer for my mum")
    assert "identity-culture" not in shipped.tag_ids("all my stuff in black bin bags")


def test_tagging_is_deterministic(shipped: Tagger) -> None:
    text = (
        "I've had 9 social workers and moved 11 times, my foster carer was the only one "
        "I could trust, and when I turned 18 I ended up in a hostel on my own. "
    ) * 4
    first = shipped.explain(text)
    assert {"social-workers", "stability-moves", "foster-carers", "housing"} <= {
        m.theme_id for m in first.matches
    }
    for _ in range(20):
        assert Tagger(load_codebook(SHIPPED)).explain(text) == first


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("There's a certain stigma attached to growing up in care", "relationships"),
        ("My science teacher gave me a great report at parents' evening", "state-as-parent"),
        ("My local authority put me in a hostel at 17", "postcode-lottery"),
        ("I'd love it if they did more trips in the holidays", "relationships"),
        ("My foster carer is like my mum, she's been there since I was six", "siblings-family"),
        ("It took me ages to move on from it", "stability-moves"),
        ("They send me letters I can't understand", "disability"),
        ("Since having my own house my confidence has grown", "housing"),
        ("It taught us life is not a race", "identity-culture"),
        ("It doesn't take into account what we need", "accountability"),
    ],
)
def test_shipped_codebook_avoids_the_known_keyword_accidents(
    shipped: Tagger, text: str, wrong: str
) -> None:
    assert wrong not in shipped.tag_ids(text)


@pytest.mark.parametrize(
    ("text", "theme_id"),
    [
        ("I read my file and it was like reading about a stranger", "identity-culture"),
        ("My first week alone I had to choose between the gas meter and eating", "leaving-care"),
        ("Eleven homes by the time I was twelve. I stopped unpacking", "stability-moves"),
        ("I cried every night for the first month and nobody noticed", "mental-health"),
        ("I felt like an outcast, people think we'll amount to nothing", "stigma"),
        ("Nobody rang on my birthday. That's when it hit me I had no one", "relationships"),
    ],
)
def test_shipped_tagger_finds_themes_told_in_everyday_words(
    shipped: Tagger, text: str, theme_id: str
) -> None:
    assert theme_id in shipped.tag_ids(text)
