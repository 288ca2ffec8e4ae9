"""Checks on a summary before it can be saved or posted.

Refused (one line each, nothing saved): an empty text; a ``[[…]]`` left for staff to fill
in; a mention that could ping people (``@everyone``, ``@here``, ``<@…>``, ``<!…>``); a word
young people asked adults not to use (an ``error`` row of ``prompts/language.toml``); more
characters than the platform takes in one message (``PLATFORM_LIMITS``); and a quote from any
young person's answer in the session, held and kept-out ones too (a quote could identify
someone): eight words in a row, or a whole answer of four words or more. Words are compared
in any alphabet, ignoring case, with curly apostrophes read as straight ones; the words of a
held or kept-out answer are never shown in the refusal.

Warned about, and saved all the same (staff decide): a reading age above 11
(``bot.language.readability``: Flesch-Kincaid grade + 5, offline; rough on short texts, so
a warning, not a refusal) and ``warn``-level words, each with the plainer words offered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.language.glossary import Glossary, Level, Term
from bot.language.match import Matcher
from bot.language.readability import TARGET_READING_AGE, Readability, measure

# The most characters one message can hold: Discord's message limit; Slack's advice for a
# message's text (it shows more behind "show more", and splits nothing); the local adapter
# as Slack. A summary over its session's limit is refused, never split or cut.
PLATFORM_LIMITS: dict[str, int] = {"discord": 2000, "slack": 4000, "local": 4000}
DEFAULT_LIMIT = 2000
QUOTE_WORDS = 8  # this many words in a row from an answer count as quoting it
WHOLE_ANSWER_WORDS = 4  # a whole answer this long or longer, word for word, is a quote
_TO_FILL = re.compile(r"\[\[.*?\]\]", re.S)
_MENTION = re.compile(r"@(everyone|here|channel)\b|<[@!#][^>]*>", re.I)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # letters and digits of any alphabet
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
PRIVATE_QUOTE = (
    "it repeats words from an answer only the safeguarding lead sees: no quotes in a summary"
)


def platform_limit(platform: str) -> int:
    return PLATFORM_LIMITS.get(platform, DEFAULT_LIMIT)


def too_long(text: str, platform: str) -> str | None:
    """Why ``text`` can't be posted on ``platform`` in one message, or ``None``."""
    limit = platform_limit(platform)
    if len(text) <= limit:
        return None
    return (
        f"the summary is {len(text):,} characters and {platform} takes {limit:,} in one "
        "message: shorten it. Nothing was posted"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryCheck:
    reading: Readability
    problems: tuple[str, ...]  # refused
    warnings: tuple[str, ...]  # saved all the same

    @property
    def reading_age(self) -> float:
        return self.reading.reading_age

    def report_lines(self) -> list[str]:
        age = f"Reading age {self.reading_age:.1f} (aim: {TARGET_READING_AGE:.0f} or under;"
        lines = [f"{age} {self.reading.working()}; Flesch-Kincaid grade + 5)."]
        lines += [f"refused: {p}" for p in self.problems]
        lines += [f"warning: {w}" for w in self.warnings]
        return lines


def check_summary(
    text: str,
    *,
    glossary: Glossary | None,
    platform: str | None = None,
    answers: Iterable[str] = (),
    private_answers: Iterable[str] = (),
) -> SummaryCheck:
    """``answers``: the session's answers staff may see; ``private_answers``: its held and
    kept-out ones, checked the same but never repeated in a refusal."""
    problems: list[str] = []
    warnings: list[str] = []
    if not text.strip():
        problems.append("the summary is empty")
    left = _TO_FILL.search(text)
    if left:
        problems.append(f"{left.group(0)} is still to be filled in")
    mention = _MENTION.search(text)
    if mention:
        problems.append(f"{mention.group(0)!r} could ping people: take it out")
    for term, found in _glossary_hits(text, glossary):
        offer = " or ".join(f'"{p}"' for p in term.prefer) or "other words"
        line = f'"{found}": young people asked adults to use {offer}'
        if term.level is Level.ERROR:
            problems.append(line)
        elif term.level is Level.WARN:
            warnings.append(line)
    if platform is not None and (why := too_long(text, platform)):
        problems.append(why.removesuffix(". Nothing was posted"))
    quoted = quoted_answer(text, answers)
    if quoted:
        problems.append(f'"{quoted}" is a young person\'s own words: no quotes in a summary')
    elif quoted_answer(text, private_answers):
        problems.append(PRIVATE_QUOTE)
    reading = measure(text)
    if reading.reading_age > TARGET_READING_AGE:
        warnings.append(
            f"reading age {reading.reading_age:.1f} is above {TARGET_READING_AGE:.0f}: "
            "shorter sentences and words help"
        )
    return SummaryCheck(reading=reading, problems=tuple(problems), warnings=tuple(warnings))


def words_of(text: str) -> list[str]:
    """``text``'s words, lower case (any alphabet), curly apostrophes made straight."""
    return _WORD.findall(text.translate(_APOSTROPHES).casefold())


def quoted_answer(text: str, answers: Iterable[str]) -> str | None:
    """A whole answer of ``WHOLE_ANSWER_WORDS`` words or more, or the first ``QUOTE_WORDS``
    words in a row of any answer, that appear in ``text``."""
    said = " " + " ".join(words_of(text)) + " "
    for answer in answers:
        words = words_of(answer)
        whole = " ".join(words)
        if WHOLE_ANSWER_WORDS <= len(words) < QUOTE_WORDS and f" {whole} " in said:
            return whole
        for start in range(len(words) - QUOTE_WORDS + 1):
            run = " ".join(words[start : start + QUOTE_WORDS])
            if f" {run} " in said:
                return run
    return None


def _glossary_hits(text: str, glossary: Glossary | None) -> Sequence[tuple[Term, str]]:
    if glossary is None:
        return []
    return [(hit.value, hit.text) for hit in _matcher(glossary).find(text)]


@lru_cache(maxsize=4)
def _matcher(glossary: Glossary) -> Matcher[Term]:
    return Matcher((phrase, row.inflect, row) for row in glossary.terms for phrase in row.phrases)
