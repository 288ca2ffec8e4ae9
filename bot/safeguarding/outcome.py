"""The policy: what the screen does with an answer, given the evidence the lexicon found.

Three outcomes (``docs/privacy.md``, "The policy"):

- ``hold``: anything that may be harm now, to the writer or another young person, including
  indirect signs. Held back from the group; the lead is alerted; the writer is told a
  trusted adult will be in touch.
- ``inform_lead``: harm told as past and over, shared as context for a point. Shown to the
  group; the lead gets a low-priority note; the writer gets no alarming reply.
- ``share``: everything else.

When in doubt between hold and share, hold: a piece of evidence is *now* unless the words
around it say it is past and over. It is **past and over** when all of these are true:

1. the answer places what it tells in the past or says it is over: one of ``past``
   ("when i was little", "years ago", "at my old placement", "growing up", "when i was in
   care") in a sentence told in the past as in 2 and 3, or one of ``over`` anywhere ("im
   safe now", "not anymore", "its stopped", "im 22 now");
2. its sentence is told in the past tense: it has a past-tense verb ("was", "used", "got",
   "-ed": ``_PAST_VERBS``);
3. nothing says it is now: its clause has no word of ``now`` ("still", "again", "rn",
   "last night", "this week") nor a word of ``dates`` ("next week", "every day", "monday")
   in a part of a clause not told in the past ("got moved the next week" is past), and its
   part of the clause (up to a joining word such as "and", "but", "so") no present-tense
   verb: one of ``_PRESENT_VERBS`` ("is", "im",
   "keeps", "dont", "ive", "will") or a subject pronoun's verb that is not past ("i wish",
   "he hits"). The words of ``past`` and ``over`` phrases are left out ("im safe now" is
   not "im"), and so is a verb that explains ("which is why"), follows a past one
   ("didnt have"), or makes a perfect tense of a past one ("ive been groomed before",
   ``_PERFECT``; "ive been cutting" is present).

In a category marked ``now_only`` (bullying: "happening now and serious"), evidence in a part
of a clause told in the past (a past-tense verb, and nothing saying now as in 3) counts only
when it is past and over; otherwise it is not counted at all.

An answer with any evidence that is now is held (its categories are those of the evidence
that is now). One whose evidence is all past and over informs the lead (with those
categories). A request to talk privately (``asks``) is always now, with no category.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from bot.safeguarding.normalise import Word
from bot.safeguarding.screen_context import Evidence
from bot.safeguarding.screen_match import Kind, Match

_PAST_VERBS = frozenset({
    "was", "were", "wasnt", "werent", "had", "hadnt", "did", "didnt", "got", "went", "used",
    "made", "took", "left", "ran", "said", "kept", "saw", "came", "told", "put", "gave", "felt",
    "thought", "knew", "sent", "stole", "lost", "caught", "hid", "slept", "woke", "bought",
    "brought", "taught", "fought", "began", "became", "found", "heard", "met", "paid", "sat",
    "stood", "wore", "wrote", "drove", "threw", "beat", "broke", "fell", "ate", "drank", "spent",
    # the same in the present: read as past, so "he hit me when i was 8" is told in the past
    "hit", "cut", "hurt", "shut", "let", "set",
})  # fmt: skip
_PRESENT_VERBS = frozenset({
    "is", "am", "im", "are", "isnt", "arent", "aint", "keeps", "keep", "does", "doesnt", "dont",
    "cant", "has", "have", "hasnt", "havent", "ive", "theres", "gets", "goes", "says", "wants",
    "makes", "lets", "tells", "calls", "hits", "gonna", "wanna", "hes", "shes", "theyre",
    "youre", "its", "thats", "will", "wont", "ill", "theyll", "theyve", "weve", "youve",
})  # fmt: skip
_EXPLAINING = frozenset({"why", "how", "because", "cos"})
_PERFECT = frozenset({"ive", "have", "has", "weve", "theyve", "hes", "shes", "hasnt", "havent"})
_SUBJECTS = frozenset({"i", "we", "he", "she", "they", "you", "u"})
_JOINS = frozenset({"and", "but", "so", "then", "though", "tho", "although", "cos", "because"})
_ADVERBS = frozenset({
    "just", "really", "also", "still", "never", "always", "often", "sometimes", "basically",
    "literally", "actually", "even", "only", "then", "proper", "kinda", "lowkey", "usually",
    "honestly", "already", "finally", "properly", "sort", "kind", "totally", "all",
})  # fmt: skip
_NOT_FINITE = frozenset({
    "would", "could", "should", "might", "wouldnt", "couldnt", "shouldnt", "id", "and", "or",
    "but", "to", "me", "my", "him", "her", "them", "us", "too", "as", "who", "that", "if",
    "when", "so", "being", "a", "the", "in", "at", "on", "with", "for", "of", "from",
})  # fmt: skip
_NOT_TENSE = frozenset({
    "did", "didnt", "had", "hadnt", "to", "would", "wouldnt", "could", "couldnt", "should",
    "might", "used",
})  # fmt: skip
_NOT_PAST_ED = frozenset({
    "need", "bed", "shed", "red", "feed", "speed", "seed", "weed", "bleed", "indeed", "breed",
    "greed", "fed", "led", "wed",
})  # fmt: skip


class Outcome(enum.StrEnum):
    HOLD = "hold"
    INFORM_LEAD = "inform_lead"
    SHARE = "share"


@dataclass(frozen=True, slots=True)
class Judgement:
    """The lexicon's outcome for one answer, with the evidence sorted into now and past."""

    outcome: Outcome
    now: tuple[Evidence, ...]
    past: tuple[Evidence, ...]
    frame: tuple[Match, ...]  # the words that put the past evidence in the past


