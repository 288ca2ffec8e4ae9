import tomllib
from pathlib import Path

import pytest

from bot.core.errors import DataFileError
from bot.safeguarding.normalise import words
from bot.safeguarding.scrub import (
    DEFAULT_NAMES,
    FirstNames,
    PiiSpan,
    Scrubbed,
    Scrubber,
    load_first_names,
    scrub,
)

ROOT = Path(__file__).parents[2]


def found(text: str) -> list[tuple[str, str]]:
    """What was scrubbed, as (kind, original text) pairs."""
    return [(s.kind, text[s.start : s.end]) for s in scrub(text).spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("text me on 07911 123456 x", [("phone", "07911 123456")]),
        ("ring +44 7911 123 456", [("phone", "+44 7911 123 456")]),
        (
            "office 020 7946 0958 or 0161-496-0123",
            [("phone", "020 7946 0958"), ("phone", "0161-496-0123")],
        ),
        ("email jess.smith@gmail.com pls", [("email", "jess.smith@gmail.com")]),
        ("I lived at 12 Oak Road before", [("address", "12 Oak Road")]),
        ("my nan's is flat 3, 4 High St", [("address", "flat 3, 4 High St")]),
        ("postcode M14 5RT and ls61qr", [("address", "M14 5RT"), ("address", "ls61qr")]),
        (
            "I went to St Mary's Primary then Kingsway High School",
            [("school", "St Mary's Primary"), ("school", "Kingsway High School")],
        ),
        ("I go to Oakwood Academy", [("school", "Oakwood Academy")]),
        ("my snap is jessxo_22", [("handle", "jessxo_22")]),
        ("dm me @shay_b", [("handle", "@shay_b")]),
        ("my social worker Sarah never rings", [("name", "Sarah")]),
        ("me and jess went", [("name", "jess")]),
        ("Mr Patel was the only one", [("name", "Mr Patel")]),
        ("my sw Zsuzsanna is new", [("name", "Zsuzsanna")]),
        ("My foster mum Deborah Walsh is the best", [("name", "Deborah Walsh")]),
        ("my sister Grace is 7", [("name", "Grace")]),
        ("I told Grace about it", [("name", "Grace")]),
        ("Chloe's mum fostered me", [("name", "Chloe")]),
    ],
)
def test_personal_data_is_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Childline 0800 1111 saved me once",
        "Samaritans are 116 123, NSPCC 0808 800 5000, Shout 85258",
        "Switchboard 0300 330 0630 is LGBT+ friendly",
        "I live in Leeds now, it's better than Bradford. Wales should have its own section",
        "Brave Otter is right, same as Gentle Robin",
        "Grace and hope are what I want to feel",
        "Will anyone actually read this? I will never forget",
        "they said I'd get a PA in May but it's nearly August",
        "my social worker will sort it out eventually",
        "I miss my brothers so much",
        "my school was rubbish and secondary school was hard",
        "I moved 12 times in the road to 18",
        "CAMHS was useless and Ofsted came once",
        "see you b4 2pm in Y10 3rd set",
        "my snap is dead now",
        "I had 9 social workers. NINE.",
    ],
)
def test_everyday_words_places_helplines_and_aliases_are_kept(text: str) -> None:
    assert scrub(text) == Scrubbed(text, ())


def test_redacted_text_replaces_each_span_with_its_kind() -> None:
    text = "my sw Priya said call 07700 900123 or email p.k@council.gov.uk"
    assert scrub(text).text == "my sw [name] said call [phone] or email [email]"


def test_offsets_point_into_the_original_text_with_invisible_characters() -> None:
    text = "\u200bmy mate Kac\u200bper, ring ０７７００ ９００１２３"
    result = scrub(text)
    assert [s.kind for s in result.spans] == ["name", "phone"]
    name, phone = result.spans
    assert text[name.start : name.end] == "Kac\u200bper"
    assert text[phone.start : phone.end] == "０７７００ ９００１２３"
    assert result.text == "\u200bmy mate [name], ring [phone]"


def test_odd_input_never_crashes() -> None:
    for text in ["", "😭", "\ud800", "a" * 100_000, "Sarah " * 20_000, "مرحبا Sarah"]:
        result = scrub(text)
        assert all(0 <= s.start < s.end <= len(text) for s in result.spans)


def test_shipped_name_list_loads_and_keeps_everyday_words_ambiguous() -> None:
    names = load_first_names(DEFAULT_NAMES)
    assert len(names.plain) + len(names.ambiguous) >= 300
    assert {"priya", "kwame", "siobhan", "kacper", "rhys", "lukasz"} <= names.plain
    assert {"grace", "will", "may", "hope", "jordan", "summer"} <= names.ambiguous


def test_no_theme_keyword_is_scrubbed_as_a_plain_name() -> None:
    names = load_first_names(DEFAULT_NAMES)
    themes = tomllib.loads((ROOT / "prompts" / "themes.toml").read_text(encoding="utf-8"))
    keywords = {w.norm for t in themes["themes"] for k in t["keywords"] for w in words(k)}
    assert not keywords & names.plain


def test_theme_keywords_survive_the_scrubber_so_the_tagger_still_sees_them() -> None:
    # The tagger reads the scrubbed text: a keyword scrubbed as a name is a theme lost.
    themes = tomllib.loads((ROOT / "prompts" / "themes.toml").read_text(encoding="utf-8"))
    keywords = {k for t in themes["themes"] for k in t["keywords"]}
    for keyword in keywords:
        for text in (f"i think {keyword} matters", f"{keyword.capitalize()} matters to me"):
            assert not [s for s in scrub(text).spans if s.kind == "name"], text


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("Sarah\nJo hn\n", "line 2"),
        ("# only a comment\n", "(file)"),
        ("Sarah\nGrace**\n", "line 2"),
    ],
)
def test_bad_name_list_names_file_and_line(tmp_path: Path, content: str, field: str) -> None:
    path = tmp_path / "names.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_first_names(path)
    assert (info.value.path, info.value.field) == (str(path), field)


def test_a_custom_name_list_is_used() -> None:
    scrubber = Scrubber(FirstNames(frozenset({"zed"}), frozenset()))
    assert scrubber.find("me and zed and sarah") == (PiiSpan(7, 10, "name"),)
