"""The screen's built trie, kept on disk between starts (``screen_cache``): read back it is
the same trie, a changed lexicon or a damaged file is never used, and screening is the same
with or without it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import DEFAULT_PROMPTS_DIR
from bot.safeguarding.lexicon import load_lexicon
from bot.safeguarding.screen import DisclosureScreen
from bot.safeguarding.screen_cache import cached_matcher, state
from bot.safeguarding.screen_match import Matcher

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
    return sorted(cache.glob("screen-*.json"))


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
