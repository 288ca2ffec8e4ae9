"""The screen's built trie, kept on disk between starts (``screen_cache``): read back it is
the same trie, a changed lexicon or a damaged file is never used, and screening is the same
with or without it."""

from __future__ import annotations

import shutil
import sys
import tracemalloc
import unicodedata
from array import array
from pathlib import Path

import pytest

from bot import packed
from bot.config import DEFAULT_PROMPTS_DIR
from bot.safeguarding.lexicon import load_lexicon
from bot.safeguarding.normalise import words
from bot.safeguarding.screen import DisclosureScreen
from bot.safeguarding.screen_cache import build_inputs, cached_matcher, key_of, state
from bot.safeguarding.screen_match import Matcher
from bot.safeguarding.screen_trie import Trie

ANSWERS = (
    "I want more time with my little brother",
    "my foster carer hits me when I'm late",
    "lol that film was killer",
    "someone at school keeps sending me messages and I don't feel safe",
)


@pytest.fixture
def prompts(tmp_path: Path) -> Path:
    """A copy of the lexicon and its model, so the test may change them."""
    folder = tmp_path / "prompts"
    folder.mkdir()
    for name in ("safeguarding.toml", "safeguarding-model.json"):
        shutil.copy(DEFAULT_PROMPTS_DIR / name, folder / name)
    return folder


def cache_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("screen-*.pack"))


def test_the_trie_read_back_is_the_trie_built(prompts: Path, tmp_path: Path) -> None:
    lexicon_file = prompts / "safeguarding.toml"
    lexicon = load_lexicon(lexicon_file)
    cache = tmp_path / "cache"
    cached_matcher(lexicon, lexicon_file, cache)  # builds and writes
    (written,) = cache_files(cache)
    read_back = cached_matcher(lexicon, lexicon_file, cache)
    assert state(read_back, "k") == state(Matcher(lexicon), "k")
    assert cache_files(cache) == [written]


def test_screening_is_the_same_with_the_cache(prompts: Path, tmp_path: Path) -> None:
    lexicon_file = prompts / "safeguarding.toml"
    DisclosureScreen.from_file(lexicon_file, tmp_path / "cache")
    from_cache = DisclosureScreen.from_file(lexicon_file, tmp_path / "cache")
    built = DisclosureScreen.from_file(lexicon_file)
    verdicts = [from_cache.screen(a) for a in ANSWERS]
    assert verdicts == [built.screen(a) for a in ANSWERS]
    assert any(v.disclosure for v in verdicts), "the answers include one to hold"


def test_a_changed_lexicon_gets_a_new_cache(prompts: Path, tmp_path: Path) -> None:
    lexicon_file = prompts / "safeguarding.toml"
    cache = tmp_path / "cache"
    cached_matcher(load_lexicon(lexicon_file), lexicon_file, cache)
    lexicon_file.write_text(lexicon_file.read_text() + "\n# a comment changes the hash\n")
    changed = load_lexicon(lexicon_file)
    cached_matcher(changed, lexicon_file, cache)
    assert len(cache_files(cache)) == 2


def test_a_damaged_cache_is_built_again_not_used(
    prompts: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lexicon_file = prompts / "safeguarding.toml"
    lexicon = load_lexicon(lexicon_file)
    cache = tmp_path / "cache"
    cached_matcher(lexicon, lexicon_file, cache)
    (written,) = cache_files(cache)
    data = written.read_bytes()
    written.write_bytes(data.replace(b'"vocabulary":[', b'"vocabulary":["zzzz",', 1))
    rebuilt = cached_matcher(lexicon, lexicon_file, cache)
    assert "not usable" in caplog.text
    assert state(rebuilt, "k") == state(Matcher(lexicon), "k")
    assert written.read_bytes() == data, "the damaged file was replaced by a good one"


def test_a_cached_screen_matches_as_a_fresh_build(prompts: Path, tmp_path: Path) -> None:
    lexicon_file = prompts / "safeguarding.toml"
    lexicon = load_lexicon(lexicon_file)
    cached_matcher(lexicon, lexicon_file, tmp_path / "cache")
    from_cache = cached_matcher(lexicon, lexicon_file, tmp_path / "cache")
    fresh = Matcher(lexicon)
    assert state(from_cache, "k") == state(fresh, "k")
    for answer in ANSWERS:
        assert from_cache.matches(words(answer)) == fresh.matches(words(answer))


def test_every_part_the_build_uses_is_in_the_key(prompts: Path) -> None:
    """The stemmer's code and versions build the trie too: a new one must give a new file."""
    lexicon_file = prompts / "safeguarding.toml"
    inputs = build_inputs(lexicon_file)
    for part in ("source:tagging/text.py", "source:datafile.py", "snowballstemmer"):
        assert inputs[part], part
    assert inputs["python"] == sys.version.encode()
    assert inputs["unicode"] == unicodedata.unidata_version.encode()
    assert any(name.startswith("source:safeguarding/") for name in inputs)
    key = key_of(inputs)
    for part in inputs:
        changed = {**inputs, part: inputs[part] + b"!"}
        assert key_of(changed) != key, part


def test_a_cache_whose_arrays_do_not_fit_is_built_again(
    prompts: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A file with a good checksum but a link to no node (written by other code, say) is
    refused by the trie's own checks, not followed."""
    lexicon_file = prompts / "safeguarding.toml"
    lexicon = load_lexicon(lexicon_file)
    cache = tmp_path / "cache"
    built = cached_matcher(lexicon, lexicon_file, cache)
    (written,) = cache_files(cache)
    good = packed.read(written)
    assert good.header == {
        k: v for k, v in state(built, good.header["key"]).items() if k != "arrays"
    }
    edge_to = array(good.arrays["edge_to"].typecode, good.arrays["edge_to"])
    edge_to[0] = len(good.arrays["ends"])  # one past the last node
    packed.write(written, packed.Packed(good.header, {**good.arrays, "edge_to": edge_to}))
    rebuilt = cached_matcher(lexicon, lexicon_file, cache)
    assert "not usable" in caplog.text and "no node" in caplog.text
    assert state(rebuilt, "k") == state(Matcher(lexicon), "k")


def test_the_trie_is_frozen_into_arrays_not_a_node_per_entry(prompts: Path) -> None:
    lexicon = load_lexicon(prompts / "safeguarding.toml")
    trie = Matcher(lexicon)._trie
    assert isinstance(trie, Trie) and len(trie) > 10_000
    for table in (trie.first, trie.edge_keys, trie.edge_to, trie.ends):
        assert isinstance(table, array)


def test_reading_the_cache_takes_a_few_mib_not_tens(prompts: Path, tmp_path: Path) -> None:
    """Read back, the trie and word lists hold well under 10 MiB (a node per object and the
    JSON they were read from held about 40 MiB at the peak)."""
    lexicon_file = prompts / "safeguarding.toml"
    lexicon = load_lexicon(lexicon_file)
    cached_matcher(lexicon, lexicon_file, tmp_path / "cache")
    tracemalloc.start()
    try:
        cached_matcher(lexicon, lexicon_file, tmp_path / "cache")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20
