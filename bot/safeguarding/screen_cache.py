"""The disclosure screen's built trie, kept on disk so a start need not build it.

Building the ``Matcher`` (every spelling of every lexicon entry, stemmed, in a trie of about
55,000 nodes) takes most of a second; reading it back takes a few milliseconds, as the
frozen trie is a few flat arrays (``screen_trie``), stored with the word lists as a packed
file (``bot.packed``: a checksum, a line of JSON, the arrays' bytes). The file
is named for a hash of everything the build depends on (``build_inputs``): the lexicon file,
the source of this package and of the modules it builds with from
outside it (the stemmer's, the data-file reader), the stemmer in use (PyStemmer's version,
or snowballstemmer's English stemmer), Python and Unicode versions. A changed file, or a new
version of any of them, gives a new name, so a stale cache is never read. What is read is
checked (checksum, format, key, byte order and item sizes, every field's shape, and that the
arrays fit together) before it is used; anything wrong, and the trie is built from the
lexicon as if there were no cache. Plain data only: nothing is unpickled or run.
"""

from __future__ import annotations

import sys
import unicodedata
from array import array
from collections import defaultdict
from pathlib import Path
from typing import Any

import snowballstemmer

from bot import packed
from bot.safeguarding.lexicon import Lexicon
from bot.safeguarding.screen_match import Kind, Label, Matcher
from bot.safeguarding.screen_trie import INDEX, LABEL, Trie
from bot.tagging.text import Stemmer

FORMAT = "consultbot-screen-trie/4"
_CODE = Path(__file__).resolve().parent
_BOT = _CODE.parent
# The build's code from outside this package: the stemmer and text splitting, and the
# reader of the lexicon file.
_OUTSIDE_SOURCES = (_BOT / "tagging" / "text.py", _BOT / "datafile.py")
_KINDS = {int(kind): kind for kind in Kind}


class BadCache(ValueError):
    """The cache file is not what this code writes."""


def build_inputs(lexicon_file: Path) -> dict[str, bytes]:
    """Everything the built trie depends on, by name: a change to any gives a new key. (Not
    the model file the lexicon names: the second opinion is kept apart, by its own key.)"""
    inputs: dict[str, bytes] = {"lexicon": packed.file_bytes(lexicon_file)}
    for source in (*sorted(_CODE.glob("*.py")), *_OUTSIDE_SOURCES):
        inputs[f"source:{source.relative_to(_BOT).as_posix()}"] = source.read_bytes()
    inputs["format"] = FORMAT.encode()
    inputs["snowballstemmer"] = _stemmer_in_use()
    inputs["python"] = sys.version.encode()
    inputs["unicode"] = unicodedata.unidata_version.encode()
    return inputs


def _stemmer_in_use() -> bytes:
    """What stems the words: snowballstemmer hands over to PyStemmer (C) when it is
    installed, so that one's version; else snowballstemmer's own English stemmer, by its
    source. (Read from the modules: looking up a package's version costs more than the rest
    of the key.)"""
    in_c = sys.modules.get("Stemmer")
    if in_c is not None and snowballstemmer.stemmer is getattr(in_c, "Stemmer", None):
        return f"PyStemmer {in_c.version()}".encode()
    from snowballstemmer import english_stemmer

    return Path(english_stemmer.__file__).read_bytes()


key_of = packed.key_of


def cached_matcher(lexicon: Lexicon, lexicon_file: Path, cache_dir: Path | None) -> Matcher:
    """The lexicon's matcher, read from ``cache_dir`` when a valid cache is there; otherwise
    built, and written there for the next start (if the folder can be written)."""
    if cache_dir is None:
        return Matcher(lexicon)
    inputs = build_inputs(lexicon_file)
    key = key_of(inputs)

    def pack(matcher: Matcher) -> packed.Packed:
        data = state(matcher, key)
        return packed.Packed({k: v for k, v in data.items() if k != "arrays"}, data["arrays"])

    def unpack(read: packed.Packed) -> Matcher:
        return restore(lexicon, {**read.header, "arrays": read.arrays}, key)

    return packed.cached(
        cache_dir, "screen", inputs, build=lambda: Matcher(lexicon), pack=pack, unpack=unpack
    )


