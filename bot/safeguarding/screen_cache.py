"""The disclosure screen's built trie, kept on disk as plain JSON so a start need not build it.

Building the ``Matcher`` (every spelling of every lexicon entry, stemmed, in a trie of about
55,000 nodes) takes most of a second; reading it back takes a tenth of that. The cache file
is named for a hash of everything the build depends on (``build_inputs``): the lexicon file,
the model file it names, the source of this package and of the modules it builds with from
outside it (the stemmer's, the data-file reader), the snowballstemmer, Python and Unicode
versions. A changed file, or a new version of any of them, gives a new name, so a stale cache
is never read. What is read is checked
(format, key, every field's shape) before it is used; anything wrong, and the trie is built
from the lexicon as if there were no cache. Plain data only: nothing is unpickled or run.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from bot.safeguarding.lexicon import Lexicon
from bot.safeguarding.screen_match import Kind, Matcher, _Node
from bot.tagging.text import Stemmer

log = logging.getLogger(__name__)

FORMAT = "consultbot-screen-trie/2"
_CODE = Path(__file__).resolve().parent
_BOT = _CODE.parent
# The build's code from outside this package: the stemmer and text splitting, and the
# reader of the lexicon file.
_OUTSIDE_SOURCES = (_BOT / "tagging" / "text.py", _BOT / "datafile.py")
_KINDS = {int(kind): kind for kind in Kind}


class BadCache(ValueError):
    """The cache file is not what this code writes."""


def build_inputs(lexicon_file: Path, model_file: Path | None) -> dict[str, bytes]:
    """Everything the built trie depends on, by name: a change to any gives a new key."""
    inputs: dict[str, bytes] = {}
    for name, path in (("lexicon", lexicon_file), ("model", model_file)):
        has_file = path is not None and path.is_file()
        inputs[name] = path.read_bytes() if has_file and path is not None else b""
    for source in (*sorted(_CODE.glob("*.py")), *_OUTSIDE_SOURCES):
        inputs[f"source:{source.relative_to(_BOT).as_posix()}"] = source.read_bytes()
    inputs["snowballstemmer"] = _version_of("snowballstemmer").encode()
    inputs["python"] = sys.version.encode()
    inputs["unicode"] = unicodedata.unidata_version.encode()
    return inputs


def _version_of(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def key_of(inputs: dict[str, bytes]) -> str:
    digest = hashlib.sha256(FORMAT.encode())
    for name, value in sorted(inputs.items()):
        digest.update(b"\0" + name.encode() + b"\0" + str(len(value)).encode() + b"\0")
        digest.update(value)
    return digest.hexdigest()[:32]


def cache_key(lexicon_file: Path, model_file: Path | None) -> str:
    return key_of(build_inputs(lexicon_file, model_file))


def cached_matcher(lexicon: Lexicon, lexicon_file: Path, cache_dir: Path | None) -> Matcher:
    """The lexicon's matcher, read from ``cache_dir`` when a valid cache is there; otherwise
    built, and written there for the next start (if the folder can be written)."""
    if cache_dir is None:
        return Matcher(lexicon)
    key = cache_key(lexicon_file, lexicon.model_file)
    path = cache_dir / f"screen-{key}.json"
    with contextlib.suppress(FileNotFoundError):
        try:
            with _no_collection():
                return restore(lexicon, read(path), key)
        except (BadCache, ValueError, TypeError, KeyError, IndexError) as exc:
            log.warning("the screen cache %s was not usable (%s); building it again", path, exc)
    matcher = Matcher(lexicon)
    try:
        _write(path, state(matcher, key))
    except OSError as exc:
        log.warning("the screen cache could not be written to %s: %s", cache_dir, exc)
    return matcher


def state(matcher: Matcher, key: str) -> dict[str, Any]:
    """The built matcher as plain data: the trie flattened, node 0 the root."""
    nodes: list[_Node] = [matcher._root]
    index = {id(matcher._root): 0}
    flat: list[list[Any]] = []
    position = 0
    while position < len(nodes):
        node = nodes[position]
        position += 1
        links: list[_Node] = [*node.children.values(), *([node.gap] if node.gap else [])]
        for child in links:
            index[id(child)] = len(nodes)
            nodes.append(child)
        flat.append(
            [
                {k: index[id(c)] for k, c in node.children.items()},
                index[id(node.gap)] if node.gap is not None else -1,
                sorted([int(kind), n] for kind, n in node.ends),
            ]
        )
    return {
        "format": FORMAT,
        "key": key,
        "nodes": flat,
        "vocabulary": sorted(matcher._vocabulary),
        "heads": sorted(matcher._heads),
        "not_fuzzy": sorted(matcher._not_fuzzy),
        "openers": sorted(matcher._openers),
        "fillers": sorted(matcher._fillers),
        "fuzzy": {k: [list(p) for p in v] for k, v in sorted(matcher._fuzzy.items())},
        "starts": sorted(matcher._starts),
        "shorthand": {k: list(v) for k, v in sorted(matcher._shorthand.items())},
    }


def restore(lexicon: Lexicon, data: Any, key: str) -> Matcher:
    """A matcher from ``state``'s data (``BadCache`` if it is not that): the format, the
    key, and the word lists' shapes are checked; links are trusted only because the file's
    own checksum (``read``) matched."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        raise BadCache("another format or another lexicon")
    raw_nodes = data["nodes"]
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise BadCache("no trie")
    count = len(raw_nodes)
    nodes = [object.__new__(_Node) for _ in range(count)]
    # A read trie is never added to, so nodes share equal label sets and one empty dict:
    # most nodes are leaves with one label, and this halves the trie's memory.
    no_children: dict[str, _Node] = {}
    label_sets: dict[str, set[tuple[Kind, int]]] = {}
    for node, (children, gap, ends) in zip(nodes, raw_nodes, strict=True):
        node.children = {w: nodes[c] for w, c in children.items()} if children else no_children
        node.gap = nodes[gap] if gap > 0 else None
        name = repr(ends)
        shared = label_sets.get(name)
        if shared is None:
            shared = label_sets[name] = {(_KINDS[kind], int(n)) for kind, n in ends}
        node.ends = shared
    matcher = Matcher.__new__(Matcher)
    matcher._lexicon = lexicon
    matcher._stemmer = Stemmer()
    matcher._root = nodes[0]
    matcher._vocabulary = _words(data["vocabulary"])
    matcher._heads = _words(data["heads"])
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
    matcher._root_keys = frozenset(matcher._root.children)
    matcher._shorthand = {
        _text(k): tuple(_text(w) for w in v) for k, v in data["shorthand"].items()
    }
    return matcher


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Tens of thousands of new lists and nodes, none of them garbage: the cycle collector
    would walk them all again and again (it doubled the time)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise BadCache(f"{value!r} is not text")
    return value


def _words(values: Any) -> set[str]:
    if not isinstance(values, list):
        raise BadCache("a word list is not a list")
    return {_text(v) for v in values}


def read(path: Path) -> Any:
    """The JSON after the first line, if the first line is its SHA-256 (a torn or edited
    file is refused)."""
    checksum, _, payload = path.read_bytes().partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != checksum:
        raise BadCache("its checksum does not match")
    return json.loads(payload)


def _write(path: Path, data: dict[str, Any]) -> None:
    """Whole or not at all: written aside, then renamed into place; the first line is the
    checksum of the JSON that follows."""
    payload = json.dumps(data, separators=(",", ":")).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".screen-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
