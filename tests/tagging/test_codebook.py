import re
from pathlib import Path

import pytest

from bot.core.errors import DataFileError
from bot.tagging.codebook import NotExample, load_codebook

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

HEAD = 'schema_version = 2\nconventions = ["Code what the answer is about."]\n'
GOOD_THEME = """
[[themes]]
id = "housing"
label = "Housing"
description = "Where people live."
include = "Finding, keeping or losing a home."
exclude = "Money for bills goes to leaving care."
examples = ["My flat has damp.", "I was sofa surfing.", "The hostel was scary."]
not_examples = ["I couldn't pay the electric. → none"]
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


def test_shipped_codebook_is_a_coding_manual() -> None:
    codebook = load_codebook(SHIPPED)
    assert len(codebook.conventions) >= 30
    assert any("stigma attached" in rule for rule in codebook.conventions)
    for theme in codebook.themes:
        assert theme.include and theme.exclude, theme.id
        assert len(theme.examples) >= 3, theme.id
        assert theme.not_examples, theme.id
    trap = codebook.theme("siblings-family").not_examples[0]
    assert trap.themes == ("foster-carers", "relationships")
    assert codebook.theme("relationships").not_examples[0].themes == ()
    assert codebook.model_file == SHIPPED.parent / "themes-model.json"


def test_shipped_codebook_applies_the_third_reads_sharpenings() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    changes = {
        int(n)
        for found in re.findall(r"third read, changes? ([\d, ]+)", text, re.I)
        for n in found.replace(" ", "").strip(",").split(",")
    }
    assert changes == set(range(1, 26))


def test_theme_lookup_of_unknown_id_names_the_known_ones() -> None:
    codebook = load_codebook(SHIPPED)
    with pytest.raises(KeyError, match="relationships"):
        codebook.theme("weather")


def test_minimal_codebook_loads_with_empty_exclude_phrases(tmp_path: Path) -> None:
    codebook = load_codebook(write(tmp_path, HEAD + GOOD_THEME))
    theme = codebook.theme("housing")
    assert theme.keywords == ("flat", "hostel")
    assert theme.exclude_phrases == ()
    assert theme.exclude == "Money for bills goes to leaving care."
    assert theme.not_examples == (NotExample("I couldn't pay the electric.", ()),)
    assert codebook.conventions == ("Code what the answer is about.",)
    assert codebook.model_file is None


def test_notes_spread_over_lines_read_as_one_line(tmp_path: Path) -> None:
    theme = GOOD_THEME.replace('"Finding, keeping', '"""Finding,\n   keeping').replace(
        'a home."', 'a home."""'
    )
    codebook = load_codebook(write(tmp_path, HEAD + theme))
    assert codebook.theme("housing").include == "Finding, keeping or losing a home."


