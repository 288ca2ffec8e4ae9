"""The disclosure lexicon: its model and its loader from ``prompts/safeguarding.toml``.

The file is meant to be edited by an organisation's safeguarding lead, so the loader is
strict: unknown keys are rejected, and every error names the file, the field
(``categories[2].topics[5]``, counting from 0) and what is wrong with it.

Phrase syntax (the screen reads it; the loader only checks it):

- plain words, written as they are usually spelt: "kill myself", "sofa surfing";
- ``...`` between two words stands for up to three other words: "took ... tablets";
- ``@name`` stands for any entry of the group ``name`` in ``[groups]``: "@household hits me";
- ``=word`` matches that form only, not the other forms of its stem ("=cutting" is not "cut");
- ``~`` before a hint: it counts only with another hint or a marker, never alone ("~older").

``shorthand`` maps one written word to the words it stands for ("no1" is "no one"); its
keys are single words, written as young people type them.

The lists the policy reads (``outcome``): ``asks`` (requests to talk privately), ``past``,
``over`` and ``now`` (when what is told happened), ``jokes``, ``joke_emoji`` and
``figurative`` (joking speech); ``play`` (games and sport), ``collective`` (the policy
register), ``likeness`` (comparisons) and ``dates`` (time words that say now only in a
clause told in the present); a category's ``now_only`` (evidence told in the past counts
only as past and over). ``model`` names the second opinion's file, in the lexicon's folder.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import DataFileError
from bot.datafile import read_toml
from bot.safeguarding.normalise import words

SCHEMA_VERSION = 1
GAP = "..."
_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_GROUP_NAME = re.compile(r"[a-z][a-z0-9_]*")
_TOP_KEYS = frozenset(
    {
        "schema_version",
        "cues",
        "distancing",
        "negations",
        "fillers",
        "openers",
        "fuzzy_exceptions",
        "people",
        "markers",
        "everyday",
        "shorthand",
        "groups",
        "categories",
        "asks",
        "past",
        "over",
        "now",
        "jokes",
        "joke_emoji",
        "figurative",
        "play",
        "collective",
        "likeness",
        "dates",
        "model",
    }
)
_CATEGORY_KEYS = frozenset(
    {
        "id",
        "label",
        "description",
        "phrases",
        "topics",
        "concerns",
        "hints",
        "negatable",
        "now_only",
        "playable",
        "emoji",
    }
)
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Category:
    id: str
    label: str
    description: str
    phrases: tuple[str, ...]  # a disclosure on their own
    topics: tuple[str, ...]  # a disclosure near a personal cue, or in an undistanced sentence
    concerns: tuple[str, ...] = ()  # a disclosure with a personal cue or close person near
    hints: tuple[str, ...] = ()  # two near each other, with a cue or close person near
    negatable: bool = True  # may "not" / "never" just before a topic cancel it
    now_only: bool = False  # evidence counts only when told as now (or as past and over)
    playable: bool = True  # its words near a game or sport (``play``) are play, phrases too
    emoji: tuple[str, ...] = ()  # a disclosure on their own


@dataclass(frozen=True, slots=True, kw_only=True)
class Lexicon:
    categories: tuple[Category, ...]
    cues: tuple[str, ...]
    distancing: tuple[str, ...]
    negations: tuple[str, ...]
    openers: tuple[str, ...] = ()  # words that, opening a sentence, imply "I"
    fillers: tuple[str, ...] = ()  # words that may sit inside a phrase without breaking it
    fuzzy_exceptions: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # people close to the writer: cues for concerns and hints
    markers: tuple[str, ...] = ()  # "always", "at night": pair with a hint like a hint
    everyday: tuple[str, ...] = ()  # ordinary phrases that cancel a topic, concern or hint
    shorthand: tuple[tuple[str, str], ...] = ()  # written word, what it stands for
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    asks: tuple[str, ...] = ()  # asking to talk privately: held, with no category
    past: tuple[str, ...] = ()  # "when i was little", "years ago": told in the past
    over: tuple[str, ...] = ()  # "im safe now", "not anymore": told as over
    now: tuple[str, ...] = ()  # "still", "again", "last night": happening now
    jokes: tuple[str, ...] = ()  # "lol", "jk": the sentence is joking
    joke_emoji: tuple[str, ...] = ()  # "😂": so is this, after it in the same sentence
    figurative: tuple[str, ...] = ()  # everyday in a joking sentence only ("murder me")
    play: tuple[str, ...] = ()  # games and sport ("at fifa"): harm words near them are play
    collective: tuple[str, ...] = ()  # the policy register ("the system", "care leavers")
    likeness: tuple[str, ...] = ()  # comparisons ("like it was a", "basically")
    dates: tuple[str, ...] = ()  # "next week", "every day": now only in a present clause
    model_file: Path | None = None  # the second opinion's model, if the file names one

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def group(self, name: str) -> tuple[str, ...]:
        for key, entries in self.groups:
            if key == name:
                return entries
        raise KeyError(name)


def load_lexicon(path: Path, cache_dir: Path | None = None) -> Lexicon:
    """Read and validate a lexicon file; raise ``DataFileError`` on any problem. With
    ``cache_dir``, its parse is kept there (``read_toml``)."""
    return parse_lexicon(str(path), read_toml(path, cache_dir), path.parent)


def parse_lexicon(name: str, data: dict[str, Any], folder: Path | None = None) -> Lexicon:
    """Validate already-parsed TOML ``data``; ``name`` is used in error messages, and a
    ``model`` file is looked for in ``folder`` (none is read without one)."""
    _reject_unknown(name, "", data, _TOP_KEYS)
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        raise DataFileError(name, "schema_version", f"must be {SCHEMA_VERSION}, got {version!r}")
    model = data.get("model")
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise DataFileError(name, "model", "must be the name of the model file")
    groups = _groups(name, data.get("groups", {}))
    known = {g for g, _ in groups}
    raw = data.get("categories")
    if not isinstance(raw, list) or not raw:
        raise DataFileError(name, "categories", "must have at least one [[categories]] entry")
    categories: list[Category] = []
    for i, entry in enumerate(raw):
        category = _category(name, f"categories[{i}]", entry, known)
        if category.id in {c.id for c in categories}:
            raise DataFileError(name, f"categories[{i}].id", f"duplicate id {category.id!r}")
        categories.append(category)
    return Lexicon(
        categories=tuple(categories),
        cues=_phrases(name, "cues", data.get("cues"), known, required=True),
        distancing=_phrases(name, "distancing", data.get("distancing"), known, required=True),
        negations=_phrases(name, "negations", data.get("negations", []), known),
        openers=_words(name, "openers", data.get("openers", [])),
        fillers=_words(name, "fillers", data.get("fillers", [])),
        fuzzy_exceptions=_phrases(
            name, "fuzzy_exceptions", data.get("fuzzy_exceptions", []), set()
        ),
        people=_phrases(name, "people", data.get("people", []), known),
        markers=_phrases(name, "markers", data.get("markers", []), known),
        everyday=_phrases(name, "everyday", data.get("everyday", []), known),
        shorthand=_shorthand(name, data.get("shorthand", {})),
        groups=groups,
        asks=_phrases(name, "asks", data.get("asks", []), known),
        past=_phrases(name, "past", data.get("past", []), known),
        over=_phrases(name, "over", data.get("over", []), known),
        now=_phrases(name, "now", data.get("now", []), known),
        jokes=_phrases(name, "jokes", data.get("jokes", []), known),
        joke_emoji=_emoji(name, "joke_emoji", data.get("joke_emoji", [])),
        figurative=_phrases(name, "figurative", data.get("figurative", []), known),
        play=_phrases(name, "play", data.get("play", []), known),
        collective=_phrases(name, "collective", data.get("collective", []), known),
        likeness=_phrases(name, "likeness", data.get("likeness", []), known),
        dates=_phrases(name, "dates", data.get("dates", []), known),
        model_file=folder / model.strip() if isinstance(model, str) and folder else None,
    )


def _shorthand(name: str, raw: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict):
        raise DataFileError(name, "shorthand", 'must be a table: [shorthand] "no1" = "no one"')
    out: list[tuple[str, str]] = []
    for key, value in raw.items():
        at = f"shorthand.{key}"
        if len(words(key)) != 1:
            raise DataFileError(name, at, "a shorthand key is one written word")
        if not isinstance(value, str) or not _LETTER_OR_DIGIT.search(value):
            raise DataFileError(name, at, "must be a string of plain words")
        if "@" in value or GAP in value.split() or "=" in value:
            raise DataFileError(name, at, "must be plain words, without @, = or ...")
        out.append((key, value))
    return tuple(out)


def _groups(name: str, raw: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(raw, dict):
        raise DataFileError(name, "groups", "must be a table of lists: [groups] name = [...]")
    out: list[tuple[str, tuple[str, ...]]] = []
    for key, entries in raw.items():
        at = f"groups.{key}"
        if not _GROUP_NAME.fullmatch(key):
            raise DataFileError(name, at, "a group name is lowercase letters, digits and _")
        for j, item in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(item, str) and ("@" in item or GAP in item.split()):
                raise DataFileError(name, f"{at}[{j}]", "a group entry cannot use @ or ...")
        items = _phrases(name, at, entries, set(), required=True)
        out.append((key, items))
    return tuple(out)


def _category(name: str, at: str, entry: object, groups: set[str]) -> Category:
    if not isinstance(entry, dict):
        raise DataFileError(name, at, "must be a [[categories]] table")
    _reject_unknown(name, f"{at}.", entry, _CATEGORY_KEYS)
    for key in ("id", "label", "description"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise DataFileError(name, f"{at}.{key}", "must be a non-empty string")
    if not _ID.fullmatch(entry["id"]):
        raise DataFileError(
            name, f"{at}.id", f"{entry['id']!r} must be lowercase words joined by hyphens"
        )
    phrases = _phrases(name, f"{at}.phrases", entry.get("phrases", []), groups)
    topics = _phrases(name, f"{at}.topics", entry.get("topics", []), groups)
    concerns = _phrases(name, f"{at}.concerns", entry.get("concerns", []), groups)
    hints = _phrases(name, f"{at}.hints", entry.get("hints", []), groups)
    if not phrases and not topics:
        raise DataFileError(name, f"{at}.phrases", "a category needs phrases or topics")
    negatable = entry.get("negatable", True)
    if not isinstance(negatable, bool):
        raise DataFileError(name, f"{at}.negatable", "must be true or false")
    now_only = entry.get("now_only", False)
    if not isinstance(now_only, bool):
        raise DataFileError(name, f"{at}.now_only", "must be true or false")
    playable = entry.get("playable", True)
    if not isinstance(playable, bool):
        raise DataFileError(name, f"{at}.playable", "must be true or false")
    emoji = _emoji(name, f"{at}.emoji", entry.get("emoji", []))
    return Category(
        id=entry["id"],
        label=entry["label"].strip(),
        description=" ".join(entry["description"].split()),
        phrases=phrases,
        topics=topics,
        concerns=concerns,
        hints=hints,
        negatable=negatable,
        now_only=now_only,
        playable=playable,
        emoji=emoji,
    )


def _emoji(name: str, at: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(e, str) and e.strip() for e in value):
        raise DataFileError(name, at, "must be a list of non-empty strings")
    return tuple(e.strip() for e in value)


def _phrases(
    name: str, at: str, value: object, groups: set[str], *, required: bool = False
) -> tuple[str, ...]:
    kind = "a non-empty list of strings" if required else "a list of strings"
    if not isinstance(value, list) or (required and not value):
        raise DataFileError(name, at, f"must be {kind}")
    for j, item in enumerate(value):
        if not isinstance(item, str):
            raise DataFileError(name, f"{at}[{j}]", f"must be {kind}")
        problem = _phrase_problem(item, groups)
        if problem:
            raise DataFileError(name, f"{at}[{j}]", f"{item!r} {problem}")
    return tuple(value)


def _words(name: str, at: str, value: object) -> tuple[str, ...]:
    items = _phrases(name, at, value, set())
    for j, item in enumerate(items):
        if len(item.split()) != 1 or item.startswith(("@", "=")):
            raise DataFileError(name, f"{at}[{j}]", f"{item!r} must be one plain word")
    return items


def _phrase_problem(phrase: str, groups: set[str]) -> str | None:
    parts = phrase.split()
    if not parts:
        return "is empty"
    if parts[0] == GAP or parts[-1] == GAP:
        return "cannot start or end with ..."
    for before, after in itertools.pairwise(parts):
        if before == GAP and after == GAP:
            return "has ... twice in a row"
    for part in parts:
        if part.startswith("@"):
            if part[1:] not in groups:
                known = ", ".join(sorted(groups)) or "none"
                return f"uses unknown group {part!r} (groups: {known})"
        elif part != GAP and not _LETTER_OR_DIGIT.search(part):
            return f"has a part {part!r} with no letters or digits"
    return None


def _reject_unknown(name: str, prefix: str, table: dict[str, Any], allowed: frozenset[str]) -> None:
    for key in table:
        if key not in allowed:
            raise DataFileError(
                name, f"{prefix}{key}", f"unknown key; expected one of {', '.join(sorted(allowed))}"
            )
