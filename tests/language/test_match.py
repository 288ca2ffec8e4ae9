"""The matcher: whole words, any case, inflections, quotations, acronyms, longest match."""

from __future__ import annotations

import pytest

from bot.language.match import Inflect, Matcher, inflections, phrase_key, quoted_spans


def found(text: str, *phrases: str | tuple[str, Inflect]) -> list[str]:
    """The words found in ``text``, as written there."""
    entries = [(p, Inflect.NOUN) if isinstance(p, str) else p for p in phrases]
    matcher = Matcher((phrase, inflect, phrase) for phrase, inflect in entries)
    return [hit.text for hit in matcher.find(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Where is your placement?",
        "Both PLACEMENTS were far away.",
        "My Placement's rules",
        "the placements' rules",
    ],
)
def test_a_noun_is_found_in_any_case_singular_plural_or_possessive(text: str) -> None:
    assert [w.lower().rstrip("'s") for w in found(text, "placement")] == ["placement"]


def test_irregular_plurals_are_inflections_too() -> None:
    assert found("All looked after children's views", "looked after child") == [
        "looked after children's"
    ]
    assert found("Hyphens: looked-after children.", "looked after child") == [
        "looked-after children"
    ]


def test_only_the_last_word_is_inflected() -> None:
    assert found("Carers looking after children", "looked after child") == []
    assert found("Two care leavers said", "care leaver") == ["care leavers"]


def test_whole_words_only() -> None:
    assert found("our community unit", "unit") == ["unit"]
    assert found("a reunion, a uniting of units", "unit") == ["units"]


def test_verb_endings_match_only_verb_rows() -> None:
    assert found("They absconded; absconding; absconds.", ("abscond", Inflect.VERB)) == [
        "absconded",
        "absconding",
        "absconds",
    ]
    # A noun row does not take -ed: "united" is not a form of "unit".
    assert found("The United Kingdom", "unit") == []
    assert found("We stopped, stopping", ("stop", Inflect.VERB)) == ["stopped", "stopping"]


def test_none_matches_only_the_word_as_written() -> None:
    assert found("vulnerable, vulnerables", ("vulnerable", Inflect.NONE)) == ["vulnerable"]


def test_acronyms_match_only_in_capitals_with_plural_and_possessive() -> None:
    text = "Your PEP, two PEPs, the PEP's aims, a pep talk, a Pep rally"
    assert found(text, "PEP") == ["PEP", "PEPs", "PEP's"]
    assert found("lac of sleep; LAC review", "LAC") == ["LAC"]


def test_capitals_in_the_text_still_find_ordinary_words() -> None:
    assert found("FAMILY CONTACT TIME", "contact") == ["CONTACT"]


@pytest.mark.parametrize(
    "text",
    [
        'young people dislike "placement"',
        "young people dislike “placement”",
        "young people dislike 'placement' and 'contact'",
        "young people dislike ‘placement’",
        "the words 'the placement's rules' were used",
    ],
)
def test_words_in_quotation_marks_are_skipped(text: str) -> None:
    assert found(text, "placement", "contact") == []


def test_apostrophes_are_not_quotation_marks() -> None:
    text = "Don't move my placement. The carers' placement isn't 'home'."
    assert found(text, "placement", "home") == ["placement", "placement"]


def test_the_longest_match_wins_where_phrases_overlap() -> None:
    assert found("Your CLA review is on Monday", "CLA", "CLA review") == ["CLA review"]
    assert found("A contact centre, then contact", "contact", "contact centre") == [
        "contact centre",
        "contact",
    ]


def test_hits_carry_offsets_and_the_value_they_were_registered_with() -> None:
    matcher = Matcher([("respite", Inflect.NOUN, 7)])
    (hit,) = matcher.find("A night of Respite.")
    assert (hit.start, hit.end, hit.text, hit.value) == (11, 18, "Respite", 7)


def test_phrase_keys_ignore_case_hyphens_and_spacing_but_keep_acronyms() -> None:
    assert phrase_key("Looked-After  Child") == ("looked", "after", "child")
    assert phrase_key("CLA review") == ("CLA", "review")
    assert phrase_key("CLA review", fold=True) == ("cla", "review")


def test_inflections_of_each_kind() -> None:
    assert inflections("sibling", Inflect.NOUN) == {"sibling", "siblings", "sibling's"}
    assert inflections("sanction", Inflect.NONE) == {"sanction"}
    assert {"parties", "party's"} <= inflections("party", Inflect.NOUN)
    assert {"places", "placed", "placing"} <= inflections("place", Inflect.VERB)
    assert inflections("IRO", Inflect.NONE) == {"IRO", "IROs", "IRO's"}


def test_quoted_spans_cover_the_quotation_marks() -> None:
    text = 'say "home" not that'
    ((start, end),) = quoted_spans(text)
    assert text[start:end] == '"home"'


def test_a_phrase_with_no_words_is_refused() -> None:
    with pytest.raises(ValueError, match="no words"):
        Matcher([("—", Inflect.NOUN, None)])