def judge(
    found: Sequence[Word],
    matches: Sequence[Match],
    evidence: Sequence[Evidence],
    now_only: frozenset[int] = frozenset(),
) -> Judgement:
    """Sort ``evidence`` into now and past-and-over by the rules of the module docstring."""
    if not evidence:
        return Judgement(Outcome.SHARE, (), (), ())
    framing = [m for m in matches if m.label[0] in (Kind.PAST, Kind.OVER)]
    in_frame = {i for m in framing for i in range(m.start, m.end)}
    segments = _segments(found)
    past_tense, past_parts, present = _tenses(found, segments, in_frame)
    now_clauses = {found[m.start].clause for m in matches if m.label[0] is Kind.NOW}
    now_clauses.update(
        found[m.start].clause
        for m in matches
        if m.label[0] is Kind.DATE
        and (segments[m.start] not in past_parts or segments[m.start] in present)
    )

    def said_now(i: int) -> bool:
        return found[i].clause in now_clauses or segments[i] in present

    frame = tuple(  # a past marker counts in a sentence told in the past, not now
        m
        for m in framing
        if m.label[0] is Kind.OVER
        or (found[m.start].sentence in past_tense and not said_now(m.start))
    )
    now: list[Evidence] = []
    past: list[Evidence] = []
    for e in evidence:
        if e.start < 0 or e.kind is Kind.ASK:
            now.append(e)
            continue
        if e.category in now_only and segments[e.start] in past_parts and not said_now(e.start):
            if frame:
                past.append(e)  # told in the past and framed; otherwise not counted
        elif frame and found[e.start].sentence in past_tense and not said_now(e.start):
            past.append(e)
        else:
            now.append(e)
    if not now and not past:
        return Judgement(Outcome.SHARE, (), (), ())
    outcome = Outcome.HOLD if now else Outcome.INFORM_LEAD
    return Judgement(outcome, tuple(now), tuple(past), frame if past else ())


def _segments(found: Sequence[Word]) -> list[int]:
    """Each word's part of its clause: a clause is cut again before a joining word ("but",
    "and"), so "i used to get bullied but im fine now" tells the bullying in the past."""
    out: list[int] = []
    part = 0
    for i, w in enumerate(found):
        if i and (w.clause != found[i - 1].clause or w.norm in _JOINS):
            part += 1
        out.append(part)
    return out


def _tenses(
    found: Sequence[Word], segments: Sequence[int], skip: set[int]
) -> tuple[set[int], set[int], set[int]]:
    """The sentences and the parts (``_segments``) with a past-tense verb, and the parts with
    a present one (words in ``skip`` left out): a word of ``_PRESENT_VERBS``, or the word
    after a subject pronoun (adverbs stepped over) when it is not past, a modal or a joining
    word ("i wish")."""
    past: set[int] = set()
    past_parts: set[int] = set()
    present: set[int] = set()
    for i, w in enumerate(found):
        if _is_past_verb(w.norm):
            past.add(w.sentence)
            past_parts.add(segments[i])
        elif i in skip:
            continue
        elif w.norm in _PRESENT_VERBS:
            if not _not_present(found, i):
                present.add(segments[i])
        elif w.norm in _SUBJECTS and _finite_present(_verb_after(found, i)):
            present.add(segments[i])
    return past, past_parts, present


def _verb_after(found: Sequence[Word], i: int) -> str | None:
    """The word after subject ``i`` in its clause, stepping over adverbs."""
    for w in found[i + 1 : i + 4]:
        if w.clause != found[i].clause:
            return None
        if w.norm not in _ADVERBS:
            return w.norm
    return None


def _finite_present(verb: str | None) -> bool:
    return verb is not None and verb not in _NOT_FINITE and not _is_past_verb(verb)


def _not_present(found: Sequence[Word], i: int) -> bool:
    """Whether present-tense word ``i`` explains ("which is why") or is not the tense of its
    clause ("didnt have", "had to keep")."""
    return (
        (i + 1 < len(found) and found[i + 1].norm in _EXPLAINING)
        or (i > 0 and found[i - 1].norm in _NOT_TENSE)
        or _perfect(found, i)
    )


def _perfect(found: Sequence[Word], i: int) -> bool:
    """Whether word ``i`` makes a perfect tense of a past verb ("ive been groomed", "has
    had"), not a present one ("ive been cutting")."""
    if found[i].norm not in _PERFECT or i + 2 >= len(found):
        return False
    been, verb = found[i + 1], found[i + 2]
    if been.clause != found[i].clause or verb.clause != been.clause:
        return False
    if been.norm == "had":
        return True
    return been.norm == "been" and _is_past_verb(verb.norm) and not verb.norm.endswith("ing")


def _is_past_verb(word: str) -> bool:
    return word in _PAST_VERBS or (
        len(word) > 4 and word.endswith("ed") and word not in _NOT_PAST_ED
    )
