"""Finding personal data in an answer and replacing it with a placeholder.

``scrub`` returns the answer with each piece of personal data replaced by ``[name]``,
``[phone]``, ``[email]``, ``[address]``, ``[school]`` or ``[handle]``, and the spans it
replaced, counted in the ORIGINAL text (invisible characters included). No model: patterns
and a shipped first-name list (``prompts/first-names.txt``). What it looks for, in the order
it claims text (a later kind never overlaps an earlier one):

- email: ``name@host.tld``, and "name at gmail dot com";
- handle: ``@name`` (not part of an email), and a username after "my snap/insta/tiktok…"
  ("my snap is jessxo_22", "add me on insta lily.m_08");
- phone: UK mobiles (07…) and landlines (01…, 02…, 03…), with +44 or 0, spaced, dashed or
  run together. Helpline numbers are NOT scrubbed: freephone 0800/0808 numbers, short codes
  such as Childline 0800 1111, Samaritans 116 123 and Shout 85258, and a few listed 03
  helplines. Young people share them with each other on purpose;
- address: a house number and street ("12 Oak Road", "flat 3, 4 High St"), a capitalised
  street after "live on/at" ("I live on Mill Lane"), and full UK postcodes ("M14 5RT",
  "ls61qr"). A postcode district alone ("M14") is an area, not an address, and is kept;
- school: capitalised names ending in Primary, Academy, High School, College and the like
  ("St Mary's Primary", "Kingsway High School"). Generic mentions ("my school", "Secondary
  school was hard") are kept, and so are school names written all in lower case;
- name: a first name from the list, in any case ("me and jess"), unless the list marks it as
  an everyday word (Grace, May, Will, Jordan…), in which case only when capitalised in the
  middle of a sentence ("I told Grace") and not right after "in", "on" and the like; month
  names only after a cue. Any capitalised word right after a cue is a name too ("my social
  worker Zsuzsanna", "Mrs Okafor"): cues are "my <role or relative>", "called", "named",
  "name is", and titles (Mr, Mrs, Ms, Miss, Mx, Dr), which are scrubbed with the name. A
  capitalised word after a name joins it ("Deborah Walsh").

Kept on purpose: towns, cities and countries (England, Wales, Leeds, Cardiff…: they are
where many people live and help staff read the answer), organisations (Childline, NSPCC,
CAMHS, the council), session aliases ("Calm Otter", "Gentle Robin"), and theme words.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path

from bot.alias import alias_candidates
from bot.core.errors import DataFileError
from bot.datafile import SHIPPED_PROMPTS_DIR, read_lines

DEFAULT_NAMES = SHIPPED_PROMPTS_DIR / "first-names.txt"
KINDS = ("name", "phone", "email", "address", "school", "handle")


def _split_words(words: str) -> list[str]:
    return words.split()


_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|(?<![\w.])[\w.]+ at (?:gmail|hotmail|yahoo|outlook|icloud|live|btinternet)"
    r" dot (?:com|co dot uk|co uk)\b",
    re.IGNORECASE,
)
_HANDLE_AT = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
_PLATFORM = r"(?:snap(?:chat)?|insta(?:gram)?|ig|tik ?tok|tt|twitter|discord|fb|facebook|threads)"
_HANDLE_CUE = re.compile(
    rf"\b(?:my|me on|on)\s+{_PLATFORM}(?:'s|’s)?\s*"
    r"(?P<marker>(?:user ?name|name|handle)?\s*(?:is|=|:|-|it'?s|its)\s*)?"
    r"(?P<handle>@?[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)",
    re.IGNORECASE,
)
_NOT_HANDLES = frozenset(
    _split_words(
        "a an the and or but is was so too my me it its dead private down broken blocked banned "
        "deleted gone hacked new old not on off rubbish fine same in at for to lol tbh and "
        "account page story"
    )
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d(?:[\s\-.)]{0,2}\d){8,9}(?!\d)"
)
_HELPLINES = frozenset({"03003300630", "03001233393", "03001231015"})
_POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]?|[A-PR-UWYZ]\d[A-HJKPSTUW])\s?"
    r"\d[ABD-HJLNP-UW-Z]{2}\b",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)
_STREET = (
    r"(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|court|ct|"
    r"place|pl|grove|gardens|gdns|terrace|hill|park|square|sq|row|mews|walk|view|rise|green|"
    r"parade|gate|vale|fields|yard|croft|meadow|boulevard|wharf)"
)
_NUMBERED_ADDRESS = re.compile(
    r"\b(?:(?:flat|apartment|apt|unit|room)\s*\d+[a-z]?\s*,?\s*)?\d{1,4}[a-z]?,?\s+"
    rf"(?P<street>(?:[A-Za-z][A-Za-z'’-]*\s+){{1,3}}?){_STREET}\b",
    re.IGNORECASE,
)
_CUED_ADDRESS = re.compile(
    r"\b(?:live|lives|living|lived|stay|stays|staying|stayed|moved)\s+(?:on|at|to|in)\s+"
    rf"(?P<address>(?:[A-Z][a-z'’]+\s+){{1,3}}(?i:{_STREET})\b)"
)
_STREET_STOP = frozenset(
    _split_words(
        "the a an in on at of to for and or with my our his her their this that these those "
        "times time years year days day weeks week months month minutes hours kids people "
        "brothers sisters friends mates placements homes schools different other same every "
        "was were is are be been i you we they he she it"
    )
)
_SCHOOL = re.compile(
    r"\b(?P<name>(?:(?:St\.?|Saint)\s+)?(?:[A-Z][\w'’-]*\s+){0,3}?[A-Z][\w'’-]*)\s+"
    r"(?P<kind>Primary School|Primary Academy|Catholic Primary School|Catholic Primary|"
    r"Catholic High School|Catholic High|Catholic School|C of E Primary|CofE Primary|"
    r"Church School|Infant School|Infants School|Infants|Junior School|Juniors|"
    r"Secondary School|High School|Community School|Community College|Grammar School|"
    r"Free School|Sixth Form College|Sixth Form|Academy|College|Grammar|Comprehensive|"
    r"Primary|High|School)\b"
)
_SCHOOL_GENERIC = frozenset(
    _split_words(
        "the my our a an at to in from of for and year new old special virtual secondary primary "
        "local boarding private state mainstream grammar sixth form high community catholic "
        "church free academy college school i we they he she it this that every another same "
        "different good bad best worst"
    )
)
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_POSSESSIVE_ENDINGS = frozenset({"'s", "’s", "'S", "’S"})
_SENTENCE_START = re.compile(r"(?:^|[.!?\n…]\s*|[\"“(]\s*)$")
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})
_ROLE = (
    r"(?:social worker|sw|worker|key ?worker|support worker|pa|personal adviser|iro|teacher|"
    r"mentor|carer|mum|mam|mom|dad|nan|nana|gran|grandma|grandad|auntie|aunt|uncle|cousin|"
    r"brother|sister|bro|sis|sibling|mate|friend|bestie|bf|gf|boyfriend|girlfriend|partner|"
    r"manager|therapist|counsellor|nurse|son|daughter|neighbour|stepdad|stepmum|advocate|"
    r"ex|fella)"
)
_CUE_BEFORE = re.compile(
    r"(?:\b(?:my|our|his|her|their)\s+"
    r"(?:(?:little|big|older|younger|old|new|ex|best|twin|foster|step|baby|half|birth|real)"
    rf"[\s-]+){{0,2}}{_ROLE}|\b(?:called|named|name is|name's|names|known as))"
    r"\s*(?:is|was|,|-|:)?\s*$",
    re.IGNORECASE,
)
_NAMING = re.compile(r"called|named|name|known as", re.IGNORECASE)
_TITLE_BEFORE = re.compile(r"\b(?P<title>Mr|Mrs|Ms|Miss|Mx|Dr|mr|mrs|ms|mx|dr)\.?\s+$")
_PLACE_WORDS = frozenset(
    _split_words(
        "in on at to from since until till by before after during last next this every of the a "
        "an early late mid end near"
    )
)
_MONTHS = frozenset(
    _split_words(
        "january february march april may june july august september october november december"
    )
)
# Capitalised words that are never a name, even after a cue ("my mum Always says").
_COMMON = frozenset(
    _split_words(
        """i the a an and but so or if when then he she they we you it is was are were be been
        has have had do does did not no yes never always just really still also said says told
        tells who what where why how this that these those my our your his her their me us him
        them at in on to from for with of by about as like because cos coz lol tbh ok okay sorry
        thanks hi hello childline samaritans nspcc camhs ofsted council school college social
        services care team leaving mum dad nan gran sir miss mr mrs ms dr one two three all some
        any every each much many more most other same new old good bad best worst got get gets
        went go goes goin going come came can cant could would should will wont might must
        there here now later today tomorrow yesterday honestly basically literally actually
        anyway maybe idk ngl omg well oh yeah yep nah nope monday tuesday wednesday thursday
        friday saturday sunday christmas easter england wales scotland ireland uk britain"""
    )
)


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One piece of personal data: ``text[start:end]`` of the original answer."""

    start: int
    end: int
    kind: str  # one of KINDS