def test_model_is_named_relative_to_the_codebook(tmp_path: Path) -> None:
    codebook = load_codebook(write(tmp_path, HEAD + 'model = "m.json"\n' + GOOD_THEME))
    assert codebook.model_file == tmp_path / "m.json"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (HEAD + "colour = 'red'\n" + GOOD_THEME, "colour"),
        (HEAD + GOOD_THEME + "colour = 'red'\n", "themes[0].colour"),
        (HEAD + GOOD_THEME.replace('label = "Housing"\n', ""), "themes[0].label"),
        (HEAD + GOOD_THEME + GOOD_THEME, "themes[1].id"),
        (HEAD.replace("= 2", "= 1") + GOOD_THEME, "schema_version"),
        (HEAD.replace("= 2", "= '2'") + GOOD_THEME, "schema_version"),
        (HEAD.split("\n", 1)[1] + GOOD_THEME, "schema_version"),
        ("schema_version = 2\n" + GOOD_THEME, "conventions"),
        (HEAD.replace('["Code what the answer is about."]', "[]") + GOOD_THEME, "conventions"),
        (HEAD.replace('"Code what the answer is about."', "3") + GOOD_THEME, "conventions[0]"),
        (HEAD + "model = 3\n" + GOOD_THEME, "model"),
        (HEAD, "themes"),
        (HEAD + GOOD_THEME.replace('["flat", "hostel"]', "[]"), "themes[0].keywords"),
        (HEAD + GOOD_THEME.replace('["flat", "hostel"]', '"flat"'), "themes[0].keywords"),
        (HEAD + GOOD_THEME.replace('"hostel"', "3"), "themes[0].keywords[1]"),
        (HEAD + GOOD_THEME.replace('"hostel"', '"!!"'), "themes[0].keywords[1]"),
        (HEAD + GOOD_THEME + "exclude_phrases = 'x'\n", "themes[0].exclude_phrases"),
        (
            HEAD + GOOD_THEME.replace('"Money for bills goes to leaving care."', "['x']"),
            "themes[0].exclude",
        ),
        (
            HEAD + GOOD_THEME.replace('"Money for bills goes to leaving care."', '"  "'),
            "themes[0].exclude",
        ),
        (
            HEAD + GOOD_THEME.replace('include = "Finding, keeping or losing a home."\n', ""),
            "themes[0].include",
        ),
        (HEAD + GOOD_THEME.replace('"I was sofa surfing.", ', ""), "themes[0].examples"),
        (HEAD + GOOD_THEME.replace('"I was sofa surfing."', '""'), "themes[0].examples[1]"),
        (HEAD + GOOD_THEME.replace("→ none", "none"), "themes[0].not_examples[0]"),
        (HEAD + GOOD_THEME.replace("→ none", "→ weather"), "themes[0].not_examples[0]"),
        (HEAD + GOOD_THEME.replace("→ none", "→ housing"), "themes[0].not_examples[0]"),
        (HEAD + GOOD_THEME.replace("→ none", "→ none, housing"), "themes[0].not_examples[0]"),
        (HEAD + GOOD_THEME.replace("→ none", "→ "), "themes[0].not_examples[0]"),
        (HEAD + GOOD_THEME.replace('id = "housing"', 'id = "Housing"'), "themes[0].id"),
        (HEAD + GOOD_THEME.replace('id = "housing"', 'id = "housing_x"'), "themes[0].id"),
        (HEAD + GOOD_THEME.replace('label = "Housing"', 'label = ""'), "themes[0].label"),
        (HEAD + "themes = [1]\n", "themes[0]"),
        (HEAD + "[[themes]\nid = 'x'\n", "(syntax)"),
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
    path.write_bytes(b"schema_version = 2\n# caf\xe9\n")
    assert load_error(path).field == "(file)"


def test_every_shipped_theme_has_a_young_peoples_label() -> None:
    codebook = load_codebook(SHIPPED)
    for theme in codebook.themes:
        assert theme.young_label and theme.label_for_young_people == theme.young_label, theme.id
    assert codebook.theme("state-as-parent").young_label == "How the council looks after you"


@pytest.mark.parametrize(
    ("young_label", "problem"),
    [
        ('""', "must be a non-empty string on one line"),
        ("3", "must be a non-empty string on one line"),
        ('"""Two\nlines"""', "must be a non-empty string on one line"),
        ('"' + "long " * 13 + '"', "characters: keep it under 60"),
    ],
)
def test_a_bad_young_label_is_refused_naming_the_theme(
    tmp_path: Path, young_label: str, problem: str
) -> None:
    theme = GOOD_THEME.replace(
        'label = "Housing"\n', f'label = "Housing"\nyoung_label = {young_label}\n'
    )
    error = load_error(write(tmp_path, HEAD + theme))
    assert error.field == "themes[0].young_label" and problem in str(error)


def test_without_a_young_label_young_people_see_the_label(tmp_path: Path) -> None:
    (theme,) = load_codebook(write(tmp_path, HEAD + GOOD_THEME)).themes
    assert theme.young_label == "" and theme.label_for_young_people == "Housing"
