"""Built data kept between starts (``bot.packed``): read back it is what was
written, a damaged or foreign file is refused and built again, and a model read from its
packed form scores and explains exactly as the model read from its file."""

from __future__ import annotations

import hashlib
from array import array
from pathlib import Path

import pytest

from bot import packed
from bot.config import DEFAULT_PROMPTS_DIR
from bot.safeguarding.second_opinion import SecondOpinion
from bot.tagging.theme_model import load_theme_model
from bot.textmodel.model import LinearTextModel
from bot.textmodel.schema import read_json

TEXTS = (
    "my foster carer hits me when I'm late",
    "I want more time with my little brother",
    "the bus pass ran out and nobody told me about the leaving care grant",
    "qqq zzz",
)


def sample() -> packed.Packed:
    return packed.Packed(
        {"name": "sample", "words": ["a", "b\nc"]},
        {"ints": array("q", [1, -2, 3]), "floats": array("d", [0.5, 1e-300]), "none": array("I")},
    )


def test_what_is_read_is_what_was_written(tmp_path: Path) -> None:
    path = tmp_path / "sample.pack"
    packed.write(path, sample())
    assert packed.read(path) == sample()
    assert [p.name for p in tmp_path.iterdir()] == ["sample.pack"], "no temporary file left"


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1],  # torn: the last byte missing
        lambda data: data.replace(b'"sample"', b'"simple"'),  # edited
        lambda data: b"",
    ],
)
def test_a_damaged_file_is_refused(tmp_path: Path, damage: object) -> None:
    path = tmp_path / "sample.pack"
    packed.write(path, sample())
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with pytest.raises(packed.BadPack):
        packed.read(path)


def test_a_file_whose_arrays_are_not_the_lengths_it_says_is_refused(tmp_path: Path) -> None:
    """A good checksum over a wrong layout (another writer, say) is refused too."""
    path = tmp_path / "sample.pack"
    packed.write(path, sample())
    _, _, payload = path.read_bytes().partition(b"\n")
    wrong = payload.replace(b'["ints","q",3]', b'["ints","q",4]', 1)
    path.write_bytes(hashlib.sha256(wrong).hexdigest().encode() + b"\n" + wrong)
    with pytest.raises(packed.BadPack):
        packed.read(path)


def test_cached_builds_once_then_reads(tmp_path: Path) -> None:
    built: list[int] = []

    def build() -> list[int]:
        built.append(1)
        return [4, 5, 6]

    def load() -> list[int]:
        return packed.cached(
            tmp_path,
            "numbers",
            {"input": b"one"},
            build=build,
            pack=lambda v: packed.Packed({}, {"v": array("q", v)}),
            unpack=lambda p: list(p.arrays["v"]),
        )

    assert load() == [4, 5, 6] and load() == [4, 5, 6]
    assert len(built) == 1
    (written,) = tmp_path.glob("numbers-*.pack")
    written.write_bytes(b"not a packed file")
    assert load() == [4, 5, 6]
    assert len(built) == 2, "a damaged file is built again"
    assert packed.read(written).arrays["v"] == array("q", [4, 5, 6]), "and written again"


def test_every_input_is_in_the_name() -> None:
    inputs = {"model": b"bytes", "source:textmodel/model.py": b"code"}
    key = packed.key_of(inputs)
    for name in inputs:
        assert packed.key_of({**inputs, name: inputs[name] + b"!"}) != key, name
    assert packed.key_of({**inputs, "more": b""}) != key


def test_a_packed_model_scores_and_explains_as_the_file_does(tmp_path: Path) -> None:
    data = read_json(DEFAULT_PROMPTS_DIR / "safeguarding-model.json")
    assert isinstance(data, dict)
    model = LinearTextModel(data["model"], source="<test>")
    packed.write(tmp_path / "m.pack", model.to_packed())
    again = LinearTextModel.from_packed(packed.read(tmp_path / "m.pack"))
    assert again.to_packed() == model.to_packed()
    assert again.labels == model.labels and again.training == model.training
    for text in TEXTS:
        assert again.scores(text) == model.scores(text)
        assert again.nearest(text, 5) == model.nearest(text, 5)


def test_the_second_opinion_read_through_the_cache_is_the_one_in_the_file(
    tmp_path: Path,
) -> None:
    path = DEFAULT_PROMPTS_DIR / "safeguarding-model.json"
    SecondOpinion.from_file(path, tmp_path)  # builds and writes
    assert len(list(tmp_path.glob("second-opinion-*.pack"))) == 1
    cached, plain = SecondOpinion.from_file(path, tmp_path), SecondOpinion.from_file(path)
    assert cached.threshold == plain.threshold and cached.training == plain.training
    for text in TEXTS:
        assert cached.opinion(text, k=5) == plain.opinion(text, k=5)


def test_the_theme_model_read_through_the_cache_is_the_one_in_the_file(tmp_path: Path) -> None:
    path = DEFAULT_PROMPTS_DIR / "themes-model.json"
    load_theme_model(path, tmp_path)
    cached, plain = load_theme_model(path, tmp_path), load_theme_model(path)
    assert len(list(tmp_path.glob("theme-model-*.pack"))) == 1
    assert (cached.codebook_sha256, cached.fusion) == (plain.codebook_sha256, plain.fusion)
    for text in TEXTS:
        assert cached.scores(text) == plain.scores(text)
        for theme in plain.labels[:3]:
            assert cached.nearest(text, theme) == plain.nearest(text, theme)
