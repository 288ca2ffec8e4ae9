"""``read_toml`` with a cache folder: what the bytes parse to is kept and read back the
same; a changed file is parsed again; errors are the same as without a cache; a file JSON
cannot hold (a date) is simply parsed every time."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from bot.config import DEFAULT_PROMPTS_DIR
from bot.core.errors import DataFileError
from bot.datafile import read_toml
from bot.safeguarding.lexicon import load_lexicon
from bot.tagging.codebook import load_codebook


def test_the_cached_parse_is_the_parse(tmp_path: Path) -> None:
    for name in ("safeguarding.toml", "themes.toml", "notices.toml"):
        path = DEFAULT_PROMPTS_DIR / name
        first = read_toml(path, tmp_path)  # parses and keeps
        assert read_toml(path, tmp_path) == first == read_toml(path)
    assert len(list(tmp_path.glob("toml-*.pack"))) == 3


def test_the_lexicon_and_codebook_read_through_the_cache_are_the_same(tmp_path: Path) -> None:
    lexicon, codebook = (
        DEFAULT_PROMPTS_DIR / "safeguarding.toml",
        DEFAULT_PROMPTS_DIR / "themes.toml",
    )
    load_lexicon(lexicon, tmp_path), load_codebook(codebook, tmp_path)
    assert load_lexicon(lexicon, tmp_path) == load_lexicon(lexicon)
    assert load_codebook(codebook, tmp_path) == load_codebook(codebook)


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "notices.toml"
    shutil.copy(DEFAULT_PROMPTS_DIR / "notices.toml", path)
    cache = tmp_path / "cache"
    before = read_toml(path, cache)
    path.write_text(path.read_text(encoding="utf-8") + '\nextra = "changed"\n', encoding="utf-8")
    after = read_toml(path, cache)
    assert after == {**before, "extra": "changed"}


@pytest.mark.parametrize(
    ("content", "field"),
    [(b"a = [", "(syntax)"), (b"\xff\xfe", "(file)"), (None, "(file)")],
)
def test_errors_are_the_same_with_a_cache(
    tmp_path: Path, content: bytes | None, field: str
) -> None:
    path = tmp_path / "bad.toml"
    if content is not None:
        path.write_bytes(content)
    for cache in (None, tmp_path / "cache"):
        with pytest.raises(DataFileError) as raised:
            read_toml(path, cache)
        assert raised.value.field == field


def test_a_file_json_cannot_hold_is_parsed_every_time(tmp_path: Path) -> None:
    path = tmp_path / "dated.toml"
    path.write_text("when = 2025-01-02\n", encoding="utf-8")
    assert read_toml(path, tmp_path / "cache") == {"when": datetime.date(2025, 1, 2)}
    assert read_toml(path, tmp_path / "cache") == {"when": datetime.date(2025, 1, 2)}
    assert not list((tmp_path / "cache").glob("toml-*.pack"))
