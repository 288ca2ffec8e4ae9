"""Agreement by meaning: who pressed which kind of button, counted once per person.

Each palette entry has a kind (``bot.questions.model.ReactionKind``). An answer's agreement is
the number of distinct people, other than its writer, who pressed at least one *agree* button
("me too", "good point", "same frustration"); "not sure" and "sending support" are shown but
never count as agreement. Its share is that number over the people present in the session
(everyone who answered or reacted).

An answer is labelled, by these thresholds (also in the README and at the end of every
digest):

- **broad agreement**: at least ``BROAD_MIN_PEOPLE`` people agreed, they are at least
  ``BROAD_MIN_SHARE`` of the people present, and no more than one person said "different
  for me" for every ``BROAD_AGREE_PER_DIFFER`` who agreed;
- **divided**: at least ``DIVIDED_MIN_EACH`` people agreed and at least as many said
  "different for me", and the smaller side is at least half the larger.

The two can never both hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from bot.digest.model import Consensus
from bot.questions.model import ReactionKind

BROAD_MIN_PEOPLE = 3
BROAD_MIN_SHARE = Fraction(1, 3)
BROAD_AGREE_PER_DIFFER = 4
DIVIDED_MIN_EACH = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class Stance:
    """The distinct people behind one answer's reactions, by kind."""

    agreed: frozenset[int]
    differed: frozenset[int]


def stance(
    writer: int,
    reactors: Iterable[tuple[int, str]],
    kinds: Mapping[str, ReactionKind],
    counts: Mapping[str, int],
) -> Stance:
    """Who agreed and who said "different for me", never counting the writer.

    ``counts`` is used only when no one-row-per-person data came with the answer (an older
    caller): the largest count of any agree button is then the least number who agreed."""
    agreed: set[int] = set()
    differed: set[int] = set()
    seen = False
    for person, emoji in reactors:  # one pass: a big session has hundreds of thousands
        seen = True
        kind = kinds.get(emoji)
        if person == writer or kind is None:
            continue
        if kind is ReactionKind.AGREE:
            agreed.add(person)
        elif kind is ReactionKind.DISAGREE:
            differed.add(person)
    if not seen and counts:
        return Stance(
            agreed=_anonymous(counts, kinds, ReactionKind.AGREE),
            differed=_anonymous(counts, kinds, ReactionKind.DISAGREE),
        )
    return Stance(agreed=frozenset(agreed), differed=frozenset(differed))


def consensus(agreed: int, differed: int, present: int) -> Consensus:
    """The label an answer earns (module docstring)."""
    if (
        agreed >= BROAD_MIN_PEOPLE
        # agreed >= BROAD_MIN_SHARE * present, in whole numbers (no Fraction per answer)
        and agreed * BROAD_MIN_SHARE.denominator >= BROAD_MIN_SHARE.numerator * present
        and differed * BROAD_AGREE_PER_DIFFER <= agreed
    ):
        return Consensus.BROAD
    both = agreed >= DIVIDED_MIN_EACH and differed >= DIVIDED_MIN_EACH
    if both and 2 * min(agreed, differed) >= max(agreed, differed):
        return Consensus.DIVIDED
    return Consensus.NONE


def thresholds_text() -> str:
    """The thresholds in words, for the end of every digest and the README."""
    share = BROAD_MIN_SHARE
    return (
        f"Broad agreement: at least {BROAD_MIN_PEOPLE} people agreed, that is at least "
        f"{share.numerator} in {share.denominator} of the people present, and no more than one "
        f'person said "different for me" for every {BROAD_AGREE_PER_DIFFER} who agreed. '
        f"Divided: at least {DIVIDED_MIN_EACH} people agreed and at least "
        f'{DIVIDED_MIN_EACH} said "different for me", and the smaller side is at least half '
        "the larger."
    )


def _anonymous(
    counts: Mapping[str, int], kinds: Mapping[str, ReactionKind], kind: ReactionKind
) -> frozenset[int]:
    most = max((n for e, n in counts.items() if kinds.get(e) is kind), default=0)
    return frozenset(-(i + 1) for i in range(most))  # stand-ins: counted, never named
