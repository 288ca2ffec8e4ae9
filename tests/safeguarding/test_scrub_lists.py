from importlib import metadata
from pathlib import Path

import pytest

from bot.safeguarding import names_build
from bot.safeguarding.scrub import (
    DEFAULT_NAMES,
    DEFAULT_SURNAMES,
    load_first_names,
    load_surnames,
)
from bot.safeguarding.scrub_names import read_name_list

ROOT = Path(__file__).parents[2]


def generated_header(path: Path) -> str:
    """The line under the generated mark that names the source versions."""
    text = path.read_text(encoding="utf-8")
    return text.split(names_build.GENERATED_MARK + "\n", 1)[1].splitlines()[0]


def test_shipped_lists_are_large_and_keep_the_hand_curated_marks() -> None:
    first = load_first_names(DEFAULT_NAMES)
    surnames = load_surnames(DEFAULT_SURNAMES)
    assert len(first.plain | first.ambiguous | first.proper) >= 10_000
    assert len(surnames.distinct | surnames.everyday) >= 10_000
    head, curated = names_build.curated(DEFAULT_NAMES)
    assert {"grace", "will", "hope", "jordan", "kwame", "siobhan"} <= curated
    assert "Grace*" in head.splitlines() and "Kwame" in head.splitlines()
    # adult and multicultural names, each marked for how it is also used
    assert {"akosua", "dariusz", "oluwadamilare", "esperanza"} <= first.plain
    assert {"richard", "margaret", "bernadette"} <= first.proper
    assert {"patience", "preston", "clare"} <= first.ambiguous
    assert {"okafor", "mcalister", "kowalski"} <= surnames.rare


def test_places_religions_and_slang_are_never_plain_names() -> None:
    first = load_first_names(DEFAULT_NAMES)
    surnames = load_surnames(DEFAULT_SURNAMES)
    anywhere = first.plain | first.proper | surnames.distinct
    kept = {"london", "leeds", "preston", "texas", "muslim", "jesus", "christian", "resi", "vid"}
    assert not kept & anywhere


def test_the_generated_part_is_sorted_once_each_with_a_valid_mark() -> None:
    for path in (DEFAULT_NAMES, DEFAULT_SURNAMES):
        text = path.read_text(encoding="utf-8")
        assert text.count(names_build.GENERATED_MARK) == 1
        lines = text.split(names_build.GENERATED_MARK + "\n", 1)[1].splitlines()[1:]
        keys = [names_build.plain(line.rstrip("*^")) for line in lines]
        assert keys == sorted(set(keys))
        assert read_name_list(path)  # every line parses


def test_the_shipped_lists_are_what_the_build_makes() -> None:
    recorded = generated_header(DEFAULT_NAMES)
    # The sources are pinned dev dependencies, so the versions must agree.
    assert recorded == f"# {names_build.source_versions()}", "rebuild with the pinned sources"
    for path, text in names_build.build().items():
        assert path.read_text(encoding="utf-8") == text, f"{path}: python -m {names_build.__name__}"


@pytest.mark.parametrize(
    ("name", "mark"),
    [
        ("hope", "*"),  # an everyday word
        ("kerry", "*"),  # a county, and a common given name in English
        ("richard", "^"),  # frequent in chat, no word
        ("bex", "^"),  # three letters
        ("akosua", ""),
        ("london", None),  # a place, no English given name
        ("muslim", None),  # NOT_NAMES
        ("junior", None),  # a very common word, a given name only abroad
    ],
)
def test_first_names_are_marked_by_dictionary_frequency_and_place(
    name: str, mark: str | None
) -> None:
    sources = names_build.Sources(
        first={name: {"en_GB"} if name in ("kerry", "hope") else {"tr_TR"}}, last={}, display={}
    )
    assert names_build.first_name_mark(name, sources) == mark


def test_the_build_keeps_the_curated_part_and_writes_only_new_names(tmp_path: Path) -> None:
    path = tmp_path / "first-names.txt"
    path.write_text("# mine\nGrace*\nKwame\n", encoding="utf-8")
    head, have = names_build.curated(path)
    text = names_build.render(head, {"akosua": "Akosua", "zed": "Zed^"})
    assert text.startswith("# mine\nGrace*\nKwame\n\n" + names_build.GENERATED_MARK)
    assert text.endswith("\nAkosua\nZed^\n")
    path.write_text(text, encoding="utf-8")
    assert names_build.curated(path) == (head, have)


def test_source_versions_are_named_for_a_reproducible_rebuild() -> None:
    header = generated_header(DEFAULT_NAMES)
    assert header == generated_header(DEFAULT_SURNAMES)
    for source in names_build.SOURCES:
        assert source in header
    assert all(metadata.version(s) for s in names_build.SOURCES)