@dataclass(frozen=True, slots=True)
class Scrubbed:
    """The answer with personal data replaced, and what was replaced (original offsets)."""

    text: str
    spans: tuple[PiiSpan, ...]


@dataclass(frozen=True, slots=True)
class FirstNames:
    """Lower-case first names: ``plain`` ones anywhere, ``ambiguous`` ones only when clear."""

    plain: frozenset[str]
    ambiguous: frozenset[str]


def load_first_names(path: Path) -> FirstNames:
    """Read a first-name list; raise ``DataFileError`` naming the line on a problem."""
    name = str(path)
    lines = read_lines(path)
    plain: set[str] = set()
    ambiguous: set[str] = set()
    for n, line in enumerate(lines, start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        word = entry.removesuffix("*")
        if not _TOKEN.fullmatch(word):
            raise DataFileError(
                name, f"line {n}", f"{entry!r} must be one name: letters, ' or -, and maybe a *"
            )
        (ambiguous if entry.endswith("*") else plain).add(_plain(word))
    if not plain and not ambiguous:
        raise DataFileError(name, "(file)", "has no names")
    return FirstNames(frozenset(plain - ambiguous), frozenset(ambiguous))


class Scrubber:
    """Finds and replaces personal data using one first-name list; build once, reuse."""

    def __init__(self, names: FirstNames) -> None:
        self._names = names
        pairs = {
            tuple(a.casefold().split()) for a in islice(alias_candidates(random.Random(0)), 900)
        }
        self._alias_pairs = frozenset(p for p in pairs if len(p) == 2)
        self._listed = names.plain | names.ambiguous | _MONTHS

    @classmethod
    def from_file(cls, path: Path) -> Scrubber:
        return cls(load_first_names(path))

    def find(self, text: str) -> tuple[PiiSpan, ...]:
        """The personal data in ``text``, in reading order, over the original text."""
        visible, origin = _visible(text)
        claimed: list[tuple[int, int, str]] = []
        for finder in (_emails, _handles, _phones, _addresses, _schools):
            _claim(claimed, finder(visible))
        _claim(claimed, self._names_in(visible, claimed))
        spans = []
        for start, end, kind in sorted(claimed):
            if origin is None:
                spans.append(PiiSpan(start, end, kind))
            else:
                spans.append(PiiSpan(origin[start], origin[end - 1] + 1, kind))
        return tuple(spans)

    def scrub(self, text: str) -> Scrubbed:
        spans = self.find(text)
        parts: list[str] = []
        at = 0
        for span in spans:
            parts.append(text[at : span.start])
            parts.append(f"[{span.kind}]")
            at = span.end
        parts.append(text[at:])
        return Scrubbed("".join(parts), spans)

    def _names_in(
        self, text: str, claimed: list[tuple[int, int, str]]
    ) -> list[tuple[int, int, str]]:
        tokens = list(_TOKEN.finditer(text))
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            start, end = token.span()
            word = token.group()
            if word[-2:] in _POSSESSIVE_ENDINGS:
                word = word[:-2]
            if not word[0].isupper() and _plain(word) not in self._listed:
                i += 1  # the common case: an everyday lower-case (or caseless) word
                continue
            if self._in_alias(tokens, i) or any(start < e and s < end for s, e, _ in claimed):
                i += 1
                continue
            end = start + len(word)
            before = text[max(0, start - 60) : start]
            title = _TITLE_BEFORE.search(before) if word[:1].isupper() else None
            if self._is_name(word, before, title is not None):
                if title is not None:
                    start -= len(before) - title.start()
                while i + 1 < len(tokens) and self._is_surname(text, end, tokens[i + 1]):
                    i += 1
                    end = tokens[i].start() + len(_POSSESSIVE.sub("", tokens[i].group()))
                out.append((start, end, "name"))
            i += 1
        return out

    def _is_name(self, word: str, before: str, after_title: bool) -> bool:
        key = _plain(word)
        capitalised = word[:1].isupper() and not word.isupper()
        listed = key in self._names.plain or key in self._names.ambiguous or key in _MONTHS
        if not listed and not capitalised:
            return False
        cue = _CUE_BEFORE.search(before)
        cued = after_title or cue is not None
        named = cue is not None and _NAMING.search(cue.group()) is not None
        if key in self._names.plain and key not in _MONTHS:
            return not word.isupper() or len(word) > 3 or cued
        if key in self._names.ambiguous or key in _MONTHS:
            if named or (cued and capitalised):
                return True  # "my sister April", "called grace"; not "my sw will sort it"
            if key in _MONTHS or not capitalised or _SENTENCE_START.search(before):
                return False
            previous = before.split()[-1:] or [""]
            return previous[0].casefold() not in _PLACE_WORDS
        return cued and capitalised and key not in _COMMON

    def _is_surname(self, text: str, end: int, token: re.Match[str]) -> bool:
        word = token.group()
        key = _plain(_POSSESSIVE.sub("", word).casefold())
        return (
            text[end : token.start()] == " "
            and word[:1].isupper()
            and not word.isupper()
            and key not in _COMMON
            and key not in _MONTHS
            and key not in self._names.ambiguous
        )

    def _in_alias(self, tokens: list[re.Match[str]], i: int) -> bool:
        """True if token ``i`` is half of a session alias ("Calm Otter", "Gentle Robin")."""
        word = tokens[i].group().casefold()
        before = tokens[i - 1].group().casefold() if i > 0 else ""
        after = tokens[i + 1].group().casefold() if i + 1 < len(tokens) else ""
        return (before, word) in self._alias_pairs or (word, after) in self._alias_pairs


def scrub(text: str) -> Scrubbed:
    """Scrub ``text`` with the shipped first-name list (loaded once)."""
    return default_scrubber().scrub(text)


@cache
def default_scrubber() -> Scrubber:
    return Scrubber.from_file(DEFAULT_NAMES)


def _visible(text: str) -> tuple[str, list[int] | None]:
    """``text`` without invisible characters and with full-width forms made plain, plus the
    original index of each character kept (None when nothing changed)."""
    if text.isascii() or (
        unicodedata.is_normalized("NFKC", text)
        and not any(unicodedata.category(c) == "Cf" for c in text if not c.isascii())
    ):
        return text, None
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            chars.append(ch)
            origin.append(i)
            continue
        if unicodedata.category(ch) == "Cf":
            continue
        plain = unicodedata.normalize("NFKC", ch)
        chars.append(plain if len(plain) == 1 else ch)
        origin.append(i)
    return "".join(chars), origin


@lru_cache(maxsize=8192)
def _plain(word: str) -> str:
    """A name without accents, for looking it up ("Siân" is "sian", "Łukasz" is "lukasz")."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_LETTERS)


_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})


def _claim(claimed: list[tuple[int, int, str]], spans: list[tuple[int, int, str]]) -> None:
    """Add each span that overlaps nothing claimed before it."""
    for span in spans:
        if not any(span[0] < e and s < span[1] for s, e, _ in claimed):
            claimed.append(span)


def _emails(text: str) -> list[tuple[int, int, str]]:
    if "@" not in text and " at " not in text:
        return []
    return [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]


def _handles(text: str) -> list[tuple[int, int, str]]:
    out = [(m.start(), m.end(), "handle") for m in _HANDLE_AT.finditer(text)] if "@" in text else []
    for m in _HANDLE_CUE.finditer(text):
        handle = m.group("handle")
        explicit = m.group("marker") or handle.startswith("@")
        looks_like = any(c.isdigit() or c in "_." for c in handle)
        if handle.casefold() in _NOT_HANDLES or not (explicit or looks_like):
            continue
        out.append((m.start("handle"), m.end("handle"), "handle"))
    return out


def _phones(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if m.group().lstrip("( ").startswith("+"):
            digits = digits[2:]
            digits = digits if digits.startswith("0") else "0" + digits
        if len(digits) not in (10, 11) or digits[1] not in "1237" or digits in _HELPLINES:
            continue
        start = m.start() + (m.group().startswith("(") and not m.group().startswith("(0"))
        out.append((start, m.end(), "phone"))
    return out


def _addresses(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    if not any(c.isdigit() for c in text):
        return [
            (m.start("address"), m.end("address"), "address") for m in _CUED_ADDRESS.finditer(text)
        ]
    for m in _NUMBERED_ADDRESS.finditer(text):
        street = m.group("street").split()
        if street and not any(w.casefold() in _STREET_STOP for w in street):
            out.append((m.start(), m.end(), "address"))
    for m in _CUED_ADDRESS.finditer(text):
        out.append((m.start("address"), m.end("address"), "address"))
    for m in _POSTCODE.finditer(text):
        if not _ORDINAL.search(m.group()):
            out.append((m.start(), m.end(), "address"))
    return out


def _schools(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for m in _SCHOOL.finditer(text):
        words = list(re.finditer(r"\S+", m.group("name")))
        while words and words[0].group().casefold().rstrip(".") in _SCHOOL_GENERIC:
            words.pop(0)
        saint = bool(words) and words[0].group().rstrip(".") in ("St", "Saint")
        names = [w for w in words[int(saint) :] if w.group().casefold() not in _SCHOOL_GENERIC]
        if names:
            out.append((m.start("name") + words[0].start(), m.end("kind"), "school"))
    return out
