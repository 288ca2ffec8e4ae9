from pathlib import Path

import pytest

from bot.core.errors import DataFileError
from bot.tagging.codebook import load_codebook

SHIPPED = Path(__file__).parents[2] / "prompts" / "themes.toml"
EXPECTED_IDS = (
    "relationships",
    "voice-advocacy",
    "stigma",
    "identity-culture",
    "foster-carers",
    "postcode-lottery",
    "leaving-care",
    "early-help",
    "safety-protection",
    "siblings-family",
    "stability-moves",
    "social-workers",
    "mental-health",
    "education",
    "housing",
    "disability",
    "language",
    "accountability",
    "state-as-parent",
)

GOOD_THEME = """
[[themes]]
id = "housing"
label = "Housing"
description = "Where people live."
keywords = ["flat", "hostel"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "themes.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        load_codebook(path)
    assert info.value.path == str(path)
    return info.value


def test_shipped_codebook_has_the_nineteen_themes_in_order() -> None:
    codebook = load_codebook(SHIPPED)
    assert codebook.ids == EXPECTED_IDS
    assert codebook.theme("postcode-lottery").label == "Post-code lottery"
    assert all(t.label and t.description and t.keywords for t in codebook.themes)


def test_theme_lookup_of_unknown_id_names_the_known_ones() -> None:
    codebook = load_codebook(SHIPPED)
    with pytest.raises(KeyError, match="relationships"):
        codebook.theme("weather")


def test_minimal_codebook_loads_with_empty_exclude(tmp_path: Path) -> None:
    codebook = load_codebook(write(tmp_path, "schema_version = 1\n" + GOOD_THEME))
    theme = codebook.theme("housing")
    assert theme.keywords == ("flat", "hostel")
    assert theme.exclude == ()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("schema_version = 1\ncolour = 'red'\n" + GOOD_THEME, "colour"),
        ("schema_version = 1\n" + GOOD_THEME + "colour = 'red'\n", "themes[0].colour"),
        ("schema_version = 1\n" + GOOD_THEME.replace('label = "Housing"\n', ""), "themes[0].label"),
        ("schema_version = 1\n" + GOOD_THEME + GOOD_THEME, "themes[1].id"),
        ("schema_version = 2\n" + GOOD_THEME, "schema_version"),
        ("schema_version = '1'\n" + GOOD_THEME, "schema_version"),
        (GOOD_THEME, "schema_version"),
        ("schema_version = 1\n", "themes"),
        (
            "schema_version = 1\n" + GOOD_THEME.replace('["flat", "hostel"]', "[]"),
            "themes[0].keywords",
        ),
        (
            "schema_version = 1\n" + GOOD_THEME.replace('["flat", "hostel"]', '"flat"'),
            "themes[0].keywords",
        ),
        ("schema_version = 1\n" + GOOD_THEME.replace('"hostel"', "3"), "themes[0].keywords[1]"),
        ("schema_version = 1\n" + GOOD_THEME.replace('"hostel"', '"!!"'), "themes[0].keywords[1]"),
        ("schema_version = 1\n" + GOOD_THEME + "exclude = 'x'\n", "themes[0].exclude"),
        ("schema_version = 1\n" + GOOD_THEME.replace('"housing"', '"Housing"'), "themes[0].id"),
        ("schema_version = 1\n" + GOOD_THEME.replace('"housing"', '"housing_x"'), "themes[0].id"),
        ("schema_version = 1\n" + GOOD_THEME.replace('"Housing"', '""'), "themes[0].label"),
        ("schema_version = 1\nthemes = [1]\n", "themes[0]"),
        ("schema_version = 1\n[[themes]\nid = 'x'\n", "(syntax)"),
    ],
)
def test_malformed_codebook_names_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    error = load_error(write(tmp_path, text))
    assert error.field == field
    assert error.problem
    assert str(tmp_path) in str(error)


def test_missing_codebook_file_is_a_data_file_error(tmp_path: Path) -> None:
    error = load_error(tmp_path / "absent.toml")
    assert error.field == "(file)"


def test_codebook_that_is_not_utf8_is_a_data_file_error(tmp_path: Path) -> None:
    path = tmp_path / "themes.toml"
    path.write_bytes(b"schema_version = 1\n# caf\xe9\n")
    assert load_error(path).field == "(file)"
