from pathlib import Path

import pytest

from bot.safeguarding.scrub import (
    FirstNames,
    PiiSpan,
    Scrubber,
    Surnames,
    load_first_names,
    load_surnames,
    scrub,
)
from bot.safeguarding.scrub_names import read_name_list


def names(text: str) -> list[str]:
    return [text[s.start : s.end] for s in scrub(text).spans if s.kind == "name"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # names not on the old list: adult, African, Eastern European, Irish, unusual
        ("Dariusz from my old unit still messages me", ["Dariusz"]),
        ("me and chidinma went to the cinema", ["chidinma"]),
        ("Richard said I could stay", ["Richard"]),
        ("my social worker Gráinne never rings back", ["Gráinne"]),
        ("Esperanza was kind to me", ["Esperanza"]),
        # after a role or relative, listed or not
        ("i live with my great aunty Akosua now", ["Akosua"]),
        ("my old youth worker Zoltán got me into boxing", ["Zoltán"]),
        ("my mates mum Sandra took me in", ["Sandra"]),
        ("ring the office and ask for Winston", ["Winston"]),
        ("Thandiwe, my keyworker, is leaving", ["Thandiwe"]),
        ("Lachlan is my foster brother", ["Lachlan"]),
        # everyday words that are names, when they clearly are
        ("my carer Patience is amazing", ["Patience"]),
        ("Blessing was my first foster carer", ["Blessing"]),
        ("Mark from the council came once", ["Mark"]),
        ("I told Faith everything", ["Faith"]),
        # titles, surnames, families
        ("Mr Okonkwo-Davies from the virtual school", ["Mr Okonkwo-Davies"]),
        ("lived with the McAlisters for 2 years", ["McAlisters"]),
        ("the Patels were my respite carers", ["Patels"]),
        ("we stayed with the Kowalskis at christmas", ["Kowalskis"]),
        ("the Smith-Jones family fostered me", ["Smith-Jones"]),
        ("the Hamilton-Smiths were strict", ["Hamilton-Smiths"]),
        ("the Brown family were lovely", ["Brown"]),
        ("Ashleigh-Rose is my little sister", ["Ashleigh-Rose"]),
        ("the only one who listened was Adeyemi", ["Adeyemi"]),
        # a surname joins the first name, capitalised or not
        ("my sw Nkechi Eze left", ["Nkechi Eze"]),
        ("me and kofi mensah went", ["kofi mensah"]),
    ],
)
def test_names_are_found(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I love Liverpool and Manchester is alright",
        "Moved to Preston in 2019, then Blackpool, then Stoke-on-Trent",
        "Christian values are pushed in my placement but I'm Muslim",
        "my French teacher is sound, Polish food is the best",
        "Love Island is trash but I watch it",
        "Self Harm is not attention seeking",
        "Jesus christ the wait is long",
        "I watched Tracy Beaker growing up and it was nothing like that",
        "the Simpsons is my favourite show and the Tories cut everything",
        "the Greens and Labour both promised stuff",
        "Anglo-Saxon history and Afro-Caribbean food",
        "Hope this helps someone. Will they listen? Faith in the system is gone",
        "Swift Heron is right, same as Gentle Robin",
        "Asked my sw and she said no. Miss my mum so much",
        "However, my carer said no. Luckily my sw was there",
        "I promised my sister I'd ring her every Sunday",
        "I was in resi at 15 and my nana visited",
        "I got a Costa coffee and a Greggs after seeing Stormzy",
        "Kingston upon Thames is posh, Washington is where my dad lives",
    ],
)
def test_everyday_words_places_and_brands_are_kept(text: str) -> None:
    assert names(text) == []


def test_a_caret_name_counts_only_when_capitalised() -> None:
    scrubber = Scrubber(FirstNames(frozenset(), frozenset(), frozenset({"vid"})))
    assert scrubber.find("Vid came round") == (PiiSpan(0, 3, "name"),)
    assert scrubber.find("watched a vid") == ()
    assert scrubber.find("my bf vid is sound") == (PiiSpan(6, 9, "name"),)


def test_a_rare_surname_counts_alone_but_a_common_one_only_in_a_family() -> None:
    surnames = Surnames(
        distinct=frozenset({"okafor", "khan"}), rare=frozenset({"okafor"}), everyday=frozenset()
    )
    scrubber = Scrubber(FirstNames(frozenset(), frozenset()), surnames)
    assert scrubber.find("ask Okafor") == (PiiSpan(4, 10, "name"),)
    assert scrubber.find("ask Khan") == ()
    assert scrubber.find("the Khans") == (PiiSpan(4, 9, "name"),)
    assert scrubber.find("went to Okafor") == ()  # after "to" it may be a place


def test_a_name_listed_twice_keeps_its_most_careful_mark(tmp_path: Path) -> None:
    path = tmp_path / "names.txt"
    path.write_text("Grace\nGrace*\nVid^\nvid\nSam\n", encoding="utf-8")
    assert read_name_list(path) == {"grace": "*", "vid": "^", "sam": ""}
    names = load_first_names(path)
    assert (names.plain, names.ambiguous, names.proper) == (
        frozenset({"sam"}),
        frozenset({"grace"}),
        frozenset({"vid"}),
    )


def test_surname_marks_split_rare_frequent_and_everyday(tmp_path: Path) -> None:
    path = tmp_path / "surnames.txt"
    path.write_text("# a comment\nOkafor\nKhan^\nBrown*\n", encoding="utf-8")
    surnames = load_surnames(path)
    assert surnames.distinct == {"okafor", "khan"}
    assert surnames.rare == {"okafor"} and surnames.everyday == {"brown"}


def test_the_surname_list_beside_a_custom_first_name_list_is_used(tmp_path: Path) -> None:
    (tmp_path / "first-names.txt").write_text("Sam\n", encoding="utf-8")
    (tmp_path / "surnames.txt").write_text("Zbyszko\n", encoding="utf-8")
    scrubber = Scrubber.from_file(tmp_path / "first-names.txt")
    assert scrubber.find("the Zbyszkos and sam") == (
        PiiSpan(4, 12, "name"),
        PiiSpan(17, 20, "name"),
    )
