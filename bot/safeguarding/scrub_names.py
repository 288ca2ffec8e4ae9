"""Finding people's names in an answer: the name lists and the rules that read them.

A word is a name when:

- it is on the first-name list, marked by how it is also used (see ``prompts/first-names.txt``):
  a plain name in any case ("me and kofi"); a ``^`` name when written with a capital, even
  first in a sentence ("Richard said"); a ``*`` name (an everyday word or place: Grace, Will,
  Preston) only when capitalised in the middle of a sentence and not right after "in", "to"
  and the like, or after a cue, or first in a sentence before "from the…" or "was my…"
  ("Mark from the council", "Blessing was my first carer"); month names only after a cue;
- it is capitalised and comes right after a cue: a title ("Mrs Okafor", scrubbed with the
  title), a role or relative ("my great aunty Akosua", "my youth worker Zsuzsanna"), "called",
  "named", "name is", "ask for"; or right before one ("Ifeoma, my old carer", "Lachlan is my
  foster brother");
- it is a family: "the McAlisters", "the Patels" (a plural whose singular is a listed name
  that is no everyday word, or a Mc/O' name), "the Smith-Jones family", "the Brown family";
- it is hyphenated, its parts capitalised, one of them a listed name that is no everyday word
  ("Smith-Jones", "Okonkwo-Davies"; not "Anglo-Saxon", "Self-Harm");
- it is a rare surname (``prompts/surnames.txt``, no mark) in the middle of a sentence and not
  right after "in", "to" and the like ("the only one who helped was Adeyemi").

A capitalised word after a name joins it ("Deborah Walsh"), and so does a listed surname in
lower case ("kofi mensah"). Kept: a word in ``COMMON`` (everyday words that follow a cue: "my
mum Always says"), session aliases and characters such as Tracy Beaker (checked by the
caller), and places, which the lists leave out or mark ``*``.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot import packed
from bot.core.errors import DataFileError
from bot.datafile import read_lines


def word_set(words: str) -> frozenset[str]:
    """The words of a string written as a wrapped paragraph (easier to read than a list)."""
    return frozenset(words.split())


_CARE = {"*": 2, "^": 1, "": 0}
TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_POSSESSIVE_ENDINGS = frozenset({"'s", "’s", "'S", "’S"})
_SENTENCE_ENDS = frozenset('.!?\n…:;"“(')
_ROLES = """social worker|sw|worker|keyworker|key worker|support worker|pa|personal adviser|
    personal advisor|iro|teacher|head|headteacher|head teacher|head of year|tutor|coach|ta|
    senco|mentor|carer|mum|mam|mom|mummy|mother|dad|daddy|father|nan|nana|nanna|nanny|gran|
    granny|grandma|grandmother|grandad|grandpa|grandfather|auntie|aunty|aunt|uncle|cousin|
    niece|nephew|godmother|godfather|godmum|goddad|brother|sister|bro|sis|sibling|stepbrother|
    stepsister|stepdad|stepmum|mate|m8|friend|pal|bestie|bezzie|bff|bf|gf|boyfriend|
    girlfriend|partner|wife|husband|fiance|fiancee|fiancé|fiancée|son|daughter|kid|baby|
    manager|boss|supervisor|therapist|counsellor|psychologist|doctor|gp|nurse|midwife|
    health visitor|neighbour|advocate|solicitor|lawyer|guardian|officer|landlord|landlady|
    housemate|flatmate|roommate|ex|fella|pastor|imam|vicar|priest"""
_ROLE_LIST = [r.strip() for r in _ROLES.split("|")]
_ROLE = "(?:" + "|".join(re.escape(r).replace(r"\ ", r"\s+") for r in _ROLE_LIST) + ")"
_OWNER = r"(?:my|our|his|her|their|ur|your)"
# The last word of a cue before a name: quick to test before the cue's pattern is tried.
_CUE_LAST = frozenset(r.split()[-1] for r in _ROLE_LIST) | word_set(
    "called named is was name's names as for"
)
_CUE_BEFORE = re.compile(
    rf"(?:\b{_OWNER}\s+(?:[\w'-]+[\s-]+){{0,2}}?{_ROLE}"
    r"|\b(?:called|named|name is|name's|names|known as|ask(?:ed)? for))"
    r"\s*(?:is|was|,|-|:)?\s*$",
    re.IGNORECASE,
)
_CUE_AFTER = re.compile(
    rf"(?:,\s*|\s+(?:is|was|-)\s+){_OWNER}\s+(?:[\w'-]+[\s-]+){{0,2}}?{_ROLE}\b(?!['’])",
    re.IGNORECASE,
)
_NAMING = re.compile(r"called|named|name|known as", re.IGNORECASE)
_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|mr|mrs|ms|mx|dr)\.?\s+$")
_FROM_AFTER = re.compile(rf"\s+from\s+(?:the|{_OWNER})\s", re.IGNORECASE)
_FAMILY_AFTER = re.compile(r"\s+(?:family|families|household|fam)\b", re.IGNORECASE)
_CLAN = re.compile(r"(?:Mc|O['’])[A-Z][a-z]+")
_PLACE_WORDS = word_set(
    """in on at to from since until till by before after during last next this every of the a
    an early late mid end near into around across"""
)
# First parts of hyphenated words that are not names ("Anglo-Saxon", "Afro-Caribbean").
_PREFIXES = word_set(
    """anglo afro indo sino euro greco franco pre post anti non pro neo ex mid co self semi
    multi inter trans sub super ultra half step mini mega"""
)
_MONTHS = word_set(
    "january february march april may june july august september october november december"
)
# Capitalised words that are never a name, even after a cue ("my mum Always says").
COMMON = word_set(
    """i the a an and but so or if when then he she they we you it is was are were be been
    has have had do does did not no yes never always just really still also said says told
    tells who what where why how this that these those my our your his her their me us him
    them at in on to from for with of by about as like because cos coz lol tbh ok okay sorry
    thanks hi hello childline samaritans nspcc camhs ofsted council school college social
    services care team leaving mum dad nan gran sir miss mr mrs ms dr one two three all some
    any every each much many more most other same new old good bad best worst got get gets
    went go goes goin going come came can cant could would should will wont might must
    there here now later today tomorrow yesterday tonight honestly basically literally
    actually anyway maybe idk ngl omg well oh yeah yep nah nope monday tuesday wednesday
    thursday friday saturday sunday christmas easter eid ramadan diwali england wales
    scotland ireland uk britain sometimes plus even only both since until once after before
    while whilst though although unless whenever wherever still again too very also then
    first last next everyone everybody someone somebody nobody anyone nothing something
    everything police nhs gp become barnardos barnardo's coram kooth shout mind shelter
    nyas cafcass voices who which whose whom there's that's it's im i'm ive i've dont don't
    didnt didn't cant can't wasnt wasn't isnt isn't family foster birth royal host adoptive
    kinship extended whole nice lovely real different help advice support however
    meanwhile otherwise instead overall btw hey wow bruh guys yo ugh hmm um erm tho besides
    anyways alright right fine sure true lmao haha hahaha tories simpsons flintstones
    incredibles i'd i'll id ill"""
) | frozenset(r for r in _ROLE_LIST if " " not in r)


@dataclass(frozen=True, slots=True)
class FirstNames:
    """Lower-case first names by how they are matched (see ``prompts/first-names.txt``).

    ``plain``: in any case; ``ambiguous`` (``*``): only when clearly a name; ``proper``
    (``^``): when capitalised, wherever it stands.
    """

    plain: frozenset[str]
    ambiguous: frozenset[str]
    proper: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Surnames:
    """Lower-case surnames: ``distinct`` ones (no word), of which the ``rare`` ones are names
    even alone ("Okafor"), and ``everyday`` ones that are also words ("Brown")."""

    distinct: frozenset[str] = field(default_factory=frozenset)
    everyday: frozenset[str] = field(default_factory=frozenset)
    rare: frozenset[str] = field(default_factory=frozenset)


def read_name_list(path: Path) -> dict[str, str]:
    """Each name in a list file (folded) with its mark: ``""``, ``"*"`` or ``"^"``."""
    name = str(path)
    out: dict[str, str] = {}
    for n, line in enumerate(read_lines(path), start=1):
        entry = line.strip()
        if not entry or entry[0] == "#":
            continue
        mark = entry[-1] if entry[-1] in _CARE else ""
        word = entry[:-1] if mark else entry
        # isalpha first: it settles nearly every line of a 27,000-name list at C speed
        if not (word.isalpha() or TOKEN.fullmatch(word)):
            raise DataFileError(
                name, f"line {n}", f"{entry!r} must be one name: letters, ' or -, and maybe * or ^"
            )
        key = word.lower() if word.isascii() else fold(word)
        # A name listed twice keeps its most careful mark: * over ^ over none.
        if key not in out or _CARE[mark] > _CARE[out[key]]:
            out[key] = mark
    if not out:
        raise DataFileError(name, "(file)", "has no names")
    return out


def load_first_names(path: Path) -> FirstNames:
    """Read a first-name list; raise ``DataFileError`` naming the line on a problem."""
    marks = read_name_list(path)
    return FirstNames(
        plain=frozenset(k for k, m in marks.items() if m == ""),
        ambiguous=frozenset(k for k, m in marks.items() if m == "*"),
        proper=frozenset(k for k, m in marks.items() if m == "^"),
    )


def load_surnames(path: Path) -> Surnames:
    """Read a surname list (see ``prompts/surnames.txt`` for the marks)."""
    marks = read_name_list(path)
    return Surnames(
        distinct=frozenset(k for k, m in marks.items() if m != "*"),
        everyday=frozenset(k for k, m in marks.items() if m == "*"),
        rare=frozenset(k for k, m in marks.items() if m == ""),
    )


class _Context:
    """Where a candidate word stands in the text; each look is made only when asked."""

    __slots__ = ("end", "start", "text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end

    def cue(self) -> re.Match[str] | None:
        """A cue right before the word ("my sw", "called"), found cheaply when there is none."""
        words = self.text[max(0, self.start - 30) : self.start].split()[-2:]
        tail = [w.strip(",:-").casefold() for w in words]
        if not any(w in _CUE_LAST for w in tail):
            return None
        return _CUE_BEFORE.search(self.text, max(0, self.start - 60), self.start)

    def followed_by(self, pattern: re.Pattern[str]) -> bool:
        return pattern.match(self.text, self.end, self.end + 60) is not None

    def previous_word(self) -> str:
        words = self.text[max(0, self.start - 20) : self.start].split()
        return words[-1].casefold() if words else ""

    def starts_sentence(self) -> bool:
        j = self.start - 1
        while j >= 0 and self.text[j] in " \t":
            j -= 1
        return j < 0 or self.text[j] in _SENTENCE_ENDS


# What a listed word is, as bits of one number per word (``NameFinder._kinds``): one dict of
# 25,000 names instead of ten sets of them, a third of the memory.
_PLAIN, _AMBIGUOUS, _PROPER, _MONTH = 1, 2, 4, 8  # first names by mark; month names
_SURNAME, _EVERYDAY_SURNAME, _RARE_SURNAME = 16, 32, 64  # distinct (no word), everyday, rare
_DISTINCT = _PLAIN | _PROPER | _SURNAME  # a name that is no everyday word
_ANY_NAME = _DISTINCT | _AMBIGUOUS | _EVERYDAY_SURNAME
_LISTED = _PLAIN | _AMBIGUOUS | _PROPER | _MONTH  # a first name (or month) in any case
_KIND_CODE = "B"  # the bits fit in a byte


class NameFinder:
    """The name rules over one pair of lists; ``find`` returns (start, end, "name") spans."""

    _kinds: dict[str, int]

    def __init__(self, first: FirstNames, surnames: Surnames) -> None:
        kinds: dict[str, int] = {}
        for names, kind in (
            (first.plain, _PLAIN),
            (first.ambiguous, _AMBIGUOUS),
            (first.proper, _PROPER),
            (_MONTHS, _MONTH),
            (surnames.distinct, _SURNAME),
            (surnames.everyday, _EVERYDAY_SURNAME),
            (surnames.rare, _RARE_SURNAME),
        ):
            for name in names:
                kinds[name] = kinds.get(name, 0) | kind
        self._kinds = kinds

    def to_packed(self) -> packed.Packed:
        """The lists as read, for a cache (``Scrubber.from_file``): names one a line, and
        what each is."""
        kinds = array(_KIND_CODE, self._kinds.values())
        return packed.Packed({"names": "\n".join(self._kinds)}, {"kinds": kinds})

    @classmethod
    def from_packed(cls, data: packed.Packed) -> NameFinder:
        """The finder ``to_packed`` was given (``ValueError`` if the parts don't fit)."""
        names, kinds = str(data.header["names"]).split("\n"), data.arrays["kinds"]
        if kinds.typecode != _KIND_CODE or len(names) != len(kinds) or not names[0]:
            raise ValueError("the names do not fit what they are")
        finder = cls.__new__(cls)
        finder._kinds = dict(zip(names, kinds, strict=True))
        return finder

    def _is(self, key: str, kinds: int) -> bool:
        return bool(self._kinds.get(key, 0) & kinds)

    def is_listed(self, key: str) -> bool:
        return self._is(key, _LISTED)

    def _alone(self, key: str) -> bool:
        """A rare surname that is no first name."""
        kinds = self._kinds.get(key, 0)
        return bool(kinds & _RARE_SURNAME) and not kinds & _LISTED

    def find(
        self, text: str, tokens: list[re.Match[str]], skip: list[bool]
    ) -> list[tuple[int, int, str]]:
        """Name spans among ``tokens`` of ``text``, leaving out those marked in ``skip``."""
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            word = token.group()
            if word[-2:] in _POSSESSIVE_ENDINGS:
                word = word[:-2]
            if skip[i] or (
                not word[0].isupper()
                and not self._kinds.get(
                    word if word.isascii() and word.islower() else fold(word), 0
                )
                & _LISTED
            ):
                i += 1  # the common case: an everyday lower-case (or caseless) word
                continue
            start = token.start()
            end = start + len(word)
            title = (
                _TITLE_BEFORE.search(text, max(0, start - 6), start) if word[0].isupper() else None
            )
            if self._is_name(word, _Context(text, start, end), title is not None):
                if title is not None:
                    start = title.start()
                while (
                    i + 1 < len(tokens)
                    and not skip[i + 1]
                    and self._joins(text, end, tokens[i + 1])
                ):
                    i += 1
                    joined = tokens[i].group()
                    end = tokens[i].end() - 2 * (joined[-2:] in _POSSESSIVE_ENDINGS)
                out.append((start, end, "name"))
            i += 1
        return out

    def _is_name(self, word: str, at: _Context, after_title: bool) -> bool:
        key = fold(word)
        capitalised = word[:1].isupper() and not word.isupper()
        kinds = self._kinds.get(key, 0)
        if key in _MONTHS or kinds & _AMBIGUOUS:
            return self._is_ambiguous_name(key, capitalised, at, after_title)
        if kinds & _PLAIN:
            return not word.isupper() or len(word) > 3 or after_title or at.cue() is not None
        if kinds & _PROPER:
            if len(word) <= 3 and word.isupper():
                return after_title or at.cue() is not None  # "SOS", "NAS"
            return capitalised or after_title or at.cue() is not None
        if not capitalised or key in COMMON:
            return False
        if after_title or at.cue() is not None or self._cued_after(key, at):
            return True
        if self._alone(key) and self._is_alone(at):
            return True
        return self._is_family(word, key, at) or self._is_compound(word)

    def _is_alone(self, at: _Context) -> bool:
        """A rare surname on its own: "ask Okafor", "Okafor from the council"; not "in Hulme"."""
        if at.starts_sentence():
            return at.followed_by(_FROM_AFTER) or at.followed_by(_CUE_AFTER)
        return at.previous_word() not in _PLACE_WORDS

    def _is_ambiguous_name(
        self, key: str, capitalised: bool, at: _Context, after_title: bool
    ) -> bool:
        cue = None if after_title else at.cue()
        named = cue is not None and _NAMING.search(cue.group()) is not None
        if named or ((after_title or cue is not None) and capitalised):
            return True  # "my sister April", "called grace"; not "my sw will sort it"
        if key in _MONTHS or not capitalised:
            return False
        if at.starts_sentence():
            # "Mark from the council came", "Blessing was my first foster carer"
            return at.followed_by(_FROM_AFTER) or at.followed_by(_CUE_AFTER)
        return at.previous_word() not in _PLACE_WORDS

    def _cued_after(self, key: str, at: _Context) -> bool:
        """ "Ifeoma, my old carer", "Lachlan is my foster brother" (not "Luckily my sw…")."""
        return not key.endswith("ly") and at.followed_by(_CUE_AFTER)

    def _is_family(self, word: str, key: str, at: _Context) -> bool:
        """ "the McAlisters", "the Patels", "the Smith-Jones family"."""
        if at.previous_word() != "the":
            return False
        if at.followed_by(_FAMILY_AFTER):
            return True
        if "-" in word and word.endswith("s"):
            return self._is_compound(word, _ANY_NAME)  # "the Hamilton-Smiths"
        for ending in ("es", "s"):
            if key.endswith(ending) and self._is(key[: -len(ending)], _DISTINCT):
                return True
        return _CLAN.fullmatch(word[:-1]) is not None and word.endswith("s")

    def _is_compound(self, word: str, names: int = _DISTINCT) -> bool:
        """ "Smith-Jones": capitalised parts, one of them a listed name that is no word."""
        parts = word.split("-")
        if not 1 < len(parts) <= 3 or not all(p[:1].isupper() for p in parts):
            return False
        keys = [fold(p) for p in parts]
        if keys[-1].endswith("s") and not self._is(keys[-1], _DISTINCT):
            keys[-1] = keys[-1][:-1]  # "the Hamilton-Smiths"
        if any(k in COMMON or k in _PREFIXES or len(k) < 2 for k in keys):
            return False
        return any(self._is(k, names) for k in keys)

    def _joins(self, text: str, end: int, token: re.Match[str]) -> bool:
        """A word right after a name that is part of it ("Deborah Walsh", "kofi mensah")."""
        if text[end : token.start()] != " ":
            return False
        word = token.group()
        if word[-2:] in _POSSESSIVE_ENDINGS:
            word = word[:-2]
        key = fold(word)
        kinds = self._kinds.get(key, 0)
        if key in COMMON or key in _MONTHS or kinds & _AMBIGUOUS:
            return False
        if word[:1].isupper() and not word.isupper():
            return True
        return word.islower() and bool(kinds & _SURNAME) and not kinds & _LISTED


@lru_cache(maxsize=16384)
def fold(word: str) -> str:
    """A name without accents, for looking it up ("Siân" is "sian", "Łukasz" is "lukasz")."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_LETTERS).replace("’", "'")


_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "ə": "e"}
)