_ARRAYS = {"first": INDEX, "edge_keys": INDEX, "edge_to": INDEX, "ends": LABEL}


def state(matcher: Matcher, key: str) -> dict[str, Any]:
    """The built matcher as plain data: the frozen trie's arrays (``screen_trie``) and the
    word lists, each sorted."""
    trie = matcher._trie
    return {
        "format": FORMAT,
        "key": key,
        "keys": list(trie.keys),
        "label_sets": [sorted([int(kind), n] for kind, n in s) for s in trie.label_sets],
        "gaps": sorted([node, gap] for node, gap in trie.gaps.items()),
        "arrays": {name: getattr(trie, name) for name in _ARRAYS},
        "vocabulary": sorted(matcher._vocabulary),
        "plain_words": list(matcher._plain_words),
        "not_fuzzy": sorted(matcher._not_fuzzy),
        "openers": sorted(matcher._openers),
        "fillers": sorted(matcher._fillers),
        "fuzzy": {k: [list(p) for p in v] for k, v in sorted(matcher._fuzzy.items())},
        "starts": sorted(matcher._starts),
        "shorthand": {k: list(v) for k, v in sorted(matcher._shorthand.items())},
    }


def restore(lexicon: Lexicon, data: Any, key: str) -> Matcher:
    """A matcher from ``state``'s data (``BadCache`` if it is not that): the format, the
    key, the word lists' shapes and the trie's arrays (``Trie`` checks that they fit
    together) are checked."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        raise BadCache("another format or another lexicon")
    arrays = data["arrays"]
    if not isinstance(arrays, dict) or set(arrays) != set(_ARRAYS):
        raise BadCache("not the trie's arrays")
    for name, code in _ARRAYS.items():
        if not isinstance(arrays[name], array) or arrays[name].typecode != code:
            raise BadCache(f"the array {name} is not of {code!r}")
    vocabulary = _words(data["vocabulary"])
    # One string object for each word, wherever it is used (JSON gives one per mention).
    same = {word: word for word in vocabulary}
    trie: Trie[Label] = Trie(
        keys=[same.get(k, k) for k in _words_list(data["keys"])],
        first=arrays["first"],
        edge_keys=arrays["edge_keys"],
        edge_to=arrays["edge_to"],
        ends=arrays["ends"],
        label_sets=[frozenset((_KINDS[kind], int(n)) for kind, n in s) for s in data["label_sets"]],
        gaps={int(node): int(gap) for node, gap in data["gaps"]},
    )
    matcher = Matcher.__new__(Matcher)
    matcher._lexicon = lexicon
    matcher._stemmer = Stemmer()
    matcher._trie = trie
    matcher._vocabulary = vocabulary
    matcher._plain_words = tuple(sorted(same.get(w, w) for w in _words(data["plain_words"])))
    matcher._word_keys = {}
    matcher._joined = {}
    matcher._keys = {}
    matcher._groups = {}
    matcher._not_fuzzy = _words(data["not_fuzzy"])
    matcher._openers = frozenset(_words(data["openers"]))
    matcher._fillers = frozenset(_words(data["fillers"]))
    matcher._fuzzy = defaultdict(list)
    for start, pairs in data["fuzzy"].items():
        matcher._fuzzy[_text(start)] = [(_text(w), _text(k)) for w, k in pairs]
    matcher._starts = frozenset(_words(data["starts"]))
    matcher._root_keys = trie.root_keys()
    matcher._shorthand = {
        _text(k): tuple(_text(w) for w in v) for k, v in data["shorthand"].items()
    }
    return matcher


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise BadCache(f"{value!r} is not text")
    return value


def _words(values: Any) -> set[str]:
    return set(_words_list(values))


def _words_list(values: Any) -> list[str]:
    if not isinstance(values, list) or not set(map(type, values)) <= {str}:
        raise BadCache("a word list is not a list of text")
    return values
