"""The second opinion: a classifier stored as plain data, rebuilt from the labelled answers by
one command, that can only add holds, each explained by the nearest labelled examples."""

from __future__ import annotations

import dataclasses
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import DataFileError
from bot.safeguarding import train as training
from bot.safeguarding.outcome import Outcome
from bot.safeguarding.screen import DEFAULT_LEXICON, DisclosureScreen, default_screen
from bot.safeguarding.second_opinion import LABEL, SecondOpinion
from bot.textmodel.features import analyse

MODEL = training.MODEL_FILE
DATA = Path(__file__).parents[2] / "tests" / "data"


@pytest.fixture(scope="module")
def second() -> SecondOpinion:
    opinion = default_screen().second_opinion
    assert opinion is not None
    return opinion


@pytest.fixture(scope="module")
def stored() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MODEL.read_text(encoding="utf-8"))
    return data


def test_the_shipped_lexicon_names_the_model_and_the_screen_uses_it(second: SecondOpinion) -> None:
    assert default_screen().lexicon.model_file == MODEL
    assert second.threshold == training.THRESHOLD
    assert second.training["settings"]["C"] == training.SETTINGS.c


def test_retraining_from_the_data_gives_the_same_model(stored: dict[str, Any]) -> None:
    pytest.importorskip("sklearn")
    rebuilt = training.build(training.training_answers())
    # Everything but the library versions: a new scikit-learn may round the last digit.
    assert training.without_versions(rebuilt) == training.without_versions(stored)


def test_the_model_is_plain_json_with_only_invented_answers_stored(stored: dict[str, Any]) -> None:
    assert MODEL.read_bytes().startswith(b"{")
    ids = set(stored["examples"])
    assert ids == {e["id"] for e in stored["model"]["examples"]}
    invented = {"screen-fresh-dev", "screen-fresh-holdout", "screen-eval", "screen-holdout-2"}
    assert {i.split("#")[0] for i in ids} == invented
    real = [json.loads(line)["text"] for line in (DATA / "real-quotes-dev.jsonl").open()]
    snippets = [e["snippet"].removesuffix(" …") for e in stored["examples"].values()]
    assert not any(len(s) > 20 and s in quote for s in snippets for quote in real)


def test_training_reads_the_dev_sets_only_and_leaves_out_old_past_stories() -> None:
    answers = training.training_answers()
    sources = Counter(a.id.split("#")[0] for a in answers)
    assert set(sources) == {
        "screen-fresh-dev",
        "screen-fresh-holdout",  # scored once as a frozen holdout in round two; dev since
        "real-quotes-dev",
        "screen-eval",
        "screen-holdout-2",
    }
    assert sources["screen-fresh-dev"] == 170 and sources["real-quotes-dev"] == 298
    assert sources["screen-fresh-holdout"] == 170
    old = [a for a in answers if a.source == "old"]
    assert len(old) < 560 + 151  # old disclosures told in the past are left out
    assert not any(a.hold and "used to" in a.text for a in old)
    assert not any(a.stored for a in answers if a.source == "real")


def test_a_holdout_is_refused_for_training(tmp_path: Path) -> None:
    path = tmp_path / "screen-fresh9-holdout.jsonl"
    path.write_text('{"text": "x", "outcome": "hold"}\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="holdout"):
        training.fresh_answers(path)


def test_the_second_opinion_only_adds_holds() -> None:
    screen = default_screen()
    texts = [json.loads(line)["text"] for line in (DATA / "screen-fresh-dev.jsonl").open()]
    texts += [json.loads(line)["text"] for line in (DATA / "real-quotes-dev.jsonl").open()]
    for text in texts:
        alone, joined = screen.lexicon_judgement(text), screen.screen(text)
        if joined != alone:
            assert joined.outcome is Outcome.HOLD
            assert alone.outcome is not Outcome.HOLD
            assert joined.why[-1].startswith("second opinion ")
        if alone.disclosure:
            assert joined == alone


def test_a_hold_it_adds_is_explained_by_the_nearest_labelled_answers(
    second: SecondOpinion,
) -> None:
    text = "been giving my stuff away to my mates, wont need it where im going"
    shipped = default_screen().lexicon
    without_self_harm = [c for c in shipped.categories if c.id != "self-harm"]
    lexicon = dataclasses.replace(shipped, categories=tuple(without_self_harm))
    result = DisclosureScreen(lexicon, second).screen(text)
    opinion = second.opinion(text)
    assert DisclosureScreen(lexicon).screen(text).outcome is Outcome.SHARE
    assert opinion.holds
    assert result.outcome is Outcome.HOLD and result.categories == ()
    why = result.why[-1]
    assert why.startswith(f"second opinion {opinion.score:.2f} (holds from {second.threshold:.2f})")
    assert len(opinion.nearest) == 3
    assert all(e.id in why and e.snippet in why for e in opinion.nearest)
    assert opinion.nearest[0].similarity >= opinion.nearest[-1].similarity


def test_fast_scoring_counts_the_same_features_as_the_reference(second: SecondOpinion) -> None:
    model = second._model  # the textmodel scorer caches words' features: same counts
    texts = [json.loads(line)["text"] for line in (DATA / "real-quotes-dev.jsonl").open()]
    texts += ["", "k1ll mys3lf ＫＭＳ", "a" * 3000, "don’t \u200bhi hi hi"]
    for text in texts:
        counts = Counter(analyse(text, model.features))
        columns = ((model._columns.get(f), n) for f, n in counts.items())
        assert model.counts(text) == dict(sorted((j, n) for j, n in columns if j is not None))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(threshold=1.5), "threshold"),
        (lambda d: d.update(threshold="high"), "threshold"),
        (lambda d: d.update(colour=1), "colour"),
        (lambda d: d["examples"].popitem(), "examples"),
        (lambda d: next(iter(d["examples"].values())).update(outcome="maybe"), "outcome"),
        (lambda d: d["model"].update(labels=["hold", "share"]), "model."),
        (lambda d: d.update(schema_version=2), "schema_version"),
    ],
)
def test_a_malformed_model_file_names_the_field(
    tmp_path: Path, stored: dict[str, Any], change: Any, field: str
) -> None:
    data = json.loads(json.dumps(stored))
    change(data)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        SecondOpinion.from_file(path)
    assert info.value.path == str(path)
    assert field in info.value.field


def test_a_lexicon_naming_a_missing_model_fails_at_start(tmp_path: Path) -> None:
    path = tmp_path / "safeguarding.toml"
    text = DEFAULT_LEXICON.read_text(encoding="utf-8")
    path.write_text(text.replace('model = "safeguarding-model.json"', 'model = "none.json"'))
    with pytest.raises(DataFileError) as info:
        DisclosureScreen.from_file(path)
    assert info.value.path == str(tmp_path / "none.json")


def test_the_check_command_compares_the_shipped_model_with_a_rebuild() -> None:
    pytest.importorskip("sklearn")
    out = io.StringIO()
    code = training.main(["--check"], out)
    stored = json.loads(MODEL.read_text(encoding="utf-8"))
    rebuilt = training.build(training.training_answers())
    versions = stored["model"]["training"]["versions"] == rebuilt["model"]["training"]["versions"]
    assert code == (0 if versions else 1)
    assert ("up to date" if versions else "differs: retrain") in out.getvalue()
    assert rebuilt["model"]["labels"] == [LABEL]
