"""The glossary: the shipped one loads with a source on every row; malformed rows are
DataFileErrors naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_PROMPTS_DIR
from bot.core.errors import DataFileError
from bot.language.glossary import GLOSSARY_FILE, Level, load_glossary
from bot.language.match import Inflect

# Pages kept aside for independent evaluation (shared/reserved-sources.md): never a source.
RESERVED = (
    "tactfostering.org.uk",
    "surreycc.gov.uk",
    "learning.nspcc.org.uk",
    "cognus.org.uk",
    "nelincs.gov.uk",
    "bettercarenetwork.org",
)


def test_the_shipped_glossary_loads_with_a_public_source_on_every_row() -> None:
    glossary = load_glossary(DEFAULT_PROMPTS_DIR / GLOSSARY_FILE)
    assert len(glossary.terms) >= 30
    for row in glossary.terms:
        assert row.sources, row.term
        assert row.note, row.term
        for source in row.sources:
            assert source.url.startswith(("https://", "http://")), source.id
            assert not any(r in source.url.lower() for r in RESERVED), source.url
    assert {row.level for row in glossary.terms} == set(Level)


@pytest.mark.parametrize("acronym", ["LAC", "CLA", "IRO", "PEP", "PA", "UASC", "CAMHS", "SW"])
def test_the_acronyms_young_people_asked_about_are_flagged_with_full_words(acronym: str) -> None:
    row = load_glossary(DEFAULT_PROMPTS_DIR / GLOSSARY_FILE).find(acronym)
    assert row is not None
    assert row.level in (Level.ERROR, Level.WARN)
    assert row.prefer


def test_find_matches_terms_and_variants_in_any_case() -> None:
    glossary = load_glossary(DEFAULT_PROMPTS_DIR / GLOSSARY_FILE)
    row = glossary.find("Looked-After Child")
    assert row is not None and row.term == "looked after child"
    assert glossary.find("laac") is glossary.find("LAC")
    assert glossary.find("sunshine") is None


GOOD = """
schema_version = 1

[sources.group]
title = "Our words"
url = "https://example.org/words"
by = "A children in care council"

[[terms]]
term = "placement"
prefer = ["home"]
level = "warn"
source = ["group"]
note = "Say home."

[[terms]]
term = "abscond"
prefer = ["run away"]
level = "error"
source = "group"
note = "Say what happened."
inflect = "verb"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / GLOSSARY_FILE
    path.write_text(text, encoding="utf-8")
    return path


def test_a_well_formed_glossary_loads(tmp_path: Path) -> None:
    glossary = load_glossary(write(tmp_path, GOOD))
    placement, abscond = glossary.terms
    assert placement.prefer == ("home",)
    assert placement.inflect is Inflect.NOUN
    assert abscond.level is Level.ERROR and abscond.inflect is Inflect.VERB
    assert abscond.sources[0].title == "Our words"  # a single source id is a list of one


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ('level = "warn"', 'level = "severe"', "terms[1].level", "must be one of error, warn"),
        ('source = ["group"]\n', "", "terms[1].source", "is missing"),
        ('source = ["group"]', "source = []", "terms[1].source", "non-empty list"),
        ('source = ["group"]', 'source = ["nobody"]', "terms[1].source", "not a [sources.ID]"),
        ('term = "abscond"', 'term = "Placement"', "terms[2].term", "already listed"),
        ('inflect = "verb"', 'variants = ["x", "Placement"]', "terms[2].variants[2]", "already"),
        ('note = "Say home."', 'note = ""', "terms[1].note", "missing or empty"),
        ('prefer = ["home"]', 'prefer = ["home", 3]', "terms[1].prefer[2]", "non-empty text"),
        ('inflect = "verb"', 'inflect = "adverb"', "terms[2].inflect", "one of noun, verb, none"),
        ('level = "warn"', 'level = "warn"\ncolour = "red"', "terms[1].colour", "not a known key"),
        ('url = "https://example.org/words"', 'url = "x.org"', "sources.group.url", "web address"),
        ('by = "A children in care council"\n', "", "sources.group.by", "missing or empty"),
        ("schema_version = 1", "schema_version = 2", "schema_version", "must be 1"),
    ],
)  # fmt: skip
def test_a_malformed_row_names_the_file_and_the_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DataFileError) as caught:
        load_glossary(path)
    assert caught.value.path == str(path)
    assert caught.value.field == field
    assert problem in caught.value.problem


def test_a_duplicate_written_with_a_hyphen_is_still_a_duplicate(tmp_path: Path) -> None:
    text = GOOD.replace('term = "abscond"', 'term = "attention-seeking"').replace(
        'term = "placement"', 'term = "attention seeking"'
    )
    with pytest.raises(DataFileError) as caught:
        load_glossary(write(tmp_path, text))
    assert caught.value.field == "terms[2].term"
    assert "'attention-seeking' is already listed at terms[1].term" in caught.value.problem


def test_a_glossary_without_rows_or_sources_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="terms: must have at least one"):
        load_glossary(write(tmp_path, GOOD.split("[[terms]]")[0]))
    with pytest.raises(DataFileError, match=r"sources: must have at least one \[sources.ID\]"):
        load_glossary(write(tmp_path, "schema_version = 1\n"))


def test_an_unreadable_glossary_is_a_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"\(file\): cannot be read"):
        load_glossary(tmp_path / "missing.toml")
    with pytest.raises(DataFileError, match=r"\(syntax\)"):
        load_glossary(write(tmp_path, "terms = [\n"))
