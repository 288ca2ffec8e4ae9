"""How keyword matches and model probabilities join into tags (tagger.py's docstring)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import DataFileError
from bot.tagging.codebook import Codebook
from bot.tagging.tagger import Tagger, ThemeMatch
from bot.tagging.theme_model import Fusion, load_theme_model
from tests.tagging.model_sample import CODEBOOK, MOVES, SCHOOL, model_data, theme_model

PLAIN = Fusion(keyword_floor=0.0, model_alone=0.9, fallback=0.5)


def test_a_keyword_match_stands_when_the_floor_is_zero() -> None:
    tagger = Tagger(CODEBOOK, model=theme_model(fusion=PLAIN))
    (match,) = tagger.tag("we moved again")
    assert match == ThemeMatch("moves", ("moved",))
    assert match.source == "keywords"
    assert match.score == pytest.approx(1 / (1 + 2.718281828459045**4))


def test_a_keyword_match_the_model_finds_unlikely_is_held_back_and_said() -> None:
    fusion = Fusion(keyword_floor=0.05, model_alone=0.9, fallback=1.01)
    found = Tagger(CODEBOOK, model=theme_model(fusion=fusion)).explain("we moved again")
    assert found.matches == ()
    assert found.held_back == (ThemeMatch("moves", ("moved",)),)


def test_the_model_alone_tags_a_likely_theme_and_shows_the_nearest_coded_answers() -> None:
    (match,) = Tagger(CODEBOOK, model=theme_model(fusion=PLAIN)).tag("bags everywhere")
    assert match.theme_id == "moves"
    assert match.source == "model"
    assert match.score is not None and match.score > 0.9
    assert [e.id for e in match.examples] == ["ex1"]
    assert match.evidence == ("like ex1: “my bags were packed again”",)


def test_an_answer_with_no_tag_gets_the_likeliest_theme_above_the_fallback() -> None:
    model = theme_model(fusion=PLAIN, bags=4.4)  # p(moves | "bags") is about 0.6
    assert Tagger(CODEBOOK, model=model).tag_ids("bags") == ("moves",)
    strict = theme_model(fusion=Fusion(keyword_floor=0.0, model_alone=0.9, fallback=0.7), bags=4.4)
    found = Tagger(CODEBOOK, model=strict).explain("bags")
    assert found.matches == ()
    assert max(found.scores, key=lambda t: found.scores[t]) == "moves"


def test_the_fallback_gives_no_theme_to_an_answer_the_model_knows_nothing_about() -> None:
    assert Tagger(CODEBOOK, model=theme_model(fusion=PLAIN)).tag("ok cool") == ()


def test_a_theme_the_model_was_not_trained_on_is_tagged_by_its_keywords() -> None:
    fusion = Fusion(keyword_floor=0.5, model_alone=0.9, fallback=1.01)
    tagger = Tagger(CODEBOOK, model=theme_model(fusion=fusion))
    assert tagger.tag_ids("my postcode, my exam") == ("area",)  # exam held back, area stands


def test_tags_keep_codebook_order_whatever_gave_them() -> None:
    tagger = Tagger(CODEBOOK, model=theme_model(fusion=PLAIN))
    assert tagger.tag_ids("my postcode and my teacher, then we moved") == (
        "moves",
        "school",
        "area",
    )


def test_modes_measure_keywords_alone_and_the_model_alone() -> None:
    model = theme_model(fusion=PLAIN)
    text = "we moved, teacher"
    assert Tagger(CODEBOOK, model=model, mode="keywords").tag_ids(text) == ("moves",)
    assert Tagger(CODEBOOK, model=model, mode="model").tag_ids(text) == ("school",)
    assert Tagger(CODEBOOK, model=model).tag_ids(text) == ("moves", "school")
    assert Tagger(CODEBOOK, model=None, mode="model").mode == "keywords"


def test_tag_ids_agrees_with_tag() -> None:
    tagger = Tagger(CODEBOOK, model=theme_model(fusion=PLAIN, bags=4.4))
    for text in ("bags", "we moved", "teacher exam", "ok", "postcode bags"):
        assert tagger.tag_ids(text) == tuple(m.theme_id for m in tagger.tag(text))


def test_a_changed_codebook_makes_the_model_stale_but_still_usable() -> None:
    both = Codebook((MOVES, SCHOOL))
    assert not Tagger(both, model=theme_model(fusion=PLAIN, codebook=both)).model_is_stale
    new_theme = Tagger(CODEBOOK, model=theme_model(fusion=PLAIN, codebook=both))
    assert new_theme.model_is_stale
    edited = Codebook((replace(MOVES, examples=("I got moved on a Friday.",) * 3), SCHOOL))
    tagger = Tagger(edited, model=theme_model(fusion=PLAIN, codebook=both))
    assert tagger.model_is_stale
    assert tagger.tag_ids("we moved") == ("moves",)


def test_the_codebook_names_the_model_file_the_tagger_loads(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model_data(fusion=PLAIN)), encoding="utf-8")
    codebook = Codebook(CODEBOOK.themes, model_file=path)
    assert Tagger(codebook).tag_ids("bags") == ("moves",)
    assert Tagger(codebook, model=None).tag_ids("bags") == ()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("fusion"), "fusion"),
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d.update(schema_version=2), "schema_version"),
        (lambda d: d["fusion"].update(fallback=2), "fusion.fallback"),
        (lambda d: d["fusion"].update(extra=1), "fusion"),
        (lambda d: d.update(snippets=["a"]), "snippets"),
        (lambda d: d.update(codebook_sha256="abc"), "codebook_sha256"),
        (lambda d: d["model"].update(idf=[1.0]), "model.idf"),
    ],
)
def test_a_bad_model_file_names_file_and_field(
    tmp_path: Path, change: Callable[[dict[str, Any]], object], field: str
) -> None:
    data = model_data(fusion=PLAIN)
    change(data)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_theme_model(path)
    assert (info.value.path, info.value.field) == (str(path), field)
