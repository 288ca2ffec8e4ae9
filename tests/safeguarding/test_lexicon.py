from pathlib import Path

import pytest

from bot.core.errors import DataFileError
from bot.safeguarding.lexicon import load_lexicon
from bot.safeguarding.screen import DEFAULT_LEXICON, DisclosureScreen

GOOD = """
schema_version = 1
cues = ["i", "my"]
distancing = ["report"]
negations = ["never"]
fillers = ["just"]
people = ["mum"]
markers = ["always"]
everyday = ["hit the gym"]
asks = ["talk privately"]
past = ["used to"]
over = ["safe now"]
now = ["still"]
jokes = ["lol"]
joke_emoji = ["😂"]
figurative = ["kill me"]

[shorthand]
no1 = "no one"

[groups]
who = ["he", "she"]

[[categories]]
id = "self-harm"
label = "Self-harm"
description = "Hurting themselves."
negatable = false
now_only = false
phrases = ["kill myself", "@who ... hurts me"]
topics = ["suicide"]
concerns = ["no point"]
hints = ["sofa", "nowhere", "~angry"]
emoji = ["🩸"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "safeguarding.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_lexicon_loads() -> None:
    lexicon = load_lexicon(DEFAULT_LEXICON)
    assert len(lexicon.categories) == 8
    assert all(c.phrases or c.topics for c in lexicon.categories)
    assert lexicon.model_file == DEFAULT_LEXICON.parent / "safeguarding-model.json"
    assert [c.id for c in lexicon.categories if c.now_only] == ["bullying"]
    assert lexicon.past and lexicon.over and lexicon.now and lexicon.asks


def test_a_lexicon_names_its_model_relative_to_its_folder(tmp_path: Path) -> None:
    path = write(tmp_path, 'model = "m.json"\n' + GOOD)
    assert load_lexicon(path).model_file == tmp_path / "m.json"
    assert load_lexicon(write(tmp_path, GOOD)).model_file is None


def test_a_small_lexicon_screens_by_its_own_rules(tmp_path: Path) -> None:
    screen = DisclosureScreen.from_file(write(tmp_path, GOOD))
    assert screen.screen("she just really hurts me").categories == ("self-harm",)
    assert screen.screen("i read about suicide").disclosure
    assert not screen.screen("the report on suicide").disclosure
    assert screen.screen("🩸").disclosure


def test_a_small_lexicon_runs_the_concern_layer_by_its_own_rules(tmp_path: Path) -> None:
    screen = DisclosureScreen.from_file(write(tmp_path, GOOD))
    assert screen.screen("i see no point").disclosure  # concern with a cue
    assert not screen.screen("the report had no point").disclosure  # no cue
    assert screen.screen("mum has a sofa and nowhere").disclosure  # two hints, a person
    assert not screen.screen("i have a sofa").disclosure  # one hint never counts alone
    assert not screen.screen("i was angry").disclosure  # "~angry": the old way to say so
    assert screen.screen("i was always angry").disclosure  # a marker pairs with a hint
    assert not screen.screen("i hit the gym").disclosure  # everyday phrase
    assert screen.screen("no1 cares, i see no point").disclosure


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (("schema_version = 1", "schema_version = 2"), "schema_version", "must be 1"),
        (("cues = [", "colour = 1\ncues = ["), "colour", "unknown key"),
        (('id = "self-harm"', 'id = "Self Harm"'), "categories[0].id", "lowercase"),
        (('id = "self-harm"\n', ""), "categories[0].id", "non-empty string"),
        (('phrases = ["kill myself",', "phrases = [3,"), "categories[0].phrases[0]", "strings"),
        (("@who ... hurts me", "@whom hurts me"), "categories[0].phrases[1]", "unknown group"),
        (("@who ... hurts me", "... hurts me"), "categories[0].phrases[1]", "start or end"),
        (("negatable = false", 'negatable = "no"'), "categories[0].negatable", "true or false"),
        (('fillers = ["just"]', 'fillers = ["just so"]'), "fillers[0]", "one plain word"),
        (('cues = ["i", "my"]', "cues = []"), "cues", "non-empty"),
        (('who = ["he", "she"]', 'who = ["he", "@who"]'), "groups.who[1]", "@ or ..."),
        (('topics = ["suicide"]', 'topics = ["!!"]'), "categories[0].topics[0]", "no letters"),
        (("[[categories]]", "[[categories]]\nsize = 3"), "categories[0].size", "unknown key"),
        (('no1 = "no one"', "no1 = 3"), "shorthand.no1", "plain words"),
        (('no1 = "no one"', '"no 1" = "no one"'), "shorthand.no 1", "one written word"),
        (('no1 = "no one"', 'no1 = "@who"'), "shorthand.no1", "without @"),
        (('people = ["mum"]', "people = [1]"), "people[0]", "strings"),
        (('hints = ["sofa",', 'hints = ["@whom",'), "categories[0].hints[0]", "unknown group"),
        (("schema_version = 1", "schema_version = = 1"), "(syntax)", ""),
        (("now_only = false", "now_only = 1"), "categories[0].now_only", "true or false"),
        (('asks = ["talk privately"]', 'asks = ["@whom"]'), "asks[0]", "unknown group"),
        (('past = ["used to"]', "past = [1]"), "past[0]", "strings"),
        (('joke_emoji = ["😂"]', 'joke_emoji = [""]'), "joke_emoji", "non-empty"),
        (('figurative = ["kill me"]', 'figurative = ["!!"]'), "figurative[0]", "no letters"),
        (("schema_version = 1", 'schema_version = 1\nmodel = ""'), "model", "model file"),
    ],
)
def test_malformed_lexicon_names_file_and_field(
    tmp_path: Path, edit: tuple[str, str], field: str, words: str
) -> None:
    old, new = edit
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DataFileError) as info:
        load_lexicon(path)
    assert (info.value.path, info.value.field) == (str(path), field)
    assert words in info.value.problem


def test_duplicate_category_id_is_rejected(tmp_path: Path) -> None:
    block = GOOD[GOOD.index("[[categories]]") :]
    path = write(tmp_path, GOOD + block)
    with pytest.raises(DataFileError) as info:
        load_lexicon(path)
    assert info.value.field == "categories[1].id"


def test_missing_lexicon_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as info:
        load_lexicon(tmp_path / "nope.toml")
    assert info.value.field == "(file)"
